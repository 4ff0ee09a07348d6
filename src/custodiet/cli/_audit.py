"""``custodiet audit``: group metrics, disparities, a threshold sweep and a self-contained report
for a real scored table (CSV or Parquet); aggregates only, small cells suppressed."""

from __future__ import annotations

import argparse
import glob
import math
from pathlib import Path
from typing import Any

from custodiet.cli._args import non_negative_int, resamples
from custodiet.cli._summary import wrote
from custodiet.errors import UserError


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def register(sub: Any) -> None:
    p = sub.add_parser("audit", help="audit a real scored table (CSV or Parquet)",
                       description=__doc__)
    p.add_argument("file", metavar="FILE", help="table to audit (.csv or .parquet)")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory to create")
    p.add_argument("--force", action="store_true",
                   help="replace DIR if it exists and custodiet wrote it")
    p.add_argument("--glob", action="store_true",
                   help="read FILE as a pattern of several files (e.g. 'parts/*.csv'); "
                        "by default FILE is that one file, whatever its name holds")
    p.add_argument("--label", metavar="COL", help="0/1 outcome column (optional)")
    rule = p.add_argument_group("flag rule (exactly one)")
    rule.add_argument("--score", metavar="COL", help="numeric score column")
    rule.add_argument("--threshold", type=_number, metavar="T",
                      help="flagged when score >= T (needs --score)")
    rule.add_argument("--flag", metavar="COL", help="0/1 column: 1 means flagged")
    rule.add_argument("--top-k", type=_number, metavar="K",
                      help="flag the K highest scores (ties at the cut-off all flagged)")
    rule.add_argument("--top-pct", type=_number, metavar="P",
                      help="flag the highest-scoring P percent")
    p.add_argument("--group", action="append", default=[], metavar="COL", required=True,
                   help="group column (repeat for several; their intersection is added)")
    p.add_argument("--reference", action="append", default=[], metavar="[COL=]VALUE",
                   help="reference group per column (default: the largest group)")
    p.add_argument("--weight", metavar="COL",
                   help="people per row, for aggregated tables (default: 1)")
    p.add_argument("--bootstrap", type=resamples, default=0, metavar="B",
                   help="bootstrap resamples for intervals (default 0: none)")
    p.add_argument("--seed", type=non_negative_int, default=0, metavar="S",
                   help="bootstrap seed (default 0)")
    p.add_argument("--min-cell", type=non_negative_int, default=10, metavar="N",
                   help="suppress cells with fewer than N people (default 10)")
    p.add_argument("--band", type=_number, nargs=2, default=(0.8, 1.25), metavar=("LO", "HI"),
                   help="pass band for ratios to the reference (default 0.8 1.25)")
    p.add_argument("--perturb", action="store_true",
                   help="add cell-key noise (at most 2 people) to every published count, so "
                        "that outputs of similar tables cannot be subtracted (docs/audit.md)")
    p.add_argument("--perturb-secret", metavar="FILE",
                   help="a file holding the publisher's secret (at least 16 bytes, the same "
                        "for every output of a table), mixed into the perturbation's keys so "
                        "that nobody without it can recompute the noise; never printed nor "
                        "stored (default: the environment variable CUSTODIET_PERTURB_SECRET, "
                        "else none)")
    p.set_defaults(handler=run)


#: The largest secret file read (a secret is a few dozen bytes).
MAX_SECRET_BYTES = 4096


def perturb_secret(path: str | None, perturb: bool) -> bytes:
    """The publisher's secret: the file's bytes (a trailing newline dropped), else the
    environment variable's text when perturbing, else none. Never printed."""
    import os
    import stat

    from custodiet.audit import SECRET_VARIABLE

    if path is None:
        text = os.environ.get(SECRET_VARIABLE, "") if perturb else ""
        return text.rstrip("\r\n").encode("utf-8", "surrogateescape")
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise UserError("is not a regular file", where=path, field="--perturb-secret")
        with open(path, "rb") as fh:
            data = fh.read(MAX_SECRET_BYTES + 1)
    except OSError as err:
        raise UserError(f"cannot be read ({err.strerror})", where=path,
                        field="--perturb-secret") from None
    if len(data) > MAX_SECRET_BYTES:
        raise UserError(f"is more than {MAX_SECRET_BYTES:,} bytes: not a secret file",
                        where=path, field="--perturb-secret")
    if not data.strip():
        raise UserError("is empty", where=path, field="--perturb-secret")
    return data.rstrip(b"\r\n")


