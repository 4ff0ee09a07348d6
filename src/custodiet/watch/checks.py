"""The conformance suite every rule template and every scorer passes, in the spirit of
scikit-learn's ``check_estimator``.

``check_rule(rule)`` runs every rule check on one rule, ``check_template(name)`` adds the
template's worked examples, ``check_scorer(spec)`` runs the scorer checks, and
``parametrize_with_checks()`` turns them into one pytest case per (rule or scorer, check),
over every registered template and scorer unless told otherwise::

    from custodiet.watch.checks import parametrize_with_checks

    @parametrize_with_checks()
    def test_conformance(subject, check):
        check(subject)

Checks run on small synthetic inputs (``watch/_synthetic.py``), so they need no world. A
template that also evaluates its rules in numpy (``Template.native``) is held to its SQL on
every evaluation of every check: any difference fails the check.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa
from pydantic import BaseModel, TypeAdapter

from custodiet.engine import Session
from custodiet.scenario.models import Rule, Scorer
from custodiet.watch._inputs import OBSERVED, RELATIONS, SCORES, register
from custodiet.watch._native import HeldTables, native_of, run_native
from custodiet.watch._rules import RULE_OUTPUT, buffer_days, compile_rule, rule_inputs, run_rule
from custodiet.watch._scorers import SCORERS, Features, scores_table
from custodiet.watch._synthetic import (
    DAYS,
    PERSONS,
    Rows,
    arrow,
    received_on,
    received_since,
    synthetic_days,
    synthetic_log,
    synthetic_population,
)
from custodiet.watch._template import Example
from custodiet.watch._templates import TEMPLATES

Check = Callable[[Any], None]
PROBE_LIST = "probe_list_zq"
PROBE_NUMBER = 4093
_STRUCTURAL = {"name", "template", "detects", "category", "action", "lists", "hours",
               "weekdays"}
_RULE = TypeAdapter(Rule)


def example_rule(template: str, example: Example) -> Any:
    """The validated rule of a worked example."""
    return _RULE.validate_python({"name": "r", "detects": ["protest"], "template": template,
                                  **example.rule})


class _Engine:
    """One engine session for every check, with the relations of the last log registered:
    opening a connection and registering a dozen relations cost more than running a rule on
    the small logs, so a log evaluated many times (each day, each check) is registered once.
    A log is known by its identity: the checks never change a log in place."""

    def __init__(self) -> None:
        self.session: Session | None = None
        self.tables: dict[str, pa.Table] = {}
        self.rows: Rows | None = None  # held, so that its identity is not reused

    def alerts(self, rule: Any, rows: Rows, day: int, start_weekday: int,
               holidays: tuple[int, ...]) -> pa.Table:
        if self.session is None:
            self.session = Session(threads=1)
        if rows is not self.rows:
            self.tables = arrow(rows)
            register(self.session, self.tables)
            self.rows = rows
        compiled = compile_rule(rule, start_weekday=start_weekday, holidays=holidays)
        table = run_rule(self.session, rule, day, compiled)
        native = native_of(rule)
        if native is not None:  # the SQL is the reference the numpy evaluation must match
            mine = run_native(native, rule, HeldTables(day, self.tables, holidays=holidays),
                              start_weekday=start_weekday)
            assert mine.schema == RULE_OUTPUT, f"{rule.template}: native schema {mine.schema}"
            assert mine.to_pylist() == table.to_pylist(), \
                f"{rule.template}: evaluated in numpy on day {day}, {_diff(mine, table)}"
        return table


def _diff(native: pa.Table, sql: pa.Table) -> str:
    """What a native evaluation raised that the SQL did not, and the reverse."""
    a = {(r["t"], tuple(r["persons"]), r["place"]) for r in native.to_pylist()}
    b = {(r["t"], tuple(r["persons"]), r["place"]) for r in sql.to_pylist()}
    return f"only in numpy {sorted(a - b)[:5]}, only in SQL {sorted(b - a)[:5]}"


_ENGINE = _Engine()
HOLIDAYS = (2, 3, 4, 5)
"""The Spring Festival holiday's days in the synthetic logs' calendar."""


def _alerts(rule: Any, rows: Rows, day: int, start_weekday: int = 0,
            holidays: tuple[int, ...] = HOLIDAYS) -> list[tuple]:
    table = _ENGINE.alerts(rule, rows, day, start_weekday, holidays)
    assert table.schema == RULE_OUTPUT, f"{rule.template}: output schema {table.schema}"
    return [(r["t"], tuple(r["persons"]), r["place"]) for r in table.to_pylist()]


def _with(rule: Any, **changes: Any) -> Any:
    return rule.model_copy(update=changes)


def _log(rule: Any, seed: int = 0) -> Rows:
    return _cached_log(seed, tuple(rule.lists))


@functools.lru_cache(maxsize=64)
def _cached_log(seed: int, lists: tuple[str, ...]) -> Rows:
    """The synthetic log of a seed and lists, drawn once (checks only read it)."""
    return synthetic_log(seed, lists=lists)


# ---------------------------------------------------------------------------- rule checks
def check_values_are_bound(rule: Any) -> None:
    """No list name, number or place kind of the rule is pasted into its SQL text."""
    compiled = compile_rule(_with(rule, lists=[PROBE_LIST]))
    assert PROBE_LIST not in compiled.sql, f"{rule.template}: a list name is pasted into SQL"
    for field, value in rule:
        if field in _STRUCTURAL or isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            probe: Any = type(value)(PROBE_NUMBER)
        elif isinstance(value, str):
            probe = PROBE_LIST
        else:
            continue
        try:
            sql = compile_rule(_with(rule, **{field: probe})).sql
        except (KeyError, ValueError):
            continue  # a probe the template refuses for a structural field
        assert str(PROBE_NUMBER) not in sql and PROBE_LIST not in sql, \
            f"{rule.template}: the value of {field!r} is pasted into SQL"


def check_declared_inputs(rule: Any) -> None:
    """The rule reads no event relation besides those its template declares, and those exist
    with the declared columns."""
    inputs = rule_inputs(rule)
    for name, columns in inputs.items():
        assert name in RELATIONS, f"{rule.template}: unknown relation {name!r}"
        assert set(columns) <= set(RELATIONS[name].names), f"{rule.template}: {name} columns"
    rows = _log(rule)
    events = set(OBSERVED) | {"scores"}
    only = {k: v for k, v in rows.items() if k not in events or k in inputs}
    # Each log's days in a row, so that each log is registered once.
    full = [_alerts(rule, rows, day) for day in range(DAYS)]
    for day in range(DAYS):
        assert _alerts(rule, only, day) == full[day], \
            f"{rule.template}: reads a relation it does not declare"


def check_empty_input(rule: Any) -> None:
    """Empty relations give an empty result with the output schema, on any day."""
    for day in range(3):
        assert _alerts(rule, {}, day) == []


def check_deterministic(rule: Any) -> None:
    """The same inputs give the same alerts in the same order."""
    rows = _log(rule, seed=1)
    for day in range(DAYS):
        assert _alerts(rule, rows, day) == _alerts(rule, rows, day)


def check_alert_shape(rule: Any) -> None:
    """Each alert names sorted, distinct, known persons at a non-negative time."""
    rows = _log(rule, seed=2)
    for day in range(DAYS):
        for t, persons, _ in _alerts(rule, rows, day):
            assert t >= 0 and persons, f"{rule.template}: empty alert"
            assert list(persons) == sorted(set(persons)), f"{rule.template}: persons unsorted"
            assert all(0 <= p < PERSONS for p in persons), f"{rule.template}: unknown person"


def check_each_anchor_alerts_once(rule: Any) -> None:
    """An alert is raised on one day only: rows are judged on the day they are received."""
    rows = _log(rule, seed=3)
    seen: dict[tuple, int] = {}
    for day in range(DAYS):
        for alert in set(_alerts(rule, rows, day)):
            assert alert not in seen, f"{rule.template}: {alert} on days {seen[alert]}, {day}"
            seen[alert] = day


def check_lookback_suffices(rule: Any) -> None:
    """With only the days the watch keeps (:func:`buffer_days`), a rule gives the same alerts
    as with the whole history: the template's declared look-back is long enough (not for
    rules that judge against all the watch holds)."""
    if TEMPLATES[rule.template].holds_all(rule):
        return
    keep = buffer_days([rule])
    for seed in (4, 5):
        rows = _log(rule, seed=seed)
        full = [_alerts(rule, rows, day) for day in range(DAYS)]
        for day in range(DAYS):
            kept = received_since(rows, day - keep + 1)
            assert _alerts(rule, kept, day) == full[day], \
                f"{rule.template}: look-back too short on day {day}"


def check_today_only(rule: Any) -> None:
    """A rule whose template declares it reads only today's rows gives the same alerts from
    the rows received today as from the whole history."""
    if not TEMPLATES[rule.template].today_only(rule):
        return
    for seed in (4, 5):
        rows = _log(rule, seed=seed)
        for day in range(DAYS):
            assert _alerts(rule, received_on(rows, day), day) == _alerts(rule, rows, day), \
                f"{rule.template}: reads more than today's rows on day {day}"


def check_listed_only(rule: Any) -> None:
    """With lists, every alert names at least one listed person."""
    rule = _with(rule, lists=["checked"])
    for seed in (6, 7):
        rows = _log(rule, seed=seed)
        listed = {m["person"] for m in rows["members"]}
        for day in range(DAYS):
            for alert in _alerts(rule, rows, day):
                assert set(alert[1]) & listed, f"{rule.template}: {alert} names nobody listed"


def _in_window(t: int, hours: tuple[int, int], weekdays: list[int], start: int) -> bool:
    hour = t % 1440 / 60
    lo, hi = hours
    at = lo <= hour < hi if lo < hi else (hour >= lo or hour < hi)
    return at and (t // 1440 + start) % 7 in weekdays


def check_hours_and_weekdays(rule: Any) -> None:
    """With ``hours`` and ``weekdays``, a rule raises exactly its alerts whose time falls in
    them (day 0 being weekday ``start_weekday``)."""
    plain = _with(rule, hours=None, weekdays=[])
    for seed, hours, weekdays, start in ((8, (8, 20), [0, 2, 4, 6], 3),
                                         (9, (20, 7), [1, 2, 3], 6)):
        rows = _log(rule, seed=seed)
        timed = _with(rule, hours=hours, weekdays=weekdays)
        for day in range(DAYS):
            expected = [a for a in _alerts(plain, rows, day)
                        if _in_window(a[0], hours, weekdays, start)]
            assert _alerts(timed, rows, day, start) == expected, \
                f"{rule.template}: hours or weekdays wrongly applied on day {day}"


RULE_CHECKS: tuple[Check, ...] = (
    check_values_are_bound, check_declared_inputs, check_empty_input, check_deterministic,
    check_alert_shape, check_each_anchor_alerts_once, check_lookback_suffices, check_today_only,
    check_listed_only,
    check_hours_and_weekdays,
)


def rule_checks(rule: Any) -> Iterator[Check]:
    """The checks a rule must pass."""
    del rule
    yield from RULE_CHECKS


def check_rule(rule: Any) -> None:
    """Run every rule check on ``rule`` (a validated scenario rule); raise on the first
    failure."""
    for check in rule_checks(rule):
        check(rule)


def check_examples(template: str) -> None:
    """The template's worked examples give exactly the alerts they state."""
    for i, example in enumerate(TEMPLATES[template].examples):
        got = sorted(_alerts(example_rule(template, example), example.tables, example.day,
                             holidays=example.holidays))
        assert got == sorted(example.alerts), f"{template} example {i}: {got}"


