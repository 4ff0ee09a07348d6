"""Records that are wrong (NYT-1, MPS-1), the lists' missing labels, and officers' temperament
labels (NYT-11). Shares are binomial (or Poisson-binomial: mean Σp, variance Σp(1 − p));
tolerances 4 standard errors. Built cities only: records are drawn before day 0.
"""

from __future__ import annotations

import numpy as np
import pytest

from custodiet.scenario import WorldConfig
from custodiet.schema import HISTORY_FLAGS, RECORD_LABELS
from custodiet.world._population import build_people

Z = 4.0
N = 300_000


def _people(**history: object):
    return build_people(WorldConfig.model_validate(
        {"people": N, "days": 1, "history": history}), seed=17)


def _share(x: np.ndarray, p: float) -> None:
    assert abs(x.mean() - p) <= Z * np.sqrt(p * (1 - p) / x.size), (x.mean(), p, x.size)


@pytest.fixture(scope="module")
def people():
    return _people(false_record_multiplier={"migrant": 5.0})


def test_false_records_at_their_rate_per_group(people) -> None:
    rate = WorldConfig().history.false_record_rate["drug_use"]
    adult = people.age >= 15
    clean = adult & ~people.history["drug_use"]
    wrong = people.recorded["drug_use"]
    _share(wrong[clean & ~people.migrant], rate)
    _share(wrong[clean & people.migrant], 5 * rate)


def test_labels_follow_their_share_and_related_records(people) -> None:
    shares = WorldConfig().history.label_share
    for label in RECORD_LABELS:
        got = int(people.labels[label].sum())
        expected = shares[label] * N  # Σp with no clipping
        assert abs(got - expected) <= Z * np.sqrt(expected), (label, got, expected)
    agitator = people.labels["political_agitator"]
    protest = people.recorded["protest_history"]
    adult = people.age >= 18
    ratio = agitator[protest & adult].mean() / agitator[~protest & adult].mean()
    assert 10 / 3 < ratio < 30  # ten times as often, with wide Poisson error on few labels


def test_temperament_labels_carry_no_signal_by_default(people) -> None:
    config = WorldConfig().history
    k = len(config.temperament_labels)
    filled = people.temperament >= 0
    record = people.grievance_recorded | np.any(
        [people.recorded[h] for h in HISTORY_FLAGS] + [people.labels[x] for x in RECORD_LABELS],
        axis=0)
    assert not (filled & ~record).any()
    _share(filled[record], config.temperament_fill_rate)
    wrongdoer = (people.role > 0) | (people.grievance >= 0)
    last = people.temperament == k - 1
    # With no link, the last label is as common among wrongdoers as among others.
    a, b = last[filled & wrongdoer], last[filled & ~wrongdoer]
    p = 1 / k
    assert abs(a.mean() - b.mean()) <= Z * np.sqrt(p * (1 - p) * (1 / a.size + 1 / b.size))


def test_a_link_makes_the_label_carry_signal() -> None:
    people = _people(temperament_link=1.0)
    k = len(WorldConfig().history.temperament_labels)
    filled = people.temperament >= 0
    wrongdoer = (people.role > 0) | (people.grievance >= 0)
    assert (people.temperament[filled & wrongdoer] == k - 1).all()


def test_zeroed_rates_leave_records_only_incomplete() -> None:
    people = _people(false_record_rate={}, label_share={})
    for h in HISTORY_FLAGS:
        assert not (people.recorded[h] & ~people.history[h]).any()
    assert not any(people.labels[x].any() for x in RECORD_LABELS)
