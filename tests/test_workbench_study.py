""""Run the full study" follows ``custodiet run``: its progress read from the progress bar, a
finished run with a report is done, a failing one says why."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from custodiet.scenario import load_scenario
from custodiet.store import is_path_name
from custodiet.workbench import _study


def _fake(monkeypatch, script: str) -> None:
    monkeypatch.setattr(_study, "command", lambda scenario, out: [sys.executable, "-c", script])


def _wait(run: _study.StudyRun) -> None:
    for _ in range(200):
        if run.state != "running":
            return
        time.sleep(0.05)
    raise AssertionError("the study never finished")


def test_progress_then_done(monkeypatch, tmp_path) -> None:
    out = tmp_path / "study"
    _fake(monkeypatch, f"""
import sys, pathlib
for i in range(1, 29):
    sys.stderr.write(f"\\r7 runs × 3,000 people:  {{i * 100 // 28}}%|##| {{i}}/28 [00:01<00:00]")
    sys.stderr.flush()
pathlib.Path({str(out)!r}).mkdir()
pathlib.Path({str(out)!r}, "report.html").write_text("<html></html>")
""")
    run = _study.start(tmp_path / "s.toml", out)
    _wait(run)
    assert run.state == "done"
    assert (run.done, run.total) == (28, 28)


def test_a_failed_run_says_why(monkeypatch, tmp_path) -> None:
    _fake(monkeypatch, "import sys; sys.stderr.write('custodiet: error: x.toml:3: k: bad\\n');"
                       " sys.exit(2)")
    run = _study.start(tmp_path / "s.toml", tmp_path / "study")
    _wait(run)
    assert run.state == "failed"
    assert run.error == "custodiet: error: x.toml:3: k: bad"


def test_the_command_is_custodiet_run_on_the_saved_file(tmp_path) -> None:
    cmd = _study.command(tmp_path / "s.toml", tmp_path / "out")
    assert cmd[1:4] == ["-m", "custodiet", "run"]
    assert cmd[4] == str(tmp_path / "s.toml") and "--out" in cmd


# "Run the full study" through the HTTP app: it answered HTTP 500 for a scenario named
# "My Study" and after a card had accepted radius_m=inf (which the file loader refuses).

#: Stands in for ``custodiet run``: reads the saved file with the loader ``run`` uses (a
#: refusal is its one line and exit 2), then writes a report.
_LOADS_THEN_REPORTS = """
import pathlib, sys
sys.path.insert(0, {src!r})
from custodiet.errors import UserError
from custodiet.scenario import load_scenario
try:
    load_scenario(sys.argv[1])
except UserError as err:
    sys.stderr.write(f"custodiet: error: {{err}}\\n")
    sys.exit(2)
out = pathlib.Path(sys.argv[2])
out.mkdir()
(out / "report.html").write_text("<html><title>Study of the saved rules</title></html>")
"""


def _app(tmp_path, name: str):
    from starlette.testclient import TestClient

    from custodiet.workbench import Bench
    from custodiet.workbench._app import Workbench, create_app
    from tests.test_workbench_engine import small_city

    city, scenario, _ = small_city()
    bench = Bench(city, scenario.model_copy(update={"name": name}), threads=2)
    wb = Workbench(bench, save_dir=tmp_path / "saved", study_dir=tmp_path / "studies")
    return TestClient(create_app(wb), base_url="http://127.0.0.1:8765"), wb


def _fake_run(monkeypatch) -> None:
    import custodiet

    src = str(Path(custodiet.__file__).parent.parent)
    monkeypatch.setattr(_study, "command", lambda scenario, out: [
        sys.executable, "-c", _LOADS_THEN_REPORTS.format(src=src), str(scenario), str(out)])


def _run_study(tab) -> None:
    """Start the full study from one tab (``tests.test_workbench_form._Client``) and wait."""
    started = tab.post("/study", follow_redirects=False)
    assert started.status_code == 303, started.text[-500:]
    assert tab.tab.study is not None
    _wait(tab.tab.study)


@pytest.mark.parametrize("name", ["My Study", "../../x", "default"])
def test_run_the_full_study_over_http_for_any_scenario_name(monkeypatch, tmp_path, name):
    from tests.test_workbench_form import _Client

    _fake_run(monkeypatch)
    client, wb = _app(tmp_path, name)
    with client:
        tab = _Client(client, wb)
        _run_study(tab)
        study = tab.tab.study
        assert study.state == "done", study.error
        saved = study.scenario
        assert saved.parent == tmp_path / "saved" and is_path_name(saved.name)
        assert study.out.parent == tmp_path / "studies" and is_path_name(study.out.name)
        assert load_scenario(saved).rules == tab.tab.bench.scenario.rules
        page = tab.get("/study", headers={"x-requested-with": "fetch"})
        assert page.status_code == 200
        report = tab.get("/study/report")
        assert report.status_code == 200 and "Study of" in report.text
    assert {p.name for p in tmp_path.iterdir()} == {"saved", "studies"}


@pytest.mark.parametrize("bad", ["inf", "-inf", "nan", "1e999", "Infinity"])
def test_run_the_full_study_after_a_card_refused_a_non_finite_value(monkeypatch, tmp_path,
                                                                   bad):
    from urllib.parse import urlencode

    from tests.test_workbench_form import _Client, form_of

    _fake_run(monkeypatch)
    client, wb = _app(tmp_path, "My Study")
    with client:
        tab = _Client(client, wb)
        bench = tab.tab.bench
        index = next(i for i, c in enumerate(bench.cards) if "radius_m" in c.values)
        before = bench.cards[index].rule
        pairs = [(k, bad if k == "radius_m" else v) for k, v in
                 form_of(bench.cards[index], bench.list_names, bench.scorer_names)]
        edited = tab.post(f"/card/{index}", content=urlencode(pairs),
                          headers={"x-requested-with": "fetch",
                                   "content-type": "application/x-www-form-urlencoded"})
        assert edited.status_code == 200 and 'aria-invalid="true"' in edited.text
        assert bench.cards[index].rule == before  # the last valid rule is kept
        _run_study(tab)
        assert tab.tab.study.state == "done", tab.tab.study.error
        assert load_scenario(tab.tab.study.scenario).rules[index] == before


@pytest.mark.slow
def test_run_the_full_study_end_to_end_for_my_study(tmp_path):
    """The real ``custodiet run`` on the saved file of a scenario named "My Study"."""
    from tests.test_workbench_form import _Client

    client, wb = _app(tmp_path, "My Study")
    with client:
        tab = _Client(client, wb)
        started = tab.post("/study", follow_redirects=False)
        assert started.status_code == 303
        for _ in range(3000):
            if tab.tab.study.state != "running":
                break
            time.sleep(0.2)
        assert tab.tab.study.state == "done", tab.tab.study.error
        report = tab.get("/study/report")
        assert report.status_code == 200 and "<title>Study of" in report.text
