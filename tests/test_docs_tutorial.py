"""The tutorial "Model your own system" (docs/model-your-own-system.md) shows a scenario that
loads as written, pieces that are each part of it, the error it says a mistake gives, and a
system that raises the alerts it says it raises."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from custodiet.cli import main
from custodiet.scenario import load_scenario
from custodiet.watch import Watch, observable
from custodiet.world import World

PAGE = Path(__file__).resolve().parents[1] / "docs" / "model-your-own-system.md"


def toml_blocks() -> list[str]:
    return re.findall(r"^```toml\n(.*?)^```", PAGE.read_text(encoding="utf-8"), flags=re.S | re.M)


def whole_file() -> str:
    """The block under "The whole file"."""
    section = PAGE.read_text(encoding="utf-8").split("## The whole file", 1)[1]
    return re.search(r"^```toml\n(.*?)^```", section, flags=re.S | re.M).group(1)


def test_the_whole_file_loads_and_holds_every_piece(tmp_path):
    path = tmp_path / "my-system.toml"
    path.write_text(whole_file())
    scenario = load_scenario(path)
    assert [r.name for r in scenario.rules] == ["drug_users_in_nearby_hotels", "drug_risk_high"]
    assert [s.name for s in scenario.scorers] == ["drug_risk"]
    assert [x.name for x in scenario.lists] == ["drug_users"]
    pieces = [b for b in toml_blocks() if b != whole_file()]
    assert len(pieces) == 5
    for piece in pieces:
        assert piece in whole_file(), f"a piece the whole file does not hold:\n{piece}"


def test_the_mistake_gives_the_error_shown(tmp_path, capsys):
    shown = re.search(r"^custodiet: error: (my-system\.toml:\d+: .*)$", PAGE.read_text(),
                      flags=re.M).group(1)
    (tmp_path / "my-system.toml").write_text(whole_file().replace("k = 2", "k = 1", 1))
    rc = main(["run", str(tmp_path / "my-system.toml"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert rc == 2
    assert shown in err.replace(str(tmp_path) + "/", "")
    assert not (tmp_path / "out").exists()


def test_the_system_raises_what_the_page_says(tmp_path):
    """At 20,000 x 7 (the file's city): "the hotel rule a handful, the score rule a few dozen
    at most". About 8 s."""
    path = tmp_path / "my-system.toml"
    path.write_text(whole_file())
    scenario = load_scenario(path)
    world = World(scenario.world, seed=scenario.seed)
    static = world.static_tables()
    watch = Watch(scenario, {k: static[k] for k in ("persons", "places", "ties")})
    counts: Counter[str] = Counter()
    while not world.finished:
        out = watch.observe(observable(world.step()))
        counts.update(out["alerts"].column("rule").to_pylist())
        for r in watch.interventions():
            world.intervene(r.persons, r.action, r.t, until=r.until, chill=r.chill)
    assert 1 <= counts["drug_users_in_nearby_hotels"] <= 12, counts
    assert 1 <= counts["drug_risk_high"] <= 60, counts
