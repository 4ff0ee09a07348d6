"""The map of the city in a study's report: drawn from the first city's watch run, its
numbers those of the store (residents and people named per district, alerts per rule), the
enclaves found from the residents, and no person shown."""

from __future__ import annotations

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
