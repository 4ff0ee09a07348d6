"""Rules whose action prevents what they predict, scored against the twin without response.

A blocked ticket or a detention stops the trip the alert predicted, so in the run with the
response the alert can never be shown right: the police see it as false (NYT-18). Such a rule
(its action in ``PREVENTIVE_ACTIONS``) is scored for what it claims on the twin city where
nobody acted: its alerts, as raised in the watched run, matched against the incidents of the
twin without response. What the police can compute stays in the knowability section.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.audit.sim._innocent_rows import rule_innocent_rows
from custodiet.audit.sim._lift import lift_with_hits
from custodiet.audit.sim._rules import Claim, rule_metrics

#: Police actions that prevent what an alert predicts (``schema.POLICE_ACTIONS``' names).
PREVENTIVE_ACTIONS: frozenset[str] = frozenset({"block_travel", "detain"})


def against_twin(watch: duckdb.DuckDBPyConnection, twin: duckdb.DuckDBPyConnection, *,
                 rules: Mapping[str, Claim], lists: Mapping[str, list[str]], days: int,
                 horizon: int, seed: int) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """The ``rules``' figures (``rule_metrics``), lift and alert outcomes (``lift_with_hits``)
    and the people they flagged (``rule_innocent_rows``) with the watched run's alerts and
    lists but the twin's incidents: read from a cursor on the watched run whose
    ``incidents`` are the twin's, registered over the watched run's."""
    scoring = watch.cursor()  # the watched run's tables, its own relations
    try:
        scoring.register("incidents", twin.execute("SELECT * FROM incidents").to_arrow_table())
        figures = rule_metrics(scoring, rules=rules, days=days, horizon=horizon)
        lift, hits = lift_with_hits(scoring, rules=rules, lists=lists, days=days,
                                    horizon=horizon, seed=seed, metrics=figures)
        innocents = rule_innocent_rows(scoring, rules=rules, horizon=horizon)
    finally:
        scoring.close()
    return figures, lift, hits, innocents


def replace_rules(table: pa.Table, twin: pa.Table, column: str = "rule") -> pa.Table:
    """``table`` with the rows of the rules ``twin`` holds replaced by ``twin``'s rows."""
    names = pa.array(sorted(set(twin[column].to_pylist())), pa.string())
    keep = pc.invert(pc.is_in(table[column], value_set=names))
    return pa.concat_tables([table.filter(keep), twin.select(table.column_names)
                             .cast(table.schema)])
