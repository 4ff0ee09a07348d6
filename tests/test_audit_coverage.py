"""Bootstrap intervals that mean what they say: on a known population, 95% intervals of a
group's flag rate cover the population's value 93-97% of the time, for a sample of rows, the
same sample as an aggregated table of counts, and a sample drawn with unequal probabilities
and carrying survey weights (which used to cover 2-5%: weights were taken as independent
people).

Replications: R = 1000 samples per design. The coverage estimate's binomial standard error is
sqrt(0.95 * 0.05 / 1000) = 0.69 points, so the 93-97% band is +-2.9 standard errors around
95% (the percentile bootstrap's own small-sample bias at n = 2000 is well under a point)."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from custodiet.audit import cells_from_relation, group_metrics

R = 1000
B = 200
N_POP = 100_000


@pytest.fixture(scope="module")
def population():
    rng = np.random.default_rng(2024)
    g = rng.choice(np.array(["a", "b"]), N_POP, p=[0.4, 0.6])
    stratum = rng.random(N_POP) < 0.3  # over-sampled in the survey design
    p = np.where(g == "a", 0.25, 0.4) + np.where(stratum, 0.2, 0.0)
    f = (rng.random(N_POP) < p).astype(np.int64)
    truth = f[g == "a"].mean()
    return g, stratum, f, truth


def _interval(con, table: pa.Table, rep: int, *, weight: str | None, survey: bool):
    cells = cells_from_relation(con.from_arrow(table), groups=["g"], flag="f", weight=weight,
                                survey=survey)
    frame = group_metrics(cells, bootstrap=B, seed=rep, min_cell=0).frame("g")
    e = frame.estimate(frame.keys.index(("a",)), "flag_rate")
    return e.low, e.high


def _coverage(population, design: str) -> float:
    g, stratum, f, truth = population
    rng = np.random.default_rng({"rows": 1, "counts": 2, "survey": 3}[design])
    con = duckdb.connect()
    hits = 0
    for rep in range(R):
        if design == "survey":  # Poisson sampling: 8% of the stratum, 1% of the rest
            pi = np.where(stratum, 0.08, 0.01)
            take = rng.random(N_POP) < pi
            t = pa.table({"g": g[take], "f": f[take], "w": 1.0 / pi[take]})
            lo, hi = _interval(con, t, rep, weight="w", survey=True)
        else:
            take = rng.choice(N_POP, 2000, replace=True)
            t = pa.table({"g": g[take], "f": f[take]})
            if design == "counts":  # the same sample, one row per (group, flag) with a count
                t = con.from_arrow(t).query(
                    "t", "SELECT g, f, count(*)::BIGINT AS w FROM t GROUP BY ALL").to_arrow_table()
            lo, hi = _interval(con, t, rep, weight="w" if design == "counts" else None,
                               survey=False)
        hits += lo <= truth <= hi
    return hits / R


@pytest.mark.parametrize("design", ["rows", "counts", "survey"])
def test_95_percent_intervals_cover_95_percent(population, design):
    assert 0.93 <= _coverage(population, design) <= 0.97


def test_survey_weights_taken_as_people_would_not_cover(population):
    """The old method (weights as independent people) on the survey design: far too narrow,
    so the test above can tell the two apart."""
    g, stratum, f, truth = population
    rng = np.random.default_rng(3)
    con = duckdb.connect()
    hits = 0
    for rep in range(100):
        pi = np.where(stratum, 0.08, 0.01)
        take = rng.random(N_POP) < pi
        t = pa.table({"g": g[take], "f": f[take], "w": 1.0 / pi[take]})
        lo, hi = _interval(con, t, rep, weight="w", survey=False)
        hits += lo <= truth <= hi
    assert hits / 100 < 0.5
