"""``score``: a scorer's level at or above a threshold (NYT-11)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.scenario.models import Score
from custodiet.schema import MINUTES_PER_DAY as DAY
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


def compile_score(rule: Score) -> Compiled:
    """A listed person whose level on ``scorer`` reaches ``min_level`` today.

    An alert is raised on the day the level first reaches ``min_level`` (``level >= L`` and
    ``prev_level < L``), at the day's last minute, ``persons = [person]``, place -1.
    """
    q = Query()
    lvl = q.bind("level", int(rule.min_level))
    return q.done(f"""
SELECT $day::BIGINT * {DAY} + {DAY - 1} AS t, [s.person] AS persons, -1::BIGINT AS place
FROM scores s
WHERE s.scorer = {q.bind("scorer", rule.scorer)} AND s.level >= {lvl} AND s.prev_level < {lvl}
  AND {q.listed(rule, "s.person")}
""")


def native_score(rule: Score) -> Callable[[Held], pa.Table]:
    """:func:`compile_score` in numpy: the scorer's rows whose level rises to the threshold."""
    level = int(rule.min_level)

    def evaluate(held: Held) -> pa.Table:
        s = held.relation("scores")
        s = s.filter(pc.fill_null(pc.equal(s.column("scorer"), rule.scorer), False))
        person = column(s, "person")
        hit = person[(column(s, "level") >= level) & (column(s, "prev_level") < level)]
        hit = hit[on_lists(held, rule.lists, hit)]
        return alerts_table(np.full(len(hit), held.day * DAY + DAY - 1), single(hit),
                            np.full(len(hit), -1))

    return evaluate


def _levels(day: int, levels: tuple[int, ...] = (1, 2, 3, 1, 2)) -> Example:
    fired = day in (1, 4)  # the days the level rises to 2 or above
    return Example(
        doc=f"L = 2, levels {', '.join(map(str, levels))} over five days: day {day} "
            f"{'raises an alert' if fired else 'raises none'}.",
        rule={"scorer": "s", "min_level": 2},
        tables={"scores": [{"scorer": "s", "person": 1, "level": levels[day],
                            "prev_level": levels[day - 1]}]},
        day=day, alerts=[(day * DAY + DAY - 1, (1,), -1)] if fired else [])


TEMPLATE = Template(
    name="score",
    compile=compile_score,
    native=native_score,
    inputs=reads(scores=("scorer", "person", "level", "prev_level")),
    lookback=no_lookback,
    today_only=lambda rule: True,
    examples=tuple(_levels(day) for day in (1, 2, 3, 4)),
)
