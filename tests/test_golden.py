"""Refactorings change no output: the shared study's table digests and metrics.json (timings
aside) equal the golden fingerprint recorded before the change. See ``tests/_golden.py``."""

from __future__ import annotations

import json

from tests._golden import GOLDEN, fingerprint


def test_every_table_digest_is_unchanged(study) -> None:
    golden = json.loads(GOLDEN.read_text())
    now = fingerprint(study.path)
    assert sorted(now["digests"]) == sorted(golden["digests"])
    for run, tables in golden["digests"].items():
        assert now["digests"][run] == tables, f"tables of {run} changed"


def test_metrics_json_is_unchanged(study) -> None:
    golden = json.loads(GOLDEN.read_text())
    now = json.loads(json.dumps(fingerprint(study.path)["metrics"], sort_keys=True))
    for key in sorted(set(golden["metrics"]) | set(now)):
        assert now.get(key) == golden["metrics"].get(key), f"metrics.json[{key!r}] changed"
