"""Real scored tables (CSV or Parquet of any size): read with DuckDB, validate, derive the flag
(threshold, flag column, top-k, top-%), and run the shared group-metrics core on them."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from custodiet.audit._cellkey import add_record_keys
from custodiet.audit._cells import Cells, cells_from_relation, quote
from custodiet.audit._disclosure import Disclosure, Joint, protect
from custodiet.audit._frame import (
    AuditResult,
    default_groupings,
    group_metrics,
)
from custodiet.audit._input import (
    MAX_RESAMPLED_CELLS,
    MAX_SURVEY_CELLS,
    check_spec,
    check_values,
    copy_needed,
    count_people,
    count_respondents,
    is_survey,
    refuse_identifiers,
    score_range,
)
from custodiet.audit._score_values import people_at, people_expr, score_facts
from custodiet.audit._spec import AuditSpec
from custodiet.audit._sweep import Grid, Sweep, bucket_index, sweep_grid, threshold_sweep
from custodiet.engine import connect
from custodiet.errors import UserError


@dataclass
class RealAudit:
    """The result of auditing a table: metrics, the sweep (when there is a score) and a plain
    description of the input (sizes and rules only, never a row)."""

    result: AuditResult
    sweep: Sweep | None
    info: dict[str, Any]
    disclosure: Disclosure | None = None
    flag_cut: float | None = None
    """The flag rule's exact cut-off on the score (not published unless many hold it)."""

    def to_dict(self) -> dict[str, Any]:
        """What ``metrics.json`` holds: the input's description, every value with its status,
        the sweep and what disclosure control withheld."""
        out = {"input": self.info, **self.result.to_dict()}
        if self.sweep is not None:
            out["threshold_sweep"] = self.sweep.to_dict()
        if self.disclosure is not None:
            out["disclosure"] = self.disclosure.to_dict()
        return out


def literal_source(path: Path, scratch: Path) -> Path:
    """A path DuckDB reads as exactly ``path``: DuckDB expands ``*``, ``?``, ``[...]`` and
    ``{...}`` in file names, so a name holding them is read through a plain-named link."""
    if not any(c in str(path) for c in "*?[]{}"):
        return path
    link = scratch / ("input" + "".join(path.suffixes[-2:]).lower())
    link.symlink_to(path.resolve())
    return link


def load_table(spec: AuditSpec, con: duckdb.DuckDBPyConnection,
               source: Path | None = None) -> dict[str, Any]:
    """Copy the columns the audit needs into table ``src`` and validate them; raise
    ``UserError`` on the first problem. Returns facts about the input (row and people count).
    ``source`` is the path handed to DuckDB (see :func:`literal_source`)."""
    check_spec(spec)
    where = str(spec.path)
    types, rows = copy_needed(spec, con, source or spec.path)
    check_values(spec, con, types)
    people = count_people(spec, con, types, rows)
    survey = is_survey(spec, con)
    counted = count_respondents(spec, con) if survey else people
    if counted < spec.min_cell:
        who = "respondents (rows of positive weight)" if survey else "people"
        raise UserError(f"has {counted:g} {who}, fewer than --min-cell {spec.min_cell:g}: "
                        "nothing could be published", where=where)
    refuse_identifiers(spec, con, survey)
    if spec.perturb:
        add_record_keys(con, spec.perturb_secret)
    info: dict[str, Any] = {"rows": int(rows), "people": float(people),
                            "weights": None if not spec.weight else (
                                "survey" if survey else "counts")}
    if spec.score is not None:
        score_range(spec, con)  # refuses a threshold outside the range
        people = people_expr(spec.weight, survey)
        facts = score_facts(con, spec.score, people, spec.min_cell)
        info["score_range"] = facts.published_range()
        info["_facts"] = facts
    return info


def _flag_expr(spec: AuditSpec, con: duckdb.DuckDBPyConnection, info: dict[str, Any]
               ) -> tuple[str, float | None]:
    """SQL for the 0/1 flag and its cut-off on the score, recording the rule in ``info``."""
    if spec.flag is not None:
        info["flag_rule"] = f"{spec.flag} = 1"
        return f"CAST({quote(spec.flag)} AS INTEGER)", None
    s = quote(spec.score)  # type: ignore[arg-type]
    if spec.threshold is not None:
        info["flag_rule"] = f"{spec.score} >= {spec.threshold:g}"
        return f"CAST({s} >= {spec.threshold!r} AS INTEGER)", spec.threshold
    w = f"{quote(spec.weight)}::DOUBLE" if spec.weight else "1.0"
    # P% of N as P * N / 100 (exact for whole numbers: 7 * 100 / 100 is 7, where 0.07 * 100
    # is 7.000000000000001 and would flag one more), compared with a tolerance of rounding
    k = spec.top_k if spec.top_k is not None else spec.top_pct * info["people"] / 100.0
    k -= 1e-9 * max(1.0, k)
    cut = con.execute(
        f"WITH s AS (SELECT {s}::DOUBLE AS v, sum({w}) AS w FROM src GROUP BY 1), "
        f"c AS (SELECT v, sum(w) OVER (ORDER BY v DESC) AS cum FROM s) "
        f"SELECT max(v) FROM c WHERE cum >= ?", [k]).fetchone()[0]
    if cut is None:  # k exceeds everyone: everyone is flagged, at the published lowest score
        cut = info["score_range"][0]
    what = f"top {spec.top_k:g}" if spec.top_k is not None else f"top {spec.top_pct:g}%"
    survey = info["weights"] == "survey"
    held = people_at(con, spec.score, people_expr(spec.weight, survey), cut)
    if cut == info["score_range"][0] or held >= spec.min_cell:
        info["flag_rule"] = (f"{what} by {spec.score}: {spec.score} >= {cut:g} "
                             "(ties at the cut-off are all flagged)")
        info["cutoff"] = cut
    else:  # the score of the last person flagged, held by too few to publish
        info["flag_rule"] = (f"{what} by {spec.score} (ties at the cut-off are all flagged; "
                             f"the cut-off is withheld: fewer than {spec.min_cell:g} people "
                             "have that score)")
        info["cutoff"] = None
    return f"CAST({s}::DOUBLE >= {cut!r} AS INTEGER)", cut


