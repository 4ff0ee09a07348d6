"""Executing a plan: every :class:`RunSpec` simulated into its store. The runs are independent
(each has its own scenario, seed and directory), so this one function is where a process pool
or a cluster can take over from the serial loop without changing any result."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from custodiet.study._plan import RunSpec
from custodiet.study._simulate import simulate

Progress = Callable[[str, int], None]
"""Called with (what, days done) as the simulations advance."""


def execute(plan: Sequence[RunSpec], folder: Path, *, progress: Progress | None = None
            ) -> list[Path]:
    """Simulate every run of ``plan`` into ``folder / spec.path``; the stores, in plan order."""
    out = []
    for spec in plan:
        on_day = (lambda day, n=spec.label: progress(n, day)) if progress else None
        path = Path(folder) / spec.path
        simulate(spec.scenario, path, variant=spec.variant, on_day=on_day)
        out.append(path)
    return out
