"""No output of a real-data audit is one person's exact score: the score's range, a top-k
cut-off and the sweep's thresholds are published exactly only where at least --min-cell
people hold the value, else rounded outward (the range, the grid built on it) or withheld (a
cut-off). Checked from an attacker's view: every number in metrics.json against the scores."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from custodiet.audit import AuditSpec, audit_file
from custodiet.audit._score_values import round_outward
from custodiet.report import clean

MIN_CELL = 5


def _write(path: Path, scores: np.ndarray, rng: np.random.Generator) -> Path:
    g = rng.choice(["a", "b"], len(scores))
    y = (rng.random(len(scores)) < 0.4).astype(int)
    path.write_text("g,s,y\n" + "".join(f"{a},{s!r},{v}\n" for a, s, v in
                                        zip(g, scores.tolist(), y, strict=True)))
    return path


def _numbers(obj) -> list[float]:
    """Every number the input description and the sweep's thresholds hold, those in its
    sentences included."""
    if isinstance(obj, dict):
        return [x for v in obj.values() for x in _numbers(v)]
    if isinstance(obj, list):
        return [x for v in obj for x in _numbers(v)]
    if isinstance(obj, bool) or obj is None:
        return []
    if isinstance(obj, (int, float)):
        return [float(obj)]
    if isinstance(obj, str):
        return [float(m) for m in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", obj)]
    return []


def _audit(src: Path, **rule) -> dict:
    spec = AuditSpec(path=src, groups=["g"], score="s", label="y", min_cell=MIN_CELL, **rule)
    return json.loads(json.dumps(clean(audit_file(spec).to_dict())))


@pytest.mark.parametrize("rule", [{"threshold": 0.5}, {"top_k": 100.0}, {"top_pct": 10.0}])
@pytest.mark.parametrize("kind", ["continuous", "few values, one rare"])
def test_no_published_number_is_a_score_few_people_hold(tmp_path, rule, kind):
    rng = np.random.default_rng(7)
    if kind == "continuous":
        scores = rng.random(600).round(6)
    else:  # 40 values held by 15 each and one by a single person: a distinct-value grid
        scores = np.append(np.repeat(np.arange(40) / 40, 15), 0.9876)
    held = Counter(scores.tolist())
    m = _audit(_write(tmp_path / "t.csv", scores, rng), **rule)
    exposed = [x for x in _numbers([m["input"], m["threshold_sweep"]["thresholds"]])
               if 0 < held.get(x, 0) < MIN_CELL and x != rule.get("threshold")]
    assert exposed == []
    lo, hi = m["input"]["score_range"]
    assert lo <= scores.min() and hi >= scores.max()
    assert m["threshold_sweep"]["grid"] == "equal-width grid"
    if "threshold" not in rule and kind == "continuous":  # the last person flagged scores
        assert m["input"]["cutoff"] is None  # alone: withheld
        assert "withheld" in m["input"]["flag_rule"]


def test_values_many_people_hold_stay_exact(tmp_path):
    """Deciles held by many (as COMPAS's): the range, the cut-off and the thresholds are the
    exact scores, as before."""
    rng = np.random.default_rng(1)
    scores = np.repeat(np.arange(1, 11), 30).astype(float)
    m = _audit(_write(tmp_path / "d.csv", scores, rng), top_k=100.0)
    assert m["input"]["score_range"] == [1.0, 10.0]
    assert m["input"]["cutoff"] == 7.0  # 90 people score 8 or more: too few; 120 score 7+
    assert m["threshold_sweep"]["grid"] == "distinct values"
    assert set(m["threshold_sweep"]["thresholds"]) <= set(range(1, 11))


@pytest.mark.parametrize("seed", range(20))
def test_a_rounded_end_hides_its_holder_among_min_cell_people(seed):
    """A range's end held by one person is rounded outward to r, a decimal of some unit u (its
    last digit's): the bin [r, r + u) (or (r - u, r]) holds at least min_cell people."""
    rng = np.random.default_rng(seed)
    s = np.sort(rng.normal(0, 10.0 ** rng.integers(-3, 4), 50))
    for down, x, kth in ((True, s[0], s[MIN_CELL - 1]), (False, s[-1], s[-MIN_CELL])):
        r = round_outward(x, kth, down=down)
        assert ((r < x) if down else (r > x))
        text = f"{r:.12f}".rstrip("0").rstrip(".")
        digits = len(text.split(".")[1]) if "." in text else 0
        if digits == 0:  # a whole number: its unit is its trailing zeros' power of ten
            digits = -(len(text) - len(text.rstrip("0"))) if r else 0
        u = 10.0 ** -digits
        held = np.sum((s >= r) & (s < r + u)) if down else np.sum((s > r - u) & (s <= r))
        assert held >= MIN_CELL
