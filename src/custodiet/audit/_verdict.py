"""Verdicts from intervals, in words a journalist can quote.

A figure is stated as deciding a question only when its whole interval lies on one side of the
threshold (1 for lift and burden ratios, 0.5 for "right half the time", 0 for an effect).
Otherwise the words say there are too few alerts (or cities) to tell and roughly how many more
it would take: an interval's half-width shrinks as one over the square root of the data, so deciding
needs about ``(half-width / |estimate - threshold|)²`` times as much, the half-width taken on the
side facing the threshold. For a Student's t interval over a few cities the projection also lets
the t quantile fall as the cities grow (else two cities' t of 12.7 would count as spread to
be averaged away). It is a rough guide: it assumes the estimate stays where it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

LIFT = 1.0
"""Lift and burden ratios: above 1 is more than chance (or than the reference group)."""
HALF = 0.5
"""Right half the time: a precision or a share above one half."""
EFFECT = 0.0
"""An effect (a difference, prevented incidents): above zero is an effect."""

#: Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom (standard tables).
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
         2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
         2.060, 2.056, 2.052, 2.048, 2.045, 2.042)
_Z975 = 1.96


def t_quantile(df: int) -> float:
    """The 97.5% quantile of Student's t with ``df`` degrees of freedom (normal beyond 30)."""
    if df < 1:
        raise ValueError("df must be at least 1")
    return _T975[df - 1] if df <= len(_T975) else _Z975


class Decision(Enum):
    ABOVE = "above"
    BELOW = "below"
    UNDECIDED = "undecided"
    ABSENT = "absent"


class Scale(Enum):
    """How a figure is written: 12.3%, 3.1×, 1,221.5 or 0.42."""

    PERCENT = "percent"
    TIMES = "times"
    COUNT = "count"
    NUMBER = "number"


class IntervalLike(Protocol):
    """What a verdict needs of an interval (``custodiet.audit.Interval`` has it)."""

    @property
    def estimate(self) -> float: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...


@dataclass(frozen=True)
class Quoted:
    """A figure read back from ``metrics.json`` with its interval, for :func:`decide` and
    :func:`quote`: ``None`` ends become NaN (unknown) or, for ``high`` of a lower bound only,
    infinity; ``n_cities`` and ``n_units`` say what it rests on; ``df``, when set, says the
    interval is a 95% Student's t interval with those degrees of freedom over ``n_cities``."""

    estimate: float
    low: float
    high: float
    n_cities: int = 1
    n_units: int = 1
    confidence: float = 0.95
    df: int | None = None

    @classmethod
    def of(cls, estimate: float | None, low: float | None, high: float | None, *,
           lower_bound_only: bool = False, n_cities: int = 1, n_units: int = 1) -> Quoted:
        """From JSON values; a lower bound only has an infinite ``high`` (and, when nothing
        bounds the estimate from above, an infinite estimate)."""
        nan = math.nan
        up = math.inf if lower_bound_only else (nan if high is None else high)
        est = nan if estimate is None else estimate
        if lower_bound_only and estimate is None and low not in (None, 0.0):
            est = math.inf
        return cls(est, nan if low is None else low, up, n_cities, n_units)


@dataclass(frozen=True)
class Verdict:
    """Where an interval lies against a threshold. ``more_data``: about how many times as much
    data would decide it (``inf``: none would at this estimate; ``None``: decided, absent, or
    not to be told from this interval). ``reason`` says why a figure is absent."""

    decision: Decision
    threshold: float
    interval: IntervalLike | None
    more_data: float | None = None
    reason: str = ""

    @property
    def decided(self) -> bool:
        return self.decision in (Decision.ABOVE, Decision.BELOW)


#: Below this many cities, a figure that is the same in every city gets no interval: a
#: zero-width interval from two cities would decide what two cities cannot (assumption).
MIN_SAME_CITIES: int = 3


def decide(interval: IntervalLike | None, threshold: float, *,
           absent: str = "no alerts") -> Verdict:
    """The verdict of ``interval`` against ``threshold``; ``None`` (suppressed, not computed)
    or an interval over no units is absent, with ``absent`` as its reason."""
    if interval is None or getattr(interval, "n_units", 1) == 0:
        return Verdict(Decision.ABSENT, threshold, interval, reason=absent)
    est, low, high = interval.estimate, interval.low, interval.high
    if math.isnan(low) and math.isnan(high):
        return Verdict(Decision.ABSENT, threshold, interval, reason=absent)
    if not math.isnan(low) and low > threshold:
        return Verdict(Decision.ABOVE, threshold, interval)
    if not math.isnan(high) and high < threshold:
        return Verdict(Decision.BELOW, threshold, interval)
    return Verdict(Decision.UNDECIDED, threshold, interval,
                   more_data=more_data_needed(est, low, high, threshold,
                                              df=getattr(interval, "df", None),
                                              cities=getattr(interval, "n_cities", None)))


