"""Risk scorers: a weighted checklist with levels (the Tianjin petitioner model, NYT-11) and a
learned model trained on the recorded outcomes of earlier days (NYT-11: data "will be used to
train machine-learning models")."""

from __future__ import annotations

import functools
from collections import deque
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.scenario.models import (
    TEMPERAMENT_FEATURE,
    Checklist,
    Learned,
    temperament_feature,
)
from custodiet.watch._inputs import SCORES
from custodiet.watch._registry import attributes, equals
from custodiet.watch._rng import watch_rng


class Features:
    """Per-person scorer inputs: recorded attributes (static) and observed counts (cumulative)."""

    def __init__(self, persons: pa.Table, ties: pa.Table, places: pa.Table):
        n = persons.num_rows
        attrs = attributes(persons)
        static = {k: v.astype(np.float32) for k, v in attrs.items()}
        for g in ("fraud", "land_dispute", "tragedy"):
            static[g] = equals(persons, "grievance_recorded", g).astype(np.float32)
        static["low_ses"] = equals(persons, "ses", "low").astype(np.float32)
        labels = pc.unique(persons.column("temperament").drop_null()).to_pylist()
        for label in sorted(x for x in labels if x != ""):
            static[temperament_feature(label)] = equals(persons, "temperament",
                                                        label).astype(np.float32)
        a = ties.column("a").to_numpy()
        b = ties.column("b").to_numpy()
        pet = attrs["petition_history"]
        static["ties_to_petitioners"] = (np.bincount(a[pet[b]], minlength=n)
                                         + np.bincount(b[pet[a]], minlength=n)).astype(np.float32)
        self.static = static
        self.dynamic = {name: np.zeros(n, np.float32)
                        for name in ("past_trips", "phone_off", "past_alerts")}
        self.capital = np.flatnonzero(equals(places, "kind", "capital"))
        self.n = n

    def capital_buyers(self, tickets: pa.Table) -> np.ndarray:
        """Persons who bought a ticket to the capital in ``tickets``."""
        dest = tickets.column("destination").to_numpy()
        return tickets.column("person").to_numpy()[np.isin(dest, self.capital)]

    def update(self, observed: dict[str, pa.Table], alerts: pa.Table) -> None:
        """Add a day's observed trips, phone-off spells and (unsuppressed) alerts."""
        n = self.n
        self.dynamic["past_trips"] += np.bincount(
            self.capital_buyers(observed["tickets"]), minlength=n).astype(np.float32)
        self.dynamic["phone_off"] += np.bincount(
            observed["phone_off"].column("person").to_numpy(), minlength=n).astype(np.float32)
        kept = alerts.filter(pc.invert(alerts.column("suppressed_by_redlist")))
        flat = pc.list_flatten(kept.column("persons")).to_numpy()
        self.dynamic["past_alerts"] += np.bincount(flat, minlength=n).astype(np.float32)

    def matrix(self, names: list[str]) -> np.ndarray:
        """The named features as columns of a float32 matrix."""
        both = {**self.static, **self.dynamic}
        # a temperament label nobody in this city carries is a column of zeros
        zeros = np.zeros(self.n, np.float32)
        return np.column_stack([both[name] if name in both or not name.startswith(
            TEMPERAMENT_FEATURE) else zeros for name in names]) if names else \
            np.zeros((self.n, 0), np.float32)


@functools.cache
def _thread_pools() -> Any:
    """The process's BLAS and OpenMP thread pools, found once (finding them reads the loaded
    libraries' files: milliseconds a call), after scikit-learn has loaded its own."""
    import sklearn.linear_model  # noqa: F401 - its libraries are among those found
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_thread() -> Any:
    """A context in which BLAS and OpenMP libraries use one thread."""
    return _thread_pools().limit(limits=1)


def _levels(value: np.ndarray, thresholds: list[float]) -> np.ndarray:
    """Level = number of thresholds reached (0 … len(thresholds))."""
    return np.searchsorted(np.sort(np.asarray(thresholds)), value, side="right").astype(np.int32)


class ChecklistScorer:
    """Score = Σ weight × feature; level = thresholds reached. Worked example: weights
    ``petition_history = 3, tragedy = 2``, levels ``[2, 4]``: a recorded petitioner with a
    tragedy scores 5, level 2; one without, 3, level 1."""

    def __init__(self, spec: Checklist, features: Features, seed: int = 0):
        del seed  # a checklist draws nothing
        self.spec = spec
        self.features = features
        self.names = list(spec.weights)
        self.weights = np.array([spec.weights[k] for k in self.names], np.float32)

    def levels(self, day: int, observed: dict[str, pa.Table]) -> np.ndarray:
        del day, observed
        return _levels(self.features.matrix(self.names) @ self.weights, self.spec.levels)


