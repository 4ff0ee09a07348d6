"""Twin variants of a scenario: the same world and seed with one thing changed.

Because every draw comes from a stream keyed by (seed, day, module), a twin shares all of its
randomness with the original until the changed thing first acts, so differences between twins
are effects, not noise.
"""

from __future__ import annotations

from collections.abc import Callable

from custodiet.scenario import Scenario
from custodiet.schema import INCIDENT_TABLE
from custodiet.study._overrides import with_changes

#: Incident parameters set to zero in the null world: acts of wrongdoing (and lawful petitions
#: and protests) stop; standing states of the population (crowded rentals, sham marriages) are
#: kept, because removing them would change the population itself and break the twinning.
#: Derived from ``schema.INCIDENT_TABLE`` (each act's ``incidents.*`` parameters).
NULL_WORLD_ZEROED: tuple[str, ...] = tuple(
    p.removeprefix("incidents.") for k in INCIDENT_TABLE if not k.standing for p in k.removed_by)


def no_response(scenario: Scenario) -> Scenario:
    """The police act on nothing: alerts are raised but the world is never touched."""
    return with_changes(scenario, {"response.enabled": False})


def no_redlist(scenario: Scenario) -> Scenario:
    """Nobody is exempt: alerts involving red-listed people are not suppressed."""
    return with_changes(scenario, {"redlist.enabled": False})


def null_world(scenario: Scenario) -> Scenario:
    """Nobody does anything wrong (or petitions, or protests): every alert is coincidence."""
    return with_changes(scenario, {f"world.incidents.{k}": 0.0 for k in NULL_WORLD_ZEROED})


def with_seed(scenario: Scenario, seed: int) -> Scenario:
    """The same scenario with another root seed."""
    return with_changes(scenario, {"seed": int(seed)})


VARIANTS: dict[str, Callable[[Scenario], Scenario]] = {
    "watch": lambda s: s,
    "no_response": no_response,
    "no_redlist": no_redlist,
    "null_world": null_world,
}
"""Every variant a study runs, by name; ``watch`` is the scenario as written."""
