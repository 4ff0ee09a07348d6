"""One grouping's metrics in the style of fairlearn's ``MetricFrame``: ``by_group``,
``ratio()`` and ``difference()``, with disparities to a reference group, a pass band and
bootstrap intervals; every value carries its status (ok, undefined, suppressed)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from custodiet.audit import _metrics as mt
from custodiet.audit._bootstrap import percentile_interval
from custodiet.audit._cells import Grouping

#: Confidence level of bootstrap percentile intervals.
DEFAULT_CONFIDENCE: float = 0.95


@dataclass(frozen=True)
class Estimate:
    """One reported value with its status: ``ok``, ``undefined`` (``reason`` says why) or
    ``suppressed`` (small cell); ``low``/``high`` bound it when bootstrapped."""

    value: float | None
    status: str = "ok"
    reason: str | None = None
    low: float | None = None
    high: float | None = None
    undefined_share: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form: value (null unless ok), status, and reason / interval when present."""
        out: dict[str, Any] = {"value": self.value, "status": self.status}
        if self.reason:
            out["reason"] = self.reason
        if self.low is not None or self.high is not None:
            out["ci"] = [self.low, self.high]
        if self.undefined_share:
            out["undefined_in_resamples"] = self.undefined_share
        return out


def _f(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


@dataclass
class GroupFrame:
    """Metrics of one grouping (a column, or an intersection of columns)."""

    grouping: Grouping
    keys: list[tuple[str, ...]]
    defs: tuple[mt.MetricDef, ...]
    count_names: tuple[str, ...]
    counts: np.ndarray        # (G, C)
    count_status: np.ndarray  # (G, C)
    values: np.ndarray        # (G, M)
    status: np.ndarray        # (G, M)
    low: np.ndarray | None
    high: np.ndarray | None
    undefined_share: np.ndarray | None
    samples: np.ndarray | None  # (B, G, M) bootstrap replicates
    min_cell: float
    band: tuple[float, float]
    reference: int | None = None
    reference_note: str | None = None
    suppressed_groups: int = 0
    _ratio: dict[str, Any] = field(default_factory=dict)

    @property
    def metrics(self) -> tuple[str, ...]:
        """Names of the rates."""
        return tuple(d.name for d in self.defs)

    @property
    def reference_key(self) -> tuple[str, ...] | None:
        """The reference group's values, or None when there is none."""
        return None if self.reference is None else self.keys[self.reference]

    def _reason(self, j: int, st: int) -> str | None:
        if st == mt.UNDEFINED:
            return self.defs[j].undefined
        if st == mt.SUPPRESSED:
            return f"fewer than {self.min_cell:g} people in a cell this value is built from"
        return None

    def estimate(self, group: int, metric: str) -> Estimate:
        """The estimate of ``metric`` for group number ``group``."""
        j = self.metrics.index(metric)
        st = int(self.status[group, j])
        ok = st == mt.OK
        return Estimate(
            value=_f(self.values[group, j]) if ok else None,
            status=mt.STATUS_NAMES[st], reason=self._reason(j, st),
            low=_f(self.low[group, j]) if ok and self.low is not None else None,
            high=_f(self.high[group, j]) if ok and self.high is not None else None,
            undefined_share=_f(self.undefined_share[group, j])
            if ok and self.undefined_share is not None else None)

    def count(self, group: int, name: str) -> int | float | None:
        """A reported count, None when suppressed."""
        j = self.count_names.index(name)
        if self.count_status[group, j] != mt.OK:
            return None
        v = float(self.counts[group, j])
        return int(v) if v.is_integer() else v

    @property
    def by_group(self) -> pa.Table:
        """One row per group: group columns, counts and rates (null when suppressed or
        undefined; see ``notes``), and ``*_low``/``*_high`` interval bounds when bootstrapped."""
        cols: dict[str, Any] = {}
        for c, col in enumerate(self.grouping.cols):
            cols[col] = [k[c] for k in self.keys]
        for name in self.count_names:
            cols[name] = [self.count(g, name) for g in range(len(self.keys))]
        for name in self.metrics:
            ests = [self.estimate(g, name) for g in range(len(self.keys))]
            cols[name] = pa.array([e.value for e in ests], pa.float64())
            if self.low is not None:
                cols[f"{name}_low"] = pa.array([e.low for e in ests], pa.float64())
                cols[f"{name}_high"] = pa.array([e.high for e in ests], pa.float64())
        return pa.table(cols)

    @property
    def notes(self) -> list[dict[str, Any]]:
        """Every value that is not reported, with its status and reason."""
        out = []
        for g, key in enumerate(self.keys):
            for j, name in enumerate(self.metrics):
                st = int(self.status[g, j])
                if st != mt.OK:
                    out.append({"group": dict(zip(self.grouping.cols, key, strict=True)),
                                "metric": name, "status": mt.STATUS_NAMES[st],
                                "reason": self._reason(j, st)})
        return out

    # -- disparities -------------------------------------------------------------------------

    def _compare(self, kind: str) -> dict[str, Any]:
        if kind in self._ratio:
            return self._ratio[kind]
        disp = [j for j, d in enumerate(self.defs) if d.disparity]
        g_n, r = len(self.keys), self.reference
        val = np.full((g_n, len(disp)), np.nan)
        st = np.full((g_n, len(disp)), mt.UNDEFINED, dtype=np.int8)
        reasons: list[list[str | None]] = [[None] * len(disp) for _ in range(g_n)]
        low = high = None
        for i, j in enumerate(disp):
            name = self.metrics[j]
            for g in range(g_n):
                if r is None:
                    reasons[g][i] = self.reference_note or "no reference group"
                    continue
                sg, sr = self.status[g, j], self.status[r, j]
                if sg == mt.SUPPRESSED or sr == mt.SUPPRESSED:
                    st[g, i] = mt.SUPPRESSED
                    who = "this group's" if sg == mt.SUPPRESSED else "the reference group's"
                    reasons[g][i] = f"{who} {name} is suppressed (small cell)"
                elif sg == mt.UNDEFINED:
                    reasons[g][i] = f"this group's {name} is undefined: {self.defs[j].undefined}"
                elif sr == mt.UNDEFINED:
                    reasons[g][i] = (f"the reference group's {name} is undefined: "
                                     f"{self.defs[j].undefined}")
                elif kind == "ratio" and self.values[r, j] == 0:
                    reasons[g][i] = f"the reference group's {name} is 0, so the ratio divides by 0"
                else:
                    st[g, i] = mt.OK
                    a, b = self.values[g, j], self.values[r, j]
                    val[g, i] = a / b if kind == "ratio" else a - b
        if self.samples is not None and r is not None:
            s = self.samples[:, :, disp]
            ref = s[:, r : r + 1, :]
            with np.errstate(invalid="ignore", divide="ignore"):
                rep = np.where(ref != 0, s / ref, np.nan) if kind == "ratio" else s - ref
            conf = self._confidence
            low, high, _ = percentile_interval(rep, conf)
        res = {"disp": disp, "values": val, "status": st, "reasons": reasons, "low": low,
               "high": high}
        self._ratio[kind] = res
        return res

    _confidence: float = DEFAULT_CONFIDENCE

    def _table(self, kind: str) -> pa.Table:
        res = self._compare(kind)
        cols: dict[str, Any] = {}
        for c, col in enumerate(self.grouping.cols):
            cols[col] = [k[c] for k in self.keys]
        for i, j in enumerate(res["disp"]):
            ok = res["status"][:, i] == mt.OK
            cols[self.metrics[j]] = pa.array(
                [_f(v) if o else None for v, o in zip(res["values"][:, i], ok, strict=True)],
                pa.float64())
        return pa.table(cols)

    def ratio(self, *, method: str = "to_reference") -> pa.Table | dict[str, float | None]:
        """Ratios of each group's rate to the reference group's (``to_reference``, a table), or
        the smallest over the largest rate across reported groups (``between_groups``)."""
        if method == "to_reference":
            return self._table("ratio")
        if method == "between_groups":
            return self._between(lambda lo, hi: lo / hi if hi > 0 else None)
        raise ValueError(f"unknown method {method!r}")

    def difference(self, *, method: str = "to_reference") -> pa.Table | dict[str, float | None]:
        """Each group's rate minus the reference group's (``to_reference``, a table), or the
        largest minus the smallest across reported groups (``between_groups``)."""
        if method == "to_reference":
            return self._table("difference")
        if method == "between_groups":
            return self._between(lambda lo, hi: hi - lo)
        raise ValueError(f"unknown method {method!r}")

    def _between(self, fn: Any) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for j, d in enumerate(self.defs):
            if not d.disparity:
                continue
            ok = self.status[:, j] == mt.OK
            v = self.values[ok, j]
            out[d.name] = _f(fn(float(v.min()), float(v.max()))) if len(v) >= 2 else None
        return out

    def disparity(self, group: int, metric: str, *, kind: str = "ratio") -> Estimate:
        """The ratio (or difference) of ``metric`` between group ``group`` and the reference."""
        res = self._compare(kind)
        i = [self.metrics[j] for j in res["disp"]].index(metric)
        st = int(res["status"][group, i])
        ok = st == mt.OK
        return Estimate(
            value=_f(res["values"][group, i]) if ok else None, status=mt.STATUS_NAMES[st],
            reason=res["reasons"][group][i],
            low=_f(res["low"][group, i]) if ok and res["low"] is not None else None,
            high=_f(res["high"][group, i]) if ok and res["high"] is not None else None)

    def within_band(self, group: int, metric: str) -> bool | None:
        """Whether the ratio to the reference lies in the pass band (None when not reported)."""
        e = self.disparity(group, metric)
        if e.value is None:
            return None
        return self.band[0] <= e.value <= self.band[1]

    def to_dict(self) -> dict[str, Any]:
        """JSON form of this grouping: groups with counts, rates and disparities."""
        groups = []
        disp_names = [self.metrics[j] for j in self._compare("ratio")["disp"]]
        for g, key in enumerate(self.keys):
            entry: dict[str, Any] = {
                "group": dict(zip(self.grouping.cols, key, strict=True)),
                "is_reference": g == self.reference,
                "counts": {name: self.count(g, name) for name in self.count_names},
                "metrics": {name: self.estimate(g, name).to_dict() for name in self.metrics},
            }
            if g != self.reference:
                entry["ratio_to_reference"] = {}
                entry["difference_to_reference"] = {}
                for name in disp_names:
                    rd = self.disparity(g, name).to_dict()
                    rd["within_band"] = self.within_band(g, name)
                    entry["ratio_to_reference"][name] = rd
                    entry["difference_to_reference"][name] = self.disparity(
                        g, name, kind="difference").to_dict()
            groups.append(entry)
        ref = self.reference_key
        return {
            "grouping": list(self.grouping.cols),
            "reference": None if ref is None else dict(zip(self.grouping.cols, ref, strict=True)),
            "reference_note": self.reference_note,
            "suppressed_groups": self.suppressed_groups,
            "groups": groups,
        }
