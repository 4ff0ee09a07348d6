"""How each rule of a scenario is scored: what it claims (incident kinds, detection or
prediction), which rules the wrongdoing figures pool, and where a rule's alerts are matched
(the watched run, or the twin without response for a rule whose action prevents the act)."""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pyarrow as pa

from custodiet.audit.sim._innocent_rows import rule_innocent_rows
from custodiet.audit.sim._lift import lift_with_hits
from custodiet.audit.sim._null import aim_of
from custodiet.audit.sim._pooled_rows import RuleClaim
from custodiet.audit.sim._preventive import PREVENTIVE_ACTIONS, against_twin, replace_rules
from custodiet.audit.sim._rules import Claim, claim_for, rule_metrics
from custodiet.scenario import Scenario
from custodiet.schema import ADMINISTRATIVE_INCIDENT_KINDS

Con = duckdb.DuckDBPyConnection

WRONGDOING_AIMS = frozenset({"unlawful_act", "standing"})
"""The aims (:func:`custodiet.audit.sim._null.aim_of`) of a rule that claims wrongdoing."""


def claims(scenario: Scenario) -> dict[str, Claim]:
    """Each rule's name → its claim: the incident kinds it claims, and whether it detects
    them as they happen or predicts them."""
    return {r.name: claim_for(r) for r in scenario.rules}


def rule_claims(scenario: Scenario) -> list[RuleClaim]:
    """What each rule of ``scenario`` claims and how the audit scores it (for the answers)."""
    out = []
    for r in scenario.rules:
        c = claim_for(r)
        out.append(RuleClaim(
            rule=r.name, kinds=list(c.kinds), scored_as=c.scored_as, action=r.action,
            status_only=all(k in ADMINISTRATIVE_INCIDENT_KINDS for k in c.kinds),
            preventive=r.action in PREVENTIVE_ACTIONS))
    return out


def wrongdoing_claims(rules: Mapping[str, Claim]) -> dict[str, Claim]:
    """The rules that claim some wrongdoing: some unlawful act or standing state
    (:func:`custodiet.audit.sim._null.aim_of`). A rule that claims only an administrative
    status (the meters' crowded rentals) or only lawful acts (petitions, protests) can never
    raise a true alert under the one definition of guilt, so the pooled wrongdoing figures
    leave it out; its alerts are counted apart (``status_only_alerts``), its people in every
    burden figure."""
    return {r: c for r, c in rules.items() if aim_of(c.kinds) in WRONGDOING_AIMS}


def scored(watch: Con, no_response: Con | None, scenario: Scenario, rules: dict[str, Claim],
           *, seed: int) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """Each rule's figures, lift, alert outcomes and flagged people (``rule_innocent_rows``):
    from the watched run, except a rule whose action prevents what it predicts, scored
    against the twin without response when it ran (and only there: its figures against the
    watched run would be thrown away)."""
    days, horizon = scenario.world.days, scenario.audit.horizon_minutes
    lists = {r.name: list(r.lists) for r in scenario.rules}
    preventive = ({r.name: rules[r.name] for r in scenario.rules
                   if r.action in PREVENTIVE_ACTIONS} if no_response is not None else {})
    twin = (against_twin(watch, no_response, rules=preventive, lists=lists, days=days,
                         horizon=horizon, seed=seed) if preventive else None)
    kept = {r: c for r, c in rules.items() if r not in preventive}
    if twin is not None and not kept:
        return twin
    figures = rule_metrics(watch, rules=kept, days=days, horizon=horizon)
    lift, hits = lift_with_hits(watch, rules=kept, days=days, horizon=horizon, seed=seed,
                                lists=lists, metrics=figures)
    innocents = rule_innocent_rows(watch, rules=kept, horizon=horizon)
    if twin is None:
        return figures, lift, hits, innocents
    return (replace_rules(figures, twin[0]), replace_rules(lift, twin[1]),
            replace_rules(hits, twin[2]), replace_rules(innocents, twin[3]))
