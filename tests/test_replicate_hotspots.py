"""``custodiet replicate hotspots_city``: the hot-spot predictor over the synthetic city's own
crime, run end to end from the command line: the four answers, the reporting's sentence, the
figure, and a user's mistake as one line with exit 2."""

from __future__ import annotations

import json

import numpy as np

from custodiet.cli import main
from custodiet.replicate import REPLICATIONS, REPORTING, run_hotspots


def test_writes_the_four_answers_and_cites_the_reporting(tmp_path, capsys):
    out = tmp_path / "hotspots"
    code = main(["replicate", "hotspots_city", "--out", str(out), "--runs", "1", "--days", "6",
                 "--seed", "2", "--quiet"])
    assert code == 0
    assert {"hotspots_city.svg", "hotspots_city.png", "results.json", "README.md"} <= \
        {p.name for p in out.iterdir()}
    report = json.loads((out / "results.json").read_text())
    assert report["replication"] == "hotspots_city"
    assert "which neighborhoods are most heavily policed" in report["reporting"]
    assert set(report["answers"]) == {"works", "burdens", "hides", "knowable"}
    assert report["figure_files"] == ["hotspots_city.svg", "hotspots_city.png"]
    assert "hit_rate_over_chance" in report["figures"]
    s = report["settings"]
    assert (s["cities"], s["days"], s["history_days"], s["system_days"]) == (1, 6, 3, 3)
    shares = report["shares"]
    assert np.isclose(sum(v["patrol_share"] for k, v in shares.items()
                          if k.startswith("district ")), 1.0)
    readme = (out / "README.md").read_text()
    for title in ("Does it work?", "Whom does it burden?", "What does the red list hide?",
                  "Can anyone know?"):
        assert f"## {title}" in readme
    assert REPORTING in readme
    printed = capsys.readouterr().out
    assert "burdens:" in printed and "wrote" in printed


def test_one_day_is_refused_in_one_line(tmp_path, capsys):
    code = main(["replicate", "hotspots_city", "--out", str(tmp_path / "x"), "--runs", "1",
                 "--days", "1", "--quiet"])
    assert code == 2
    err = capsys.readouterr().err
    assert "at least 2 days" in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_cities_are_keyed_by_seed_and_differ():
    assert "hotspots_city" in REPLICATIONS
    from custodiet.cli import _replicate

    assert _replicate.REPLICATIONS == REPLICATIONS  # the command line offers every one
    crimes, runs = run_hotspots(runs=2, days=4, seed=1, people=20_000)
    assert [c.seed for c in crimes] == [10_000, 10_001]
    assert not np.array_equal(runs["deployed"][0].true, runs["deployed"][1].true)
    again, _ = run_hotspots(runs=1, days=4, seed=1, people=20_000)
    assert np.array_equal(again[0].incident_id, crimes[0].incident_id)
