"""The error cell-key perturbation (``custodiet audit --perturb``) adds to what an audit
publishes: the same audit with and without it, compared value by value.

    python bench/perturbation_cost.py ../shared/data/compas/compas-scores-two-years.csv \
        --group race --group sex
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from custodiet.audit import AuditSpec, audit_file, perturbation_cost
from custodiet.report import clean


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("file", type=Path)
    ap.add_argument("--group", action="append", default=[])
    ap.add_argument("--label", default="two_year_recid")
    ap.add_argument("--score", default="decile_score")
    ap.add_argument("--threshold", type=float, default=5.0)
    args = ap.parse_args()
    runs = {}
    for perturb in (False, True):
        spec = AuditSpec(path=args.file, groups=args.group or ["race"], label=args.label,
                         score=args.score, threshold=args.threshold, perturb=perturb)
        runs[perturb] = json.loads(json.dumps(clean(audit_file(spec).to_dict())))
    for kind, c in perturbation_cost(runs[False], runs[True]).items():
        print(f"{kind:12s} {c['values']:5d} values  mean |error| {c['mean_abs_error']:.4g}  "
              f"max {c['max_abs_error']:.4g}")


if __name__ == "__main__":
    main()
