"""``custodiet compare``: two studies' headline figures side by side, and (with ``--out``) a
report with a figure of their differences."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from custodiet.errors import UserError
from custodiet.store import printable

if TYPE_CHECKING:
    from custodiet.audit.sim import StudyMetrics


def register(sub: Any) -> None:
    p = sub.add_parser("compare", help="compare the headline figures of two studies",
                       description=__doc__)
    p.add_argument("a", metavar="DIR_A", help="a study directory (custodiet run --out)")
    p.add_argument("b", metavar="DIR_B", help="another study directory")
    p.add_argument("--out", metavar="DIR", help="also write report.html and the diff figure")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.set_defaults(handler=run)


def load_metrics(folder: str) -> StudyMetrics:
    """A study's metrics.json, typed; a user error when the directory is not a study or its
    metrics.json is not one this version reads."""
    from custodiet.audit.sim import StudyMetrics

    path = Path(folder) / "metrics.json"
    if not path.is_file():
        raise UserError("not a study directory (no metrics.json; see custodiet run)",
                        where=str(folder))
    if path.stat().st_size > MAX_METRICS_BYTES:
        raise UserError(f"metrics.json is larger than {MAX_METRICS_BYTES:,} bytes",
                        where=str(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as err:
        msg = str(err).splitlines()[0][:160] if str(err) else type(err).__name__
        raise UserError(f"metrics.json is not valid JSON: {msg}", where=str(path)) from None
    if not isinstance(data, dict) or not isinstance(data.get("headline"), dict):
        raise UserError("metrics.json has no headline figures (not written by custodiet run)",
                        where=str(path))
    for name, entry in data["headline"].items():
        if entry is not None and not (isinstance(entry, dict) and all(
                _number_or_none(entry.get(k)) for k in _NUMBERS)):
            raise UserError(f"metrics.json's headline figure {printable(name)} is not in the "
                            "form custodiet writes (numbers or null)", where=str(path))
    try:
        return StudyMetrics.from_dict(data)
    except (TypeError, KeyError, AttributeError) as err:
        raise UserError(f"metrics.json does not have the shape custodiet run writes ({err}); "
                        "rerun the study with this version", where=str(path)) from None


#: metrics.json of a study is some kilobytes; a larger one is refused before it is parsed.
MAX_METRICS_BYTES: int = 50_000_000
_NUMBERS = ("mean", "low", "high", "sd", "n", "undefined_seeds", "city_min", "city_max",
            "prediction_low", "prediction_high")


def _number_or_none(v: Any) -> bool:
    return v is None or (type(v) in (int, float) and math.isfinite(v) and abs(v) < 1e300)


def run(args: argparse.Namespace) -> int:
    from custodiet.audit.sim import FIGURES
    from custodiet.report import compare_report, headline_pairs, headline_text, publish
    from custodiet.store import check_destination

    if args.out:
        check_destination(args.out, force=args.force, inputs=[args.a, args.b])
    a, b = load_metrics(args.a), load_metrics(args.b)
    width = max(len(f.label) for f in FIGURES)
    print(f"{'':<{width}}  A = {args.a}\n{'':<{width}}  B = {args.b}")
    for f, ea, eb, diff in headline_pairs(a, b):
        print(f"{f.label:<{width}}  A {headline_text(ea, f.unit)} | "
              f"B {headline_text(eb, f.unit)} | B − A {diff}")
    if args.out:
        out = publish(args.out, lambda fig_dir: (
            compare_report(a, b, [args.a, args.b], figures_dir=fig_dir),
            {"a": {"path": args.a, "headline": _headline(a)},
             "b": {"path": args.b, "headline": _headline(b)}}), force=args.force)
        print(f"report: {out / 'report.html'}")
    return 0


def _headline(metrics: StudyMetrics) -> dict[str, Any]:
    return {name: spread.to_dict() for name, spread in metrics.headline.items()}
