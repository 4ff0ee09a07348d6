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
from custodiet.watch._fitted import Fitted, threshold_levels
from custodiet.watch._inputs import SCORES
from custodiet.watch._registry import attributes, equals
from custodiet.watch._rng import watch_rng
from custodiet.watch._rows import Distinct, dense_codes, distinct, labelled


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
        self._static_codes: dict[str, tuple[np.ndarray, int]] = {}

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

    def column(self, name: str) -> np.ndarray:
        """One feature of every person (float32)."""
        if name in self.dynamic:
            return self.dynamic[name]
        if name not in self.static and name.startswith(TEMPERAMENT_FEATURE):
            # a temperament label nobody in this city carries is a column of zeros
            return np.zeros(self.n, np.float32)
        return self.static[name]

    def matrix(self, names: list[str]) -> np.ndarray:
        """The named features as columns of a float32 matrix."""
        return np.column_stack([self.column(name) for name in names]) if names else \
            np.zeros((self.n, 0), np.float32)

    def codes(self, names: list[str]) -> list[tuple[np.ndarray, int]]:
        """Each named feature's :func:`dense_codes`, a static one's found once."""
        out = []
        for name in names:
            if name in self.dynamic:
                out.append(dense_codes(self.dynamic[name]))
                continue
            if name not in self._static_codes:
                self._static_codes[name] = dense_codes(self.column(name))
            out.append(self._static_codes[name])
        return out


@functools.cache
def _thread_pools() -> Any:
    """The process's BLAS and OpenMP thread pools, found once (finding them reads the loaded
    libraries' files: milliseconds a call), after scikit-learn has loaded its own."""
    # the fit's modules; their libraries are among those found
    import sklearn.linear_model
    import sklearn.preprocessing  # noqa: F401
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_thread() -> Any:
    """A context in which BLAS and OpenMP libraries use one thread."""
    return _thread_pools().limit(limits=1)


@functools.cache
def _numpy_blas() -> Any:
    """The BLAS thread pools loaded so far (numpy's), found once without loading
    scikit-learn, for the products numpy computes."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController().select(user_api="blas")


def one_blas_thread() -> Any:
    """A context in which numpy's BLAS uses one thread."""
    return _numpy_blas().limit(limits=1)


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
        # One BLAS thread: with more, a product over every person wakes the library's other
        # threads, which then spin for a while, taking a core from the world and the store.
        with one_blas_thread():
            score = self.features.matrix(self.names) @ self.weights
        return threshold_levels(score, self.spec.levels)


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

    A day's persons are scored by their distinct feature rows, each row once (a few hundred
    rows, not 50,000), and every person given their row's level: the level scoring every row
    gives, checked (:meth:`Fitted.levels`; where it cannot be sure, every row is scored).

    The fit (and a day scored row by row) runs on one BLAS thread: a simulation is one process
    on one core (a study runs one per core), so a second BLAS thread only contends with the
    other simulations (at 20k people × 13 days of rows the fit took 3.4 times the CPU with two
    threads, for the same coefficients to the bit), and the sums of the gradient do not then
    depend on how many cores the machine has."""

    def __init__(self, spec: Learned, features: Features, seed: int):
        self.spec = spec
        self.features = features
        self.seed = seed
        self._prev: Distinct | None = None
        keep = spec.train_days
        self._x: deque[np.ndarray] = deque(maxlen=keep)
        self._y: deque[np.ndarray] = deque(maxlen=keep)
        self._w: deque[np.ndarray] = deque(maxlen=keep)
        self._count: deque[np.ndarray] = deque(maxlen=keep)
        self._model: Fitted | None = None
        self._fitted_day = 0
        self.fits = 0
        """Fits so far (for benchmarks)."""
        self.full_days = 0
        """Days scored row by row, a probability lying within rounding reach of a level's
        threshold (see :meth:`Fitted.levels`)."""
        # scikit-learn loaded and the thread pools found now, once a process (about a CPU
        # second), as the watch is built, rather than in the first day's scoring
        _thread_pools()

    def levels(self, day: int, observed: dict[str, pa.Table]) -> np.ndarray:
        x_now = self.features.matrix(self.spec.features)
        now = distinct(x_now, self.features.codes(self.spec.features))
        self._collect(day, observed, now)
        if self._model is None or day - self._fitted_day >= self.spec.refit_days:
            # A due refit that cannot be made (no positive or no negative left in the
            # window) leaves no model, as a daily refit would.
            self._model, self._fitted_day = self._fit(), day
        if self._model is None:
            return np.zeros(x_now.shape[0], np.int32)
        level = self._model.levels(now, self.spec.levels)
        if level is None:
            self.full_days += 1
            with one_thread():
                level = threshold_levels(self._model.proba(x_now), self.spec.levels)
        return level

    def _collect(self, day: int, observed: dict[str, pa.Table], now: Distinct) -> None:
        """Keep yesterday's features labelled with today's capital tickets (sampled)."""
        n = now.index.size
        if self._prev is not None:
            y = np.zeros(n, bool)
            y[self.features.capital_buyers(observed["tickets"])] = True
            rng = watch_rng(self.seed, day, "scorers")
            cap = self.spec.max_train_rows
            rate = min(1.0, cap / max(n, 1))
            keep = y | (rng.random(n) < rate)
            x, y, count = labelled(self._prev, keep, y)
            self._x.append(x)
            self._y.append(y)
            # Negatives are sampled: weigh them back so probabilities stay calibrated.
            self._w.append(count * np.where(y, 1.0, 1.0 / rate))
            self._count.append(count)
        self._prev = now

    def _fit(self) -> Fitted | None:
        """A model fitted on the kept rows, or None until they hold a positive and a negative."""
        if not self._y:
            return None
        y_all = np.concatenate(self._y)
        if y_all.all() or not y_all.any():
            return None
        with one_thread():
            model = Fitted.fit(np.concatenate(self._x).astype(np.float64), y_all,
                               np.concatenate(self._count), np.concatenate(self._w))
        self.fits += 1
        return model


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
