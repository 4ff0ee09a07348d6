"""Twin variants of a scenario: the same world and seed with one thing changed.

Because every person's draws depend only on (seed, day, decision, person), a person out of
reach of the changed thing lives the same days in the twin, so differences between twins are
effects, not noise (the audit splits them by whom they concern; see ``audit.sim._split``).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from custodiet.scenario import Scenario
from custodiet.study._overrides import with_changes
from custodiet.world import unlawful_null_changes

#: Incident parameters set to zero (or false) in the null world: nobody does anything
#: unlawful (no unlawful act, no sham marriage), while lawful petitions and protests and
#: administrative statuses (crowded rentals) remain; the city itself is unchanged. Derived
#: from ``schema.INCIDENT_TABLE``.
NULL_WORLD_ZEROED: tuple[str, ...] = tuple(
    p.removeprefix("world.incidents.") for p in unlawful_null_changes())


def no_response(scenario: Scenario) -> Scenario:
    """The police act on nothing: alerts are raised but the world is never touched."""
    return with_changes(scenario, {"response.enabled": False})


def no_redlist(scenario: Scenario) -> Scenario:
    """Nobody is exempt: alerts involving red-listed people are not suppressed."""
    return with_changes(scenario, {"redlist.enabled": False})


def null_world(scenario: Scenario) -> Scenario:
    """The null world: nobody does anything unlawful (no unlawful act, no sham marriage), while
    lawful petitions and protests and administrative statuses remain, and the police act on
    nothing. A rule aimed at unlawful acts can raise no true alert here; its alerts set
    against those of the ``no_response`` twin (the same city with its acts, also without a
    response) say how many of them would come anyway. The response is off on both sides, so
    its own part is measured apart (``watch`` against ``no_response``)."""
    return with_changes(scenario, {**unlawful_null_changes(), "response.enabled": False})


def no_system(scenario: Scenario) -> Scenario:
    """No system at all: no lists anyone knows of, no cameras, no response. Simulated as the
    world alone (see ``WORLD_ONLY``), so nobody is watched or acted on; against
    ``no_response`` it measures deterrence, the effect of being watched."""
    return with_changes(scenario, {"response.enabled": False})


def with_seed(scenario: Scenario, seed: int) -> Scenario:
    """The same scenario with another root seed."""
    return with_changes(scenario, {"seed": int(seed)})


class Variant(StrEnum):
    """A run of a study by what it changes: the scenario as written (``watch``) or one of its
    twins. Its value is the run's name (the store's directory and the manifest's variant)."""

    WATCH = "watch"
    NO_RESPONSE = "no_response"
    NO_REDLIST = "no_redlist"
    NULL_WORLD = "null_world"
    NO_SYSTEM = "no_system"

    def apply(self, scenario: Scenario) -> Scenario:
        """The scenario of this variant."""
        return _CHANGE[self](scenario)

    @property
    def watched(self) -> bool:
        """Whether the watch runs over the world (False: the world alone)."""
        return self not in WORLD_ONLY


_CHANGE: dict[Variant, Callable[[Scenario], Scenario]] = {
    Variant.WATCH: lambda s: s,
    Variant.NO_RESPONSE: no_response,
    Variant.NO_REDLIST: no_redlist,
    Variant.NULL_WORLD: null_world,
    Variant.NO_SYSTEM: no_system,
}

#: Variants simulated without the watch (the world alone).
WORLD_ONLY: frozenset[Variant] = frozenset({Variant.NO_SYSTEM})

VARIANTS: dict[str, Callable[[Scenario], Scenario]] = {v.value: v.apply for v in Variant}
"""Every variant a study runs, by name, in order; ``watch`` is the scenario as written."""
