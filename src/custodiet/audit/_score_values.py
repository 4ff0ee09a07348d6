"""What a real-data audit may say about the score's values: never one person's exact score.

The score's range, a top-k cut-off and the sweep's thresholds are the outputs that can be a
value only one person has (the highest score, the score of the last person flagged, the
lowest score as a grid's first point). A value is published exactly only when at least
``min_cell`` people hold it; the range is otherwise rounded outward to the finest decimal
unit whose bin at each end holds at least ``min_cell`` people, and a cut-off is withheld."""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb

from custodiet.audit._cells import quote


@dataclass(frozen=True)
class ScoreFacts:
    """The score's exact extremes, the ``min_cell``-th lowest and highest scores (counting
    people), its number of distinct values and the fewest people holding one of them."""

    lo: float
    hi: float
    kth_lo: float
    kth_hi: float
    distinct: int
    fewest: float

    def published_range(self) -> list[float]:
        """[low, high], exact where at least ``min_cell`` people hold the extreme, else
        rounded outward (see :func:`round_outward`)."""
        return [round_outward(self.lo, self.kth_lo, down=True),
                round_outward(self.hi, self.kth_hi, down=False)]


def people_expr(weight: str | None, survey: bool) -> str:
    """SQL for the people one row counts as: 1 per respondent with survey weights, the
    weight for whole-number (frequency) weights, else 1."""
    if weight is None:
        return "1.0"
    w = f"{quote(weight)}::DOUBLE"
    return f"(CASE WHEN {w} > 0 THEN 1.0 ELSE 0.0 END)" if survey else w


def score_facts(con: duckdb.DuckDBPyConnection, score: str, people: str,
                min_cell: float) -> ScoreFacts:
    """:class:`ScoreFacts` of table ``src``, in one aggregation over its distinct scores."""
    s = quote(score)
    row = con.execute(
        f"WITH v AS (SELECT {s}::DOUBLE AS v, sum({people}) AS n FROM src GROUP BY 1 "
        f"HAVING sum({people}) > 0), c AS (SELECT v, n, sum(n) OVER (ORDER BY v ROWS UNBOUNDED "
        "PRECEDING) AS up, sum(n) OVER (ORDER BY v DESC ROWS UNBOUNDED PRECEDING) AS down "
        "FROM v) SELECT min(v), max(v), min(v) FILTER (WHERE up >= $k), "
        "max(v) FILTER (WHERE down >= $k), count(*), min(n) FROM c",
        {"k": min_cell}).fetchone()
    lo, hi, klo, khi, distinct, fewest = row
    return ScoreFacts(lo, hi, klo if klo is not None else hi, khi if khi is not None else lo,
                      int(distinct), float(fewest))


def people_at(con: duckdb.DuckDBPyConnection, score: str, people: str, value: float) -> float:
    """People whose score is exactly ``value``."""
    n = con.execute(f"SELECT sum({people}) FROM src WHERE {quote(score)}::DOUBLE = ?",
                    [value]).fetchone()[0]
    return float(n or 0.0)


def round_outward(x: float, kth: float, *, down: bool) -> float:
    """``x`` (the lowest score when ``down``, else the highest) if ``kth`` (the ``min_cell``-th
    lowest, or highest) equals it; else ``x`` rounded down (up) to the finest power-of-ten
    unit whose bin [r, r + unit) (or (r - unit, r]) also holds ``kth``, and so at least
    ``min_cell`` people."""
    if kth == x:
        return x
    gap = abs(kth - x)
    e = math.floor(math.log10(gap)) if gap > 0 else 0
    for exp in range(e, e + 700):
        unit = 10.0 ** exp
        r = _snap((math.floor if down else math.ceil)(x / unit) * unit, exp)
        if down and r > x:  # the rounding of the division or of the decimal overshot
            r = _snap(r - unit, exp)
        elif not down and r < x:
            r = _snap(r + unit, exp)
        if (r + unit > kth) if down else (r - unit < kth):
            return r
    return x  # unreachable for finite scores


def _snap(r: float, exp: int) -> float:
    """``r`` as the shortest decimal of ``10**exp`` units (0.30000000000000004 is 0.3)."""
    return float(round(r, -exp)) if exp < 0 else float(r)
