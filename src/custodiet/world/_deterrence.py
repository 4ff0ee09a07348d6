"""Deterrence: people who know or believe they are watched lower their rate of each act, by a
multiplier per act and per cause (``[world.deterrence]``).

Causes: ``listed`` (on a list whose existence they know of), ``camera`` (a camera placed at
their own home) and ``gate_camera`` (a camera at their compound's gate) are told to the world by
the runner through :meth:`custodiet.world.World.expose`, since the world never reads the
watch; ``visited`` (a police visit in the last D days) and ``tie_visited`` (a visit to someone
they are tied to) the world derives from the visits applied to it. Each cause holds over a
window [since, until) per person; on a day, the causes holding at its start pick each person's
multiplier for each act (a lookup in a 32-entry table per act).
"""

from __future__ import annotations

import numpy as np

from custodiet.scenario.models import ACTS, Deterrence
from custodiet.schema import MINUTES_PER_DAY
from custodiet.world._ties import Ties

CAUSES: tuple[str, ...] = ("listed", "camera", "visited", "tie_visited", "gate_camera")
"""Every cause of deterrence."""
EXPOSURE_CAUSES: tuple[str, ...] = ("listed", "camera", "gate_camera")
"""The causes the runner reports with ``World.expose``; the others the world derives itself."""
_FOREVER = np.iinfo(np.int64).max


def _tables(config: Deterrence) -> dict[str, np.ndarray]:
    """Per act, the multiplier for each combination of causes (bit i = ``CAUSES[i]`` holds)."""
    out = {}
    for act in ACTS:
        factors = config.of(act)
        table = np.ones(1 << len(CAUSES))
        for code in range(table.size):
            for i, cause in enumerate(CAUSES):
                if code >> i & 1:
                    table[code] *= getattr(factors, cause)
        out[act] = table
    return out


def tied_to(ties: Ties, persons: np.ndarray) -> np.ndarray:
    """Everyone tied to any of ``persons`` (each once)."""
    start, end = ties.indptr[persons], ties.indptr[persons + 1]
    size = end - start
    offsets = np.repeat(start - np.concatenate([[0], np.cumsum(size)[:-1]]), size)
    return np.unique(ties.neighbours[np.arange(int(size.sum())) + offsets])


class Exposure:
    """Who holds which cause of deterrence, and when."""

    def __init__(self, n: int, config: Deterrence, ties: Ties):
        self._since = {c: np.full(n, _FOREVER, np.int64) for c in CAUSES}
        self._until = {c: np.zeros(n, np.int64) for c in CAUSES}
        self._tables = _tables(config)
        self._memory = config.visit_memory_days * MINUTES_PER_DAY
        self._ties = ties
        self._any = False

    def expose(self, persons: np.ndarray, cause: str, t: int, until: int | None) -> None:
        """``persons`` hold ``cause`` from ``t`` until ``until`` (None: for good)."""
        if cause not in CAUSES:
            raise ValueError(f"unknown cause {cause!r}; expected one of {CAUSES}")
        persons = np.unique(np.asarray(persons, dtype=np.int64))
        stop = _FOREVER if until is None else int(until)
        if persons.size == 0 or stop <= t:
            return
        since, end = self._since[cause], self._until[cause]
        holding = end[persons] > t
        since[persons] = np.where(holding, np.minimum(since[persons], t), t)
        end[persons] = np.where(holding, np.maximum(end[persons], stop), stop)
        self._any = True

    def visited(self, persons: np.ndarray, t: int) -> None:
        """A visit at ``t`` deters the visited and their ties for the memory's length."""
        if self._memory == 0 or persons.size == 0:
            return
        self.expose(persons, "visited", t, t + self._memory)
        self.expose(tied_to(self._ties, persons), "tie_visited", t, t + self._memory)

    def codes(self, t: int) -> np.ndarray | None:
        """Each person's causes holding at ``t`` as bits (None while nobody was ever exposed)."""
        if not self._any:
            return None
        code = np.zeros(next(iter(self._since.values())).size, np.int64)
        for i, cause in enumerate(CAUSES):
            code |= ((self._since[cause] <= t) & (t < self._until[cause])).astype(np.int64) << i
        return code

    def multiplier(self, act: str, codes: np.ndarray | None) -> np.ndarray | float:
        """Each person's multiplier on ``act`` (1.0 when nobody is deterred from it)."""
        table = self._tables[act]
        if codes is None or np.all(table == 1.0):
            return 1.0
        return table[codes]
