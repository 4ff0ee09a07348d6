"""The incident table in ``schema`` is complete and every kind can be removed: each kind names
world parameters that exist, the null worlds set them, and a busy city under the strict null
world has no incident at all (under the acts-only one, standing states only), in the same city.
Police actions are one definition shared by the world and the scenario."""

from __future__ import annotations

import numpy as np
import pytest

from custodiet import schema
from custodiet.scenario import Scenario, WorldConfig
from custodiet.store import open_run
from custodiet.study._simulate import simulate_world
from custodiet.study._variants import NULL_WORLD_ZEROED, null_world
from custodiet.world import (
    INTERVENTION_ACTIONS,
    acts_null_changes,
    strict_null_changes,
    unlawful_null_changes,
)
from custodiet.world._ledger import Ledger
from tests.conftest import busy_scenario


def _default(path: str) -> object:
    node: object = WorldConfig()
    for key in path.split("."):
        assert hasattr(node, key), f"world.{path} does not exist"
        node = getattr(node, key)
    return node


def test_the_sets_of_kinds_derive_from_one_table() -> None:
    kinds = [k.kind for k in schema.INCIDENT_TABLE]
    assert len(set(kinds)) == len(kinds)
    assert tuple(kinds) == schema.INCIDENT_KINDS
    assert {"petition_trip", "protest"} == schema.LAWFUL_INCIDENT_KINDS
    assert {"sham_marriage", "crowded_rental"} == schema.STANDING_INCIDENT_KINDS


@pytest.mark.parametrize("kind", schema.INCIDENT_TABLE, ids=lambda k: k.kind)
def test_every_kind_names_parameters_that_exist_and_are_on_by_default(kind) -> None:
    assert kind.footprint and kind.removed_by, kind.kind
    for path in kind.removed_by:
        value = _default(path)
        assert value is True or (isinstance(value, float) and value > 0), (kind.kind, path)


@pytest.mark.parametrize("kind", schema.INCIDENT_TABLE, ids=lambda k: k.kind)
def test_the_null_worlds_remove_every_kind(kind) -> None:
    strict, acts = strict_null_changes(), acts_null_changes()
    unlawful = kind.category != "administrative" and not kind.lawful
    for path in kind.removed_by:
        section, name = path.split(".")
        assert section == "incidents", (kind.kind, path)
        assert (name in NULL_WORLD_ZEROED) is unlawful, (kind.kind, path)
        assert f"world.{path}" in strict
        assert (f"world.{path}" in acts) is not kind.standing
        assert (f"world.{path}" in unlawful_null_changes()) is unlawful


def _with(scenario: Scenario, changes: dict[str, object]) -> Scenario:
    data = scenario.model_dump()
    for path, value in changes.items():
        *parents, leaf = path.split(".")
        node = data
        for key in parents:
            node = node[key]
        node[leaf] = value
    return Scenario.model_validate(data)


def _kinds(run) -> set[str]:
    return {k for (k,) in run.con.execute("SELECT DISTINCT kind FROM incidents").fetchall()}


def test_the_strict_null_world_has_no_incident_in_the_same_city(tmp_path) -> None:
    busy = busy_scenario(days=3)
    runs = {name: simulate_world(sc, tmp_path / name) for name, sc in (
        ("actual", busy), ("strict", _with(busy, strict_null_changes())),
        ("acts", _with(busy, acts_null_changes())), ("variant", null_world(busy)))}
    with open_run(runs["actual"]) as actual, open_run(runs["strict"]) as strict, \
            open_run(runs["acts"]) as acts, open_run(runs["variant"]) as variant:
        assert _kinds(actual) == set(schema.INCIDENT_KINDS)
        assert _kinds(strict) == set()
        assert _kinds(acts) == schema.STANDING_INCIDENT_KINDS
        # the study's null world: nothing unlawful, lawful acts and statuses kept
        assert _kinds(variant) == (schema.LAWFUL_INCIDENT_KINDS
                                   | schema.ADMINISTRATIVE_INCIDENT_KINDS)
        # The same people in the same homes, with the same ties between households.
        assert actual.digest("places") == strict.digest("places")
        same = actual.con.execute("SELECT household_id, age, sex, migrant FROM persons "
                                  "ORDER BY person_id").fetchall()
        assert same == strict.con.execute("SELECT household_id, age, sex, migrant FROM "
                                          "persons ORDER BY person_id").fetchall()


def test_the_ledger_refuses_a_kind_not_in_the_table() -> None:
    with pytest.raises(ValueError, match="INCIDENT_TABLE"):
        Ledger().incidents("jaywalking", np.zeros((1, 1), np.int64), np.zeros(1), np.zeros(1))


def test_police_actions_are_one_definition() -> None:
    from custodiet.scenario._watch import ACTIONS

    assert INTERVENTION_ACTIONS == schema.POLICE_ACTION_NAMES
    assert set(ACTIONS) == {"none", *schema.POLICE_ACTION_NAMES}
    assert all(a.effect for a in schema.POLICE_ACTIONS)
