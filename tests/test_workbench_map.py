"""The map of the city in the workbench: after each card's answer, the report's map drawn for
that rule's alerts over the replayed city (its own image, fetched from the tab's address);
the alerts it draws are the rule's, counted again here from the replayed alerts and the
city's places; a rule with no alert shows the city with a line saying none fell."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode
from xml.etree import ElementTree

import numpy as np
import pyarrow.compute as pc
import pytest
from starlette.testclient import TestClient

from custodiet.workbench import _engine as engine
from custodiet.workbench._app import MAP_CSP, Workbench, create_app
from tests.test_workbench_engine import fresh_bench, small_city
from tests.test_workbench_form import _Client, form_of

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("map")
    bench = fresh_bench()
    bench.answer_all()
    wb = Workbench(bench, save_dir=tmp / "saved", study_dir=tmp / "studies")
    with TestClient(create_app(wb), base_url="http://127.0.0.1:8765") as c:
        yield c, wb


def _edit(c: _Client, index: int, blank: str, value: str) -> None:
    bench = c.tab.bench
    pairs = [(k, value if k == blank else v)
             for k, v in form_of(bench.cards[index], bench.list_names, bench.scorer_names)]
    done = c.post(f"/card/{index}", content=urlencode(pairs), follow_redirects=False,
                  headers={"content-type": "application/x-www-form-urlencoded"})
    assert done.status_code == 303 and not bench.cards[index].errors


def _answer_html(page: str, index: int) -> str:
    start = page.index(f'id="answer-{index}"')
    return page[start:page.index("</section>", start)]


def _map_of(c: _Client, index: int) -> tuple[str, ElementTree.Element]:
    """The card's answer as the page shows it, and the map image it links to, parsed."""
    answer = _answer_html(c.get("/").text, index)
    src = re.search(r'<figure class="map">.*?<img src="([^"]+)"', answer, re.S)
    assert src, answer[-2000:]
    image = c.c.get(html.unescape(src.group(1)))
    assert image.status_code == 200
    assert image.headers["content-type"].startswith("image/svg+xml")
    assert image.headers["content-security-policy"] == MAP_CSP
    assert len(image.content) < 300_000  # compact: the report's compacted map
    root = ElementTree.fromstring(image.content)
    assert root.tag == f"{SVG}svg"
    return answer, root


def _texts(root: ElementTree.Element) -> list[str]:
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def _drawn(city: engine.City, alerts) -> int:
    """The rule's alerts on the map, counted from the replayed alerts: those the red list
    did not suppress, at a place with a position."""
    raised = alerts.filter(pc.invert(alerts.column("suppressed_by_redlist")))
    places = city.static["places"]
    x = dict(zip(places.column("place_id").to_pylist(),
                 places.column("x").to_numpy(zero_copy_only=False), strict=True))
    return int(sum(1 for p in raised.column("place").to_pylist()
                   if p in x and not np.isnan(x[p])))


def test_an_edited_rules_answer_shows_the_map_of_its_alerts(app) -> None:
    c, wb = app
    tab = _Client(c, wb)
    cards = tab.tab.bench.cards
    i = next(k for k, card in enumerate(cards) if card.rule.name == "water_above_normal")
    _edit(tab, i, "factor", str(cards[i].rule.factor * 0.9))
    rule = tab.tab.bench.scenario.rules[i]
    city = small_city()[0]
    alerts = engine.run_alerts(city, rule, tab.tab.bench.scenario.rules)
    drawn = _drawn(city, alerts)
    metrics = cards[i].answer["metrics"]
    assert drawn > 0 and metrics["alerts"] >= drawn
    answer, root = _map_of(tab, i)
    assert f"Where its {metrics['alerts']:,} alerts fall" in answer
    texts = _texts(root)
    assert f"{rule.name} ({drawn:,})" in texts, texts
    assert any(t.startswith("Where the alerts fall") for t in texts)
    assert "Who is named, by group" in texts


def test_a_rule_with_no_alert_shows_the_city_and_says_none_fell(app) -> None:
    c, wb = app
    tab = _Client(c, wb)
    cards = tab.tab.bench.cards
    i = next(k for k, card in enumerate(cards) if card.rule.name == "foreigner_at_bar")
    assert cards[i].answer["metrics"]["alerts"] == 0
    _edit(tab, i, "name", "foreigner_at_bar_edited")
    assert cards[i].answered == 2  # answered at start and again for the edit
    answer, root = _map_of(tab, i)
    assert "No alert of this rule fell in the city in 4 days" in answer
    texts = _texts(root)
    assert not any("foreigner_at_bar" in t for t in texts)  # no marker of its alerts
    assert any(t.startswith("camera") for t in texts)  # the city is drawn all the same
    assert sum(1 for t in texts if t.startswith("0‰")) >= 4  # nobody named in any district


def test_a_map_is_found_only_for_a_held_tabs_answered_card(app) -> None:
    c, wb = app
    held = len(wb.tabs)
    assert c.get("/card/0/map.svg?s=" + "x" * 20).status_code == 404
    assert c.get("/card/0/map.svg").status_code == 404
    assert len(wb.tabs) == held  # an image asked for opens no tab
    tab = _Client(c, wb)
    assert tab.get(f"/card/{len(tab.tab.bench.cards)}/map.svg").status_code == 404
    assert tab.get("/card/0/map.svg").status_code == 200