class LearnedScorer:
    """Logistic regression of "bought a ticket to the capital the next day" on the features of
    the day before, fitted on the last ``train_days`` days' (sampled) rows on the first day it
    can be and then every ``refit_days`` days (the last fit scores the days between); level =
    predicted probability thresholds reached. Until a positive and a negative are seen, every
    level is 0. No warm start: lbfgs started from the last fit stops at a different point than
    from zero, so a warm start would change the daily-refit levels (``refit_days = 1``).

    The features are few and take few values (flags and counts), so a day's training rows are
    kept as their distinct rows with a count (at 50k people × 28 days, 50,000 rows a day fell
    into 31 to 122): the scaler is fitted with the counts as weights and the regression with
    count × sampling weight, the same objective as over every row, so a fit costs about the same
    on day 28 as on day 2 rather than growing with the rows kept. The fit runs in float64 (the
    rows as kept are float32: a float32 fit of a million rows sums its gradient to float32
    precision).

    The fit and the prediction run on one BLAS thread: a simulation is one process on one core
    (a study runs one per core), so a second BLAS thread only contends with the other
    simulations (at 20k people × 13 days of rows the fit took 3.4 times the CPU with two
    threads, for the same coefficients to the bit), and the sums of the gradient do not then
    depend on how many cores the machine has."""

    def __init__(self, spec: Learned, features: Features, seed: int):
        self.spec = spec
        self.features = features
        self.seed = seed
        self._prev: np.ndarray | None = None
        keep = spec.train_days
        self._x: deque[np.ndarray] = deque(maxlen=keep)
        self._y: deque[np.ndarray] = deque(maxlen=keep)
        self._w: deque[np.ndarray] = deque(maxlen=keep)
        self._count: deque[np.ndarray] = deque(maxlen=keep)
        self._model: Any = None
        self._fitted_day = 0
        self.fits = 0
        """Fits so far (for benchmarks)."""

    def levels(self, day: int, observed: dict[str, pa.Table]) -> np.ndarray:
        x_now = self.features.matrix(self.spec.features)
        self._collect(day, observed, x_now)
        with one_thread():
            if self._model is None or day - self._fitted_day >= self.spec.refit_days:
                # A due refit that cannot be made (no positive or no negative left in the
                # window) leaves no model, as a daily refit would.
                self._model, self._fitted_day = self._fit(), day
            if self._model is None:
                return np.zeros(x_now.shape[0], np.int32)
            return _levels(self._model.predict_proba(x_now)[:, 1], self.spec.levels)

    def _collect(self, day: int, observed: dict[str, pa.Table], x_now: np.ndarray) -> None:
        """Keep yesterday's features labelled with today's capital tickets (sampled)."""
        n = x_now.shape[0]
        if self._prev is not None:
            y = np.zeros(n, bool)
            y[self.features.capital_buyers(observed["tickets"])] = True
            rng = watch_rng(self.seed, day, "scorers")
            cap = self.spec.max_train_rows
            rate = min(1.0, cap / max(n, 1))
            keep = y | (rng.random(n) < rate)
            x, y, count = distinct_rows(self._prev[keep], y[keep])
            self._x.append(x)
            self._y.append(y)
            # Negatives are sampled: weigh them back so probabilities stay calibrated.
            self._w.append(count * np.where(y, 1.0, 1.0 / rate))
            self._count.append(count)
        self._prev = x_now

    def _fit(self) -> Any:
        """A model fitted on the kept rows, or None until they hold a positive and a negative."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        if not self._y:
            return None
        y_all = np.concatenate(self._y)
        if y_all.all() or not y_all.any():
            return None
        # Standardised inputs: with rare positives, unscaled counts leave lbfgs far from the
        # optimum after its iteration budget.
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        model.fit(np.concatenate(self._x).astype(np.float64), y_all,
                  standardscaler__sample_weight=np.concatenate(self._count),
                  logisticregression__sample_weight=np.concatenate(self._w))
        self.fits += 1
        return model


def distinct_rows(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct rows of ``(x, y)`` (in sorted order) and how often each occurs, as float64
    counts."""
    if x.shape[0] == 0:
        return x, y, np.zeros(0)
    codes = np.zeros(x.shape[0], np.int64)
    radix = 1
    for col in (*x.T, y):
        code, size = _dense_codes(col)
        if radix * size >= 2**62:  # too many combinations to pack: sort whole rows
            return _distinct_rows_sorted(x, y)
        codes = codes * size + code
        radix *= size
    _, first, count = np.unique(codes, return_index=True, return_counts=True)
    return x[first], y[first], count.astype(np.float64)


def _dense_codes(col: np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's rank among the column's distinct values, and how many there are (what
    ``np.unique(col, return_inverse=True)`` gives): without sorting when the values are whole
    numbers in a range no wider than the column is long (counts, flags), else by sorting."""
    low, high = col.min(), col.max()
    if col.dtype == bool or (np.isfinite(low) and np.isfinite(high)
                             and high - low <= 4 * col.size):
        whole = col.astype(np.int64) - np.int64(low)
        if col.dtype == bool or np.array_equal(whole + np.int64(low), col):
            present = np.bincount(whole, minlength=1) > 0
            rank = np.cumsum(present) - 1
            return rank[whole], int(present.sum())
    values, code = np.unique(col, return_inverse=True)
    return code.ravel(), values.size


def _distinct_rows_sorted(x: np.ndarray, y: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`distinct_rows` by sorting whole rows (slow; for features of many values)."""
    rows, count = np.unique(np.column_stack([x.astype(np.float64), y]), axis=0,
                            return_counts=True)
    return rows[:, :-1].astype(x.dtype), rows[:, -1].astype(bool), count.astype(np.float64)


def scores_table(name: str, level: np.ndarray, prev: np.ndarray) -> pa.Table:
    """Rows of ``scores`` for persons with a non-zero level today or yesterday."""
    who = np.flatnonzero((level > 0) | (prev > 0))
    scorer = pa.DictionaryArray.from_arrays(pa.array(np.zeros(who.size, np.int32)),
                                            pa.array([name])).cast(pa.string())
    return pa.table({"scorer": scorer,
                     "person": who.astype(np.int64), "level": level[who],
                     "prev_level": prev[who]}, schema=SCORES)


SCORERS: dict[str, type[ChecklistScorer] | type[LearnedScorer]] = {
    "checklist": ChecklistScorer, "learned": LearnedScorer}
"""Every scorer by its scenario ``kind``: ``SCORERS[spec.kind](spec, features, seed)`` has
``levels(day, observed)``, the day's level of every person (int32, 0 … len(spec.levels))."""
