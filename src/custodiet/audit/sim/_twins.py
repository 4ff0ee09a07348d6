"""Twin runs: the same world and seed with one thing changed, compared incident by incident.

Because the twins share every random draw until the first intervention, their difference is
what the change caused, not noise. Against the twin without any police response, an alert's
precision can be measured for real: in the world with the response, a person stopped before
acting never shows whether the prediction was right (NYT-18).
"""

from __future__ import annotations

import pyarrow as pa

from custodiet.audit.sim._rules import DEFAULT_HORIZON, Claims, rule_metrics
from custodiet.engine import Session

_PREVENTED = """
WITH a AS (SELECT kind, count(*) AS n FROM actual GROUP BY kind),
     b AS (SELECT kind, count(*) AS n FROM twin GROUP BY kind),
     k AS (SELECT kind FROM a UNION SELECT kind FROM b)
SELECT k.kind, k.kind IN (SELECT unnest($lawful)) AS lawful,
       coalesce(a.n, 0) AS with_watch, coalesce(b.n, 0) AS without_response,
       coalesce(b.n, 0) - coalesce(a.n, 0) AS prevented
FROM k LEFT JOIN a USING (kind) LEFT JOIN b USING (kind)
ORDER BY k.kind
"""


def prevented_by_kind(actual: pa.Table, without_response: pa.Table) -> pa.Table:
    """Incidents by kind with the watch and in the twin without any response; ``prevented`` is
    the difference (negative when the response caused more incidents of a kind)."""
    from custodiet.schema import LAWFUL_INCIDENT_KINDS

    with Session() as s:
        s.register_all({"actual": actual, "twin": without_response})
        return s.query(_PREVENTED, lawful=sorted(LAWFUL_INCIDENT_KINDS))


def seen_versus_true_precision(alerts: pa.Table, actual: pa.Table, without_response: pa.Table,
                               *, rules: Claims, days: int,
                               horizon: int = DEFAULT_HORIZON) -> pa.Table:
    """For each rule, the precision the police can compute (alerts matched against what still
    happened) beside the true precision (the same alerts against the twin without response),
    and the same for the lawful acts caught: a rule whose action prevents what it predicts
    (a blocked ticket, a detention) is scored against the twin."""
    with Session() as s:
        s.register_all({"alerts": alerts, "incidents": actual})
        seen = rule_metrics(s.con, rules=rules, days=days, horizon=horizon)
        s.unregister("incidents")
        s.register("incidents", without_response)
        true = rule_metrics(s.con, rules=rules, days=days, horizon=horizon)
    return pa.table({
        "rule": seen["rule"], "alerts": seen["alerts"],
        "precision_seen": seen["precision"], "precision_true": true["precision"],
        "true_alerts_seen": seen["true_alerts"], "true_alerts_true": true["true_alerts"],
        "lawful_alerts_seen": seen["lawful_alerts"], "lawful_alerts_true": true["lawful_alerts"],
    })
