"""A difference between two studies (``custodiet compare``) or two points of a sweep, said as a
verdict only when its 95% interval decides it (``custodiet.audit.decide`` against 0); otherwise
"too little to tell", with roughly how many more seeds it would take (the interval's
half-width shrinks as one over the square root of the seeds)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from custodiet.audit import EFFECT, Decision, Quoted, Verdict, decide
from custodiet.audit.sim import Spread, StudyFigure, difference
from custodiet.report._study_format import fmt


@dataclass(frozen=True)
class Difference:
    """B − A of one headline figure: both sides over the cities, the difference of their
    means with its interval, the verdict and the words a reader can quote."""

    figure: StudyFigure
    a: Spread | None
    b: Spread | None
    interval: Quoted | None
    verdict: Verdict
    words: str
    paired: bool = False
    """Whether the interval was taken seed by seed (False: Welch's, the seed counts differ)."""


def signed(value: float, unit: str, *, named: bool = True) -> str:
    """``+12``, ``−3.5 percentage points``, ``0``: a difference with its sign (a difference of
    two shares is in percentage points; ``named=False`` leaves the words out)."""
    if unit == "share":
        text = f"{100 * abs(value):.1f}" + (" percentage points" if named else "")
    else:
        text = fmt(abs(value), unit)
    if value == 0:
        return text
    return ("+" if value > 0 else "\u2212") + text


def more_seeds(verdict: Verdict, seeds: int) -> str:
    """About how many more seeds (cities) would decide an undecided verdict."""
    more = verdict.more_data
    if more is None:
        return "too few cities to say how many more it would take"
    if math.isinf(more):
        return "the estimate sits at no difference, and no number of seeds would decide it"
    extra = max(1, math.ceil(seeds * more) - seeds)
    if extra >= 100:  # a rough guide: two significant figures
        extra = int(float(f"{extra:.2g}"))
    return f"about {extra:,} more seed{'s' if extra != 1 else ''} in each would decide it"


def difference_words(q: Quoted | None, unit: str, *, higher: str = "higher in B",
                     lower: str = "lower in B", what: str = "B \u2212 A"
                     ) -> tuple[Verdict, str]:
    """The verdict of B − A and its words: decided ("higher in B: +12 (95% interval +3 to
    +21)"), the same in every city compared, or too little to tell (with how many more seeds)."""
    verdict = decide(q, EFFECT, absent="undefined in one of the two")
    if q is None or math.isnan(q.estimate):
        return verdict, "undefined in one of the two: nothing to compare"
    est = signed(q.estimate, unit)
    if verdict.decision is Decision.ABSENT and q.n_cities >= 2:  # the same in so few cities
        return verdict, (f"the same in every city compared ({what} = {est} in each), too "
                         "few cities to tell")
    if verdict.decision is Decision.ABSENT:  # an estimate with no interval: one city
        return verdict, (f"{what} = {est} from one city: no interval, so no verdict "
                         "(run with --seeds 2 or more)")
    if q.low == q.high == q.estimate == 0:
        return verdict, "the same in every city compared"
    figure = (f"{est} (95% interval {signed(q.low, unit, named=False)} to "
              f"{signed(q.high, unit, named=False)})")
    if verdict.decision is Decision.ABOVE:
        return verdict, f"{higher}: {figure}"
    if verdict.decision is Decision.BELOW:
        return verdict, f"{lower}: {figure}"
    return verdict, (f"too little to tell: {what} = {figure}; "
                     f"{more_seeds(verdict, q.n_cities)}")


def compared(figure: StudyFigure, a: Spread | None, b: Spread | None, *, paired: bool,
             **labels: str) -> Difference:
    """One figure of two studies (or sweep points): its difference and verdict (``labels``:
    ``higher``, ``lower`` and ``what`` of :func:`difference_words`); ``paired`` asks for
    seed-by-seed differences, which fall back to Welch's when the seed counts differ."""
    q = None
    if a is not None and b is not None:
        q = difference(a.values, b.values, paired=paired)
        paired = paired and len(a.values) == len(b.values)  # else difference() used Welch's
    verdict, words = difference_words(q, figure.unit, **labels)
    return Difference(figure, a, b, q, verdict, words, paired and q is not None)


def common_seeds(a: Sequence[int], b: Sequence[int]) -> list[int]:
    """The seeds both studies ran, in A's order: with two or more, they are compared seed by
    seed on these seeds alone (the same seed starts the same random streams, the same city
    only under the same settings, so the pairs cancel what the two share); otherwise as two
    independent sets of cities."""
    mine = set(b)
    common = [s for s in a if s in mine]
    return common if len(common) >= 2 else []


def on_seeds(spread: Spread | None, seeds: Sequence[int], keep: Sequence[int]
             ) -> Spread | None:
    """``spread`` with only the values of the seeds ``keep`` (in that order)."""
    if spread is None or len(spread.values) != len(seeds):
        return None
    at = {s: i for i, s in enumerate(seeds)}
    return replace(spread, values=[spread.values[at[s]] for s in keep])
