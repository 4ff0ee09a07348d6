"""``dwell``: a listed person (or anyone) at a place of a kind longer than D minutes (NYT-15)."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from custodiet.scenario.models import Dwell
from custodiet.watch._template import (
    STAYS,
    Compiled,
    Example,
    Held,
    Query,
    Template,
    alerts_table,
    no_lookback,
    place,
    reads,
    stay,
)
from custodiet.watch._templates._select import column, of_kind, on_lists, single


def compile_dwell(rule: Dwell) -> Compiled:
    """A listed person (anyone when the rule has no lists) staying at a place of ``place_kind``
    for at least ``min_minutes``.

    Each such stay received today raises one alert at ``t = start + min_minutes`` (the moment
    the dwell was reached), ``persons = [person]``, the place is the stay's.
    """
    q = Query()
    d = q.bind("d", int(rule.min_minutes))
    return q.done(f"""
SELECT st.start + {d} AS t, [st.person] AS persons, st.place AS place
FROM stays st
WHERE st.seen_day = $day AND st."end" - st.start >= {d}
  AND st.place IN (SELECT place_id FROM places WHERE kind = {q.bind("kind", rule.place_kind)})
  AND {q.listed(rule, "st.person")}
""")


def native_dwell(rule: Dwell) -> Callable[[Held], pa.Table]:
    """:func:`compile_dwell` in numpy, over the stays received today."""
    d = int(rule.min_minutes)

    def evaluate(held: Held) -> pa.Table:
        st = held.today("stays")
        person, at, start = column(st, "person"), column(st, "place"), column(st, "start")
        keep = column(st, "end") - start >= d
        keep &= of_kind(held, rule.place_kind, at)
        keep[keep] = on_lists(held, rule.lists, person[keep])
        return alerts_table(start[keep] + d, single(person[keep]), at[keep])

    return evaluate


TEMPLATE = Template(
    name="dwell",
    compile=compile_dwell,
    native=native_dwell,
    inputs=reads(stays=STAYS),
    lookback=no_lookback,
    today_only=lambda rule: True,
    examples=(
        Example(
            doc="Station, D = 120: stays [0, 119) and [200, 320) at a station: only the second "
                "raises an alert, when the dwell is reached.",
            rule={"place_kind": "station", "min_minutes": 120},
            tables={"places": [place(0, "station")],
                    "stays": [stay(5, 0, 0, 119), stay(5, 0, 200, 320)]},
            alerts=[(320, (5,), 0)]),
    ),
)
