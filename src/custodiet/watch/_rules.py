"""Running rules: compile a rule through its template and evaluate it in an engine session.

Every template reads the same named relations (registered by the watch as Arrow tables, no
copies; each event row carries ``seen_day``, the day the watch received it):

* ``stays(person, place, start, end, seen_day)`` (observed stays, half-open ``[start, end)``),
  ``calls(caller, callee, t, out_of_town, seen_day)``, ``tickets(ticket_id, person, t,
  destination, depart, cash, seen_day)``, ``phone_off(person, start, end, seen_day)``,
  ``utility(household, day, water, power, seen_day)``;
* ``places(place_id, kind, x, y, district, compound)``, ``homes(household, home_place,
  district, residents, persons)``, ``spouses(a, b)``, ``members(list, person)`` and
  ``member_homes(list, household)`` (households with a member of the list);
* ``scores(scorer, person, level, prev_level)``: today's scorer levels.

A rule evaluated on day ``$day`` is *anchored* on the rows received that day: each anchor that
meets the rule's condition raises one alert, with the window looking back over earlier rows.
So an event raises its alert exactly once over a run. Each query returns ``t`` (BIGINT),
``persons`` (sorted BIGINT[]) and ``place`` (BIGINT, -1 when none). The templates themselves
are the modules of ``watch/_templates/`` (semantics in each compiler's docstring and in
``docs/rules.md``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from custodiet.engine import Session
from custodiet.schema import MINUTES_PER_DAY
from custodiet.watch._template import RULE_OUTPUT, Compiled
from custodiet.watch._templates import TEMPLATES

DAY = MINUTES_PER_DAY



def compile_rule(rule: Any, *, start_weekday: int = 0, holidays: Sequence[int] = ()
                 ) -> Compiled:
    """The SQL of a rule (reading ``$day``) and its bound parameters, keeping only alerts at
    the rule's ``hours`` and ``weekdays`` (day 0 is weekday ``start_weekday``, 0 = Monday);
    a rule with ``holiday_only`` reads ``$holidays``, the simulated days of the public
    calendar's Spring Festival holiday (``holidays``)."""
    compiled = TEMPLATES[rule.template].compile(rule)
    if getattr(rule, "holiday_only", False):
        compiled = Compiled(compiled.sql, {**compiled.params,
                                           "holidays": sorted({int(d) for d in holidays})})
    hours, weekdays = getattr(rule, "hours", None), getattr(rule, "weekdays", [])
    if hours is None and not weekdays:
        return compiled
    return when(compiled, hours, weekdays, start_weekday)


def when(compiled: Compiled, hours: tuple[int, int] | None, weekdays: list[int],
         start_weekday: int) -> Compiled:
    """``compiled`` keeping only alerts whose minute ``t`` falls in ``hours`` ``[from, to)``
    (wrapping past midnight when from > to) and on one of ``weekdays``."""
    params = dict(compiled.params)
    conds = []
    if hours is not None:
        lo, hi = (h % 24 if h != 24 else 24 for h in hours)
        params.update(when_from=lo * 60, when_to=hi * 60)
        minute = f"(t % {DAY})"
        join = "AND" if lo < hi else "OR"
        conds.append(f"({minute} >= $when_from {join} {minute} < $when_to)")
    if weekdays:
        params.update(when_days=sorted(set(weekdays)), when_start=int(start_weekday))
        conds.append(f"((t // {DAY} + $when_start) % 7) IN (SELECT unnest($when_days))")
    return Compiled(f"SELECT * FROM ({compiled.sql}) WHERE {' AND '.join(conds)}", params)


def rule_inputs(rule: Any) -> dict[str, tuple[str, ...]]:
    """The event relations (and columns) a rule reads."""
    return TEMPLATES[rule.template].inputs(rule)


def buffer_days(rules: list[Any]) -> int:
    """Days of observed events the watch keeps: enough for the longest look-back of any rule,
    plus one day for stays that began the day before they were received."""
    need = 1
    for rule in rules:
        minutes = TEMPLATES[rule.template].lookback(rule)
        need = max(need, math.ceil(minutes / DAY) + 1)
    return need + 1


def run_rule(session: Session, rule: Any, day: int, compiled: Compiled | None = None
             ) -> pa.Table:
    """Evaluate ``rule`` for ``day`` on the relations registered in ``session``, sorted by
    ``(t, persons, place)`` so the result is deterministic."""
    compiled = compiled or compile_rule(rule)
    table = session.query(f"SELECT * FROM ({compiled.sql}) ORDER BY t, persons, place",
                          day=int(day), **compiled.params)
    return table.cast(RULE_OUTPUT)
