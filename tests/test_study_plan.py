"""Planning a study: ``with_changes`` is the one way to copy a scenario with changes (unknown
paths are user errors naming the path), and a plan is a list of independent run specs that
``execute`` simulates into the stores the study later reads."""

from __future__ import annotations

import pytest

from custodiet.errors import UserError
from custodiet.scenario import builtin_scenarios, load_scenario
from custodiet.study import (
    VARIANTS,
    Variant,
    execute,
    plan_study,
    plan_sweep,
    sized,
    with_changes,
    with_removal_rate,
)


@pytest.fixture(scope="module")
def default():  # type: ignore[no-untyped-def]
    return load_scenario(builtin_scenarios()["default"])


def test_with_changes_sets_dotted_named_and_every_item(default) -> None:
    sc = with_changes(default, {"world.people": 1234, "seed": 9,
                                "rules.drug_users_same_hotel.k": 3,
                                "lists.*.removal_rate": 0.5})
    assert (sc.world.people, sc.seed) == (1234, 9)
    assert next(r for r in sc.rules if r.name == "drug_users_same_hotel").k == 3
    assert {x.removal_rate for x in sc.lists} == {0.5}
    assert default.world.people != 1234 and default.seed != 9  # the original is untouched
    assert with_removal_rate(default, 0.25).lists[-1].removal_rate == 0.25
    assert sized(default, people=100, days=2).world.days == 2


@pytest.mark.parametrize("path, needle", [
    ("world.nosuch", "world.nosuch"), ("rules.nosuch.k", "nosuch"), ("nosuch", "nosuch"),
    ("rules.k", "rules.NAME.FIELD"), ("world..people", "world..people"),
])
def test_unknown_paths_are_user_errors_naming_the_path(default, path, needle) -> None:
    with pytest.raises(UserError) as err:
        with_changes(default, {path: 1})
    assert needle in str(err.value) and err.value.field == path


def test_invalid_values_are_user_errors(default) -> None:
    with pytest.raises(UserError) as err:
        with_changes(default, {"world.people": -5})
    assert "people" in str(err.value)


def test_study_plan_is_every_variant_and_removal_rate_per_seed(default) -> None:
    plan = plan_study(default, [3, 4], [0.0, 0.1])
    names = [(p.seed, p.name) for p in plan]
    want = [(s, n) for s in (3, 4) for n in [*VARIANTS, "removal-0", "removal-0.1"]]
    assert names == want
    assert len({p.path for p in plan}) == len(plan)
    for p in plan:
        assert p.scenario.seed == p.seed and p.path == f"runs/seed-{p.seed}/{p.name}"
        assert p.variant == (p.name if p.name in VARIANTS else "watch")
        assert isinstance(p.variant, Variant) and p.watch == (p.variant != "no_system")
        assert p.removal_rate == (float(p.name.removeprefix("removal-"))
                                  if p.name.startswith("removal-") else None)
    null = next(p for p in plan if p.name == "null_world").scenario
    # nothing unlawful, lawful acts and statuses kept, no response
    assert null.world.incidents.drug_deal_rate == 0.0 and not null.world.incidents.sham_marriages
    assert null.world.incidents.petition_rate == default.world.incidents.petition_rate > 0
    assert null.world.incidents.crowded_rentals_unlawful and not null.response.enabled
    assert next(p for p in plan if p.name == "removal-0.1").scenario.lists[0].removal_rate == 0.1


def test_sweep_plan_and_execute(default, tmp_path) -> None:
    sc = sized(default, people=800, days=1)
    plan = plan_sweep([(2, sc), (3, with_changes(sc, {"seed": 5}))], [7])
    assert [(p.path, p.scenario.seed) for p in plan] == [("runs/value-2/seed-7", 7),
                                                         ("runs/value-3/seed-7", 7)]
    ticks: list[tuple[str, int]] = []
    stores = execute(plan, tmp_path, progress=lambda name, day: ticks.append((name, day)))
    assert stores == {p: tmp_path / p.path for p in plan} and list(stores) == plan
    assert all((s / "manifest.json").is_file() for s in stores.values())
    assert [p.value for p in stores] == [2, 3]
    # each run reports its day under its label; runs in parallel may report in either order
    assert sorted(ticks) == [("2", 1), ("3", 1)]
