"""``absence``: a listed person's phone off for longer than D minutes (NYT-12, HRW-1)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from custodiet.scenario.models import Absence
from custodiet.watch._template import (
    Compiled,
    Example,
    Held,
    Query,
    Template,
    alerts_table,
    no_lookback,
    reads,
)
from custodiet.watch._templates._select import column, on_lists, single


def compile_absence(rule: Absence) -> Compiled:
    """A listed person's phone off for at least ``min_minutes``.

    Each such phone-off spell received today raises one alert at ``t = start + min_minutes``,
    ``persons = [person]``, place -1.
    """
    q = Query()
    d = q.bind("d", int(rule.min_minutes))
    return q.done(f"""
SELECT p.start + {d} AS t, [p.person] AS persons, -1::BIGINT AS place
FROM phone_off p
WHERE p.seen_day = $day AND p."end" - p.start >= {d} AND {q.listed(rule, "p.person")}
""")


def native_absence(rule: Absence) -> Callable[[Held], pa.Table]:
    """:func:`compile_absence` in numpy, over the spells received today."""
    d = int(rule.min_minutes)

    def evaluate(held: Held) -> pa.Table:
        p = held.today("phone_off")
        person, start = column(p, "person"), column(p, "start")
        keep = column(p, "end") - start >= d
        keep[keep] = on_lists(held, rule.lists, person[keep])
        return alerts_table(start[keep] + d, single(person[keep]),
                            np.full(int(keep.sum()), -1))

    return evaluate


TEMPLATE = Template(
    name="absence",
    compile=compile_absence,
    native=native_absence,
    inputs=reads(phone_off=("person", "start", "end", "seen_day")),
    lookback=no_lookback,
    today_only=lambda rule: True,
    examples=(
        Example(
            doc="D = 240: spells [0, 100) and [500, 800): only the second, when D is reached.",
            rule={"min_minutes": 240},
            tables={"phone_off": [{"person": 1, "start": 0, "end": 100, "seen_day": 0},
                                  {"person": 1, "start": 500, "end": 800, "seen_day": 0}]},
            alerts=[(740, (1,), -1)]),
    ),
)
