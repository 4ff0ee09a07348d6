"""One aggregation per figure, the same on every line of a study's report and printout.

A count (alerts, innocents, incidents prevented) is a **mean per city** with the 95% interval
of the mean over the cities (innocents per day: from the bootstrap nested by city and person,
which has one for a single city too), or a **total** said as "in total over N cities". A ratio
of counts (precision, innocents per true alert, the lawful and status shares of alerts) is
**pooled**:
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
    basis: str | None = None
    """What a figure with no interval rests on ("from 5 true alerts"), said beside it."""
    per_city: bool = False
    """A mean per city (innocents per day: Σ over cities / cities), said as one."""


def _precision(m: StudyMetrics) -> Pooled | None:
    w = m.wrongdoing
    return None if w is None else Pooled(w.precision, w.precision_interval(m.n_seeds))


def _innocents(m: StudyMetrics) -> Pooled | None:
    """Innocents per true alert with its nested-bootstrap interval; a study written before
    the interval was kept says the true alerts it rests on instead."""
    w = m.wrongdoing
    if w is None:
        return None
    quoted = w.innocents_interval(m.n_seeds)
    if quoted is not None:
        return Pooled(w.innocents_per_true_alert, quoted)
    return Pooled(w.innocents_per_true_alert,
                  basis=f"from {w.true_alerts:,} true alert{'s' * (w.true_alerts != 1)}")


def _lawful(m: StudyMetrics) -> Pooled | None:
    w = m.wrongdoing
    return None if w is None else Pooled(w.lawful_share, w.lawful_interval(m.n_seeds))


def _innocents_per_day(m: StudyMetrics) -> Pooled | None:
    """Innocent people flagged per day, a mean per city, with its nested-bootstrap interval
    (a study written before it was kept: the mean of the cities, as its spread gives it)."""
    w = m.wrongdoing
    quoted = None if w is None else w.innocents_per_day_interval(m.n_seeds)
    return None if quoted is None else Pooled(w.innocents_per_day, quoted, per_city=True)


def _status(m: StudyMetrics) -> Pooled | None:
    if m.status is not None:
        return Pooled(m.status.share, m.status.interval(m.n_seeds))
    if not any(r.status_precision is not None for r in m.rules):
        return None
    alerts = sum(r.alerts for r in m.rules)
    return Pooled(sum(r.status_alerts for r in m.rules) / alerts if alerts else None)


def _weighted(name: str, weight: str, what: str | None = None
              ) -> Callable[[StudyMetrics], Pooled | None]:
    """A per-city ratio pooled over the cities from the headline's per-seed values: Σ (ratio
    × its denominator) / Σ denominator, the cities where it is undefined left out; with
    ``what`` (e.g. "true alerts"), the pooled numerator and denominator it rests on are said
    beside it, there being no interval."""
    def read(m: StudyMetrics) -> Pooled | None:
        r, n = m.spread(name), m.spread(weight)
        if r is None or n is None or len(r.values) != len(n.values):
            return None
        pairs = [(x, w) for x, w in zip(r.values, n.values, strict=True)
                 if x is not None and w]
        den = sum(w for _, w in pairs)
        num = sum(x * w for x, w in pairs)
        basis = (f"{round(num):,} {what} of {round(den):,} alerts" if what and den else None)
        return Pooled(num / den if den else None, basis=basis)
    return read


def _parts(part: str, other: str) -> Callable[[StudyMetrics], Pooled | None]:
    """A share part / (part + other) pooled over the cities from the headline's per-seed
    counts: Σ part / Σ (part + other), never the mean of the cities' shares."""
    def read(m: StudyMetrics) -> Pooled | None:
        a, b = m.spread(part), m.spread(other)
        if a is None or b is None or len(a.values) != len(b.values):
            return None
        pairs = [(x, y) for x, y in zip(a.values, b.values, strict=True)
                 if x is not None and y is not None]
        num, den = sum(x for x, _ in pairs), sum(x + y for x, y in pairs)
        return Pooled(num / den if den > 0 else None)
    return read


def _true_precision(m: StudyMetrics) -> Pooled | None:
    """Precision against the twin without response, pooled with its nested-bootstrap interval;
    a study written before the interval was kept says the counts it rests on instead."""
    w = m.wrongdoing
    quoted = None if w is None else w.precision_true_interval(m.n_seeds)
    if quoted is not None:
        return Pooled(w.precision_true, quoted)
    return _weighted("precision_true", "wrongdoing_alerts", "true alerts")(m)


def _contact_share(m: StudyMetrics) -> Pooled | None:
    """The share of alerts naming someone listed only because of a police contact, pooled
    with its nested-bootstrap interval; a study written before it was kept: Σ named / Σ alerts
    from the headline's per-seed values (every unsuppressed alert is the denominator)."""
    share = m.lists.contact_share
    if share is not None and m.spread("contact_listed_alert_share") is not None:
        return Pooled(share.share, share.interval(m.n_seeds))
    return _weighted("contact_listed_alert_share", "alerts")(m)


def _null_ratio(m: StudyMetrics) -> Pooled | None:
    """The null-world ratio of the rules aimed at unlawful acts, pooled with its interval
    from the bootstrap nested by city and person (the figure the answer quotes)."""
    acts = m.null_world.acts if m.null_world is not None else None
    if acts is None or m.spread("null_to_actual_alerts") is None:
        return None
    return Pooled(acts.ratio, acts.ratio_interval(m.n_seeds))


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
    "innocents_per_day": _innocents_per_day,
    "status_precision": _status,
    "precision_seen": _seen,
    "precision_true": _true_precision,
    "null_to_actual_alerts": _null_ratio,
    # every unsuppressed alert of a city is the share's denominator: Σ named / Σ alerts
    "contact_listed_alert_share": _contact_share,
    "deterrence_lawful_share": _parts("lawful_deterred", "unlawful_deterred"),
    "interception_lawful_share": _parts("lawful_acts_prevented", "incidents_prevented"),
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


_SCALE = {"share": Scale.PERCENT, "count": Scale.COUNT, "number": Scale.NUMBER}


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
    if p.basis and p.interval is None:
        text += f" ({p.basis})"
    if metrics.n_seeds == 1 or not labelled:
        return text
    return f"{text}, a mean per city {over(metrics)}" if p.per_city else \
        f"{text}, pooled {over(metrics)}"


def figure_text(metrics: StudyMetrics, f: StudyFigure) -> str:
    """A headline figure as the report and the printout write it: pooled for a ratio of
    counts, else the mean per city with its interval and the range of single cities. From one
    city, a ratio or rate with nothing beside it (no interval, no counts it rests on) is said
    to describe that city only."""
    p = pooled(metrics, f.name)
    if p is not None:
        said = pooled_text(metrics, f.name, f.unit) or ""
        bare = p.value is not None and p.interval is None and p.basis is None
    else:
        spread = metrics.spread(f.name)
        said = headline_text(spread, f.unit)
        if metrics.n_seeds > 1 and spread is not None and spread.mean is not None:
            return f"mean per city {said}"
        bare = spread is not None and spread.mean is not None
    if metrics.n_seeds == 1 and f.unit != "count" and bare:
        return f"{said} ({ONE_CITY})"
    return said


#: What a ratio or rate of a one-city study without an interval is said to be.
ONE_CITY = "this city only, no interval"
