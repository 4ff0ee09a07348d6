"""``travel``: a listed person buying tickets to a destination (NYT-11, NYT-12)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.scenario.models import Travel
from custodiet.watch._template import (
    Compiled,
    Example,
    Held,
    Query,
    Template,
    alerts_table,
    no_alerts,
    place,
    reads,
)
from custodiet.watch._templates._select import (
    column,
    distinct,
    of_kind,
    on_lists,
    single,
    window_ranges,
)


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


def _counting(held: Held, rule: Travel) -> pa.Table:
    """The tickets that count (``tk``): the destination's kind, cash, a listed buyer."""
    k = held.relation("tickets")
    keep = on_lists(held, rule.lists, column(k, "person"))
    if rule.destination != "any":
        keep &= of_kind(held, rule.destination, column(k, "destination"))
    if rule.cash_only:
        keep &= pc.fill_null(k.column("cash"), False).to_numpy()
    return k.filter(pa.array(keep))


def native_travel(rule: Travel) -> Callable[[Held], pa.Table]:
    """:func:`compile_travel` in numpy: the counting tickets sorted by buyer and time, each
    anchor's count in its window by two binary searches. Anchors alike in (ticket, buyer,
    time, destination) are one group of the SQL, their counts summed."""
    w, n = int(rule.window_minutes), int(rule.min_tickets)

    def evaluate(held: Held) -> pa.Table:
        if not (column(held.relation("tickets"), "seen_day") == held.day).any():
            return no_alerts()
        tk = _counting(held, rule)
        today = column(tk, "seen_day") == held.day
        if not today.any():
            return no_alerts()
        person, t = column(tk, "person"), column(tk, "t")
        a = np.flatnonzero(today)
        _, lo, hi = window_ranges(person, t, person[a], t[a], w)
        count = hi - lo
        destination = column(tk, "destination")[a]
        first, group = distinct(column(tk, "ticket_id")[a], person[a], t[a], destination)
        hit = first[np.bincount(group, weights=count, minlength=len(first)) >= n]
        return alerts_table(t[a][hit], single(person[a][hit]), destination[hit])

    return evaluate


TEMPLATE = Template(
    name="travel",
    compile=compile_travel,
    native=native_travel,
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
