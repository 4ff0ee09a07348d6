"""The learned scorer's fitted model: standardised inputs and a logistic regression, and the
levels it gives a day's persons, each distinct feature row scored once."""

from __future__ import annotations

from typing import Any

import numpy as np

from custodiet.watch._rows import Distinct

REACH = 1e-12
"""How far, relative to its size, a row's decision value is taken to move when BLAS sums the
row's products in another order (the same row among other rows, at another position in the
matrix): f features' products and the intercept, multiplied and summed in any order (fused or
not), differ by at most about 2 (f + 1) × 2⁻⁵³ of the sum of their magnitudes, 1.8e-15 for the
7 default features; 1e-12 covers that for thousands of features."""


class Fitted:
    """What ``make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))`` fits, with
    the same arithmetic (the pipeline fits the scaler, transforms, then fits the regression, as
    here) without the pipeline's own checks on every call."""

    def __init__(self, scaler: Any, regression: Any):
        self.scaler = scaler
        self.regression = regression

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, count: np.ndarray, weight: np.ndarray
            ) -> Fitted:
        """The scaler fitted on the rows ``x`` weighed by ``count``, the regression on the
        scaled rows weighed by ``weight``."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        # Standardised inputs: with rare positives, unscaled counts leave lbfgs far from the
        # optimum after its iteration budget.
        with _unchecked():
            scaler = StandardScaler().fit(x, sample_weight=count)
            regression = LogisticRegression(max_iter=1000).fit(scaler.transform(x), y,
                                                               sample_weight=weight)
        return cls(scaler, regression)

    def proba(self, x: np.ndarray) -> np.ndarray:
        """The predicted probability of each row of ``x``."""
        with _unchecked():
            return self.regression.predict_proba(self.scaler.transform(x))[:, 1]

    def levels(self, x: Distinct, thresholds: list[float]) -> np.ndarray | None:
        """Each row's level (thresholds its probability reaches), from its distinct row's
        probability; None where a distinct row's probability lies so near a threshold that
        scoring every row could put a row on the other side (then score every row).

        Why it can: the decision value of a row is a sum its BLAS kernel orders by the row's
        position in the matrix, so the same row scored among 100 rows and among 50,000 can
        differ in its last bits (:data:`REACH`). Away from the thresholds the level is the
        same whichever bits."""
        p = self.proba(x.rows)
        if self._near(x.rows, p, thresholds):
            return None
        return threshold_levels(p, thresholds)[x.index]

    def _near(self, rows: np.ndarray, p: np.ndarray, thresholds: list[float]) -> bool:
        """Whether a threshold lies within reach of a probability: the decision value moves
        by up to ``REACH × (1 + Σ|scaled feature × coefficient| + |intercept|)``, and the
        probability by that times p (1 - p) ≤ p (its rounding, a few units in p's last
        place, far inside)."""
        scaled = (rows.astype(np.float64) - self.scaler.mean_) / self.scaler.scale_
        size = np.abs(scaled) @ np.abs(self.regression.coef_[0]) \
            + abs(self.regression.intercept_[0])
        reach = REACH * (1.0 + size) * p
        gap = np.abs(p[:, None] - np.asarray(thresholds, np.float64)[None, :])
        return bool(np.any(gap <= reach[:, None]))


def _unchecked() -> Any:
    """scikit-learn without its checks that the inputs are finite and the parameters valid
    (the features are counts and flags, the parameters fixed here): the same arithmetic."""
    import sklearn

    return sklearn.config_context(assume_finite=True, skip_parameter_validation=True)


def threshold_levels(value: np.ndarray, thresholds: list[float]) -> np.ndarray:
    """Level = number of thresholds reached (0 … len(thresholds))."""
    return np.searchsorted(np.sort(np.asarray(thresholds)), value, side="right").astype(np.int32)
