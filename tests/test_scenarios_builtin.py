"""Built-in scenarios: each loads, cites real source ids with a quoted sentence, runs on a small
city, and ``default.toml`` combines them; ``custodiet scenarios`` lists them."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pytest

from custodiet.cli import main
from custodiet.scenario import builtin_scenarios, load_scenario
from custodiet.watch import Watch, observable
from custodiet.world import World
from tests.conftest import BUSY_WORLD

SOURCES = Path(__file__).resolve().parents[1].parent / "shared" / "SOURCES.md"
FOUND = builtin_scenarios()
SYSTEMS = [name for name in FOUND if name != "default"]


def test_one_scenario_per_system_and_a_default() -> None:
    assert "default" in FOUND
    assert len(SYSTEMS) >= 10


@pytest.mark.parametrize("name", list(FOUND))
def test_scenario_cites_known_sources_and_quotes_them(name: str) -> None:
    text = FOUND[name].read_text()
    scenario = load_scenario(FOUND[name])
    assert scenario.sources and scenario.description
    cited = set(re.findall(r"# source: ((?:NYT|HRW|MPS)-\d+)", text))
    assert cited, "no '# source: ID' comment"
    assert '"' in "".join(line for line in text.splitlines() if line.startswith("#")), \
        "no quoted sentence in the comments"
    for rule in scenario.rules:
        assert rule.detects
    if not SOURCES.exists():
        pytest.skip(f"{SOURCES} is absent: cannot check the ids exist")
    known = set(re.findall(r"^\| ((?:NYT|HRW|MPS)-\d+) \|", SOURCES.read_text(), re.M))
    assert set(scenario.sources) <= known and cited <= known


def test_default_combines_every_system() -> None:
    default = load_scenario(FOUND["default"])
    names = {r.name for r in default.rules}
    for name in SYSTEMS:
        assert {r.name for r in load_scenario(FOUND[name]).rules} <= names, name


@pytest.mark.parametrize("name", list(FOUND))
def test_scenario_runs_on_a_small_city(name: str) -> None:
    scenario = load_scenario(FOUND[name]).model_copy(deep=True)
    world_cfg = scenario.world.model_validate(
        {**BUSY_WORLD, "people": 20_000, "days": 7,
         "population": {"foreign_share": 0.02, "official_share": 0.02},
         # Records know every history, so that small lists are not empty in a small city.
         "history": {"recording_rate": dict.fromkeys(
             ("mental_illness", "drug_use", "criminal_record", "petition_history",
              "protest_history", "hiv"), 1.0)}})
    scenario.world = world_cfg
    world = World(scenario.world, scenario.seed)
    static = world.static_tables()
    watch = Watch(scenario, {k: static[k] for k in ("persons", "places", "ties")})
    alerts = []
    while not world.finished:
        out = watch.observe(observable(world.step()))
        for r in watch.interventions():
            world.intervene(r.persons, r.action, r.t, until=r.until, chill=r.chill)
        alerts.append(out["alerts"])
    fired = set(pa.concat_tables(alerts).column("rule").to_pylist())
    # Each system raises some alert in a busy week (a dead rule would go unnoticed otherwise).
    assert fired, f"{name}: no rule fired"


def test_cli_lists_scenarios_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(FOUND)
    assert [line.split()[0] for line in lines] == list(FOUND)


def test_cli_without_scenarios_folder_is_one_line_exit_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CUSTODIET_SCENARIOS", str(tmp_path / "nowhere"))
    assert main(["scenarios"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "scenarios folder is missing" in err


#: Cities larger than 40,000 for systems whose lists are rare: foreigners are a few in ten
#: thousand residents, so a city of 40,000 holds a handful (6, 3 without a work permit, under
#: the city's draw since its streams are keyed by name), too few to carry a 14-day test.
PEOPLE: dict[str, int] = {"yangshuo_foreigners": 200_000}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FOUND))
def test_scenario_raises_alerts_with_its_own_world(name: str) -> None:
    """Each system, in its own scenario's city at default rates (only smaller: 40,000 people,
    14 days; more where its lists are rare), raises alerts: the world carries what the rules
    look for."""
    scenario = load_scenario(FOUND[name]).model_copy(deep=True)
    data = scenario.world.model_dump()
    data.update(people=PEOPLE.get(name, 40_000), days=14)
    scenario.world = scenario.world.model_validate(data)
    world = World(scenario.world, scenario.seed)
    static = world.static_tables()
    watch = Watch(scenario, {k: static[k] for k in ("persons", "places", "ties")},
                  start_weekday=scenario.world.start_weekday,
                  holidays=scenario.world.holiday_days)
    fired: dict[str, int] = {}
    while not world.finished:
        out = watch.observe(observable(world.step()))
        for r in watch.interventions():
            world.intervene(r.persons, r.action, r.t, until=r.until, chill=r.chill)
        for rule in out["alerts"].column("rule").to_pylist():
            fired[rule] = fired.get(rule, 0) + 1
    assert fired, f"{name}: no rule fired"
    if scenario.world.holiday_days:  # a run that holds the holiday: its rules judge it
        holiday = [r.name for r in scenario.rules if getattr(r, "holiday_only", False)]
        assert all(fired.get(r, 0) > 0 for r in holiday), f"{name}: {fired}"
