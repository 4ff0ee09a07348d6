"""``dwell``: a listed person (or anyone) at a place of a kind longer than D minutes (NYT-15)."""

from __future__ import annotations

from custodiet.scenario.models import Dwell
from custodiet.watch._template import (
    STAYS,
    Compiled,
    Example,
    Query,
    Template,
    no_lookback,
    place,
    reads,
    stay,
)


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


TEMPLATE = Template(
    name="dwell",
    compile=compile_dwell,
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
