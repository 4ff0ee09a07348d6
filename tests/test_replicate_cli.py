"""``custodiet replicate``: outputs written atomically, user mistakes as one line and exit 2."""

from __future__ import annotations

import json

import pytest

from custodiet.cli import main


def _partials(parent):
    return [p for p in parent.iterdir() if p.name.endswith((".partial", ".old"))]


@pytest.mark.parametrize("name", ["ensign2018", "damour2020"])
def test_writes_figures_numbers_and_summary(tmp_path, capsys, name):
    out = tmp_path / name
    code = main(["replicate", name, "--out", str(out), "--runs", "6", "--days", "40",
                 "--seed", "3", "--quiet"])
    assert code == 0
    files = {p.name for p in out.iterdir()}
    assert {f"{name}.svg", f"{name}.png", "results.json", "README.md"} <= files
    report = json.loads((out / "results.json").read_text())
    assert report["replication"] == name
    assert report["settings"]["runs"] == 6 and report["settings"]["days"] == 40
    if name == "ensign2018":
        variant = report["cases"][0]["variants"]["corrected"]
        assert {"measured", "published"} <= set(variant)
        assert variant["published"]["limit_of_the_model"] == pytest.approx(
            report["cases"][0]["true_share"])
    else:
        assert set(report["agents"]) == {"greedy", "greedy_fair", "uniform",
                                         "proportional_0.1", "proportional_0.5"}
        assert "published" in report and "measured_claims" in report
    assert (out / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _partials(tmp_path) == []
    assert "wrote" in capsys.readouterr().out


def test_missing_parent_directories_are_created(tmp_path):
    out = tmp_path / "runs" / "deep" / "ensign"
    assert main(["replicate", "ensign2018", "--out", str(out), "--runs", "2", "--days", "3",
                 "--quiet"]) == 0
    assert (out / "results.json").exists()


def test_same_seed_same_numbers(tmp_path):
    for sub in ("a", "b"):
        assert main(["replicate", "ensign2018", "--out", str(tmp_path / sub), "--runs", "5",
                     "--days", "20", "--quiet"]) == 0
    a = json.loads((tmp_path / "a" / "results.json").read_text())
    b = json.loads((tmp_path / "b" / "results.json").read_text())
    a.pop("seconds"), b.pop("seconds")
    assert a == b


def test_existing_output_is_refused_in_one_line(tmp_path, capsys):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    code = main(["replicate", "ensign2018", "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "already exists" in err
    assert (out / "keep.txt").read_text() == "mine"


def test_force_replaces_only_when_complete(tmp_path):
    out = tmp_path / "again"
    out.mkdir()
    (out / "old.txt").write_text("old")
    (out / ".custodiet").write_text("")  # --force replaces only what custodiet wrote
    assert main(["replicate", "ensign2018", "--out", str(out), "--runs", "3", "--days", "5",
                 "--force", "--quiet"]) == 0
    assert not (out / "old.txt").exists() and (out / "results.json").exists()
    assert _partials(tmp_path) == []


@pytest.mark.parametrize("argv", [
    ["replicate", "ensign2019", "--out", "x"],
    ["replicate", "ensign2018", "--out", "x", "--runs", "0"],
    ["replicate", "damour2020", "--out", "x", "--days", "many"],
    ["replicate", "damour2020"],
])
def test_bad_arguments_exit_2_with_one_line(tmp_path, capsys, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("custodiet: error:") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_failure_while_writing_leaves_nothing(tmp_path, monkeypatch):
    import custodiet.replicate._figures as figures

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(figures, "ensign_figure", broken)
    out = tmp_path / "never"
    assert main(["replicate", "ensign2018", "--out", str(out), "--runs", "3", "--days", "5",
                 "--quiet"]) == 2
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["akpinar2021", "ensign2018_city"])
def test_the_city_replications_write_figure_numbers_and_verdicts(tmp_path, name):
    out = tmp_path / name
    assert main(["replicate", name, "--out", str(out), "--runs", "2", "--days", "2",
                 "--quiet"]) == 0
    report = json.loads((out / "results.json").read_text())
    assert report["replication"] == name and report["settings"]["cells"] == 256
    assert {f"{name}.svg", f"{name}.png", "results.json", "README.md"} <= {
        p.name for p in out.iterdir()}
    first = next(iter(report["variants"].values()))
    figure = next(v for v in first.values() if isinstance(v, dict))
    assert {"estimate", "low", "high", "decision", "sentence"} <= set(figure)
    assert "docs/replications/" in (out / "README.md").read_text()


def test_the_city_runaway_has_the_weighted_remedy_beside_the_others(tmp_path):
    out = tmp_path / "ensign"
    assert main(["replicate", "ensign2018_city", "--out", str(out), "--runs", "2", "--days",
                 "4", "--quiet"]) == 0
    report = json.loads((out / "results.json").read_text())
    variants = report["variants"]
    assert list(variants) == ["none", "reported", "weighted"]
    assert variants["weighted"]["random_share"] == 0.25
    assert variants["none"]["random_share"] == 0.0
    growth = variants["weighted"]["patrol_share_growth"]
    # Over 4 days the first and last ten days are the same days: the growth is 1 in each of
    # the 2 cities whatever is resampled, too few cities for an interval (null, not NaN).
    assert growth["estimate"] == 1.0 and growth["low"] is None and growth["high"] is None
    assert growth["decision"] == "absent" and "too few cities" in growth["sentence"]
    assert "NaN" not in (out / "results.json").read_text()
    assert len(variants["weighted"]["daily_patrol_share"]) == 4
    assert "## weighted" in (out / "README.md").read_text()
