"""Rules evaluated in numpy: the held relations a template's ``native`` function reads, and its
alerts made into exactly what the rule's SQL returns (the rule's ``hours`` and ``weekdays``
applied, the same order, the same schema).

A query in the embedded engine costs milliseconds to plan and run even over a small window,
and the watch runs every rule every day; a template that also has a ``native`` function is
evaluated with numpy over the same rows instead. The SQL stays the reference: the conformance
suite (``custodiet.watch.checks``) runs both on every check and fails on any difference.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.schema import MINUTES_PER_DAY as DAY
from custodiet.watch._inputs import OBSERVED, RELATIONS
from custodiet.watch._template import RULE_OUTPUT, Held
from custodiet.watch._templates import TEMPLATES

Native = Callable[[Held], pa.Table]

class HeldTables:
    """:class:`Held` over Arrow tables: ``relations`` as the SQL reads them (missing ones
    empty) and ``today``, the event rows received on ``day`` (by default, those of
    ``relations`` whose ``seen_day`` is ``day``)."""

    def __init__(self, day: int, relations: Mapping[str, pa.Table],
                 today: Mapping[str, pa.Table] | None = None, *,
                 holidays: Sequence[int] = ()) -> None:
        self.day = int(day)
        self.holidays = tuple(sorted({int(d) for d in holidays}))
        self._relations = relations
        self._today = today

    def relation(self, name: str) -> pa.Table:
        table = self._relations.get(name)
        return RELATIONS[name].empty_table() if table is None else table

    def today(self, name: str) -> pa.Table:
        if name not in OBSERVED:
            raise KeyError(f"{name!r} is not an event relation")
        if self._today is not None:
            table = self._today.get(name)
            return OBSERVED[name].empty_table() if table is None else table
        held = self.relation(name)
        return held.filter(pc.equal(held.column("seen_day"), self.day))


def native_of(rule: Any) -> Native | None:
    """The rule's evaluator in numpy, or None where its template has none."""
    make = TEMPLATES[rule.template].native
    return None if make is None else make(rule)


def in_hours(t: np.ndarray, hours: tuple[int, int] | None, weekdays: Sequence[int],
             start_weekday: int) -> np.ndarray:
    """Which minutes ``t`` fall in ``hours`` ``[from, to)`` (wrapping past midnight when
    from > to) and on one of ``weekdays``: :func:`custodiet.watch.compile_rule`'s filter."""
    keep = np.ones(len(t), bool)
    if hours is not None:
        lo, hi = (h % 24 if h != 24 else 24 for h in hours)
        minute = t % DAY
        at = (minute >= lo * 60, minute < hi * 60)
        keep &= (at[0] & at[1]) if lo < hi else (at[0] | at[1])
    if weekdays:
        keep &= np.isin((t // DAY + int(start_weekday)) % 7, sorted(set(weekdays)))
    return keep


def sql_order(table: pa.Table) -> pa.Table:
    """``table`` sorted as the SQL's ``ORDER BY t, persons, place`` sorts it (lists compared
    element by element, a list before any longer list it begins)."""
    if table.num_rows < 2:
        return table
    persons = table.column("persons").combine_chunks()
    lengths = pc.list_value_length(persons).to_numpy(zero_copy_only=False)
    width = int(lengths.max()) if len(lengths) else 0
    if width == 1 and lengths.min() == 1:  # one person each: the list is its person
        keys = [table.column("place").to_numpy(), pc.list_flatten(persons).to_numpy(),
                table.column("t").to_numpy()]
        return table.take(pa.array(np.lexsort(keys)))
    padded = np.full((table.num_rows, max(width, 1)), -1, np.int64)
    rows = np.repeat(np.arange(table.num_rows), lengths)
    cols = np.arange(len(rows)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    padded[rows, cols] = pc.list_flatten(persons).to_numpy()
    keys = [table.column("place").to_numpy(), *padded.T[::-1],
            table.column("t").to_numpy()]
    return table.take(pa.array(np.lexsort(keys)))


def run_native(native: Native, rule: Any, held: Held, *, start_weekday: int = 0
               ) -> pa.Table:
    """The rule's alerts on ``held.day``, as its SQL returns them (``run_rule``)."""
    table = native(held)
    if not table.schema.equals(RULE_OUTPUT):
        table = table.cast(RULE_OUTPUT)
    hours, weekdays = getattr(rule, "hours", None), getattr(rule, "weekdays", [])
    if (hours is not None or weekdays) and table.num_rows:
        table = table.filter(pa.array(in_hours(table.column("t").to_numpy(), hours, weekdays,
                                               start_weekday)))
    return sql_order(table)
