"""Run a study until it can answer: add seeds in batches until every answer is decided or
narrow enough, or the budget runs out (``custodiet run --until-stable``).

The rule is pure: it calls a batch runner with the new seeds and reads back the pooled
answers' verdicts; running, pooling and auditing are the runner's. Seeds are those of
:func:`custodiet.study.seeds_from` (``seed``, ``seed + 1``, ...): the first ``k`` seeds are the
same wherever the study stops, so a study stopped at 6 seeds is the first 6 of one run to 20.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from custodiet.audit import Verdict, undecided_words
from custodiet.errors import UserError
from custodiet.study._plan import seeds_from

BatchRunner = Callable[[Sequence[int]], Mapping[str, Verdict]]
"""Runs the given new seeds and returns every answer's verdict pooled over all seeds run so
far. An absent answer (no alerts yet) counts as open: leave out answers that cannot apply."""


class Stop(Enum):
    STABLE = "stable"
    MAX_SEEDS = "max_seeds"
    MAX_MINUTES = "max_minutes"


@dataclass(frozen=True)
class Budget:
    """How far to go. ``first``: seeds in the first batch (2 by default: the fewest that show
    how cities differ); ``batch``: seeds added each time after; ``max_minutes``: no batch is
    started that the last batch's pace says would end past it (the first always runs)."""

    max_seeds: int = 20
    max_minutes: float | None = None
    first: int = 2
    batch: int = 2

    def check(self) -> None:
        """A user error for a budget that cannot run."""
        for name, value in (("max_seeds", self.max_seeds), ("first", self.first),
                            ("batch", self.batch)):
            if value < 1:
                raise UserError("must be at least 1", field=name)
        if self.max_minutes is not None and not self.max_minutes > 0:
            raise UserError("must be more than 0", field="max_minutes")


@dataclass(frozen=True)
class UntilResult:
    """The seeds run (in batches), why the study stopped, in a sentence, the last verdicts
    and the answers still open."""

    seeds: tuple[int, ...]
    batches: tuple[tuple[int, ...], ...]
    stop: Stop
    sentence: str
    verdicts: Mapping[str, Verdict]
    open: tuple[str, ...]


def settled(verdict: Verdict, width: float | None) -> bool:
    """Decided, or its interval no wider than ``width`` (None: only a decision settles it)."""
    if verdict.decided:
        return True
    iv = verdict.interval
    return width is not None and iv is not None and iv.high - iv.low <= width


def run_until(run_batch: BatchRunner, *, seed: int, budget: Budget = Budget(),
              width: float | Mapping[str, float] | None = None,
              clock: Callable[[], float] = time.monotonic) -> UntilResult:
    """Add seeds in batches until every answer is settled or the budget runs out. ``width``:
    one interval width for every answer, or one per answer name (missing: decision only)."""
    budget.check()
    start = clock()
    done: list[int] = []
    batches: list[tuple[int, ...]] = []
    verdicts: Mapping[str, Verdict] = {}
    pace = 0.0  # seconds per seed in the last batch
    while True:
        size = budget.first if not done else budget.batch
        size = min(size, budget.max_seeds - len(done))
        if size <= 0:
            return _result(done, batches, Stop.MAX_SEEDS, verdicts, width, budget)
        elapsed = clock() - start
        if done and budget.max_minutes is not None and (
                elapsed + pace * size > budget.max_minutes * 60.0):
            return _result(done, batches, Stop.MAX_MINUTES, verdicts, width, budget)
        new = seeds_from(seed, len(done) + size)[len(done):]
        began = clock()
        verdicts = run_batch(new)
        pace = (clock() - began) / size
        done.extend(new)
        batches.append(tuple(new))
        if not _open(verdicts, width):
            return _result(done, batches, Stop.STABLE, verdicts, width, budget)


def _width_for(name: str, width: float | Mapping[str, float] | None) -> float | None:
    if width is None or isinstance(width, int | float):
        return width
    return width.get(name)


def _open(verdicts: Mapping[str, Verdict], width: float | Mapping[str, float] | None
          ) -> tuple[str, ...]:
    return tuple(name for name, v in verdicts.items()
                 if not settled(v, _width_for(name, width)))


def seed_words(seeds: Sequence[int]) -> str:
    """``seed 3``, ``seeds 1 to 6``."""
    if len(seeds) == 1:
        return f"seed {seeds[0]}"
    return f"seeds {seeds[0]} to {seeds[-1]}"


def _result(done: list[int], batches: list[tuple[int, ...]], stop: Stop,
            verdicts: Mapping[str, Verdict], width: float | Mapping[str, float] | None,
            budget: Budget) -> UntilResult:
    still = _open(verdicts, width)
    n = len(done)
    used = f"{n} seed{'s' if n != 1 else ''} ({seed_words(done)}) in {len(batches)} " \
           f"batch{'es' if len(batches) != 1 else ''}"
    if stop is Stop.STABLE:
        why = ("every answer is decided or its interval as narrow as asked" if verdicts
               else "there was no answer to decide")
        return UntilResult(tuple(done), tuple(batches), stop, f"Stopped after {used}: {why}.",
                           verdicts, still)
    if stop is Stop.MAX_SEEDS:
        why = f"the budget of {budget.max_seeds} seeds is spent"
    else:
        why = f"the next batch would run past the {budget.max_minutes:g}-minute budget"
    opened = "; ".join(f"{name}: {_open_words(verdicts[name], n)}" for name in still)
    return UntilResult(tuple(done), tuple(batches), stop,
                       f"Stopped after {used}: {why}. Still open: {opened}.", verdicts, still)


def _open_words(verdict: Verdict, seeds: int) -> str:
    """Why an answer is open; for an undecided one, about how many seeds would decide it."""
    if verdict.interval is None or verdict.reason:
        return verdict.reason or "no figure yet"
    words = undecided_words(verdict)
    more = verdict.more_data
    if more is not None and math.isfinite(more):
        words += f" (about {math.ceil(seeds * more)} seeds at this rate)"
    return words
