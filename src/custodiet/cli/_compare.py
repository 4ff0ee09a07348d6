"""``custodiet compare``: two studies' headline figures side by side, and (with ``--out``) a
report with a figure of their differences."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from custodiet.errors import UserError, parse_error_text
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
        msg = parse_error_text(err)
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


def scenario_params(folder: str, metrics: StudyMetrics) -> dict[str, Any] | None:
    """The scenario's settings as the first seed's watch run recorded them in its manifest
    (None when the run store is not there or not readable: the comparison then says so)."""
    runs = metrics.runs.get(str(metrics.scenario.seeds[0])) if metrics.scenario.seeds else None
    where = (runs or {}).get("watch")
    if not isinstance(where, str):
        return None
    path = Path(folder) / where / "manifest.json"
    try:
        if not path.is_file() or path.stat().st_size > MAX_METRICS_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None
    scenario = data.get("scenario") if isinstance(data, dict) else None
    return scenario if isinstance(scenario, dict) else None


def run(args: argparse.Namespace) -> int:
    from custodiet.report import (
        compare_report,
        headline_differences,
        headline_text,
        publish,
        what_is_compared,
    )
    from custodiet.store import check_destination

    if args.out:
        check_destination(args.out, force=args.force, inputs=[args.a, args.b])
    a, b = load_metrics(args.a), load_metrics(args.b)
    params = (scenario_params(args.a, a), scenario_params(args.b, b))
    for line in what_is_compared(a, b, [args.a, args.b], params=params):
        print(line)
    print()
    for d in headline_differences(a, b):
        f = d.figure
        print(f"{f.label}\n  A {headline_text(d.a, f.unit)}\n  B {headline_text(d.b, f.unit)}"
              f"\n  B − A: {d.words}")
    if args.out:
        out = publish(args.out, lambda fig_dir: (
            compare_report(a, b, [args.a, args.b], figures_dir=fig_dir, params=params),
            {"a": {"path": args.a, "headline": _headline(a)},
             "b": {"path": args.b, "headline": _headline(b)},
             "differences": {d.figure.name: _difference(d)
                             for d in headline_differences(a, b)}}), force=args.force)
        print(f"report: {out / 'report.html'}")
    return 0


def _finite(v: float | None) -> float | None:
    return v if v is not None and math.isfinite(v) else None


def _difference(d: Any) -> dict[str, Any]:
    """One figure's difference, interval and verdict, for the comparison's metrics.json."""
    q, finite = d.interval, _finite
    return {"difference": finite(q.estimate) if q else None,
            "low": finite(q.low) if q else None, "high": finite(q.high) if q else None,
            "verdict": d.verdict.decision.value, "words": d.words}


def _headline(metrics: StudyMetrics) -> dict[str, Any]:
    return {name: spread.to_dict() for name, spread in metrics.headline.items()}
