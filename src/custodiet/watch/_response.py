"""Intervention records: what the day's police actions do to the world, as plain data.

The watch never holds the world: it hands these records to the runner, which applies each with
``world.intervene(r.persons, r.action, r.t, until=r.until, chill=r.chill)``, in order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from custodiet.scenario._watch import Response
from custodiet.schema import MINUTES_PER_DAY as DAY

#: Kinds of action that change the world, in the order they are applied.
APPLIED = ("visit", "block_travel", "detain")


@dataclass(frozen=True)
class Intervention:
    """One police action on some persons, from minute ``t``: a visit chills with probability
    ``chill``; a travel block or a detention lasts until ``until``."""

    persons: np.ndarray
    action: str
    t: int
    until: int | None = None
    chill: float = 0.0


def interventions(actions: pa.Table, day: int, response: Response) -> list[Intervention]:
    """The records of the day's ``actions`` (``schema.ACTIONS``), one per kind of action,
    taking effect from the start of day ``day``."""
    kinds = actions.column("kind").to_numpy(zero_copy_only=False).astype(str)
    persons = actions.column("person").to_numpy()
    t = day * DAY
    out = []
    for kind in APPLIED:
        who = persons[kinds == kind]
        if who.size == 0:
            continue
        if kind == "visit":
            out.append(Intervention(who, kind, t, chill=response.chill))
        elif kind == "block_travel":
            out.append(Intervention(who, kind, t, until=t + response.block_days * DAY))
        else:
            out.append(Intervention(who, kind, t, until=t + response.detain_days * DAY))
    return out
