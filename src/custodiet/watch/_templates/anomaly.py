"""``anomaly``: a household's water or power above a baseline by a factor (NYT-10, HRW-1)."""

from __future__ import annotations

from custodiet.scenario.models import Anomaly
from custodiet.schema import MINUTES_PER_DAY as DAY
from custodiet.watch._template import Compiled, Example, Query, Template, reads


def compile_anomaly(rule: Anomaly) -> Compiled:
    """A household's daily reading above ``factor`` × its baseline.

    Readings are divided by the household's registered residents when ``per_resident``. The
    baseline is ``own``: the mean of the household's readings on the ``baseline_days`` days
    before (none: no alert), or ``district``: the mean that day over households of its district
    (itself included, listed or not). Anchors are readings received today; with lists, only
    households with a listed resident. ``t`` is the reading day's last minute, ``persons`` the
    registered residents, the place the home.
    """
    q = Query()
    value = "u.water::DOUBLE" if rule.meter == "water" else "u.power::DOUBLE"
    if rule.per_resident:
        value = f"{value} / greatest(h.residents, 1)"
    listed = "TRUE"
    if rule.lists:
        listed = ("household IN (SELECT household FROM member_homes WHERE list IN "
                  f"(SELECT unnest({q.bind('lists', list(rule.lists))})))")
    own = rule.baseline == "own"
    back = q.bind("back", int(rule.baseline_days) if own else 0)
    if own:
        base = f"""SELECT a.household, a.day, avg(b.v) AS base FROM a JOIN u b
            ON b.household = a.household AND b.day < a.day AND b.day >= a.day - {back}
            GROUP BY a.household, a.day"""
        join = "a.household = base.household AND a.day = base.day"
    else:
        base = "SELECT district, day, avg(v) AS base FROM u GROUP BY district, day"
        join = "a.district = base.district AND a.day = base.day"
    return q.done(f"""
WITH u AS MATERIALIZED (
    SELECT u.household, u.day, {value} AS v, u.seen_day, h.district
    FROM utility u JOIN homes h ON h.household = u.household
    WHERE u.day >= (SELECT min(day) FROM utility WHERE seen_day = $day) - {back}
      AND u.day <= (SELECT max(day) FROM utility WHERE seen_day = $day)),
a AS (SELECT * FROM u WHERE seen_day = $day AND {listed}),
base AS ({base})
SELECT a.day::BIGINT * {DAY} + {DAY - 1} AS t, h.persons AS persons, h.home_place AS place
FROM a JOIN base ON {join} JOIN homes h ON h.household = a.household
WHERE a.v > {q.bind("factor", float(rule.factor))} * base.base
""")


def _home(household: int) -> dict[str, object]:
    return {"household": household, "home_place": 3, "district": 0, "residents": 1,
            "persons": [household]}


def _reading(household: int, water: float) -> dict[str, object]:
    return {"household": household, "day": 0, "water": water, "power": 1.0, "seen_day": 0}


TEMPLATE = Template(
    name="anomaly",
    compile=compile_anomaly,
    inputs=reads(utility=("household", "day", "water", "power", "seen_day")),
    lookback=lambda rule: rule.baseline_days * DAY if rule.baseline == "own" else 0,
    examples=(
        Example(
            doc="District baseline, factor 2: four one-resident households of a district read "
                "100, 100, 100 and 700 litres: the mean is 250 and only the fourth (700 > 500) "
                "raises an alert.",
            rule={"meter": "water", "baseline": "district", "factor": 2.0},
            tables={"homes": [_home(h) for h in range(4)],
                    "utility": [_reading(h, w) for h, w in enumerate((100, 100, 100, 700))]},
            alerts=[(1439, (3,), 3)]),
        Example(
            doc="With 100, 100 and 400 the mean is 200 and 400 > 400 is false: none.",
            rule={"meter": "water", "baseline": "district", "factor": 2.0},
            tables={"homes": [_home(h) for h in range(4)],
                    "utility": [_reading(h, w) for h, w in ((1, 100), (2, 100), (3, 400))]},
            alerts=[]),
    ),
)
