"""The learned scorer's model: fitted as the scikit-learn pipeline fits, to the bit, and a day's
levels from each distinct feature row scored once the levels of scoring every row."""

from __future__ import annotations

import numpy as np

from custodiet.scenario._watch import Learned
from custodiet.schema import TIES
from custodiet.watch._fitted import Fitted, threshold_levels
from custodiet.watch._rows import distinct, distinct_rows
from custodiet.watch._scorers import Features, LearnedScorer
from tests.test_watch_scorers import _persons, _places, petition_days


def _rows(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Flags and counts, as the features are, and a label that depends on them."""
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.random(n) < 0.2, rng.poisson(1.0, n), rng.poisson(0.3, n),
                         rng.random(n) < 0.5]).astype(np.float32)
    p = np.where(x[:, 0] > 0, 0.1, 0.01) * (1 + x[:, 1]) / 2
    return x, rng.random(n) < p


def test_the_fit_is_the_pipelines_to_the_bit() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = _rows(20_000, 1)
    rows, labels, count = distinct_rows(x, y)
    weight = count * np.where(labels, 1.0, 3.0)
    pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    pipe.fit(rows.astype(np.float64), labels, standardscaler__sample_weight=count,
             logisticregression__sample_weight=weight)
    fitted = Fitted.fit(rows.astype(np.float64), labels, count, weight)
    for a, b in ((fitted.scaler.mean_, pipe[0].mean_), (fitted.scaler.scale_, pipe[0].scale_),
                 (fitted.regression.coef_, pipe[-1].coef_),
                 (fitted.regression.intercept_, pipe[-1].intercept_),
                 (fitted.proba(x), pipe.predict_proba(x)[:, 1])):
        assert np.array_equal(a, b)


def _fit_rows(seed: int) -> tuple[Fitted, np.ndarray]:
    x, y = _rows(30_000, seed)
    rows, labels, count = distinct_rows(x, y)
    return Fitted.fit(rows.astype(np.float64), labels, count, count), x


def test_levels_of_the_distinct_rows_are_the_levels_of_every_row() -> None:
    fitted, x = _fit_rows(2)
    p = fitted.proba(x)
    thresholds = [0.02, 0.05, 0.2]
    full = threshold_levels(p, thresholds)
    assert len(set(full.tolist())) == 4  # every level is taken by someone
    got = fitted.levels(distinct(x), thresholds)
    assert got is not None and got.dtype == np.int32 and np.array_equal(got, full)


def test_a_probability_on_a_threshold_is_left_to_every_row() -> None:
    """A threshold equal to a row's probability (or a last bit from it) could fall either side
    of that row scored among other rows: no levels from the distinct rows."""
    fitted, x = _fit_rows(3)
    d = distinct(x)
    p = fitted.proba(d.rows)
    on = float(p[len(p) // 2])
    for threshold in (on, np.nextafter(on, 1.0), np.nextafter(on, 0.0)):
        assert fitted.levels(d, [0.001, threshold]) is None
    # a relative gap of 1e-9 is far outside any rounding
    assert fitted.levels(d, [0.001, on * (1 + 1e-9)]) is not None


def _days(n: int, days: int, levels: list[float]) -> tuple[list[np.ndarray], LearnedScorer]:
    """A learned scorer's levels over days of petitioners (20%) and others (1%) buying tickets
    to the capital, on two features: the petition record and the trips seen so far."""
    rng = np.random.default_rng(4)
    petition = rng.random(n) < 0.2
    features = Features(_persons(n, petition, [""] * n), TIES.empty_table(), _places())
    scorer = LearnedScorer(Learned(kind="learned", name="m",
                                   features=["petition_history", "past_trips"], levels=levels),
                           features, seed=1)
    return petition_days(scorer, petition, rng, days, features=features), scorer


def test_the_scorer_gives_the_levels_of_scoring_every_row(monkeypatch) -> None:
    levels = [0.02, 0.05, 0.15]
    by_rows, scorer = _days(4000, 6, levels)
    assert scorer.full_days == 0
    assert len({int(v) for day in by_rows for v in day}) >= 3
    monkeypatch.setattr(Fitted, "levels", lambda self, x, thresholds: None)
    every, every_scorer = _days(4000, 6, levels)
    assert every_scorer.full_days == 5  # scored row by row from the first fit (day 1) on
    for a, b in zip(by_rows, every, strict=True):
        assert np.array_equal(a, b)
