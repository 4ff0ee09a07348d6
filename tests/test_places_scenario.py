"""A scenario's ``[hotspots]`` section: validated with errors naming file, line and field, and
run by ``custodiet run``: the predictor over the watch run's own place-based incidents, its
figures and four answers in metrics.json and the report, equal to ``audit_city`` over the
same run stores; with stops, the people its patrols stopped."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from custodiet.cli import main
from custodiet.errors import UserError
from custodiet.places import audit_city, city_grid_of, crime_of_store, scenario_settings
from custodiet.scenario import builtin_scenarios, load_scenario, parse_scenario
from custodiet.scenario._docs import parameter_rows
from custodiet.scenario.models import Hotspots, city_side_m

BASE = """name = "h"
[world]
people = 20000
days = 10

[hotspots]
predictor = "hawkes"
"""


@pytest.mark.parametrize(("extra", "expected"), [
    ('window = 0\n', "s.toml:8: hotspots.window: Input should be greater than or equal to 1"),
    ('discovery = 1.5\n', "s.toml:8: hotspots.discovery: Input should be less than or equal "
                          "to 1"),
    ('windw = 30\n', "s.toml:8: hotspots.windw: unknown field; did you mean 'window'?"),
    ('correction = "weigted"\n', "s.toml:8: hotspots.correction: unknown value 'weigted'; "
                                 "did you mean 'weighted'?"),
    ('correction = "weighted"\n', "s.toml:6: hotspots: the weighted correction needs random "
                                  "patrols: set random_share above 0"),
    ('district_reporting = [0.3, 0.7]\n', "s.toml:8: hotspots.district_reporting: needs one "
                                          "rate per district: 16, got 2"),
    ('reporting = 0.0\n', "s.toml:8: hotspots.reporting: Input should be greater than 0"),
    ('k = 5000\n', "s.toml:8: hotspots.k: must be at most the city's 64 cells"),
    ('history_days = 10\n', "s.toml:8: hotspots.history_days: must be less than the run's "
                            "10 days"),
    ('correction = "weighted"\nrandom_share = 0.1\nk = 4\n',
     "s.toml:9: hotspots.random_share: sends none of the 4 patrols at random"),
    ('[hotspots.kind_reporting]\ndrug_deel = 0.1\n',
     "s.toml:9: hotspots.kind_reporting.drug_deel: unknown field; did you mean 'drug_deal'?"),
])
def test_a_bad_blank_names_file_line_and_field(extra: str, expected: str) -> None:
    with pytest.raises(UserError) as err:
        parse_scenario(BASE + extra, source="s.toml")
    assert str(err.value).startswith(expected), str(err.value)


def test_the_validator_counts_the_cells_the_grid_has() -> None:
    """The bound on k is checked against the grid the predictor runs on."""
    for people, cell in ((20_000, 250.0), (100_000, 250.0), (100_000, 1000.0), (6000, 90.0)):
        sc = parse_scenario(BASE.replace("20000", str(people)) + f"cell_m = {cell}\n")
        h, world = sc.hotspots, sc.world
        side = city_side_m(world.people, world.geography.density_per_km2)
        per_side = h.cells_per_side(side, world.geography.districts_per_side)
        assert per_side * per_side == city_grid_of(world, cell).n_cells


def test_no_section_no_predictor_and_every_blank_says_its_source() -> None:
    assert load_scenario(builtin_scenarios()["default"]).hotspots is None
    for name, _default, text in parameter_rows(Hotspots, "hotspots."):
        assert text, f"{name} has no description"
        low = text.lower()
        assert any(w in low for w in ("assumption", "structural", "20")), (name, text)


def test_the_builtin_scenario_fills_every_blank_as_the_defaults_do() -> None:
    sc = load_scenario(builtin_scenarios()["neighbourhood_hotspots"])
    assert sc.hotspots == Hotspots()
    settings = scenario_settings(sc.hotspots, sc.world)
    assert settings.k == round(0.05 * city_grid_of(sc.world, 250.0).n_cells)


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in scenario whose patrols also stop 3 people a cell-day."""
    tmp = tmp_path_factory.mktemp("hot")
    text = builtin_scenarios()["neighbourhood_hotspots"].read_text().replace(
        'correction = "none"', 'correction = "none"\nstops_per_patrol_day = 3')
    (tmp / "stops.toml").write_text(text)
    out = tmp / "study"
    assert main(["run", str(tmp / "stops.toml"), "--out", str(out), "--people", "6000",
                 "--days", "6", "--seeds", "2", "--removal-rates", "none", "--bootstrap", "0",
                 "--quiet"]) == 0
    return out


def test_run_writes_the_predictors_figures_and_answers(study: Path) -> None:
    metrics = json.loads((study / "metrics.json").read_text())
    h = metrics["hotspots"]
    assert set(h["answers"]) == {"works", "burdens", "hides", "knowable"}
    assert h["settings"]["cities"] == 2 and h["settings"]["history_days"] == 3
    assert h["settings"]["predictor"] == "hawkes" and h["settings"]["discovery"] == 0.5
    for seed in metrics["seeds"]:
        assert set(seed["hotspots"]["incidents"]) == {"burglary", "pickpocket", "drug_deal"}
    html = (study / "report.html").read_text()
    assert "The hot-spot predictor" in html and "hit rate over chance" in html


def test_the_study_agrees_with_audit_city_over_the_same_stores(study: Path) -> None:
    """The section is audit_city over the watch runs' incidents: the same figures."""
    h = json.loads((study / "metrics.json").read_text())["hotspots"]
    stores = sorted((study / "runs").glob("seed-*/watch"))
    crimes = [crime_of_store(p) for p in stores]
    sc = load_scenario(builtin_scenarios()["neighbourhood_hotspots"])
    settings = scenario_settings(sc.hotspots, crimes[0].world)
    direct = audit_city(crimes, settings, seed=crimes[0].seed)
    assert h["incidents"] == direct["incidents"] and h["recorded"] == direct["recorded"]
    for name in ("hit_rate_over_chance", "patrols_over_crime[migrant enclave]"):
        for key in ("estimate", "low", "high", "decision"):
            value = direct["figures"][name][key]  # metrics.json writes no infinity
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            assert h["figures"][name][key] == value, (name, key)
    works = h["answers"].pop("works")  # and, since this study's patrols stop people:
    assert works.startswith(direct["answers"].pop("works") + " Where patrols stop people: ")
    assert h["answers"] == direct["answers"]


def test_a_study_with_stops_writes_them(study: Path) -> None:
    m = json.loads((study / "metrics.json").read_text())
    h, s = m["hotspots"], m["hotspots"]["settings"]
    stops = h["stops"]
    assert s["stops_per_patrol_day"] == 3
    assert 0 < stops["stopped"] <= 3 * s["k"] * s["system_days"] * s["cities"]
    assert stops["innocent"] <= stops["stopped"]
    assert stops["stopped"] == sum(x["hotspots"]["stopped"] for x in m["seeds"])
    assert "Where patrols stop people" in h["answers"]["works"]


def test_a_run_too_short_for_the_predictor_is_one_line_exit_2(tmp_path, capsys) -> None:
    out = tmp_path / "never"
    assert main(["run", "neighbourhood_hotspots", "--days", "1", "--people", "2000",
                 "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "world.days: must be at least 2 with [hotspots]" in err
    assert not out.exists()
