"""Planning a study: the list of independent simulations it needs (variants × seeds, the
removal-rate sweep, the values of a sweep), each a :class:`RunSpec` that names its scenario and
where its store goes. Nothing runs here; :func:`custodiet.study.execute` runs a plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from custodiet.errors import UserError
from custodiet.scenario import Scenario
from custodiet.study._overrides import with_changes
from custodiet.study._simulate import has_watch
from custodiet.study._variants import VARIANTS, WORLD_ONLY, with_seed


@dataclass(frozen=True)
class RunSpec:
    """One simulation: ``scenario`` (seed included) written to ``path`` (relative to the study
    folder), its ``variant`` for the manifest, and ``group``/``name`` by which the study finds
    it again (seed and run name for a study, value and seed for a sweep)."""

    scenario: Scenario
    path: str
    seed: int
    name: str
    group: str
    variant: str = "watch"
    watch: bool = True
    """Whether the watch runs over the world (False: the world alone)."""

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
        for name, variant in VARIANTS.items():
            out.append(RunSpec(variant(base), f"runs/seed-{s}/{name}", s, name, str(s), name,
                               watch=name not in WORLD_ONLY))
        if scenario.lists:
            for r in removal_rates:
                name = f"removal-{r:g}"
                out.append(RunSpec(with_removal_rate(base, r), f"runs/seed-{s}/{name}", s,
                                   name, str(s)))
    return out


def plan_sweep(variants: Sequence[tuple[Any, Scenario]], seeds: Sequence[int]) -> list[RunSpec]:
    """Every simulation of a sweep: the watch for each (value, scenario) and seed."""
    return [RunSpec(with_seed(sc, s), f"runs/value-{value}/seed-{s}", s, str(value), str(value))
            for value, sc in variants for s in seeds]
