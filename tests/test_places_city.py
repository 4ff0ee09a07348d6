"""The hot-spot predictor over the city's own crime: the truth is every place-based incident the
world produced, recorded = reported + discovered, the grid nests in the districts, the twins see
the same incidents, and the audit's verdicts follow their intervals."""

from __future__ import annotations

import numpy as np
import pytest

from custodiet.places import (
    CITY_KINDS,
    CitySettings,
    audit_city,
    cells_of,
    city_config,
    city_grid_of,
    city_runs,
    crime_of_store,
    crime_of_tables,
    run_in_city,
    seen_in_city,
)
from custodiet.store import open_run
from custodiet.study._simulate import simulate_world
from tests.conftest import busy_scenario

DAYS = 12


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("places_city") / "busy"
    simulate_world(busy_scenario(seed=3, days=DAYS), out)
    return out


@pytest.fixture(scope="module")
def crime(city):
    return crime_of_store(city)


@pytest.fixture(scope="module")
def runs(crime):
    return city_runs([crime], CitySettings(history_days=6))


def test_every_cell_lies_in_one_district(city, crime):
    g = city_grid_of(crime.world)
    assert g.per_side % g.districts_per_side == 0
    with open_run(city) as run:
        x, y, district = (np.asarray(c) for c in zip(*run.con.execute(
            "SELECT x, y, district FROM places WHERE district >= 0").fetchall(), strict=True))
    from custodiet.places import CityCrime

    placed = CityCrime(crime.world, 0, np.arange(x.size), np.zeros(x.size, int),
                       np.zeros(x.size, int), x, y)
    assert np.array_equal(g.district[cells_of(placed, g)], district)


def test_the_truth_is_every_place_based_incident(city, crime, runs):
    cfg = runs["deployed"][0].config
    with open_run(city) as run:
        rows = run.con.execute(
            "SELECT i.t // 1440 AS day, p.x, p.y FROM incidents i JOIN places p "
            "ON p.place_id = i.place WHERE i.kind IN ('burglary', 'pickpocket', 'drug_deal')"
        ).fetchall()
    assert len(rows) == crime.incident_id.size > 50
    side, n = crime.side_m, cfg.grid.per_side
    expected = np.zeros((DAYS, cfg.grid.n_cells))
    for day, x, y in rows:  # the definition, one incident at a time
        cell = min(int(y // (side / n)), n - 1) * n + min(int(x // (side / n)), n - 1)
        expected[day, cell] += 1
    seen = seen_in_city(crime, cfg, CitySettings(history_days=6))
    assert np.array_equal(seen.true, expected)
    assert np.array_equal(runs["deployed"][0].true, expected[6:])


def test_recorded_is_reported_plus_discovered(runs):
    run = runs["deployed"][0]
    assert np.array_equal(run.recorded, run.reported + run.discovered)
    assert (run.recorded <= run.true).all()
    assert (run.discovered[~run.patrolled] == 0).all(), "a cell nobody patrolled discovered"
    assert run.discovered.sum() > 0
    assert (run.patrolled.sum(axis=1) == run.config.k).all()


def test_reporting_follows_district_and_kind(crime):
    settings = CitySettings(reporting=(0.6,), history_days=6)
    cfg = city_config(crime, settings)
    seen = seen_in_city(crime, cfg, settings)
    drug = crime.kind == CITY_KINDS.index("drug_deal")
    assert drug.any()
    only_drugs = seen_in_city(crime.__class__(crime.world, crime.seed, crime.incident_id[drug],
                                              crime.kind[drug], crime.day[drug], crime.x[drug],
                                              crime.y[drug]), cfg, settings)
    assert only_drugs.reported.sum() == 0, "a drug deal has no victim to report it"
    n = int((~drug).sum())
    share = seen.reported.sum() / n
    # Binomial thinning of the incidents that have a victim: within 4 standard deviations.
    assert abs(share - 0.6) < 4 * np.sqrt(0.6 * 0.4 / n)
    assert np.allclose(seen.rescaled.sum(), seen.reported.sum() / 0.6)


def test_twins_share_the_incidents_and_the_reports(runs):
    deployed = runs["deployed"][0]
    for twin in (runs["reported_only"][0], runs["no_discovery"][0]):
        assert np.array_equal(twin.true, deployed.true)
        assert np.array_equal(twin.reported, deployed.reported)
    assert runs["no_discovery"][0].discovered.sum() == 0


def test_random_patrols_and_weighted_discoveries_run_in_the_city(crime):
    settings = CitySettings(history_days=6, k=8, random_share=0.25, correction="weighted")
    run = run_in_city(crime, settings)
    assert (run.patrolled.sum(axis=1) == 8).all()
    plain = run_in_city(crime, settings.variant(correction="none"))
    assert np.array_equal(plain.patrolled[0], run.patrolled[0]), "day 1 has nothing fed back"
    with pytest.raises(ValueError, match="random patrols"):
        run_in_city(crime, settings.variant(random_share=0.0))


def test_arrow_tables_give_the_same_crime_as_the_store(city, crime):
    with open_run(city) as run:
        again = crime_of_tables(run.table("incidents"), run.table("places"), crime.world,
                                crime.seed)
    for name in ("incident_id", "kind", "day", "x", "y"):
        assert np.array_equal(getattr(again, name), getattr(crime, name))
    assert np.array_equal(run_in_city(again, CitySettings(history_days=6)).patrolled,
                          run_in_city(crime, CitySettings(history_days=6)).patrolled)


def test_the_audit_states_a_verdict_only_where_its_interval_decides(city):
    result = audit_city([city], CitySettings(history_days=6), replicates=300)
    assert set(result["twins"]) == {"reported_only", "no_discovery"}
    assert set(result["answers"]) == {"works", "burdens", "hides", "knowable"}
    assert all(isinstance(t, str) and t for t in result["answers"].values())
    figures = result["figures"]
    assert {"patrols_over_crime[minority enclave]", "patrols_over_crime[migrant enclave]",
            "patrols_over_crime[district 0]", "hit_rate_over_chance",
            "hit_rate_over_oracle", "patrol_share_growth[east half]"} <= set(figures)
    for name, f in figures.items():
        above, below = f["low"] > 1, f["high"] < 1
        expected = "above" if above else "below" if below else None
        if f["decision"] in ("above", "below"):
            assert f["decision"] == expected, name
        else:
            assert expected is None, name
            assert "gets more" not in f["sentence"] and "gets less" not in f["sentence"]
    assert result["incidents"]["burglary"] + result["incidents"]["pickpocket"] \
        + result["incidents"]["drug_deal"] > 50


def test_bad_settings_are_refused(crime, city):
    with pytest.raises(ValueError, match="not place-based"):
        seen_in_city(crime, city_config(crime, CitySettings()),
                     CitySettings(kind_reporting={"protest": 1.0}))
    with pytest.raises(ValueError, match="history_days"):
        city_config(crime, CitySettings(history_days=DAYS))
    with pytest.raises(ValueError, match="cell_m"):
        city_grid_of(crime.world, 0.0)
    with pytest.raises(ValueError, match="at least one run"):
        audit_city([])