def _references(items: list[str], groups: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        col, sep, value = item.partition("=")
        if not (sep and col in groups):
            if len(groups) != 1:
                raise UserError(f"give COL=VALUE with COL one of the --group columns, got "
                                f"{item!r}", field="--reference")
            col, value = groups[0], item
        out[col] = value
    return out


def run(args: argparse.Namespace) -> int:
    from custodiet.audit import AuditSpec, audit_file
    from custodiet.report import publish, real_audit_report
    from custodiet.store import check_destination

    inputs = glob.glob(args.file, recursive=True) if args.glob else [args.file]
    check_destination(args.out, force=args.force, inputs=inputs)
    spec = AuditSpec(
        path=Path(args.file), groups=list(dict.fromkeys(args.group)), label=args.label,
        score=args.score, threshold=args.threshold, flag=args.flag, top_k=args.top_k,
        top_pct=args.top_pct, weight=args.weight,
        reference=_references(args.reference, list(dict.fromkeys(args.group))),
        bootstrap=args.bootstrap, seed=args.seed, min_cell=args.min_cell,
        band=tuple(args.band), glob=args.glob, perturb=args.perturb,
        perturb_secret=perturb_secret(args.perturb_secret, args.perturb))
    real = audit_file(spec)

    def build(figures: Path) -> tuple[Any, dict[str, Any]]:
        report = real_audit_report(real, figures_dir=figures)
        return report, real.to_dict()

    try:
        out = publish(args.out, build, force=args.force)
    except OSError as err:
        raise UserError(f"could not write the output: {err}", where=str(args.out)) from None
    print(wrote(out, audit_findings(real.to_dict())))
    return 0


def _label(group: dict[str, Any]) -> str:
    return " × ".join(str(v) for v in group["group"].values())


def _furthest(groups: list[dict[str, Any]], metric: str,
              band: tuple[float, float]) -> tuple[str, float, int, int] | None:
    """The group whose ``metric`` is furthest (as a ratio) from the reference's, its ratio,
    how many published ratios are outside the band, and how many are published."""
    shown = [(_label(g), r["value"]) for g in groups
             if (r := g.get("ratio_to_reference", {}).get(metric))
             and r.get("status") == "ok" and r.get("value")]
    if not shown:
        return None
    label, value = max(shown, key=lambda t: abs(math.log(t[1])))
    return label, value, sum(not band[0] <= v <= band[1] for _, v in shown), len(shown)


def _grouping_line(name: str, groups: list[dict[str, Any]], band: tuple[float, float]
                   ) -> str | None:
    """One line per grouping: for the flag rate (and the false positive rate when there is
    an outcome), the group furthest from the reference and how many are outside the band."""
    ref = next((_label(g) for g in groups if g.get("is_reference")), "?")
    parts = []
    for metric, title in (("flag_rate", "flag rate"), ("fpr", "false positive rate")):
        found = _furthest(groups, metric, band)
        if found:
            label, value, outside, shown = found
            parts.append(f"{title} furthest off in {label} ({value:.2f}×; {outside} of "
                         f"{shown} groups outside {band[0]:g}–{band[1]:g}×)")
    return f"by {name}, against {ref}: " + "; ".join(parts) if parts else None


def audit_findings(metrics: dict[str, Any]) -> list[str]:
    """The audit's answer in a few lines: who is flagged, the largest gaps to the reference
    groups, and what disclosure control withheld."""
    counts = metrics["overall"].get("counts", {})
    n, flagged = counts.get("n"), counts.get("flagged")
    lines = []
    if n and flagged is not None:
        lines.append(f"{n:,.0f} people, {flagged:,.0f} flagged ({flagged / n:.1%})")
    band = tuple(metrics["settings"]["band"])
    for name, grouping in metrics["groupings"].items():
        line = _grouping_line(name, grouping["groups"], band)  # type: ignore[arg-type]
        if line:
            lines.append(line)
    d = metrics.get("disclosure")
    if d and d["primary"] + d["secondary"]:
        lines.append(f"{d['primary'] + d['secondary']:,} of {d['values']:,} values withheld "
                     f"(built from fewer than {d['min_cell']:g} people, or able to reveal "
                     "such a count)")
    return lines
