"""Officials and VIPs (NYT-16) do what everyone does at the same base rates, so the red list
hides real incidents; ``behaviour_multiplier.official`` changes that.

Roles are drawn per adult with a probability that depends on their histories and group
factors only; officials' histories are drawn like everyone's. So the share of officials with
an illicit role equals that of other adults of working age, up to binomial error (two-sample
test, 4 standard errors). Role shares are raised here so the counts are testable.
"""

from __future__ import annotations

import numpy as np

from custodiet.scenario import WorldConfig
from custodiet.world._population import ROLE, build_people

Z = 4.0
_RAISED = {"recruiter_share": 0.02, "burglar_share": 0.01, "pickpocket_share": 0.01,
           "dealer_share": 0.001}


def _role_shares(multiplier: dict[str, float]) -> tuple[float, float, float]:
    config = WorldConfig.model_validate({"people": 400_000, "days": 1, "incidents": {
        **_RAISED, "behaviour_multiplier": multiplier}})
    people = build_people(config, seed=3)
    illicit = np.isin(people.role, [ROLE[r] for r in ("recruiter", "burglar", "pickpocket",
                                                       "dealer")])
    others = (people.age >= 18) & (people.age < 60) & ~people.official & ~people.foreign
    a, b = illicit[people.official], illicit[others]
    p = (a.sum() + b.sum()) / (a.size + b.size)
    se = np.sqrt(p * (1 - p) * (1 / a.size + 1 / b.size))
    return float(a.mean()), float(b.mean()), float(se)


def test_officials_take_illicit_roles_as_often_as_anyone() -> None:
    official, other, se = _role_shares({})
    assert official > 0
    assert abs(official - other) <= Z * se, (official, other, se)


def test_a_multiplier_makes_officials_cleaner() -> None:
    official, other, se = _role_shares({"official": 0.0})
    assert official == 0.0 and other > Z * se


def test_officials_keep_their_post_whatever_their_role() -> None:
    config = WorldConfig.model_validate({"people": 200_000, "days": 1, "incidents": _RAISED})
    people = build_people(config, seed=3)
    assert people.employed[people.official].all()
    assert (people.role[people.official] > 0).any()


def test_null_world_leaves_officials_nothing_to_hide() -> None:
    from custodiet import schema
    from custodiet.world import World
    from tests.test_world_occupancy import _zeroed

    config = WorldConfig.model_validate({"people": 40_000, "days": 3, "incidents": _RAISED})
    for kind in schema.INCIDENT_TABLE:
        config = _zeroed(config, kind.kind)
    world = World(config, seed=3)
    officials = set(np.flatnonzero(world.people.official).tolist())
    assert officials and not (world.people.role[world.people.official] > 0).any()
    for _ in range(config.days):
        persons = world.step()["incidents"]["persons"].to_pylist()
        assert not any(officials & set(p) for p in persons)
