"""One aggregation per figure, the same on every line of a study's report and printout.

A count (alerts, innocents, incidents prevented) is a **mean per city** with the 95% interval
of the mean over the cities, or a **total** said as "in total over N cities". A ratio of counts
(precision, innocents per true alert, the lawful and status shares of alerts) is **pooled**:
Σ numerator / Σ denominator over every city (the figure the answers quote, with the interval
of the bootstrap nested by city and person where there is one), never the mean of the cities'
ratios, which weighs a city of two alerts as much as a city of two thousand. The headline
table, the summary paragraph and the printed lines all write a figure through
:func:`figure_text`, so a figure has one value on the page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from custodiet.audit import Quoted, Scale, quote
from custodiet.audit.sim import StudyFigure, StudyMetrics
from custodiet.report._study_format import fmt, headline_text


@dataclass(frozen=True)
class Pooled:
    """A ratio of counts pooled over every city, with its interval when one is computed."""

    value: float | None
    interval: Quoted | None = None


def _precision(m: StudyMetrics) -> Pooled | None:
    w = m.wrongdoing
    return None if w is None else Pooled(w.precision, w.precision_interval(m.n_seeds))


def _innocents(m: StudyMetrics) -> Pooled | None:
    w = m.wrongdoing
    return None if w is None else Pooled(w.innocents_per_true_alert)


def _lawful(m: StudyMetrics) -> Pooled | None:
    w = m.wrongdoing
    return None if w is None else Pooled(w.lawful_share)


def _status(m: StudyMetrics) -> Pooled | None:
    if not any(r.status_precision is not None for r in m.rules):
        return None
    alerts = sum(r.alerts for r in m.rules)
    return Pooled(sum(r.status_alerts for r in m.rules) / alerts if alerts else None)


def _weighted(name: str, weight: str) -> Callable[[StudyMetrics], Pooled | None]:
    """A per-city ratio pooled over the cities from the headline's per-seed values: Σ (ratio
    × its denominator) / Σ denominator, the cities where it is undefined left out."""
    def read(m: StudyMetrics) -> Pooled | None:
        r, n = m.spread(name), m.spread(weight)
        if r is None or n is None or len(r.values) != len(n.values):
            return None
        pairs = [(x, w) for x, w in zip(r.values, n.values, strict=True)
                 if x is not None and w]
        den = sum(w for _, w in pairs)
        return Pooled(sum(x * w for x, w in pairs) / den if den else None)
    return read


def _seen(m: StudyMetrics) -> Pooled | None:
    """What the police compute is the precision of the same alerts against what still
    happened: the headline precision itself, pooled with its interval."""
    return _precision(m) if m.spread("precision_seen") is not None else None


#: The headline figures that are ratios of counts, pooled over the cities (see the module
#: docstring), each read from the pooled section that holds it.
POOLED: dict[str, Callable[[StudyMetrics], Pooled | None]] = {
    "precision": _precision,
    "innocents_per_true_alert": _innocents,
    "lawful_share": _lawful,
    "status_precision": _status,
    "precision_seen": _seen,
    "precision_true": _weighted("precision_true", "wrongdoing_alerts"),
}


def pooled(metrics: StudyMetrics, name: str) -> Pooled | None:
    """The pooled value of a ratio figure (None for a figure given as a mean per city, or
    when the study did not compute its pooled section)."""
    read = POOLED.get(name)
    return None if read is None else read(metrics)


def over(metrics: StudyMetrics) -> str:
    """"over N cities" or "in the one city"."""
    n = metrics.n_seeds
    return "in the one city" if n == 1 else f"over {n} cities"


def in_total(metrics: StudyMetrics) -> str:
    """How a total is labelled: "in total over N cities" (or "in the one city")."""
    return "in the one city" if metrics.n_seeds == 1 else f"in total over {metrics.n_seeds} cities"


_SCALE = {"share": Scale.PERCENT, "count": Scale.COUNT}


def pooled_text(metrics: StudyMetrics, name: str, unit: str, *, labelled: bool = True
                ) -> str | None:
    """A pooled figure as written everywhere: ``3.3% (95% interval 0.0% to 11.4%), pooled
    over 2 cities`` (``labelled=False``: without the label, for a sentence that says it);
    None when the figure is not pooled."""
    p = pooled(metrics, name)
    if p is None:
        return None
    if p.value is None:
        return "undefined"
    if p.interval is not None and unit in _SCALE:
        text = quote(p.interval, _SCALE[unit])
    else:
        text = fmt(p.value, unit)
    return text if metrics.n_seeds == 1 or not labelled else f"{text}, pooled {over(metrics)}"


def figure_text(metrics: StudyMetrics, f: StudyFigure) -> str:
    """A headline figure as the report and the printout write it: pooled for a ratio of
    counts, else the mean per city with its interval and the range of single cities."""
    said = pooled_text(metrics, f.name, f.unit)
    if said is not None:
        return said
    spread = metrics.spread(f.name)
    text = headline_text(spread, f.unit)
    if metrics.n_seeds == 1 or spread is None or spread.mean is None:
        return text
    return f"mean per city {text}"
