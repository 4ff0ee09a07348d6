"""``travel``: a listed person buying tickets to a destination (NYT-11, NYT-12)."""

from __future__ import annotations

from custodiet.scenario.models import Travel
from custodiet.watch._template import Compiled, Example, Query, Template, place, reads


def compile_travel(rule: Travel) -> Compiled:
    """A listed person's tickets to a destination kind.

    Tickets count when bought by a listed person for a destination of the kind (``any``: every
    ticket) and, with ``cash_only``, paid in cash. An anchor (a counting ticket received today)
    raises an alert when the person's counting tickets bought in ``(a.t - W, a.t]`` number at
    least ``min_tickets``. ``t = a.t``, ``persons = [person]``, the place is the destination.
    """
    q = Query()
    dest = "TRUE" if rule.destination == "any" else ("k.destination IN (SELECT place_id FROM "
                                                    f"places WHERE kind = "
                                                    f"{q.bind('kind', rule.destination)})")
    cash = "k.cash" if rule.cash_only else "TRUE"
    return q.done(f"""
WITH tk AS (SELECT k.ticket_id, k.person, k.t, k.destination, k.seen_day FROM tickets k
            WHERE {dest} AND {cash} AND {q.listed(rule, "k.person")}),
a AS (SELECT * FROM tk WHERE seen_day = $day)
SELECT a.t AS t, [a.person] AS persons, a.destination AS place
FROM a JOIN tk b ON b.person = a.person AND b.t > a.t - {q.bind("w", int(rule.window_minutes))}
     AND b.t <= a.t
GROUP BY a.ticket_id, a.person, a.t, a.destination
HAVING count(*) >= {q.bind("n", int(rule.min_tickets))}
""")


TEMPLATE = Template(
    name="travel",
    compile=compile_travel,
    inputs=reads(tickets=("ticket_id", "person", "t", "destination", "cash", "seen_day")),
    lookback=lambda rule: rule.window_minutes,
    examples=(
        Example(
            doc="Capital, 2 tickets, W = 1 day: tickets to the capital bought at 100 and 200 (a "
                "decoy and a real one): the second raises an alert.",
            rule={"destination": "capital", "min_tickets": 2},
            tables={"places": [place(4, "capital", x=float("nan"), y=float("nan"))],
                    "tickets": [{"ticket_id": i, "person": 1, "t": t, "destination": 4,
                                 "depart": 2000, "cash": True, "seen_day": 0}
                                for i, t in enumerate((100, 200))]},
            alerts=[(200, (1,), 4)]),
    ),
)
