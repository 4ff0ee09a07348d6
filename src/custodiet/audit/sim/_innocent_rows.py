"""The rows the clustered intervals of innocents per true alert resample: one per flagged
person (and rule), matched as every alert figure of :mod:`custodiet.audit.sim._rules` matches
them, so that the rows add up to the figures counted there."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from custodiet.audit.sim._rules import (
    _MATCH,
    _PER_ALERT,
    DEFAULT_HORIZON,
    Claims,
    _claims_registered,
    _params,
    _per_person,
)

INNOCENT_ROWS = pa.schema([
    ("person", pa.int64()), ("innocent", pa.bool_()), ("true_alerts", pa.int64()),
    ("innocent_days", pa.int64()),
])
"""One row per person flagged by an unsuppressed alert of a claimed rule: innocent as
:func:`overall_metrics` counts them, the true alerts whose lowest named id is theirs (each
true alert to one person, so the column adds up to the true alerts) and, for an innocent,
the days they were named (0 for the guilty: the column adds up to innocents per day × days)."""

_INNOCENT = "WITH " + _MATCH + "," + _PER_ALERT + "," + _per_person("") + """
SELECT p.person, NOT p.ever_guilty AS innocent, coalesce(a.true_alerts, 0) AS true_alerts,
       CASE WHEN p.ever_guilty THEN 0 ELSE p.days_named END AS innocent_days
FROM per_person p
LEFT JOIN (SELECT first, count(*) FILTER (WHERE hit) AS true_alerts FROM per_alert
           GROUP BY first) a ON a.first = p.person
ORDER BY p.person
"""


def innocent_rows(con: duckdb.DuckDBPyConnection, *, rules: Claims,
                  horizon: int = DEFAULT_HORIZON) -> pa.Table:
    """Per flagged person (``INNOCENT_ROWS``): the rows that the clustered interval of
    innocents per true alert resamples, person by person."""
    with _claims_registered(con, rules):
        return con.execute(_INNOCENT, _params(horizon)).to_arrow_table().cast(INNOCENT_ROWS)


RULE_INNOCENT_ROWS = pa.schema([
    ("rule", pa.string()), ("person", pa.int64()), ("innocent", pa.bool_()),
    ("true_alerts", pa.int64()),
])
"""One row per rule and person it flagged by an unsuppressed alert: innocent as
:func:`rule_metrics` counts them for that rule, and the rule's true alerts whose lowest named
id is theirs. Added up over a set of rules person by person (innocent in every row, true
alerts summed), they give the rows of :data:`INNOCENT_ROWS` for that set."""

_RULE_INNOCENT = "WITH " + _MATCH + "," + _PER_ALERT + "," + _per_person("f.rule, ") + """
SELECT p.rule, p.person, NOT p.ever_guilty AS innocent,
       coalesce(a.true_alerts, 0) AS true_alerts
FROM per_person p
LEFT JOIN (SELECT rule, first, count(*) FILTER (WHERE hit) AS true_alerts FROM per_alert
           GROUP BY rule, first) a ON a.rule = p.rule AND a.first = p.person
ORDER BY p.rule, p.person
"""


def rule_innocent_rows(con: duckdb.DuckDBPyConnection, *, rules: Claims,
                       horizon: int = DEFAULT_HORIZON) -> pa.Table:
    """Per rule and flagged person (``RULE_INNOCENT_ROWS``): the rows that the clustered
    intervals of each rule's (and each system's) innocents per true alert resample."""
    with _claims_registered(con, rules):
        return con.execute(_RULE_INNOCENT, _params(horizon)).to_arrow_table().cast(
            RULE_INNOCENT_ROWS)
