"""Unions of separate score bands (scores 1 and 3 and 5 together): the exact attacker searches
every set of score values, and disclosure control protects every set of score intervals when
there are at most ``MAX_SUBSET_INTERVALS``."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import numpy as np

import custodiet.audit._real as real_audit
from custodiet.audit import AuditSpec, audit_file
from custodiet.audit._derivable import MAX_SUBSET_INTERVALS, interval_sets
from custodiet.report import clean
from tests._derive import Cells, leaks, score_sets


def _table(seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    n = 120
    g1 = rng.choice(["a0", "a1", "a2"], n, p=[0.6, 0.3, 0.1])
    g2 = rng.choice(["b0", "b1"], n)
    score = rng.integers(1, 6, n)
    return g1, g2, score, (rng.random(n) < score / 6).astype(int)


def _audit(tmp: Path, table: tuple[np.ndarray, ...], protected: bool) -> dict:
    src = tmp / "t.csv"
    src.write_text("g1,g2,score,y\n" + "".join(f"{a},{b},{s},{v}\n"
                                               for a, b, s, v in zip(*table, strict=True)))
    spec = AuditSpec(path=src, groups=["g1", "g2"], score="score", threshold=3.0, label="y",
                     min_cell=5)
    if protected:
        return json.loads(json.dumps(clean(audit_file(spec).to_dict())))
    with mock.patch.object(real_audit, "protect", lambda *a, **k: None):  # primary only
        return json.loads(json.dumps(clean(audit_file(spec).to_dict())))


def _separate_bands(found: list[tuple[float, str]]) -> list[tuple[float, str]]:
    out = []
    for value, text in found:
        if " score [" not in text:
            continue
        vals = [float(v) for v in text.split(" score [")[1].split("]")[0].split(",")]
        if max(vals) - min(vals) + 1 != len(vals):  # scores are whole numbers here
            out.append((value, text))
    return out


def test_every_set_of_few_intervals_is_protected_and_searched():
    assert MAX_SUBSET_INTERVALS >= 5
    sets = interval_sets(5)
    assert len(sets) == 31 and [True, False, True, False, True] in sets.tolist()
    runs = interval_sets(MAX_SUBSET_INTERVALS + 1)
    assert all(np.ptp(np.flatnonzero(r)) + 1 == r.sum() for r in runs)
    assert len(score_sets(5)) == 31


def test_no_union_of_separate_bands_is_derivable(tmp_path):
    """Without complementary suppression the attacker finds small counts of separate bands
    (e.g. group a2 x b0 with scores 1, 3 and 5: 2 people); with it, none, nor any other."""
    table = _table(29)
    g1, g2, score, y = table
    cells = Cells({"g1": g1, "g2": g2}, score.astype(float), (score >= 3).astype(int), y,
                  np.ones(len(score)))
    assert _separate_bands(leaks(_audit(tmp_path, table, False), cells, 5))
    assert leaks(_audit(tmp_path, table, True), cells, 5) == []
