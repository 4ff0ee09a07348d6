"""The workbench's card for a scenario's hot-spot predictor, through the HTTP app: its blanks
(k, cell size, window, discovery share) shown, each edit validated by the scenario loader
(the message beside the field, the last valid section kept), answered over the city's own
incidents with the figures before and after, and saved into the scenario file."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from custodiet.scenario import load_scenario
from custodiet.workbench import open_bench
from custodiet.workbench._app import Workbench, create_app
from custodiet.workbench._hotspots import hotspot_answer
from tests.test_workbench_form import _Client


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hot")
    bench = open_bench("neighbourhood_hotspots", people=8000, days=8, seed=2,
                       cache=tmp / "cache")
    wb = Workbench(bench, save_dir=tmp / "saved", study_dir=tmp / "studies")
    with TestClient(create_app(wb), base_url="http://127.0.0.1:8765") as c:
        yield _Client(c, wb), wb


def _figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{re.escape(name)}">([^<]*)<', html)
    assert found, name
    return found.group(1)


def test_the_card_shows_the_blanks_and_the_figures(client) -> None:
    c, _ = client
    html = c.get("/").text
    assert 'id="hotspots"' in html and 'action="/hotspots?s=' in html
    for name in ("k", "cell_m", "window", "discovery"):
        assert f'id="h-{name}"' in html
    a = c.tab.bench.hotspot.answer
    assert a["k"] == round(0.05 * a["cells"])
    assert _figure(html, "hit_rate_over_chance") == a["hit_rate_over_chance"]["sentence"]
    migrant = next(e for e in a["enclaves"] if e["area"] == "migrant enclave")
    assert _figure(html, "migrant enclave").endswith(
        f"of the true crime: {migrant['ratio']['sentence']}")


def test_an_edit_is_answered_with_before_and_after(client) -> None:
    c, _ = client
    bench = c.tab.bench
    assert c.post("/hotspots", data={"discovery": "0"}).status_code == 200
    narrow = bench.hotspot.answer
    assert bench.scenario.hotspots.discovery == 0.0
    k = narrow["k"]
    page = c.post("/hotspots", data={"k": str(2 * k), "discovery": "0"}).text
    wide = bench.hotspot.answer
    assert wide["k"] == 2 * k and bench.hotspot.before is narrow
    assert f"Before and after: k None → {2 * k}" in page
    # Without discovery the scores do not depend on k: the top 2k cells hold the top k.
    assert wide["hits"] >= narrow["hits"]
    again = hotspot_answer(bench.city, bench.scenario)
    assert again["hits"] == wide["hits"] and again["enclaves"] == wide["enclaves"]


def test_a_bad_blank_gets_the_loaders_message_and_keeps_the_last_valid(client) -> None:
    c, _ = client
    bench = c.tab.bench
    kept = bench.scenario.hotspots
    page = c.post("/hotspots", data={"window": "0"}).text
    assert bench.hotspot.errors == {"window": "Input should be greater than or equal to 1"}
    assert 'id="h-window" name="window" value="0"' in page and 'aria-invalid="true"' in page
    assert bench.scenario.hotspots == kept
    page = c.post("/hotspots", data={"k": "100000"}).text
    assert "must be at most the city&#39;s" in page and bench.scenario.hotspots == kept


def test_save_writes_the_edited_section(client) -> None:
    c, wb = client
    c.post("/hotspots", data={"k": "5", "window": "30", "cell_m": "300", "discovery": "0.25"})
    assert c.post("/save", data={"filename": "hot-edit.toml"}).status_code == 200
    saved = load_scenario(wb.save_dir / "hot-edit.toml")
    h = saved.hotspots
    assert (h.k, h.window, h.cell_m, h.discovery) == (5, 30, 300.0, 0.25)
    assert "entry of its own in SOURCES.md" in (wb.save_dir / "hot-edit.toml").read_text()


def test_a_scenario_without_the_section_has_no_card(client) -> None:
    from tests.test_workbench_engine import fresh_bench

    assert fresh_bench().hotspot is None
    c, _ = client
    assert c.tab.bench.hotspot is not None
