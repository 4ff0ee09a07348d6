"""The incident table in ``schema`` is complete and every kind can be removed: each kind names
world parameters that exist, the null world zeroes every act's, and a city with those zeroed
has no act at all. Police actions are one definition shared by the world and the scenario."""

from __future__ import annotations

import numpy as np
import pytest

from custodiet import schema
from custodiet.scenario import WorldConfig
from custodiet.store import open_run
from custodiet.study._simulate import simulate_world
from custodiet.study._variants import NULL_WORLD_ZEROED, null_world
from custodiet.world import INTERVENTION_ACTIONS
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
        assert isinstance(value, float) and value > 0, (kind.kind, path, value)


@pytest.mark.parametrize("kind", [k for k in schema.INCIDENT_TABLE if not k.standing],
                         ids=lambda k: k.kind)
def test_the_null_world_zeroes_every_act(kind) -> None:
    for path in kind.removed_by:
        section, name = path.split(".")
        assert section == "incidents" and name in NULL_WORLD_ZEROED, (kind.kind, path)


def test_a_busy_city_with_the_null_world_has_no_act(tmp_path) -> None:
    with open_run(simulate_world(null_world(busy_scenario(days=4)), tmp_path / "n")) as run:
        kinds = {k for (k,) in run.con.execute("SELECT DISTINCT kind FROM incidents").fetchall()}
    assert kinds <= schema.STANDING_INCIDENT_KINDS


def test_the_ledger_refuses_a_kind_not_in_the_table() -> None:
    with pytest.raises(ValueError, match="INCIDENT_TABLE"):
        Ledger().incidents("jaywalking", np.zeros((1, 1), np.int64), np.zeros(1), np.zeros(1))


def test_police_actions_are_one_definition() -> None:
    from custodiet.scenario._watch import ACTIONS

    assert INTERVENTION_ACTIONS == schema.POLICE_ACTION_NAMES
    assert set(ACTIONS) == {"none", *schema.POLICE_ACTION_NAMES}
    assert all(a.effect for a in schema.POLICE_ACTIONS)
