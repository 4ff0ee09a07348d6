"""The twins of one seed's audit: the watched run against the twin without response (what
the police can compute against what was true, what acting stopped), interception and deterrence
split by whom they concern, and the null world's alerts rule by rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from custodiet.audit.sim._null import aim_of, null_rows
from custodiet.audit.sim._rules import Claim, alert_hits, overall_metrics
from custodiet.audit.sim._scoring import wrongdoing_claims
from custodiet.audit.sim._sections import (
    Prevented,
    RuleFigures,
    Split,
    Stopped,
    TwinPrecision,
    Twins,
)
from custodiet.audit.sim._split import split_difference
from custodiet.audit.sim._stopped import stopped_by_acting
from custodiet.audit.sim._twins import prevented_by_kind, seen_versus_true_precision
from custodiet.engine import Session

Con = duckdb.DuckDBPyConnection


@dataclass(frozen=True)
class SeedRuns:
    """One seed's runs, open, handed to the audit: the ``watch`` run and each twin that ran
    (None when it did not): no police response, no red list, a null world (nobody does
    anything unlawful), no system."""

    watch: Con
    no_response: Con | None = None
    no_redlist: Con | None = None
    null_world: Con | None = None
    no_system: Con | None = None

    @classmethod
    def of(cls, runs: SeedRuns | Mapping[str, Con]) -> SeedRuns:
        """The bundle of ``runs`` (a mapping from run name to connection is read by name)."""
        return runs if isinstance(runs, SeedRuns) else cls(**runs)


def has_table(con: Con, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                            [name]).fetchone()[0])



def _response_twin(watch: Con, twin: Con, overall: RuleFigures, *, rules: dict[str, Claim],
                   days: int, horizon: int) -> dict[str, Any]:
    actual = watch.execute("SELECT * FROM incidents").to_arrow_table()
    without = twin.execute("SELECT * FROM incidents").to_arrow_table()
    alerts = watch.execute("SELECT * FROM alerts").to_arrow_table()
    wrongdoing = wrongdoing_claims(rules)
    with Session() as s:
        s.register_all({"alerts": alerts, "incidents": without})
        true_overall = overall_metrics(s.con, rules=wrongdoing, days=days, horizon=horizon)
        true_hits = alert_hits(s.con, rules=wrongdoing, horizon=horizon)
    stopped = Stopped(**stopped_by_acting(watch, twin, rules=rules, horizon=horizon))
    return {"prevented_by_kind": Prevented.of(prevented_by_kind(actual, without)),
            "stopped": stopped,
            "precision_by_rule": TwinPrecision.of(seen_versus_true_precision(
                alerts, actual, without, rules=rules, days=days, horizon=horizon)),
            "precision_seen": overall.precision, "precision_true": true_overall["precision"],
            "true_hits": true_hits}


def _incidents(con: Con) -> pa.Table:
    return con.execute("SELECT * FROM incidents").to_arrow_table()


def exposed_persons(con: Con) -> pa.Table:
    """Persons the watch exposes in a run: on a list (whose existence they know of), with a
    camera at their home, or acted on (``person``)."""
    parts = ["SELECT person FROM actions"]
    if has_table(con, "list_changes"):
        parts.append("SELECT person FROM list_changes")
    if has_table(con, "cameras"):
        parts.append("SELECT p.person_id FROM persons p JOIN cameras c "
                     "ON c.place_id = p.home_place")
    return con.execute("SELECT DISTINCT person FROM (" + " UNION ALL ".join(parts) + ")"
                       ).to_arrow_table()


def _splits(runs: SeedRuns) -> dict[str, Any]:
    """Interception (``no_response`` vs ``watch``, touched = acted on) and deterrence
    (``no_system`` vs ``no_response``, touched = exposed), each split by whom it concerns."""
    out: dict[str, Any] = {}
    watch = runs.watch
    ties = watch.execute("SELECT a, b FROM ties").to_arrow_table()
    if runs.no_response is not None:
        acted = watch.execute("SELECT DISTINCT person FROM actions").to_arrow_table()
        visited = watch.execute("SELECT DISTINCT person FROM actions WHERE kind = 'visit'"
                                ).to_arrow_table()
        out["interception_by_kind"] = Split.of(split_difference(
            _incidents(watch), _incidents(runs.no_response), touched=acted, ties=ties,
            visited=visited))
        if runs.no_system is not None:
            out["deterrence_by_kind"] = Split.of(split_difference(
                _incidents(runs.no_response), _incidents(runs.no_system),
                touched=exposed_persons(runs.no_response), ties=ties))
    return out


def twins_of(runs: SeedRuns, overall: RuleFigures, *, rules: dict[str, Claim],
           days: int, horizon: int, nulls: pa.Table | None) -> Twins | None:
    parts: dict[str, Any] = {}
    if runs.no_response is not None:
        parts.update(_response_twin(runs.watch, runs.no_response, overall, rules=rules,
                                    days=days, horizon=horizon))
        parts.update(_splits(runs))
    if nulls is not None:
        parts["null_world_alerts_by_rule"] = null_rows(
            nulls, {r: aim_of(c.kinds) for r, c in rules.items()},
            has_base=runs.no_response is not None)
    return Twins(**parts) if parts else None