def check_template(template: str) -> None:
    """The worked examples, then every rule check on each example's rule."""
    check_examples(template)
    for example in TEMPLATES[template].examples:
        check_rule(example_rule(template, example))


# -------------------------------------------------------------------------- scorer checks
def _scorer_levels(spec: Any, seed: int = 0) -> list[np.ndarray]:
    population = synthetic_population(seed)
    features = Features(population["persons"], population["ties"], population["places"])
    scorer = SCORERS[spec.kind](spec, features, seed)
    out = []
    for day, observed in enumerate(synthetic_days(seed, population)):
        out.append(scorer.levels(day, observed))
        features.update(observed, pa.table({
            "persons": pa.array([], pa.list_(pa.int64())),
            "suppressed_by_redlist": pa.array([], pa.bool_())}))
    return out


def check_scorer_levels(spec: Any) -> None:
    """One int32 level per person each day, between 0 and the number of levels."""
    n = synthetic_population(0).get("persons").num_rows
    for level in _scorer_levels(spec):
        assert level.dtype == np.int32 and level.shape == (n,), f"{spec.kind}: levels shape"
        assert level.min() >= 0 and level.max() <= len(spec.levels), f"{spec.kind}: range"


def check_scorer_deterministic(spec: Any) -> None:
    """Two scorers with the same seed over the same days give the same levels."""
    for a, b in zip(_scorer_levels(spec, 1), _scorer_levels(spec, 1), strict=True):
        assert np.array_equal(a, b), f"{spec.kind}: not deterministic"


