"""A 10-million-row CSV through ``custodiet audit`` (slow: run with ``-m slow``): it completes,
its counts equal numpy's, and the audit process stays within a few GB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_ten_million_row_csv(tmp_path):
    n = 10_000_000
    rng = np.random.default_rng(0)
    race = rng.integers(0, 5, n)
    score = rng.integers(1, 11, n)
    label = (rng.random(n) < score / 12).astype(np.int8)
    src = tmp_path / "big.csv"
    pacsv.write_csv(pa.table({"race": pa.array(np.char.add("r", race.astype(str))),
                              "score": score, "label": label}), src)
    out = tmp_path / "out"
    code = ("import sys; from custodiet.cli import main; rc = main(sys.argv[1:]); "
            "print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0]); "
            "sys.exit(rc)")
    res = subprocess.run([sys.executable, "-c", code, "audit", str(src), "--out", str(out),
                          "--label", "label", "--score", "score", "--threshold", "7",
                          "--group", "race", "--bootstrap", "200"],
                         capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
                         check=False)
    assert res.returncode == 0, res.stderr[-2000:]
    peak_gib = int(res.stdout.split()[-1]) / 2**20
    assert peak_gib < 4.0, f"peak resident memory {peak_gib:.2f} GiB"
    m = json.loads((out / "metrics.json").read_text())
    assert m["overall"]["counts"]["flagged"] == int((score >= 7).sum())
    assert m["overall"]["counts"]["tp"] == int(((score >= 7) & (label == 1)).sum())
