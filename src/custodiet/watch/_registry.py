"""The registry: key-person lists from *recorded* attributes, their growth from police contacts
and slow removal (NYT-1, NYT-19), and the red list (NYT-16)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from custodiet.scenario._watch import KeyList, RedList
from custodiet.schema import HISTORY_FLAGS
from custodiet.watch._inputs import MEMBERS
from custodiet.watch._rng import watch_rng

LIST_MEMBERSHIP = pa.schema([("day", pa.int32()), ("list", pa.string()),
                             ("members", pa.int64()), ("added", pa.int64()),
                             ("removed", pa.int64())])
"""One row per list per day: its size and how many joined (contacts) or left (removal)."""


def attributes(persons: pa.Table) -> dict[str, np.ndarray]:
    """Each list attribute as a boolean array over persons, from recorded columns only."""
    col = {name: persons.column(name).to_numpy(zero_copy_only=False)
           for name in persons.column_names}
    n = persons.num_rows
    out = {h: col[f"{h}_recorded"].astype(bool) for h in HISTORY_FLAGS}
    out["grievance"] = col["grievance_recorded"].astype(str) != ""
    out["migrant"] = col["migrant"].astype(bool)
    out["minority"] = col["ethnicity"].astype(str) == "minority"
    out["foreigner_without_permit"] = col["foreign"].astype(bool) & ~col["work_permit"].astype(bool)
    age = col["age"]
    out["idle_youth"] = (age >= 16) & (age <= 25) & ~col["student"].astype(bool) & \
        (col["work_place"] < 0)
    out["official"] = col["official"].astype(bool)
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
        for i, spec in enumerate(self.lists):
            removed = np.zeros(self.member.shape[1], bool)
            if spec.removal_rate > 0:
                removed = self.member[i] & (rng.random(removed.size) < spec.removal_rate)
            self.member[i] &= ~removed
            added = 0
            if spec.from_contacts and self._contacts.size:
                new = self._contacts[~self.member[i, self._contacts]]
                self.member[i, new] = True
                added = int(new.size)
            rows["day"].append(day)
            rows["list"].append(spec.name)
            rows["members"].append(int(self.member[i].sum()))
            rows["added"].append(added)
            rows["removed"].append(int(removed.sum()))
        self._contacts = np.zeros(0, np.int64)
        return pa.table(rows, schema=LIST_MEMBERSHIP)

    def members_table(self) -> pa.Table:
        """``members(list, person)`` for the rules."""
        idx, person = np.nonzero(self.member)
        names = pa.array(self.names or [""], pa.string())
        lists = pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), names)
        return pa.table({"list": lists.cast(pa.string()), "person": person.astype(np.int64)},
                        schema=MEMBERS)
