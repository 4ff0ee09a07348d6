"""The map of the city in a study's report: drawn from the first city's watch run, its
numbers those of the store (residents and people named per district, alerts per rule), the
enclaves found from the residents, and no person shown."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from custodiet.report._map import _enclaves, city_data


def test_the_report_holds_the_map(study) -> None:
    html = study.report.read_text(encoding="utf-8")
    assert 'id="fig-city-map"' in html and "Map of the city" in html
    assert (study.path / "figures" / "city-map.svg").is_file()
    assert (study.path / "figures" / "city-map.png").is_file()


def test_the_maps_numbers_are_the_stores(study) -> None:
    data = city_data(study.run_path())
    with study.open() as run:
        people = run.rows("persons")
        named = run.con.execute("SELECT count(DISTINCT p) FROM (SELECT unnest(persons) AS p "
                                "FROM alerts WHERE NOT suppressed_by_redlist)").fetchone()[0]
        by_rule = dict(run.con.execute(
            "SELECT a.rule, count(*) FROM alerts a JOIN places p ON a.place = p.place_id "
            "WHERE NOT suppressed_by_redlist AND NOT isnan(p.x) GROUP BY 1").fetchall())
    assert sum(d[5] for d in data["districts"]) == people
    assert sum(d[8] for d in data["districts"]) == named
    drawn: dict[str, int] = {}
    for rule, _, _, n in data["alerts"]:
        drawn[rule] = drawn.get(rule, 0) + n
    assert drawn == by_rule
    for d in data["districts"]:
        x0, x1, y0, y1 = d[1:5]
        assert x0 <= x1 and y0 <= y1


def test_an_enclave_is_a_district_where_a_group_is_concentrated() -> None:
    # (district, x0, x1, y0, y1, residents, minority share, migrant share, named)
    districts = [(0, 0, 1, 0, 1, 100, 0.05, 0.10, 3), (1, 1, 2, 0, 1, 100, 0.05, 0.10, 3),
                 (2, 0, 1, 1, 2, 100, 0.05, 0.45, 3), (3, 1, 2, 1, 2, 100, 0.60, 0.10, 3)]
    assert _enclaves(districts) == {3: "minority enclave", 2: "migrant enclave"}


def test_the_report_says_how_many_cities_not_a_bare_seed(study) -> None:
    html = study.report.read_text(encoding="utf-8")
    seeds = ", ".join(str(s) for s in study.seeds)
    assert f"<dt>Simulated cities</dt><dd>{len(study.seeds)} (random seeds {seeds})</dd>" in html


def test_the_map_places_each_marker_by_reference(study) -> None:
    """Markers of mixed sizes in one collection wrote each outline in full (about 570 bytes a
    marker, 0.8 MB of the demo's report); one collection per size places a marker defined once
    by reference, its style on the group around a run of them."""
    data = city_data(study.run_path())
    markers = len(data["alerts"]) + sum(1 for c in data["cameras"] if not c[2])
    svg = (study.path / "figures" / "city-map.svg").read_text(encoding="utf-8")
    html = study.report.read_text(encoding="utf-8")
    assert svg[svg.index("<svg"):] in html  # the report inlines the same, compacted map
    assert markers > 50
    root = ElementTree.fromstring(svg[svg.index("<svg"):])
    drawn = [g for g in root.iter("{http://www.w3.org/2000/svg}g")
             if "PathCollection" in g.get("id", "")]
    per_marker = sum(len(ElementTree.tostring(g)) for g in drawn) / markers
    assert per_marker < 200, per_marker  # about 500 with every outline written out
    assert re.search(r'<use xlink:href="#city-map-m\w+" x="\d+\.\d\d" y="\d+\.\d\d"/>', svg)


def test_compact_hoists_a_shared_style_and_rounds_positions() -> None:
    from custodiet.report._map import compact

    style = "fill: #0072b2; fill-opacity: 0.75"
    uses = "".join(f'\n <use xlink:href="#m1" x="{x}" y="2.123456" style="{style}"/>'
                   for x in ("1.004999", "3.5", "-7.125001"))
    lone = '\n <use xlink:href="#m2" x="9.999" y="0.5" style="fill: red"/>'
    out = compact(f"<g>{uses}{lone}\n</g>")
    assert out == (f'<g><g style="{style}">'
                   '\n <use xlink:href="#m1" x="1.00" y="2.12"/>'
                   '\n <use xlink:href="#m1" x="3.5" y="2.12"/>'
                   '\n <use xlink:href="#m1" x="-7.13" y="2.12"/></g>'
                   '\n <use xlink:href="#m2" x="10.00" y="0.5" style="fill: red"/>\n</g>')


def test_the_maps_alerts_come_in_one_order(study) -> None:
    """Overlapping markers are drawn in the order the rows come: the same study draws the
    same map only if the alerts per rule and place are always in the same order."""
    rows = city_data(study.run_path())["alerts"]
    assert len(rows) > 1 and rows == sorted(rows, key=lambda r: (r[0], r[1], r[2]))
