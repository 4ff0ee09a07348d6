"""The conformance suite every hot-spot predictor passes, in the spirit of scikit-learn's
``check_estimator``: ``check_predictor(name)`` runs every check on one registered predictor, and
``parametrize_with_checks()`` turns them into one pytest case per (predictor, check), over every
registered predictor unless told otherwise::

    from custodiet.places.checks import parametrize_with_checks

    @parametrize_with_checks()
    def test_conformance(name, check):
        check(name)

The checks run on a small synthetic history (a self-exciting process over 16 cells), so a
predictor added to ``PREDICTORS`` is tested the moment it is registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from custodiet.places._hawkes import HawkesParams, simulate
from custodiet.places._predictors import PREDICTORS, Predictor, make_predictor

Check = Callable[[str], None]
CELLS, DAYS = 16, 90
_RTOL = 1e-6


def synthetic_history(seed: int = 0, days: int = DAYS, cells: int = CELLS) -> np.ndarray:
    """Daily counts of a self-exciting process with uneven backgrounds (days × cells)."""
    rng = np.random.default_rng(seed)
    params = HawkesParams(rng.gamma(2.0, 0.2, cells), 0.4, 0.3)
    return simulate(params, days, rng, burn_in=50)


def _fresh(name: str) -> Predictor:
    return make_predictor(name)


def check_scores_shape(name: str) -> None:
    """One finite, non-negative score per cell."""
    s = _fresh(name).scores(synthetic_history())
    assert s.shape == (CELLS,), f"{name}: scores have shape {s.shape}, not ({CELLS},)"
    assert np.isfinite(s).all() and (s >= 0).all(), f"{name}: scores not finite, non-negative"


def check_deterministic(name: str) -> None:
    """The same history gives the same scores, fresh or after scoring another history."""
    h = synthetic_history()
    p = _fresh(name)
    first = p.scores(h)
    p.scores(synthetic_history(seed=1))
    again = p.scores(h)
    assert np.allclose(first, _fresh(name).scores(h), rtol=_RTOL, atol=1e-9), \
        f"{name}: two fresh predictors disagree on one history"
    assert np.allclose(first, again, rtol=1e-4, atol=1e-6), \
        f"{name}: scores depend on what was scored before"


def check_cell_order_irrelevant(name: str) -> None:
    """Permuting the cells permutes the scores: no cell is favoured for its position."""
    h = synthetic_history()
    perm = np.random.default_rng(7).permutation(CELLS)
    s, sp = _fresh(name).scores(h), _fresh(name).scores(h[:, perm])
    assert np.allclose(s[perm], sp, rtol=1e-5, atol=1e-9), f"{name}: cell order changes scores"


def check_scale_equivariant(name: str) -> None:
    """Counts weighted by a constant give scores weighted by it (a rescaling by reporting rate
    or an inverse-probability weight must carry through)."""
    h = synthetic_history()
    s, s3 = _fresh(name).scores(h), _fresh(name).scores(h * 2.5)
    assert np.allclose(s * 2.5, s3, rtol=1e-4, atol=1e-9), f"{name}: not scale-equivariant"


def check_empty_history_favours_nobody(name: str) -> None:
    """With nothing recorded every cell scores the same."""
    s = _fresh(name).scores(np.zeros((DAYS, CELLS)))
    assert np.ptp(s) == 0.0, f"{name}: an empty history favours some cells"


def check_more_records_never_lower(name: str) -> None:
    """More records in a cell on the last day never lower that cell's score."""
    h = synthetic_history()
    more = h.copy()
    cell = int(np.argmin(h.sum(axis=0)))
    more[-1, cell] += 5.0
    before, after = _fresh(name).scores(h)[cell], _fresh(name).scores(more)[cell]
    assert after >= before * (1 - _RTOL), f"{name}: more records lowered the cell's score"


def check_history_untouched(name: str) -> None:
    """Scoring never changes the history it is given."""
    h = synthetic_history()
    kept = h.copy()
    _fresh(name).scores(h)
    assert np.array_equal(h, kept), f"{name}: scoring changed the history"


def check_bad_history_refused(name: str) -> None:
    """Negative or missing counts are refused with a ValueError, never scored."""
    for bad in (-np.ones((DAYS, CELLS)), np.full((DAYS, CELLS), np.nan), np.ones(CELLS)):
        try:
            _fresh(name).scores(bad)
        except ValueError:
            continue
        raise AssertionError(f"{name}: a bad history was scored")


CHECKS: tuple[Check, ...] = (
    check_scores_shape, check_deterministic, check_cell_order_irrelevant,
    check_scale_equivariant, check_empty_history_favours_nobody, check_more_records_never_lower,
    check_history_untouched, check_bad_history_refused,
)


def check_predictor(name: str) -> None:
    """Every check on one registered predictor."""
    for check in CHECKS:
        check(name)


def cases(names: list[str] | None = None) -> Iterator[tuple[str, Check]]:
    """(predictor, check) for every registered predictor (or those named)."""
    for name in names or list(PREDICTORS):
        for check in CHECKS:
            yield name, check


def parametrize_with_checks(names: list[str] | None = None) -> Any:
    """A pytest ``parametrize`` over every (predictor, check)."""
    import pytest

    pairs = list(cases(names))
    return pytest.mark.parametrize(("name", "check"), pairs,
                                   ids=[f"{n}-{c.__name__}" for n, c in pairs])
