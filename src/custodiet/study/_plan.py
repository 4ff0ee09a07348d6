"""Planning a study: the list of independent simulations it needs (variants × seeds, the
removal-rate sweep, the values of a sweep), each a :class:`RunSpec` that names its scenario and
where its store goes. Nothing runs here; :func:`custodiet.study.execute` runs a plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from custodiet.errors import UserError
from custodiet.scenario import Scenario
from custodiet.study._overrides import with_changes
from custodiet.study._simulate import has_watch
from custodiet.study._variants import Variant, with_seed


@dataclass(frozen=True)
class RunSpec:
    """One simulation: ``scenario`` (seed included) written to ``path`` (relative to the study
    folder), and what identifies it: its ``seed``, its ``variant`` (the watch or a twin), the
    lists' ``removal_rate`` of a removal-sweep run, the ``value`` of a sweep's setting; ``name``
    and ``group`` are the same as text (run name and seed for a study, value for a sweep).
    Specs compare and hash by identity, not by scenario, so a plan's specs key its stores."""

    scenario: Scenario = field(compare=False)
    path: str
    seed: int
    name: str
    group: str
    variant: Variant = Variant.WATCH
    removal_rate: float | None = None
    value: Any = field(default=None, compare=False)

    @property
    def watch(self) -> bool:
        """Whether the watch runs over the world (False: the world alone)."""
        return self.variant.watched

    @property
    def label(self) -> str:
        """What a progress bar shows while it runs."""
        return self.name


def with_removal_rate(scenario: Scenario, rate: float) -> Scenario:
    """The scenario with every list's daily removal rate set to ``rate``."""
    return with_changes(scenario, {"lists.*.removal_rate": float(rate)})


def sized(scenario: Scenario, *, people: int | None = None, days: int | None = None,
          seed: int | None = None) -> Scenario:
    """The scenario with another population, horizon or root seed."""
    changes: dict[str, Any] = {"world.people": people, "world.days": days, "seed": seed}
    return with_changes(scenario, {k: int(v) for k, v in changes.items() if v is not None})


def plan_study(scenario: Scenario, seeds: Sequence[int], removal_rates: Sequence[float]
               ) -> list[RunSpec]:
    """Every simulation of a study: for each seed, every variant, then (when the scenario has
    lists) the watch with each removal rate."""
    if not has_watch(scenario):
        raise UserError("the scenario has no watch (no lists, rules or scorers) to audit")
    out = []
    for s in seeds:
        base = with_seed(scenario, s)
        for v in Variant:
            out.append(RunSpec(v.apply(base), f"runs/seed-{s}/{v}", s, v.value, str(s), v))
        if scenario.lists:
            for r in removal_rates:
                name = f"removal-{r:g}"
                out.append(RunSpec(with_removal_rate(base, r), f"runs/seed-{s}/{name}", s,
                                   name, str(s), removal_rate=float(r)))
    return out


def plan_sweep(variants: Sequence[tuple[Any, Scenario]], seeds: Sequence[int]) -> list[RunSpec]:
    """Every simulation of a sweep: the watch for each (value, scenario) and seed."""
    return [RunSpec(with_seed(sc, s), f"runs/value-{value}/seed-{s}", s, str(value), str(value),
                    value=value) for value, sc in variants for s in seeds]

def seeds_from(seed: int, count: int) -> list[int]:
    """The seeds of a study: ``seed``, ``seed + 1`` … (``count`` of them)."""
    if count < 1:
        raise UserError("must be at least 1", field="seeds")
    return [seed + i for i in range(count)]
