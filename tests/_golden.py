"""The fingerprint of a finished study: every run store's table digests and its metrics.json
less the timings. A refactoring must leave it unchanged; a change that moves the numbers on
purpose regenerates it (``python -m tests._golden``) and says so in its commit."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from custodiet.store import open_run

GOLDEN = Path(__file__).parent / "golden" / "study.json"


def _strip_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_timings(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [_strip_timings(v) for v in value]
    return value


def fingerprint(study_dir: Path) -> dict[str, Any]:
    """Digests of every table of every run store under ``study_dir/runs`` and the metrics."""
    digests: dict[str, dict[str, str]] = {}
    for manifest in sorted((study_dir / "runs").glob("*/*/manifest.json")):
        run_dir = manifest.parent
        with open_run(run_dir) as run:
            digests[f"{run_dir.parent.name}/{run_dir.name}"] = {
                name: run.digest(name) for name in run.tables()}
    metrics = json.loads((study_dir / "metrics.json").read_text())
    return {"digests": digests, "metrics": _strip_timings(metrics)}


def main() -> None:
    """Regenerate the golden fingerprint from a fresh run of the shared test study."""
    import tempfile

    import custodiet
    from tests.conftest import STUDY

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "default"
        custodiet.run("default", out, **STUDY)
        GOLDEN.write_text(json.dumps(fingerprint(out), indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}", file=sys.stderr)


if __name__ == "__main__":
    main()
