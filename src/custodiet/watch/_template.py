"""The contract of a rule template: what each module under ``watch/_templates/`` declares.

A template module defines ``TEMPLATE = Template(...)``: its compiler (rule → SQL with bound
parameters), the relations and columns it reads, its look-back (how many minutes of earlier
events a rule needs) and worked examples that the conformance checks run. Its parameters live in
the scenario (``scenario/_rules.py``), one pydantic model per template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from custodiet.engine import quote_ident

Alert = tuple[int, tuple[int, ...], int]
"""An alert as a worked example states it: ``(t, persons, place)``."""


RESERVED = frozenset({"day", "rule_name", "when_from", "when_to", "when_days", "when_start",
                      "holidays"})
"""Parameter names the runner binds itself (``$holidays``: the days of the public calendar's
Spring Festival holiday, bound for a rule that has ``holiday_only``)."""


class Query:
    """SQL text under construction and its bound parameters: :meth:`bind` returns the
    placeholder (``$name``) to paste, so no value ever becomes SQL text."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def bind(self, name: str, value: Any) -> str:
        """Bind ``value`` as ``$name`` (the same name twice must mean the same value)."""
        if not name.isidentifier() or name in RESERVED:
            raise ValueError(f"bad parameter name {name!r}")
        if name in self.params and self.params[name] != value:
            raise ValueError(f"parameter {name!r} bound twice with different values")
        self.params[name] = value
        return f"${name}"

    def listed(self, rule: Any, column: str) -> str:
        """Condition: ``column`` (a person id) is on one of the rule's lists (TRUE if none)."""
        if not rule.lists:
            return "TRUE"
        return (f"{column} IN (SELECT person FROM members WHERE list IN "
                f"(SELECT unnest({self.bind('lists', list(rule.lists))})))")

    def done(self, sql: str) -> Compiled:
        """The finished query."""
        return Compiled(sql, dict(self.params))


RULE_OUTPUT = pa.schema([("t", pa.int64()), ("persons", pa.list_(pa.int64())),
                         ("place", pa.int64())])
"""What a rule returns, from its SQL or evaluated in numpy."""


class Held(Protocol):
    """What a rule evaluated in numpy reads on a day: the relations the SQL reads (the event
    rows the watch holds, the static relations, lists and scores) and the event rows received
    that day."""

    day: int
    holidays: tuple[int, ...]
    """The days of the public calendar's Spring Festival holiday (for ``holiday_only``)."""

    def relation(self, name: str) -> pa.Table:
        """The relation ``name`` as the SQL reads it (an empty table when none was given)."""
        ...

    def today(self, name: str) -> pa.Table:
        """The rows of the event relation ``name`` received on :attr:`day`."""
        ...


@dataclass(frozen=True)
class Compiled:
    """A compiled rule: SQL reading ``$day`` and the parameters in ``params``."""

    sql: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Example:
    """A worked example: the rule's fields (besides name and detects), the relations' rows,
    the day evaluated and the alerts expected."""

    rule: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    alerts: list[Alert]
    day: int = 0
    doc: str = ""
    holidays: tuple[int, ...] = ()
    """The days of the Spring Festival holiday in the example's calendar."""


@dataclass(frozen=True)
class Template:
    """One rule template, as the watch runs it."""

    name: str
    """The ``template`` tag of its scenario model."""
    compile: Callable[[Any], Compiled]
    """Rule → SQL (reading ``$day``) returning ``t``, ``persons`` and ``place``."""
    inputs: Callable[[Any], dict[str, tuple[str, ...]]]
    """Rule → the event relations (and columns) it reads: what its benchmark floor scans."""
    lookback: Callable[[Any], int]
    """Minutes of earlier events a rule needs to judge today's rows."""
    examples: tuple[Example, ...]
    """Worked examples (the first is the one ``docs/rules.md`` shows)."""
    native: Callable[[Any], Callable[[Held], pa.Table]] | None = None
    """Rule → the rule evaluated in numpy: a function of the day's held relations
    (:class:`Held`) returning its alerts (``t``, ``persons``, ``place``, in any order, before
    the rule's ``hours`` and ``weekdays``). It must give exactly the alerts of ``compile``'s
    SQL, which stays the reference: the conformance suite runs both on every check."""
    holds_all: Callable[[Any], bool] = lambda rule: False
    """Whether a rule judges against everything the watch holds rather than a bounded window
    (``frequency`` with ``new_only``: "a number not called before"), so the look-back check
    cannot apply to it."""
    today_only: Callable[[Any], bool] = lambda rule: False
    """Whether a rule reads only the event rows received today (each one it reads is filtered
    on ``seen_day = $day``), so the watch may hand it today's rows alone rather than all it
    holds (the conformance suite checks that the alerts are the same)."""

    def __post_init__(self) -> None:
        quote_ident(self.name)
        if not self.examples:
            raise ValueError(f"template {self.name!r} has no worked example")


def reads(**relations: tuple[str, ...]) -> Callable[[Any], dict[str, tuple[str, ...]]]:
    """``inputs`` of a template that reads the same relations whatever the rule."""
    return lambda rule: dict(relations)


STAYS = ("person", "place", "start", "end", "seen_day")
"""The columns of ``stays`` most templates read."""


def no_lookback(rule: Any) -> int:
    """For templates that judge each row alone."""
    del rule
    return 0


def stay(person: int, place: int, start: int, end: int, seen: int = 0) -> dict[str, Any]:
    """A row of ``stays`` for a worked example."""
    return {"person": person, "place": place, "start": start, "end": end, "seen_day": seen}


def place(place_id: int, kind: str, x: float = 0.0, y: float = 0.0, district: int = 0
          ) -> dict[str, Any]:
    """A row of ``places`` for a worked example."""
    return {"place_id": place_id, "kind": kind, "x": x, "y": y, "district": district,
            "compound": -1}


def members(name: str, *persons: int) -> list[dict[str, Any]]:
    """Rows of ``members`` for a worked example."""
    return [{"list": name, "person": p} for p in persons]


def alerts_table(t: np.ndarray, persons: pa.Array | pa.ChunkedArray, place: np.ndarray
                 ) -> pa.Table:
    """A native evaluator's output from its columns."""
    return pa.table({"t": pa.array(np.asarray(t, np.int64)),
                     "persons": persons.cast(pa.list_(pa.int64())),
                     "place": pa.array(np.asarray(place, np.int64))}, schema=RULE_OUTPUT)


def no_alerts() -> pa.Table:
    """An evaluator's output when nothing is raised."""
    return RULE_OUTPUT.empty_table()