def check_scorer_table(spec: Any) -> None:
    """The levels make a ``scores`` table of persons with a level today or yesterday."""
    levels = _scorer_levels(spec, 2)
    for prev, level in zip([np.zeros_like(levels[0]), *levels], levels, strict=False):
        table = scores_table(spec.name, level, prev)
        assert table.schema == SCORES
        assert table.num_rows == int(((level > 0) | (prev > 0)).sum())


SCORER_CHECKS: tuple[Check, ...] = (
    check_scorer_levels, check_scorer_deterministic, check_scorer_table)


def check_scorer(spec: Any) -> None:
    """Run every scorer check on ``spec`` (a validated scenario scorer)."""
    for check in SCORER_CHECKS:
        check(spec)


# ------------------------------------------------------------------------------- pytest
def default_subjects() -> list[Any]:
    """Every registered template's first example rule and a default scorer of every kind."""
    rules = [example_rule(name, t.examples[0]) for name, t in TEMPLATES.items()]
    scorers = [TypeAdapter(Scorer).validate_python({"kind": kind, "name": "s"})
               for kind in SCORERS]
    return [*rules, *scorers]


def _cases(subjects: list[Any]) -> Iterator[tuple[Any, Check, str]]:
    counts: dict[str, int] = {}
    for subject in subjects:
        kind = getattr(subject, "template", None)
        checks = RULE_CHECKS if kind is not None else SCORER_CHECKS
        kind = kind or f"scorer-{subject.kind}"
        i = counts[kind] = counts.get(kind, -1) + 1
        for check in checks:
            yield subject, check, f"{kind}{i}-{check.__name__.removeprefix('check_')}"


def parametrize_with_checks(subjects: list[BaseModel] | None = None) -> Any:
    """A ``pytest.mark.parametrize("subject, check", ...)`` over every check of every subject
    (rules and scorers; default: :func:`default_subjects`)."""
    import pytest

    cases = list(_cases(default_subjects() if subjects is None else subjects))
    return pytest.mark.parametrize("subject, check", [(s, c) for s, c, _ in cases],
                                   ids=[i for _, _, i in cases])
