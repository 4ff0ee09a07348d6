"""Twin variants of a scenario: the same world and seed with one thing changed.

Because every draw comes from a stream keyed by (seed, day, module), a twin shares all of its
randomness with the original until the changed thing first acts, so differences between twins
are effects, not noise.
"""

from __future__ import annotations

from collections.abc import Callable

from custodiet.scenario import Scenario
from custodiet.schema import INCIDENT_TABLE

#: Incident parameters set to zero (or false) in the null world: nobody does anything wrong,
#: standing states included (crowded rentals are lawful, no marriage is a sham) and nobody
#: petitions or protests; the city itself is unchanged. Derived from ``schema.INCIDENT_TABLE``.
NULL_WORLD_ZEROED: tuple[str, ...] = tuple(
    p.removeprefix("incidents.") for k in INCIDENT_TABLE for p in k.removed_by)


def _updated(scenario: Scenario, section: str, **changes: object) -> Scenario:
    data = scenario.model_dump()
    target = data
    for key in section.split("."):
        target = target[key]
    target.update(changes)
    return Scenario.model_validate(data)


def no_response(scenario: Scenario) -> Scenario:
    """The police act on nothing: alerts are raised but the world is never touched."""
    return _updated(scenario, "response", enabled=False)


def no_redlist(scenario: Scenario) -> Scenario:
    """Nobody is exempt: alerts involving red-listed people are not suppressed."""
    return _updated(scenario, "redlist", enabled=False)


def null_world(scenario: Scenario) -> Scenario:
    """Nobody does anything wrong (or petitions, or protests): every alert is coincidence."""
    return _updated(scenario, "world.incidents", **dict.fromkeys(NULL_WORLD_ZEROED, 0.0))


def with_seed(scenario: Scenario, seed: int) -> Scenario:
    """The same scenario with another root seed."""
    data = scenario.model_dump()
    data["seed"] = int(seed)
    return Scenario.model_validate(data)


VARIANTS: dict[str, Callable[[Scenario], Scenario]] = {
    "watch": lambda s: s,
    "no_response": no_response,
    "no_redlist": no_redlist,
    "null_world": null_world,
}
"""Every variant a study runs, by name; ``watch`` is the scenario as written."""
