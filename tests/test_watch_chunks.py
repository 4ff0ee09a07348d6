"""What the numpy rules derive once per held chunk (``PerChunk``, ``Part``) and reuse on later
days: a remembered value is never given for another chunk or another ``given``, and a rule fed
day after day, as the watch feeds it (each received day a chunk of the window, the same chunk
objects while they are held), raises exactly the alerts of its SQL on every day."""

from __future__ import annotations

import gc
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from custodiet.engine import Session
from custodiet.scenario import scenario_from_mapping
from custodiet.study import resolve_scenario
from custodiet.watch._inputs import OBSERVED, register
from custodiet.watch._native import HeldTables, native_of, run_native
from custodiet.watch._rules import compile_rule, run_rule
from custodiet.watch._synthetic import DAYS, arrow, synthetic_log
from custodiet.watch._templates._chunks import _KEYED, Part, PerChunk, keyed_chunks, within

DAY = 1440
HOLIDAYS = (2, 3, 4, 5)
KEEP = 3
"""Days of rows held: fewer than the log's, so that days leave the window and arrive."""


def _day(values: list[int]) -> pa.Table:
    return pa.table({"v": pa.array(values, pa.int64())})


def test_per_chunk_makes_each_chunk_once_and_never_answers_for_another() -> None:
    made: list[list[int]] = []

    def make(batch: pa.RecordBatch, given: Any) -> int:
        made.append(batch.column("v").to_pylist())
        return int(np.sum(batch.column("v").to_numpy())) * given[0]

    values = PerChunk(make, givens=2)
    days = [_day([1, 2]), _day([3]), _day([4, 5, 6])]
    one, two = [1], [2]
    assert values(pa.concat_tables(days[:2]), one) == [3, 3]
    assert values(pa.concat_tables(days[1:]), one) == [3, 15]  # only the new day made
    assert made == [[1, 2], [3], [4, 5, 6]]
    # A day received again with other rows (the same length, other buffers): made again.
    again = _day([7, 8, 9])
    assert values(pa.concat_tables([days[1], again]), one) == [3, 24]
    assert made[-1] == [7, 8, 9] and len(made) == 4
    # Another given has its own values; the first is kept beside it.
    assert values(pa.concat_tables([days[1], again]), two) == [6, 48]
    assert values(pa.concat_tables([days[1], again]), one) == [3, 24] and len(made) == 6
    # Slices of one buffer are told apart.
    table = _day([1, 2, 3, 4])
    assert values(pa.Table.from_batches(table.slice(0, 2).to_batches() +
                                        table.slice(2, 2).to_batches()), one) == [3, 7]
    # At most two givens: the least recently used is forgotten and made again.
    three = [3]
    values(pa.concat_tables([days[1], again]), three)
    count = len(made)
    values(pa.concat_tables([days[1], again]), two)
    assert len(made) == count + 2


def test_a_tables_chunk_keys_are_found_once_and_forgotten_with_it() -> None:
    table = pa.concat_tables([_day([1, 2]), _day([3])])
    batches, keys = keyed_chunks(table)
    assert [b.num_rows for b in batches] == [2, 1] and len(set(keys)) == 2
    assert keyed_chunks(table)[0] is batches  # the same table: not split again
    other = pa.concat_tables([_day([1, 2]), _day([3])])  # equal rows, other buffers
    assert keyed_chunks(other)[1] != keys
    key = id(table)
    del table, batches
    gc.collect()
    assert key not in _KEYED


def test_part_within_matches_a_mask_and_skips_by_bounds() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        rows = {"a": rng.integers(0, 20, int(rng.integers(0, 30))), "b": rng.random(0)}
        rows["b"] = rng.random(len(rows["a"]))
        part = Part.of(rows, ("a",))
        lo, hi = sorted(rng.integers(-3, 24, 2).tolist())
        mask = (rows["a"] >= lo) & (rows["a"] <= hi)
        got = part.within("a", lo, hi)
        if not mask.any():
            assert got is None or len(got["a"]) == 0
            continue
        assert got is not None
        assert np.array_equal(got["a"], rows["a"][mask])
        assert np.array_equal(got["b"], rows["b"][mask])
        if mask.all():
            assert got is rows  # nothing to filter: the part's own rows
    parts = [Part.of({"a": np.array([1, 2])}, ("a",)), Part.of({"a": np.array([5, 9])}, ("a",))]
    assert [p["a"].tolist() for p in within(parts, "a", 2, 6)] == [[2], [5]]


