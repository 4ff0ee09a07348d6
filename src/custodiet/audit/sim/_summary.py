"""Across seeds: the mean of each headline figure and its 95% interval (Student's t over the
seeds' values, which are independent cities), and group metrics on the pooled people of every
seed through the shared group-metrics core."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from custodiet.audit import MIN_SAME_CITIES, Quoted
from custodiet.audit._cells import Grouping, cells_from_arrow
from custodiet.audit._frame import DEFAULT_MIN_CELL, AuditResult, group_metrics
from custodiet.audit._verdict import t_quantile
from custodiet.audit.sim._pooled_rows import Spread

#: Per-person values whose group means the study reports beside the rates.
PERSON_VALUES: tuple[str, ...] = ("flags", "contacts", "list_days", "camera_days")


#: What each spread of ``summarise`` describes (written into ``metrics.json``).
SPREADS: dict[str, str] = {
    "low, high": "95% t interval of the mean over the seeds: where the average city lies",
    "city_min, city_max": "the range of the single simulated cities (seeds)",
    "prediction_low, prediction_high": "95% prediction interval for one more city: "
                                       "mean ± t · sd · sqrt(1 + 1/n)",
}


def summarise(values: Sequence[float | None]) -> dict[str, Any]:
    """Mean over the seeds where the figure is defined, with a 95% t interval of the mean and
    a 95% prediction interval for a single city when two or more are (lower ends cut at 0 when
    every value is non-negative), and the range of the single cities; ``undefined_seeds``
    counts the rest."""
    ok = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    out: dict[str, Any] = {"values": list(values), "n": len(ok),
                           "undefined_seeds": len(values) - len(ok)}
    if not ok:
        out.update(mean=None, sd=None, low=None, high=None, city_min=None, city_max=None,
                   prediction_low=None, prediction_high=None)
        return out
    mean = sum(ok) / len(ok)
    out.update(mean=mean, city_min=min(ok), city_max=max(ok))
    if len(ok) < 2:
        out.update(sd=None, low=None, high=None, prediction_low=None, prediction_high=None)
        return out
    sd = math.sqrt(sum((v - mean) ** 2 for v in ok) / (len(ok) - 1))
    t = t_quantile(len(ok) - 1)
    half, pred = t * sd / math.sqrt(len(ok)), t * sd * math.sqrt(1 + 1 / len(ok))
    floor = 0.0 if min(ok) >= 0 else -math.inf  # a count or share cannot be negative
    out.update(sd=sd, low=max(mean - half, floor), high=mean + half,
               prediction_low=max(mean - pred, floor), prediction_high=mean + pred)
    return out


def difference(a: Sequence[float | None], b: Sequence[float | None], *, paired: bool
               ) -> Quoted:
    """B − A of a figure's mean over cities, with a 95% t interval: from the seed-by-seed
    differences when ``paired`` (the same seeds in both, so each pair is one city twice, and
    the pairs are independent), else Welch's interval for two independent sets of cities
    (Welch–Satterthwaite degrees of freedom, rounded down). The interval is NaN, so that
    :func:`custodiet.audit.decide` finds no verdict, when a side has fewer than two cities,
    or when every city gives the same difference and there are fewer than ``MIN_SAME_CITIES``
    (two cities that agree are no zero-width evidence); ``n_cities`` is the smaller side's,
    ``df`` the t interval's degrees of freedom."""
    nan = math.nan
    if paired and len(a) == len(b):
        d = [float(y) - float(x) for x, y in zip(a, b, strict=True)
             if x is not None and y is not None and math.isfinite(float(x))
             and math.isfinite(float(y))]
        if not d:
            return Quoted(nan, nan, nan, n_cities=0, n_units=0)
        s = summarise(d)
        if s["sd"] == 0.0 and len(d) < MIN_SAME_CITIES:
            return Quoted(s["mean"], nan, nan, n_cities=len(d), n_units=len(d))
        low, high = _unfloored(d, s)
        return Quoted(s["mean"], low, high, n_cities=len(d), n_units=len(d),
                      df=len(d) - 1 if len(d) >= 2 else None)
    xa, xb = _defined(a), _defined(b)
    if not xa or not xb:
        return Quoted(nan, nan, nan, n_cities=0, n_units=0)
    mean = sum(xb) / len(xb) - sum(xa) / len(xa)
    n = min(len(xa), len(xb))
    if n < 2:
        return Quoted(mean, nan, nan, n_cities=n, n_units=len(xa) + len(xb))
    va, vb = _var(xa) / len(xa), _var(xb) / len(xb)
    se = math.sqrt(va + vb)
    if se == 0.0:
        low = high = nan if n < MIN_SAME_CITIES else mean
        return Quoted(mean, low, high, n_cities=n, n_units=len(xa) + len(xb))
    df = max(int((va + vb) ** 2 / (va * va / (len(xa) - 1) + vb * vb / (len(xb) - 1))), 1)
    half = t_quantile(df) * se
    return Quoted(mean, mean - half, mean + half, n_cities=n, n_units=len(xa) + len(xb),
                  df=df)


def _defined(values: Sequence[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def _var(x: list[float]) -> float:
    m = sum(x) / len(x)
    return sum((v - m) ** 2 for v in x) / (len(x) - 1)


def _unfloored(d: list[float], s: dict[str, Any]) -> tuple[float, float]:
    """The t interval of the mean of differences (``summarise`` floors non-negative values
    at 0, which a difference must not be)."""
    if len(d) < 2:
        return math.nan, math.nan
    half = t_quantile(len(d) - 1) * s["sd"] / math.sqrt(len(d))
    return s["mean"] - half, s["mean"] + half


def summarise_headlines(headlines: Sequence[dict[str, float | None]]) -> dict[str, Any]:
    """``summarise`` for every headline figure of the seeds (a figure absent from a seed counts
    as undefined there)."""
    names = list(dict.fromkeys(k for h in headlines for k in h))
    return {k: summarise([h.get(k) for h in headlines]) for k in names}


def spreads(headlines: Sequence[dict[str, float | None]]) -> dict[str, Spread]:
    """``summarise_headlines`` as typed :class:`Spread` rows."""
    return {k: Spread(**v) for k, v in summarise_headlines(headlines).items()}


def pooled_group_metrics(people: Sequence[pa.Table], *, groups: Sequence[str],
                         bootstrap: int, seed: int, min_cell: float = DEFAULT_MIN_CELL
                         ) -> AuditResult:
    """Group metrics over the people of every seed together (each seed's city is a fresh
    sample of the same population): flagged vs the truth label, and the per-person means of
    ``PERSON_VALUES``, with bootstrap intervals from the shared core. Groupings: each column,
    and the intersection of the first two (more would leave most cells suppressed)."""
    cols = [*groups, "flagged", "label", *PERSON_VALUES]
    table = pa.concat_tables([t.select(cols) for t in people])
    cells = cells_from_arrow(table, groups=list(groups), flag="flagged", label="label",
                             values=PERSON_VALUES)
    groupings = [Grouping((g,)) for g in groups]
    if len(groups) >= 2:
        groupings.append(Grouping(tuple(groups[:2])))
    return group_metrics(cells, groupings=groupings, bootstrap=bootstrap, seed=seed,
                         min_cell=min_cell)
