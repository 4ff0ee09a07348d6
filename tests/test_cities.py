"""A city that several runs of a study share is built once and each run starts from it; the
run stores are the same as when every run builds its own (equal digests and row counts), and
the cities are gone once the study's runs are done."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from custodiet import schema
from custodiet.scenario import Scenario, builtin_scenarios, load_scenario
from custodiet.store import DATABASE, MANIFEST, RunWriter, open_run
from custodiet.study._cities import city_key, prepare_city, shared_cities
from custodiet.study._execute import CITIES, execute
from custodiet.study._plan import plan_study, sized
from custodiet.study._variants import null_world, with_seed


def _plan() -> list:
    """A small study: the default scenario on 2,500 people for 3 days, one seed, every variant
    and one removal rate."""
    sc = sized(load_scenario(builtin_scenarios()["default"]), people=2500, days=3, seed=3)
    return plan_study(sc, [3], [0.03])


def _stores(paths: list[Path]) -> dict[str, tuple[dict[str, str], dict[str, int]]]:
    """Each store's table digests and manifest rows, by run name."""
    out = {}
    for p in paths:
        with open_run(p) as run:
            out[p.name] = ({t: run.digest(t) for t in run.tables()}, run.manifest["rows"])
    return out


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict, Path]:
    plan = _plan()
    alone = tmp_path_factory.mktemp("alone")
    shared = tmp_path_factory.mktemp("shared")
    a = _stores(list(execute(plan, alone, jobs=1, share_cities=False).values()))
    built: list[str] = []

    def spy(scenario: Scenario, folder: Path) -> Path:
        built.append(city_key(scenario))
        return prepare_city(scenario, folder)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("custodiet.study._execute.prepare_city", spy)
        b = _stores(list(execute(plan, shared, jobs=1, share_cities=True).values()))
    assert built == [city_key(plan[0].scenario)]  # one city, for five of the six runs
    return a, b, shared


def test_shared_cities_give_the_same_stores(both) -> None:
    alone, shared, _ = both
    assert set(alone) == {"watch", "no_response", "no_redlist", "null_world", "no_system",
                          "removal-0.03"}
    assert shared == alone
    assert alone["watch"][0]["incidents"] != alone["null_world"][0]["incidents"]  # not vacuous


def test_the_cities_are_removed_after_execute(both) -> None:
    *_, folder = both
    assert not (folder / CITIES).exists()
    assert [p.name for p in folder.iterdir()] == ["runs"]


def test_city_keys_follow_the_world_config_and_seed() -> None:
    plan = {spec.name: spec.scenario for spec in _plan()}
    assert city_key(plan["watch"]) == city_key(plan["no_response"]) == city_key(
        plan["removal-0.03"]) == city_key(plan["no_system"])
    assert city_key(plan["null_world"]) == city_key(null_world(plan["watch"]))
    assert city_key(plan["null_world"]) != city_key(plan["watch"])
    assert city_key(with_seed(plan["watch"], 4)) != city_key(plan["watch"])
    folders = shared_cities(list(plan.values()), Path("c"))
    assert folders.count(None) == 1  # the null world alone builds its own
    assert len({f for f in folders if f is not None}) == 1


def test_a_failed_study_still_removes_its_cities(tmp_path, monkeypatch) -> None:
    def broken(**kwargs: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr("custodiet.study._execute.simulate", broken)
    with pytest.raises(Exception, match="boom"):
        execute(_plan()[:2], tmp_path, jobs=1)
    assert not (tmp_path / CITIES).exists()


def test_run_writer_starts_from_a_finished_database(tmp_path) -> None:
    people = pa.table({"person_id": pa.array([0, 1, 2], pa.int64()),
                       "sex": pa.array([0, 1, 0], pa.int8()).dictionary_encode()})
    with RunWriter(tmp_path / "start", schemas={}) as w:
        w.append("people", pa.table({"person_id": people["person_id"],
                                     "sex": pa.DictionaryArray.from_arrays(
                                         pa.array([0, 1, 0], pa.int8()), ["F", "M"])}))
        w.finish({})
    start = tmp_path / "start" / DATABASE
    ev = pa.schema([("t", pa.int64())])
    with RunWriter(tmp_path / "run", schemas={"people": people.schema, "ev": ev},
                   start_from=start) as w:
        assert w.rows == {"people": 3, "ev": 0}
        w.append("people", pa.table({"person_id": pa.array([3], pa.int64()),
                                     "sex": pa.DictionaryArray.from_arrays(
                                         pa.array([1], pa.int8()), ["F", "M"])}))
        w.append("ev", pa.table({"t": pa.array([7, 8], pa.int64())}, schema=ev))
        w.append("late", pa.table({"x": pa.array([1.5])}))
        w.finish({})
    rows = json.loads((tmp_path / "run" / MANIFEST).read_text())["rows"]
    assert rows == {"people": 4, "ev": 2, "late": 1}
    with open_run(tmp_path / "run") as run:
        assert run.table("people").column("sex").to_pylist() == ["F", "M", "F", "M"]
        kind = run.con.execute("SELECT data_type FROM information_schema.columns WHERE "
                               "table_name = 'people' AND column_name = 'sex'").fetchone()[0]
        assert kind.startswith("ENUM")  # kept, not recreated from the schema
        assert run.table("ev").column("t").to_pylist() == [7, 8]
        assert run.table("late").num_rows == 1
    assert set(schema.STATIC_TABLES) == {"persons", "person_truth", "places", "ties"}