def _extra_rules() -> list[Any]:
    """Rules of the templates whose evaluators keep per-chunk values, with settings the
    default scenario does not use."""
    rules = [
        {"template": "anomaly", "meter": "power", "baseline": "own", "baseline_days": 2,
         "factor": 1.2, "per_resident": False},
        {"template": "anomaly", "meter": "water", "factor": 1.2, "lists": ["watched"]},
        {"template": "near", "place_kind": "park", "radius_m": 0, "min_minutes": 60,
         "min_times": 2, "window_minutes": 2 * DAY, "exclude_own": False},
        {"template": "near", "place_kind": "school", "radius_m": 300, "lists": ["watched"]},
        {"template": "gathering", "k": 2, "place_kind": "park", "radius_m": 300,
         "window_minutes": 60},
        {"template": "gathering", "k": 2, "place_kind": "hotel", "window_minutes": 2 * DAY},
        {"template": "frequency", "event": "entries", "place_kind": "park", "n": 2,
         "distinct": 1, "window_minutes": 2 * DAY, "lists": ["watched"]},
        {"template": "frequency", "event": "calls", "n": 2, "distinct": 2, "new_only": True,
         "out_of_town": True, "window_minutes": 2 * DAY, "lists": ["watched"]},
        {"template": "frequency", "event": "calls", "counterpart": "same", "n": 2,
         "window_minutes": DAY},
        {"template": "apart", "window_days": 2, "min_observed": 1, "max_share": 0.9,
         "lists": ["watched"]},
        {"template": "apart", "window_days": 3, "min_observed": 1, "max_share": 0.9,
         "holiday_only": True, "night_minute": 0},
    ]
    return [scenario_from_mapping({
        "seed": 1, "world": {"people": 100, "days": 2},
        "lists": [{"name": "watched", "attributes": ["migrant"]}],
        "rules": [{"name": f"r{i}", "detects": ["protest"], **r}]}).rules[0]
        for i, r in enumerate(rules)]


RULES = [*resolve_scenario("default")[0].rules, *_extra_rules()]


def _chunks(table: pa.Table, variant: str) -> list[pa.Table]:
    """A received day's rows as the window holds them: one chunk, two (a day split), or one
    with every row twice (rows alike: a stay covering a night twice)."""
    if variant == "halves":
        half = table.num_rows // 2
        return [table.slice(0, half), table.slice(half)]
    if variant == "doubled":
        return [pa.concat_tables([table, table]).combine_chunks()]
    return [table]


def _days(rows: dict[str, list[dict[str, Any]]], variant: str) -> list[dict[str, list]]:
    """Each day's received rows of every event relation, made once (the same objects every
    day they are held, as in the watch)."""
    tables = arrow(rows)
    out = []
    for day in range(DAYS):
        out.append({name: _chunks(tables[name].filter(
            pa.compute.equal(tables[name].column("seen_day"), day)), variant)
            for name in OBSERVED})
    return out


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_a_rule_fed_day_by_day_raises_its_sql_alerts(rule: Any) -> None:
    rows = synthetic_log(11, lists=sorted({*rule.lists, "watched"}))
    static = {k: v for k, v in arrow(rows).items() if k not in OBSERVED}
    fewer = static["members"].slice(0, static["members"].num_rows // 2)  # lists change
    compiled = compile_rule(rule, holidays=HOLIDAYS)
    with Session(threads=1) as session:
        for variant in ("days", "halves", "doubled"):
            native = native_of(rule)  # one evaluator for the run, as the watch keeps it
            days = _days(rows, variant)
            for day in range(DAYS):
                held = {name: pa.Table.from_batches(
                    [b for d in range(max(0, day - KEEP + 1), day + 1)
                     for t in days[d][name] for b in t.to_batches()],
                    schema=OBSERVED[name]) for name in OBSERVED}
                tables = {**static, **held, "members": fewer if day % 3 == 2 else
                          static["members"]}
                register(session, tables)
                want = run_rule(session, rule, day, compiled).to_pylist()
                got = run_native(native, rule, HeldTables(day, tables, holidays=HOLIDAYS))
                assert got.to_pylist() == want, f"{rule.name}, {variant}, day {day}"


def test_every_rule_on_one_window_raises_its_sql_alerts() -> None:
    """All the rules read the same window each day, as in the watch, so that what one rule
    derives and another reuses (the stays at a kind's places, the nights located, a list's
    members) is shared across rules of other settings, kinds, lists and night minutes."""
    apart = [r for r in RULES if r.template == "apart"]
    rules = [*RULES, *[r.model_copy(update={"night_minute": 0, "name": f"{r.name}_0"})
                       for r in apart],
             *[r.model_copy(update={"lists": [], "name": f"{r.name}_all"})
               for r in apart if r.lists]]
    lists = sorted({name for r in rules for name in r.lists} | {"watched"})
    rows = synthetic_log(12, lists=lists)
    static = {k: v for k, v in arrow(rows).items() if k not in OBSERVED}
    natives = {r.name: native_of(r) for r in rules}
    days = _days(rows, "days")
    with Session(threads=1) as session:
        for day in range(DAYS):
            held = {name: pa.Table.from_batches(
                [b for d in range(max(0, day - KEEP + 1), day + 1)
                 for t in days[d][name] for b in t.to_batches()],
                schema=OBSERVED[name]) for name in OBSERVED}
            tables = {**static, **held}
            register(session, tables)
            for rule in rules:
                want = run_rule(session, rule, day,
                                compile_rule(rule, holidays=HOLIDAYS)).to_pylist()
                got = run_native(natives[rule.name], rule,
                                 HeldTables(day, tables, holidays=HOLIDAYS))
                assert got.to_pylist() == want, f"{rule.name}, day {day}"
