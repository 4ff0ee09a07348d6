"""``checkpoint``: a listed person's ID card read at a road checkpoint on the way out of the city
(NYT-12: the road trips that leave no ticket are seen on the routes that have a checkpoint)."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from custodiet.scenario.models import Checkpoint
from custodiet.watch._template import (
    Compiled,
    Example,
    Held,
    Query,
    Template,
    alerts_table,
    members,
    no_lookback,
    place,
    reads,
)
from custodiet.watch._templates._select import column, of_kind, on_lists, single


def compile_checkpoint(rule: Checkpoint) -> Compiled:
    """A listed person read at a road checkpoint on the road to a destination of the kind
    ``destination`` (``any``: every reading).

    Each such reading received today raises one alert at ``t`` (the reading's time), ``persons
    = [person]``, the place is the destination the road leads to.
    """
    q = Query()
    dest = "TRUE"
    if rule.destination != "any":
        dest = ("c.place IN (SELECT place_id FROM places WHERE kind = "
                f"{q.bind('kind', rule.destination)})")
    return q.done(f"""
SELECT c.t AS t, [c.person] AS persons, c.place AS place
FROM checkpoints c
WHERE c.seen_day = $day AND {dest} AND {q.listed(rule, "c.person")}
""")


def native_checkpoint(rule: Checkpoint) -> Callable[[Held], pa.Table]:
    """:func:`compile_checkpoint` in numpy, over the readings received today."""

    def evaluate(held: Held) -> pa.Table:
        c = held.today("checkpoints")
        person, to = column(c, "person"), column(c, "place")
        keep = on_lists(held, rule.lists, person)
        if rule.destination != "any":
            keep &= of_kind(held, rule.destination, to)
        return alerts_table(column(c, "t")[keep], single(person[keep]), to[keep])

    return evaluate


def _read(person: int, t: int, to: int, seen: int = 0) -> dict[str, int]:
    """A row of ``checkpoints`` for a worked example."""
    return {"person": person, "t": t, "place": to, "seen_day": seen}


_AWAY = [place(4, "capital", x=float("nan"), y=float("nan"), district=-1),
         place(5, "out_of_town", x=float("nan"), y=float("nan"), district=-1)]
TEMPLATE = Template(
    name="checkpoint",
    compile=compile_checkpoint,
    native=native_checkpoint,
    inputs=reads(checkpoints=("person", "t", "place", "seen_day")),
    lookback=no_lookback,
    today_only=lambda rule: True,
    examples=(
        Example(
            doc="Capital only: petitioner 1 read at 500 on the road to the capital (place 4) "
                "raises an alert; petitioner 2 read on the road elsewhere (place 5) and person "
                "3, not listed, read on the road to the capital do not.",
            rule={"destination": "capital", "lists": ["x"]},
            tables={"places": _AWAY, "members": members("x", 1, 2),
                    "checkpoints": [_read(1, 500, 4), _read(2, 600, 5), _read(3, 700, 4)]},
            alerts=[(500, (1,), 4)]),
        Example(
            doc="Any destination: both listed persons' readings raise alerts.",
            rule={"lists": ["x"]},
            tables={"places": _AWAY, "members": members("x", 1, 2),
                    "checkpoints": [_read(1, 500, 4), _read(2, 600, 5), _read(3, 700, 4)]},
            alerts=[(500, (1,), 4), (600, (2,), 5)]),
        Example(
            doc="A reading is judged on the day it is received: nothing on day 1 for day 0's.",
            rule={"lists": ["x"]},
            tables={"places": _AWAY, "members": members("x", 1, 2),
                    "checkpoints": [_read(1, 500, 4)]},
            day=1, alerts=[]),
    ),
)
