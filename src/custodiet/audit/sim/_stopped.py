"""What acting on alerts stopped, counted in incidents and people, not in alerts.

An alert can be right and look false in the police's records: it matched unlawful wrongdoing
in the twin without any response and none in the watched run, because the police acted and
the act it pointed to never happened. Alerts are not acts: several alerts (of one rule or of
several) name the same person before the same act, so the alerts that look false say how
many alerts, not how much was stopped. Here each such alert's matches in the twin (person
and incident, as every alert figure matches them) are followed back into the watched run
(``_match.match_incidents``: same kind and place, less than a day apart, most
participants in common), and
what is counted is:

- ``alerts``: alerts true against the twin and not against the watched run;
- ``incidents``: the distinct incidents of the twin they pointed to that did not happen in
  the watched run;
- ``persons``: the distinct people they named who took part in those incidents.

An incident that still happened (without the person acted on, or outside the alert's window)
was not stopped and is not counted. The same is counted for lawful acts (a petition, a
protest): ``lawful_alerts`` caught only a lawful act in the twin and none in the watched run,
``lawful_acts`` and ``lawful_persons`` are the distinct lawful acts they pointed to that did
not happen and the people named in them.
"""

from __future__ import annotations

import duckdb

from custodiet.audit.sim._match import match_incidents
from custodiet.audit.sim._rules import Claims, alert_matches
from custodiet.engine import Session

_SQL = """
WITH tw AS (SELECT * FROM m_twin WHERE NOT administrative),
     wa AS (SELECT * FROM m_watch WHERE NOT administrative),
hit_twin AS (SELECT DISTINCT alert_id FROM tw WHERE NOT lawful),
false_now AS (SELECT alert_id FROM hit_twin
              EXCEPT SELECT alert_id FROM wa WHERE NOT lawful),
lawful_twin AS (SELECT DISTINCT alert_id FROM tw WHERE lawful
                EXCEPT SELECT alert_id FROM hit_twin),
lawful_gone AS (SELECT alert_id FROM lawful_twin
                EXCEPT SELECT alert_id FROM wa WHERE lawful),
stopped AS (
    SELECT tw.lawful, tw.person, tw.incident_id FROM tw
    JOIN (SELECT alert_id, false AS lawful FROM false_now
          UNION ALL SELECT alert_id, true FROM lawful_gone) a USING (alert_id, lawful)
    WHERE tw.incident_id NOT IN (SELECT a FROM _pairs))
SELECT (SELECT count(*) FROM false_now) AS alerts,
       count(DISTINCT incident_id) FILTER (WHERE NOT lawful) AS incidents,
       count(DISTINCT person) FILTER (WHERE NOT lawful) AS persons,
       (SELECT count(*) FROM lawful_gone) AS lawful_alerts,
       count(DISTINCT incident_id) FILTER (WHERE lawful) AS lawful_acts,
       count(DISTINCT person) FILTER (WHERE lawful) AS lawful_persons
FROM stopped
"""


def stopped_by_acting(watch: duckdb.DuckDBPyConnection, twin: duckdb.DuckDBPyConnection, *,
                      rules: Claims, horizon: int) -> dict[str, int]:
    """The alerts of ``watch`` that look false there and were right in ``twin`` (the run
    without any response), and the distinct incidents and people they pointed to that the
    response stopped (see the module docstring). Both runs hold ``incidents``; ``watch``
    holds the ``alerts``."""
    alerts = watch.execute("SELECT * FROM alerts").to_arrow_table()
    ran = watch.execute("SELECT * FROM incidents").to_arrow_table()
    without = twin.execute("SELECT * FROM incidents").to_arrow_table()
    with Session() as s:
        s.register_all({"alerts": alerts, "incidents": without})
        in_twin = alert_matches(s.con, rules=rules, horizon=horizon)
        s.unregister("incidents")
        s.register("incidents", ran)
        in_watch = alert_matches(s.con, rules=rules, horizon=horizon)
    with Session() as s:
        s.register_all({"m_twin": in_twin, "m_watch": in_watch,
                        "_pairs": match_incidents(without, ran)})
        cur = s.execute(_SQL)
        return {d[0]: int(v) for d, v in zip(cur.description, cur.fetchone(), strict=True)}
