"""Rules grouped by system: each rule of a scenario belongs to the system of the reporting it
rebuilds (the built-in scenario that defines a rule of that name, e.g. the Tianjin petitioner
checklist or the Nanning hotel rules), or else to its triage category. The headline is then
shown per system, so two rules at chance level cannot hide behind the others."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb

from custodiet.audit.sim._rules import DEFAULT_HORIZON, overall_metrics
from custodiet.engine import Session
from custodiet.scenario import Scenario, builtin_scenarios, load_scenario


def systems_of(scenario: Scenario) -> dict[str, str]:
    """Each rule's name → its system: the first built-in scenario (by name, other than
    ``default``) with a rule of that name, else the rule's category."""
    owner: dict[str, str] = {}
    for name, path in sorted(builtin_scenarios().items()):
        if name == "default" or name == scenario.name:
            continue
        for rule in load_scenario(path).rules:
            owner.setdefault(rule.name, name)
    if scenario.name != "default" and scenario.name in builtin_scenarios():
        return {r.name: scenario.name for r in scenario.rules}
    return {r.name: owner.get(r.name, r.category) for r in scenario.rules}


def system_metrics(con: duckdb.DuckDBPyConnection, *, systems: Mapping[str, str],
                   rules: Mapping[str, Sequence[str]], days: int,
                   horizon: int = DEFAULT_HORIZON) -> list[dict]:
    """Per system: its rules and the all-rules figures over its rules' alerts only."""
    alerts = con.execute("SELECT * FROM alerts").to_arrow_table()
    incidents = con.execute("SELECT * FROM incidents").to_arrow_table()
    out = []
    with Session() as s:
        s.register("incidents", incidents)
        s.register("all_alerts", alerts)
        for system in sorted(set(systems.values())):
            members = sorted(r for r, sy in systems.items() if sy == system)
            s.register("alerts", s.query("SELECT * FROM all_alerts WHERE rule IN "
                                         "(SELECT unnest($rules::VARCHAR[]))", rules=members))
            figures = overall_metrics(s.con, rules={r: rules[r] for r in members}, days=days,
                                      horizon=horizon)
            s.unregister("alerts")
            out.append({"system": system, "rules": members, **figures})
    return out
