"""Validation against published work and an independent implementation: ProPublica's COMPAS
table, fairlearn's MetricFrame, and the Chicago SSL counts by score; plus the aggregate-only
promise (no name from the COMPAS file in any output)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest

from custodiet.audit import AuditSpec, audit_file, cells_from_relation, group_metrics
from custodiet.cli import main

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
COMPAS = DATA / "compas" / "compas-scores-two-years.csv"
SSL = DATA / "chicago_ssl" / "treemap_ssl_groups.csv"

needs_compas = pytest.mark.skipif(not COMPAS.exists(), reason=f"shared data absent: {COMPAS}")
needs_ssl = pytest.mark.skipif(not SSL.exists(), reason=f"shared data absent: {SSL}")

# ProPublica, "How We Analyzed the COMPAS Recidivism Algorithm" (2016) and its notebook: all
# 7,214 defendants of compas-scores-two-years.csv, Medium or High (decile > 4) as flagged,
# two_year_recid as outcome. Confusion counts (TN, FP, FN, TP) and the printed rates.
PUBLISHED = {
    None: {"counts": (2681, 1282, 1216, 2035), "fpr": 32.35, "fnr": 37.40, "ppv": 0.61},
    "African-American": {"counts": (990, 805, 532, 1369), "fpr": 44.85, "fnr": 27.99,
                         "ppv": 0.63},
    "Caucasian": {"counts": (1139, 349, 461, 505), "fpr": 23.45, "fnr": 47.72, "ppv": 0.59},
}

# Chicago SSL aggregated table: people with ssl_score >= t, column "this table" of SOURCE.md.
SSL_COUNTS = {21: 398_531, 100: 397_863, 150: 390_992, 200: 354_947, 250: 287_365,
              300: 172_979, 350: 29_211, 400: 3_721, 450: 709}


@pytest.fixture(scope="module")
def compas_audit():
    return audit_file(AuditSpec(path=COMPAS, groups=["race"], label="two_year_recid",
                                score="decile_score", threshold=5, min_cell=10))


@needs_compas
def test_propublica_table_reproduced(compas_audit):
    res = compas_audit.result
    assert compas_audit.info["rows"] == 7214
    fr = res.frame("race")
    for race, want in PUBLISHED.items():
        if race is None:
            frame, g = res.overall_frame, 0
        else:
            frame, g = fr, fr.keys.index((race,))
        got = tuple(frame.count(g, c) for c in ("tn", "fp", "fn", "tp"))
        assert got == want["counts"]
        # the published figures are rounded: agree to half a unit of the last digit printed
        assert 100 * frame.estimate(g, "fpr").value == pytest.approx(want["fpr"], abs=0.005)
        assert 100 * frame.estimate(g, "fnr").value == pytest.approx(want["fnr"], abs=0.005)
        assert frame.estimate(g, "ppv").value == pytest.approx(want["ppv"], abs=0.005)


@needs_compas
@pytest.mark.parametrize("groups", [["race"], ["race", "sex"]])
def test_matches_fairlearn_metricframe(groups):
    fairlearn = pytest.importorskip("fairlearn.metrics")
    sk = pytest.importorskip("sklearn.metrics")
    df = duckdb.sql(f"SELECT race, sex, two_year_recid AS y, (decile_score >= 5)::INT AS f "
                    f"FROM read_csv('{COMPAS}')").df()
    mf = fairlearn.MetricFrame(
        metrics={"flag_rate": fairlearn.selection_rate, "tpr": fairlearn.true_positive_rate,
                 "fpr": fairlearn.false_positive_rate, "fnr": fairlearn.false_negative_rate,
                 "ppv": lambda t, p: sk.precision_score(t, p, zero_division=np.nan)},
        y_true=df["y"], y_pred=df["f"], sensitive_features=df[groups])
    # the metric core without suppression (a real-data audit refuses --min-cell below 5)
    con = duckdb.connect()
    rel = con.sql(f"SELECT race, sex, two_year_recid AS y, (decile_score >= 5)::INT AS f "
                  f"FROM read_csv('{COMPAS}')")
    ours = group_metrics(cells_from_relation(rel, groups=groups, flag="f", label="y"),
                         min_cell=0)
    frame = ours.frame(" × ".join(groups))
    compared = 0
    for key, row in mf.by_group.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        g = frame.keys.index(tuple(key))
        for m in mf.by_group.columns:
            e = frame.estimate(g, m)
            if np.isnan(row[m]):
                assert e.status == "undefined"
            else:
                assert e.value == pytest.approx(row[m], rel=1e-12)
                compared += 1
    for m, v in mf.overall.items():
        assert ours.overall[m].value == pytest.approx(v, rel=1e-12)
    assert compared >= 5 * len(mf.by_group) - 2


@needs_ssl
def test_ssl_counts_by_threshold_match_source():
    for t, want in SSL_COUNTS.items():
        real = audit_file(AuditSpec(path=SSL, groups=["race"], score="ssl_score", threshold=t,
                                    weight="count", min_cell=10))
        assert real.result.overall_frame.count(0, "flagged") == want
        assert real.info["people"] == 398_531


@needs_ssl
def test_ssl_flag_rate_by_race_matches_direct_sums_and_fairlearn():
    fairlearn = pytest.importorskip("fairlearn.metrics")
    real = audit_file(AuditSpec(path=SSL, groups=["race"], score="ssl_score", threshold=250,
                                weight="count", bootstrap=50, seed=2))
    df = duckdb.sql(f"SELECT race, count, (ssl_score >= 250)::INT AS f "
                    f"FROM read_csv('{SSL}')").df()
    mf = fairlearn.MetricFrame(metrics=fairlearn.selection_rate, y_true=df["f"],
                               y_pred=df["f"], sensitive_features=df["race"],
                               sample_params={"sample_weight": df["count"].to_numpy()})
    fr = real.result.frame("race")
    for race, v in mf.by_group.items():
        assert fr.estimate(fr.keys.index((race,)), "flag_rate").value == pytest.approx(v)
    # the sweep at a swept threshold agrees with the direct count (equal-width grid over 21..500)
    sw = real.sweep
    j = int(np.argmin(np.abs(sw.thresholds - 250)))
    t = sw.thresholds[j]
    direct = df.loc[duckdb.sql(f"SELECT ssl_score >= {t} AS k FROM read_csv('{SSL}')").df()["k"]
                    .to_numpy(), "count"].sum()
    assert sw.overall.values[0, j, 0] * 398_531 == pytest.approx(direct)


@needs_compas
@pytest.mark.parametrize("groups", [
    ("race", "sex"),
    pytest.param(("race", "sex", "age_cat"), marks=pytest.mark.slow),  # a minute: 3-way checks
])
def test_no_name_in_any_output(tmp_path, groups):
    out = tmp_path / "out"
    rc = main(["audit", str(COMPAS), "--out", str(out), "--label", "two_year_recid",
               "--score", "decile_score", "--threshold", "5",
               *[a for g in groups for a in ("--group", g)], "--bootstrap", "20"])
    assert rc == 0
    # a careless user groups by the name itself: a column that singles people out is refused,
    # with nothing written
    out2 = tmp_path / "out2"
    assert main(["audit", str(COMPAS), "--out", str(out2), "--score", "decile_score",
                 "--threshold", "5", "--group", "name"]) == 2
    assert not out2.exists()
    names = {r[0].lower() for r in duckdb.sql(
        f"SELECT DISTINCT name FROM read_csv('{COMPAS}')").fetchall()}
    files = [p for p in (*out.rglob("*"), *out2.rglob("*")) if p.is_file()]
    assert {p.suffix for p in files} >= {".json", ".html", ".svg", ".png"}
    for p in files:
        text = p.read_bytes().decode("latin-1").lower()
        leaked = [n for n in names if n in text]
        assert not leaked, f"{p.name} contains a name"
