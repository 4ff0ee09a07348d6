"""The registry: key-person lists from *recorded* attributes, their growth from police contacts
and slow removal (NYT-1, NYT-19), and the red list (NYT-16)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.scenario.models import KeyList, RedList
from custodiet.schema import HISTORY_FLAGS, RECORD_LABELS
from custodiet.watch._inputs import MEMBERS
from custodiet.watch._rng import watch_rng

LIST_MEMBERSHIP = pa.schema([("day", pa.int32()), ("list", pa.string()),
                             ("members", pa.int64()), ("added", pa.int64()),
                             ("removed", pa.int64())])
"""One row per list per day: its size and how many joined (contacts) or left (removal)."""

LIST_CHANGES = pa.schema([("day", pa.int32()), ("list", pa.string()), ("person", pa.int64()),
                          ("change", pa.string())])
"""One row per person whose membership of a list changed that day: ``attribute`` (on the list
from recorded attributes, day 0), ``contact`` (added after a police action) or ``removed``. The
audit rebuilds membership spells from it (who was listed, since when and why)."""


def equals(persons: pa.Table, name: str, value: str) -> np.ndarray:
    """Whether each person's string column ``name`` is ``value`` (compared in Arrow: no
    Python string per person)."""
    return pc.fill_null(pc.equal(persons.column(name), value), False).to_numpy(
        zero_copy_only=False)


def attributes(persons: pa.Table) -> dict[str, np.ndarray]:
    """Each list attribute as a boolean array over persons, from recorded columns only."""
    def col(name: str) -> np.ndarray:
        return persons.column(name).to_numpy(zero_copy_only=False)

    n = persons.num_rows
    out = {h: col(f"{h}_recorded").astype(bool) for h in (*HISTORY_FLAGS, *RECORD_LABELS)}
    out["grievance"] = ~equals(persons, "grievance_recorded", "")
    out["migrant"] = col("migrant").astype(bool)
    out["minority"] = equals(persons, "ethnicity", "minority")
    out["foreigner_without_permit"] = col("foreign").astype(bool) & ~col("work_permit").astype(bool)
    age = col("age")
    out["idle_youth"] = (age >= 16) & (age <= 25) & ~col("student").astype(bool) & \
        (col("work_place") < 0)
    out["official"] = col("official").astype(bool)
    out["everyone"] = np.ones(n, bool)
    return out


class Registry:
    """List membership as a boolean matrix (lists × persons), updated once a day."""

    def __init__(self, lists: list[KeyList], redlist: RedList, persons: pa.Table, seed: int):
        self.lists = lists
        self.names = [x.name for x in lists]
        self.seed = seed
        attrs = attributes(persons)
        n = persons.num_rows
        self.member = np.zeros((len(lists), n), bool)
        for i, spec in enumerate(lists):
            for attr in spec.attributes:
                self.member[i] |= attrs[attr]
        self.redlisted = np.zeros(n, bool)
        if redlist.enabled:
            if redlist.officials:
                self.redlisted |= attrs["official"]
            for name in redlist.lists:
                self.redlisted |= self.member[self.names.index(name)]
        self._contacts = np.zeros(0, np.int64)
        self.changes = LIST_CHANGES.empty_table()

    def members_of(self, names: list[str]) -> np.ndarray:
        """Person ids on any of the named lists."""
        mask = np.zeros(self.member.shape[1], bool)
        for name in names:
            mask |= self.member[self.names.index(name)]
        return np.flatnonzero(mask)

    def record_contacts(self, persons: np.ndarray) -> None:
        """Persons the police acted on: they join every ``from_contacts`` list next day."""
        self._contacts = np.union1d(self._contacts, persons.astype(np.int64))

    def advance(self, day: int) -> pa.Table:
        """Apply the day's removals and contacts; return the ``list_membership`` rows."""
        rng = watch_rng(self.seed, day, "registry")
        rows: dict[str, list] = {f.name: [] for f in LIST_MEMBERSHIP}
        changes: list[tuple[str, np.ndarray, str]] = []
        for i, spec in enumerate(self.lists):
            if day == 0:
                changes.append((spec.name, np.flatnonzero(self.member[i]), "attribute"))
            removed = np.zeros(self.member.shape[1], bool)
            if spec.removal_rate > 0:
                removed = self.member[i] & (rng.random(removed.size) < spec.removal_rate)
            self.member[i] &= ~removed
            changes.append((spec.name, np.flatnonzero(removed), "removed"))
            added = 0
            if spec.from_contacts and self._contacts.size:
                new = self._contacts[~self.member[i, self._contacts]]
                self.member[i, new] = True
                added = int(new.size)
                changes.append((spec.name, new, "contact"))
            rows["day"].append(day)
            rows["list"].append(spec.name)
            rows["members"].append(int(self.member[i].sum()))
            rows["added"].append(added)
            rows["removed"].append(int(removed.sum()))
        self._contacts = np.zeros(0, np.int64)
        self.changes = _changes_table(day, changes)
        return pa.table(rows, schema=LIST_MEMBERSHIP)

    def members_table(self) -> pa.Table:
        """``members(list, person)`` for the rules."""
        idx, person = np.nonzero(self.member)
        names = pa.array(self.names or [""], pa.string())
        lists = pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), names)
        return pa.table({"list": lists.cast(pa.string()), "person": person.astype(np.int64)},
                        schema=MEMBERS)


def _changes_table(day: int, changes: list[tuple[str, np.ndarray, str]]) -> pa.Table:
    """The day's ``LIST_CHANGES`` rows, built from whole arrays (no loop over persons)."""
    sizes = [p.size for _, p, _ in changes]
    total = int(sum(sizes))
    if total == 0:
        return LIST_CHANGES.empty_table()
    lists = np.repeat(np.array([n for n, _, _ in changes], dtype=object), sizes)
    kinds = np.repeat(np.array([k for _, _, k in changes], dtype=object), sizes)
    return pa.table({
        "day": np.full(total, day, np.int32), "list": pa.array(lists, pa.string()),
        "person": np.concatenate([p for _, p, _ in changes]).astype(np.int64),
        "change": pa.array(kinds, pa.string()),
    }, schema=LIST_CHANGES)
