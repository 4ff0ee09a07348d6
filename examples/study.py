"""Run the default scenario on a small city and look at what the watch did.

    python examples/study.py [OUT_DIR]

Writes the study (report.html, metrics.json, figures, run stores) to OUT_DIR (default
runs/example-study) and prints a few figures from the result object.
"""

from __future__ import annotations

import sys

import pyarrow as pa

import custodiet


def show(table: pa.Table) -> None:
    """Print an Arrow table as aligned columns (no pandas needed)."""
    rows = [table.column_names] + [
        [f"{v:.3g}" if isinstance(v, float) else str(v) for v in row.values()]
        for row in table.to_pylist()]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else "runs/example-study"
    result = custodiet.run("default", out, people=10_000, days=5, seed=2, seeds=2, force=True)
    h = result.headline
    print(f"alerts: {h['alerts']:.0f}, precision: {h['precision']:.1%}, "
          f"innocent people flagged per true alert: {h['innocents_per_true_alert']:.1f}")
    print(f"precision the police see {h['precision_seen']:.1%} vs true {h['precision_true']:.1%}")
    by_ethnicity = result.by_group("ethnicity")
    show(by_ethnicity.select(["ethnicity", "n", "flag_rate", "fpr", "contacts", "list_days"]))
    per_rule = result.alerts.group_by("rule").aggregate([("alert_id", "count")])
    show(per_rule.sort_by([("alert_id_count", "descending")]).slice(0, 5))
    print(f"report: {result.report}")
    result.close()


if __name__ == "__main__":
    main()
