"""Hot-spot predictors: one contract, a registry, and the three of the literature.

A predictor scores every cell for tomorrow from the recorded history (days × cells of
non-negative, possibly weighted, counts; nothing else: it never sees the truth); patrols go to
the ``k`` cells with the highest scores (:func:`top_k`). The registry holds a factory per
predictor, so that the conformance suite (``custodiet.places.checks``) tests every one of them
unasked.

- ``hawkes``: the self-exciting point process of Mohler et al. (JASA 2015), refitted by EM on a
  moving window each day; its score is tomorrow's expected count.
- ``moving_average``: mean count over the last ``window`` days (the "hot spot mapping" a
  crime analyst would draw).
- ``retrospective``: every count ever recorded (all-time hot spots).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from custodiet.places._hawkes import HawkesParams, fit, intensity


class Predictor(Protocol):
    """The contract: ``name``, and ``scores(history)`` giving one finite, non-negative score
    per cell for the day after ``history`` (days × cells). It may keep state between calls
    (a warm start) but its scores must not depend on it beyond numerical tolerance."""

    name: str

    def scores(self, history: np.ndarray) -> np.ndarray: ...


@dataclass
class MovingAverage:
    """Mean recorded count per cell over the last ``window`` days."""

    window: int = 30
    name: str = "moving_average"

    def scores(self, history: np.ndarray) -> np.ndarray:
        h = _checked(history)
        return h[-self.window:].mean(axis=0) if len(h) else np.zeros(h.shape[1])


@dataclass
class Retrospective:
    """Every recorded count, all time."""

    name: str = "retrospective"

    def scores(self, history: np.ndarray) -> np.ndarray:
        return _checked(history).sum(axis=0)


@dataclass
class SelfExciting:
    """Tomorrow's expected count under a self-exciting process fitted to the last ``window``
    days by EM, warm-started from the previous fit when the grid has not changed."""

    window: int = 365
    max_iter: int = 2000
    name: str = "hawkes"
    last: HawkesParams | None = field(default=None, repr=False)

    def scores(self, history: np.ndarray) -> np.ndarray:
        h = _checked(history)[-self.window:]
        if len(h) < 2 or h.sum() == 0:  # nothing to fit: the counts themselves
            return h.sum(axis=0)
        start = self.last if self.last is not None and self.last.mu.size == h.shape[1] else None
        self.last = fit(h, start=start, max_iter=self.max_iter).params
        return np.maximum(intensity(self.last, h)[-1], 0.0)


PREDICTORS: dict[str, Callable[..., Predictor]] = {
    "hawkes": SelfExciting,
    "moving_average": MovingAverage,
    "retrospective": Retrospective,
}


def make_predictor(name: str, **settings: object) -> Predictor:
    """A registered predictor with its settings."""
    if name not in PREDICTORS:
        raise ValueError(f"unknown predictor {name!r}; choose one of {', '.join(PREDICTORS)}")
    return PREDICTORS[name](**settings)


def top_k(scores: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of the ``k`` highest scores, ties broken at random (never by cell order, which
    would favour one side of the city)."""
    scores = np.asarray(scores, dtype=np.float64)
    k = min(int(k), scores.size)
    order = np.lexsort((rng.random(scores.size), -scores))
    return np.sort(order[:k])


def _checked(history: np.ndarray) -> np.ndarray:
    h = np.asarray(history, dtype=np.float64)
    if h.ndim != 2:
        raise ValueError("history must be days × cells")
    if not np.isfinite(h).all() or (h < 0).any():
        raise ValueError("history must hold finite, non-negative counts")
    return h
