"""``frequency`` evaluated in numpy: the template's three kinds of rule (calls to distinct
numbers, calls to the same number, entries with companions) over the held rows, each alert
exactly one the SQL of ``frequency.py`` raises. Not a template (the name starts with an
underscore, so discovery skips it).

Windows become ranges of rows sorted by (person, time), found with ``searchsorted``; a count
of distinct counterparts expands each anchor's range into (anchor, row) pairs and counts the
distinct pairs, so nothing loops over persons or events.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from custodiet.scenario.models import Frequency
from custodiet.watch._template import Held, alerts_table, no_alerts
from custodiet.watch._templates._chunks import Columns, PerChunk, int64, joined, taken
from custodiet.watch._templates._select import (
    Lookup,
    Memo,
    Windows,
    distinct,
    in_set,
    listed,
    on_lists,
    single,
    spans,
    stays_at,
    window_ranges,
)


def distinct_per(owner: np.ndarray, value: np.ndarray, owners: int) -> np.ndarray:
    """For each owner 0 … owners - 1, how many distinct values it has."""
    if len(owner) == 0:
        return np.zeros(owners, np.int64)
    return np.bincount(owner[distinct(owner, value)[0]], minlength=owners)


def unique_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``columns`` in sorted order, stacked (one row of the result per
    column), and each row's distinct row: ``np.unique(np.stack(columns), axis=1,
    return_inverse=True)`` by one lexsort."""
    first, inverse = distinct(*columns)
    return np.stack([c[first] for c in columns]).reshape(len(columns), -1), inverse


_CALLS = ("caller", "callee", "t", "seen_day", "out_of_town")


def _calls(batch: pa.RecordBatch, wanted: bool) -> dict[str, np.ndarray]:
    """A chunk's calls that count before the lists are applied (those to out-of-town numbers
    when ``wanted``, else all) as numpy columns."""
    out_of_town = batch.column("out_of_town").to_numpy(zero_copy_only=False).astype(bool)
    rows = np.flatnonzero(out_of_town) if wanted else None
    return {c: int64(batch, c, rows) for c in _CALLS[:-1]} | {
        "out_of_town": out_of_town if rows is None else out_of_town[rows]}


def listed_calls(rule: Frequency, out_of_town: bool = False
                 ) -> Callable[[Held], tuple[dict[str, np.ndarray], np.ndarray]]:
    """The listed callers' held calls (only those to out-of-town numbers if ``out_of_town``),
    and which were received today. The calls are picked and converted once per held day
    (the out-of-town ones are a twentieth of the calls); the lists, which change from day to
    day, are applied to those."""
    rows = PerChunk(_calls, givens=1)
    persons_listed = listed(list(rule.lists))

    member = Memo(Lookup)  # of the listed persons, while they are the same

    def select(held: Held) -> tuple[dict[str, np.ndarray], np.ndarray]:
        parts = rows(held.relation("calls"), bool(out_of_town))
        if rule.lists:
            who = member(persons_listed(held.relation("members")))
            parts = [taken(p, who(p["caller"]) >= 0) for p in parts]
        calls = joined(parts, _CALLS, {"out_of_town": bool})
        return calls, calls["seen_day"] == held.day

    return select


def _pair_group(caller: np.ndarray, callee: np.ndarray) -> np.ndarray:
    """One id per (caller, number called)."""
    if len(caller) == 0:
        return np.zeros(0, np.int64)
    return distinct(caller, callee)[1]


def _out(t: np.ndarray, person: np.ndarray) -> pa.Table:
    return alerts_table(t, single(person), np.full(len(t), -1, np.int64))


def same_number(rule: Frequency) -> Callable[[Held], pa.Table]:
    """``counterpart = "same"``: calls to the anchor's number in its window."""
    w, n = int(rule.window_minutes), int(rule.n)
    select = listed_calls(rule, out_of_town=rule.out_of_town)

    def evaluate(held: Held) -> pa.Table:
        calls, today = select(held)
        if not today.any():
            return no_alerts()
        caller, t = calls["caller"], calls["t"]
        group = _pair_group(caller, calls["callee"])
        anchor = np.flatnonzero(today)
        _, lo, hi = window_ranges(group, t, group[anchor], t[anchor], w)
        hit = hi - lo >= n
        if rule.new_only:  # no call to the number at or before the window's start
            _, first, before = window_ranges(group, t, group[anchor], t[anchor] - w,
                                       int(t.max() - t.min()) + w + 1)
            hit &= before == first
        return _out(t[anchor[hit]], caller[anchor[hit]])

    return evaluate