def more_data_needed(estimate: float, low: float, high: float, threshold: float, *,
                     df: int | None = None, cities: int | None = None) -> float | None:
    """About how many times as much data would move the interval's end past the threshold:
    ``(half-width / |estimate - threshold|)²`` on the side facing it; ``inf`` when the estimate
    is on the threshold; ``threshold / low`` for a lower bound only (a bound against zero
    chance hits grows about in proportion to the chance alerts); ``None`` when unknown. For a
    t interval (``df`` and ``cities`` given) see :func:`_t_projection`."""
    if math.isinf(estimate) and estimate > 0:
        return threshold / low if low > 0 else None
    if math.isnan(estimate) or math.isnan(low) or math.isnan(high):
        return None
    gap = estimate - threshold
    if gap == 0:
        return math.inf
    half = estimate - low if gap > 0 else high - estimate
    if math.isinf(half):
        return None
    if df is not None and cities is not None and cities >= 2:
        return _t_projection(half, abs(gap), df, cities)
    return max((half / abs(gap)) ** 2, 1.0)


def _t_projection(half: float, gap: float, df: int, cities: int) -> float:
    """For a t interval over ``cities`` with ``df`` degrees of freedom: the smallest number
    of cities ``n > cities`` whose interval, at the same spread, would be narrower than the
    gap, as a factor ``n / cities``. The spread is ``half · sqrt(cities) / t(df)``; ``n``
    cities give ``df + n - cities`` degrees of freedom (exact when paired, a little low, so
    cautious, for Welch's). Beyond 30 degrees of freedom, the normal: ``n = (1.96 · sd /
    gap)²``."""
    sd = half * math.sqrt(cities) / t_quantile(df)
    n = cities + 1
    while df + n - cities <= len(_T975):
        if t_quantile(df + n - cities) * sd / math.sqrt(n) < gap:
            return n / cities
        n += 1
    return max(n, math.floor((_Z975 * sd / gap) ** 2) + 1) / cities


def number(value: float, scale: Scale, digits: int = 1) -> str:
    """One figure: ``12.3%``, ``3.1×``, ``1,221.5`` (``digits`` decimals; counts drop ``.0``)."""
    if math.isnan(value):
        return "unknown"
    if math.isinf(value):
        return "no limit"
    if scale is Scale.PERCENT:
        return f"{value * 100:.{digits}f}%"
    if scale is Scale.TIMES:
        return f"{value:,.{digits}f}×"
    if scale is Scale.COUNT:
        text = f"{value:,.{digits}f}"
        return text[: -(digits + 1)] if digits and float(value).is_integer() else text
    return f"{value:,.{max(digits, 2)}f}"


def quote(interval: IntervalLike, scale: Scale, digits: int = 1) -> str:
    """The figure with its interval: ``12.3% (95% interval 8.1% to 17.0%)``; a lower bound
    only: ``at least 3.1× (95% lower bound)``; none: ``2.00× (no interval)``."""
    level = f"{round(100 * getattr(interval, 'confidence', 0.95))}%"
    est, low, high = interval.estimate, interval.low, interval.high
    if math.isnan(est):
        if low == 0 and math.isinf(high):
            return "not known (nothing on either side to compare)"
        return "not known"
    e, lo, hi = (number(v, scale, digits) for v in (est, low, high))
    if math.isnan(low) and math.isnan(high):
        return f"{e} (no interval)"
    if math.isinf(est) and math.isinf(high):
        return f"at least {lo} ({level} lower bound)"
    if math.isinf(high):
        return f"{e} ({level} interval {lo} or more)"
    return f"{e} ({level} interval {lo} to {hi})"


def times(factor: float) -> str:
    """``about 4×``, ``about 1.6×``, ``about 1,200×``."""
    if factor < 10:
        return f"about {factor:.1f}×"
    if factor < 100:
        return f"about {factor:.0f}×"
    rounded = float(f"{factor:.2g}")
    return f"about {rounded:,.0f}×"


#: Units that already count cities: "too few cities to tell" needs no "(or cities)".
CITY_UNITS: frozenset[str] = frozenset({"cities", "city-days"})


def undecided_words(verdict: Verdict, unit: str = "alerts") -> str:
    """Why an undecided verdict is undecided and what would decide it, in plain words: "too
    few alerts (or cities) to tell", or "... from one city" when there is one."""
    cities = getattr(verdict.interval, "n_cities", None)
    few = f"too few {unit} to tell from one city" if cities == 1 else \
        f"too few {unit} to tell" if unit in CITY_UNITS else \
        f"too few {unit} (or cities) to tell"
    more = verdict.more_data
    if more is None:
        return f"{few}, and too few to say how many more it would take"
    if math.isinf(more):
        return ("too close to call: the estimate sits on the threshold, and no amount of data "
                "at this effect size would decide it")
    return f"{few}: it would take {times(more)} as many {unit}"


def sentence(verdict: Verdict, scale: Scale, *, above: str, below: str,
             unit: str = "alerts", digits: int = 1) -> str:
    """A quotable clause: ``above``/``below`` (e.g. "better than chance") when decided, the
    plain-words reason when not, the figure with its interval either way."""
    if verdict.decision is Decision.ABSENT or verdict.interval is None:
        return f"{verdict.reason or 'no figure'}: nothing to tell"
    figure = quote(verdict.interval, scale, digits)
    if verdict.decision is Decision.ABOVE:
        return f"{above}: {figure}"
    if verdict.decision is Decision.BELOW:
        return f"{below}: {figure}"
    return f"{undecided_words(verdict, unit)}; {figure}"