def audit_file(spec: AuditSpec) -> RealAudit:
    """Read, validate and audit ``spec.path``; raise ``UserError`` on bad input. Every value
    published is protected: see :func:`custodiet.audit._disclosure.protect`."""
    with tempfile.TemporaryDirectory(prefix="custodiet-audit-") as spill:
        con = connect()
        try:
            con.execute("SET temp_directory = ?", [spill])
            source = spec.path if spec.glob else literal_source(spec.path, Path(spill))
            info = load_table(spec, con, source)
            real = _audit_loaded(spec, con, info)
        finally:
            con.close()
    info.update({
        "file": spec.path.name, "groups": real.info["groups"], "label": spec.label,
        "score": spec.score, "weight": spec.weight, "threshold": spec.threshold,
    })
    return real


def _audit_loaded(spec: AuditSpec, con: duckdb.DuckDBPyConnection,
                  info: dict[str, Any]) -> RealAudit:
    flag, cut = _flag_expr(spec, con, info)
    facts = info.pop("_facts", None)
    groups = list(dict.fromkeys(spec.groups))
    sel = [quote(g) for g in groups]
    sel.append(f"{flag} AS __flagged")
    if spec.label:
        sel.append(f"{quote(spec.label)} AS __label")
    if spec.weight:
        sel.append(f"{quote(spec.weight)}::DOUBLE AS __weight")
    if spec.score:
        sel.append(f"{quote(spec.score)} AS __score")
    if spec.perturb:
        sel.append("__rk")
    rel = con.sql(f"SELECT {', '.join(sel)} FROM src")
    label = "__label" if spec.label else None
    weight = "__weight" if spec.weight else None
    survey = info["weights"] == "survey"
    cells = cells_from_relation(rel, groups=groups, flag="__flagged", label=label,
                                weight=weight, survey=survey and spec.bootstrap > 0,
                                units=survey)
    if cells.rows is not None and len(cells.count) > MAX_SURVEY_CELLS:
        raise UserError(f"--bootstrap with survey (non-integer) weights resamples respondents, "
                        f"and this table has {len(cells.count):,} distinct (groups, flag, "
                        f"label, weight) rows, more than {MAX_SURVEY_CELLS:,}; drop --bootstrap "
                        "or round the weights", where=str(spec.path), field=spec.weight)
    if spec.bootstrap * len(cells.count) > MAX_RESAMPLED_CELLS:
        raise UserError(f"--bootstrap {spec.bootstrap:,} x {len(cells.count):,} cells would "
                        f"draw more than {MAX_RESAMPLED_CELLS:,} counts (memory); use fewer "
                        "resamples", field="--bootstrap")
    result = group_metrics(cells, reference=spec.reference, band=spec.band,
                           min_cell=spec.min_cell, bootstrap=spec.bootstrap,
                           seed=spec.seed, confidence=spec.confidence)
    sweep = grid = None
    if spec.score:
        grid = sweep_grid(rel, "__score", bounds=tuple(info["score_range"]),
                          by_value=facts.fewest >= spec.min_cell)
        sweep = threshold_sweep(rel, score="__score", groupings=default_groupings(groups),
                                groups=tuple(groups), label=label, weight=weight,
                                min_cell=spec.min_cell, grid=grid, units=survey)
        sweep.score = spec.score
    joint = _joint(rel, groups, label, weight, grid, cut, survey,
                   "__rk" if spec.perturb else None)
    disclosure = protect(result, sweep, joint, min_cell=spec.min_cell, perturb=spec.perturb,
                         secret=bool(spec.perturb_secret))
    info["groups"] = groups
    return RealAudit(result, sweep, info, disclosure, cut)


def _joint(rel: duckdb.DuckDBPyRelation, groups: list[str], label: str | None,
           weight: str | None, grid: Grid | None, cut: float | None, survey: bool,
           key: str | None = None) -> Joint:
    """People per (group values, score bucket, flagged, label), for disclosure control
    (with survey weights, respondents beside the weighted counts)."""
    if grid is not None:
        rel = rel.project(f"*, {grid.bucket} AS __bucket")
    else:
        rel = rel.project("*, 0.0 AS __bucket")
    withb = cells_from_relation(rel, groups=groups, flag="__flagged", label=label,
                                weight=weight, values=("__bucket",), units=survey, key=key)
    assert withb.values is not None
    raw = withb.values[:, 0]
    bucket = bucket_index(grid, raw) if grid is not None else np.zeros(len(raw), np.int64)
    cells = Cells(withb.group_cols, withb.levels, withb.codes, withb.flagged, withb.label,
                  withb.count, units=withb.units, keys=withb.keys)
    return Joint(cells, bucket, grid, cut)