def distinct_numbers(rule: Frequency) -> Callable[[Held], pa.Table]:
    """``event = "calls"``: ≥ n counting calls to ≥ m distinct numbers in the window."""
    w, n, m = int(rule.window_minutes), int(rule.n), int(rule.distinct)
    select = listed_calls(rule)

    def evaluate(held: Held) -> pa.Table:
        calls, today = select(held)
        if not today.any():
            return no_alerts()
        caller, callee, t = calls["caller"], calls["callee"], calls["t"]
        counts = np.ones(len(t), bool)
        if rule.out_of_town:
            counts &= calls["out_of_town"]
        if rule.new_only:  # no earlier call to the number among the listed callers' calls
            group = _pair_group(caller, callee)
            first = np.full(int(group.max()) + 1, np.iinfo(np.int64).max)
            np.minimum.at(first, group, t)
            counts &= t == first[group]
        caller, callee, t, today = caller[counts], callee[counts], t[counts], today[counts]
        anchor = np.flatnonzero(today)
        order, lo, hi = window_ranges(caller, t, caller[anchor], t[anchor], w)
        hit = hi - lo >= n
        if m > 0 and hit.any():
            owner, position = spans(lo[hit], hi[hit])
            many = distinct_per(owner, callee[order[position]], int(hit.sum())) >= m
            hit[np.flatnonzero(hit)[~many]] = False
        return _out(t[anchor[hit]], caller[anchor[hit]])

    return evaluate


def _overlapping_others(stays: Columns, place: np.ndarray, start: np.ndarray,
                        end: np.ndarray, person: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For stays given by (place, start, end, person), the pairs (stay, other person) with an
    observed stay at the same place overlapping it: (index into the given stays, person)."""
    if len(stays["place"]) == 0 or len(place) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    stays = taken(stays, in_set(stays["place"], place))
    o_place, o_start, o_end, o_person = (stays[c] for c in ("place", "start", "end", "person"))
    longest = np.zeros(int(max(o_place.max(), place.max())) + 1, np.int64)
    np.maximum.at(longest, o_place, o_end - o_start)
    # An overlapping stay starts in (start - longest there, end): a range by (place, start).
    windows = Windows(o_place, o_start)  # one sort for both ends of the range
    order, (_, hi) = windows.order, windows(place, end - 1, 0)
    lo, _ = windows(place, start - longest[place], 0)
    owner, position = spans(lo, hi)
    other = order[position]
    keep = (o_end[other] > start[owner]) & (o_person[other] != person[owner]) \
        & (o_start[other] < end[owner])
    return owner[keep], o_person[other[keep]]


def entries(rule: Frequency) -> Callable[[Held], pa.Table]:
    """``event = "entries"``: ≥ n stays at places of the kind ending in the window, with
    ≥ m distinct persons seen there with them."""
    w, n, m = int(rule.window_minutes), int(rule.n), int(rule.distinct)

    def evaluate(held: Held) -> pa.Table:
        # Every held stay at a place of the kind (the companions' stays are among them too).
        stays = stays_at(held, rule.place_kind)
        e = taken(stays, on_lists(held, rule.lists, stays["person"]))
        person, place, start, end = (e[c] for c in ("person", "place", "start", "end"))
        today = np.flatnonzero(e["seen_day"] == held.day)
        if len(today) == 0:
            return no_alerts()
        # One alert per distinct (person, place, start, end) anchored today.
        anchors = unique_rows(person[today], place[today], start[today], end[today])[0]
        a_person, a_end = anchors[0], anchors[3]
        order, lo, hi = window_ranges(person, end, a_person, a_end, w)
        owner, position = spans(lo, hi)
        b_start = start[order[position]]
        hit = distinct_per(owner, b_start, anchors.shape[1]) >= n
        if m > 0 and hit.any():
            hit &= _companions(e, stays, owner, b_start, a_person, hit) >= m
        return alerts_table(a_end[hit], single(a_person[hit]), anchors[1][hit])

    return evaluate


def _companions(e: Columns, stays: Columns, owner: np.ndarray, b_start: np.ndarray,
                a_person: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """For each anchor, how many distinct persons were seen overlapping a stay of its person's
    (any of the rule's stays with a start among those counted in its window)."""
    take = wanted[owner]
    owner, b_start = owner[take], b_start[take]
    # (person, start) keys of the counted stays, and the rule's stays that have one.
    key_person, key_start = a_person[owner], b_start
    keys, of_pair = unique_rows(key_person, key_start)
    of_pair = of_pair.ravel()
    person, start = e["person"], e["start"]
    _, lo, hi = window_ranges(keys[0], keys[1], person, start, 1)
    x = np.flatnonzero(hi > lo)
    x_key = lo[x]  # the key's index (keys are distinct and sorted)
    stay, other = _overlapping_others(stays, e["place"][x], start[x], e["end"][x], person[x])
    key_other = unique_rows(x_key[stay], other)[0]
    # anchors → their keys → the keys' others
    anchor_key = unique_rows(owner, of_pair)[0]
    first = np.searchsorted(key_other[0], anchor_key[1], side="left")
    last = np.searchsorted(key_other[0], anchor_key[1], side="right")
    which, position = spans(first, last)
    return distinct_per(anchor_key[0][which], key_other[1][position], len(a_person))
