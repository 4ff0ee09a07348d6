"""The workbench's adapter to the scenario, the runner and the watch: the runner simulates the
city (once, cached), the watch records what it observed (``watch.record``), then replays one
rule at a time over it (``watch.replay_rule``; the audit's side is ``_answer``). Nothing here
re-implements validation, compilation, the watch's alerts or a metric; when those parts move,
only this module (and ``_scenarios`` for the scenario loader) changes.

The city is simulated without police response (the ``no_response`` twin): an alert changes
nothing, so a rule can be tried again and again over the same observed days and the same ground
truth, and its figures are what it would flag if the police acted on none of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet import schema
from custodiet.audit.sim import LISTED_CATEGORIES
from custodiet.engine import Session, connect, quote_ident
from custodiet.errors import UserError
from custodiet.scenario import Scenario
from custodiet.scenario.models import LIST_ATTRIBUTES, TEMPLATES, KeyList
from custodiet.store import open_run, path_name
from custodiet.study import VARIANTS, simulate
from custodiet.watch import (
    OBSERVED,
    STATIC_RELATIONS,
    Registry,
    buffer_days,
    member_homes,
    record,
    register,
    replay_rule,
)
from custodiet.workbench._replay import load_replay, save_replay
from custodiet.workbench._scenarios import (
    choices,
    common_fields,
    compose,
    load,
    load_with_source,
    rule_models,
    scenario_toml,
    validate,
)

DAY = schema.MINUTES_PER_DAY
#: Recorded categories the people flagged are broken down by, beside the scenario's groups:
#: the categories the reporting names (NYT-1) as the persons' recorded attributes.
Progress = Callable[[int, int], None]
"""Called with (days done, days in all) while the city is simulated or replayed."""

__all__ = [
    "LIST_ATTRIBUTES", "TEMPLATES", "City", "KeyList", "Scenario", "UserError", "choices",
    "common_fields", "compose", "load", "load_with_source", "prepare_city", "rule_models",
    "run_alerts", "scenario_toml", "sized", "validate",
]


# --------------------------------------------------------------------------- the city's cache
def code_digest() -> str:
    """A digest of the package's code that simulates and watches (every module but the
    workbench's and the command line's) and of the versions of its dependencies: a city
    cached by other code is simulated again."""
    import custodiet
    from custodiet._versions import package_versions

    root = Path(custodiet.__file__).parent
    digest = hashlib.sha256(repr(sorted(package_versions().items())).encode())
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if not rel.startswith(("workbench/", "cli/")):
            digest.update(rel.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def scenario_hash(scenario: Scenario) -> str:
    """A digest of everything the simulated city depends on: the whole scenario and the code
    (:func:`code_digest`)."""
    text = f"{code_digest()}\n{scenario.model_dump_json()}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


# --------------------------------------------------------------------------- the city
@dataclass
class City:
    """The cached no-response run, replayed: what the watch observed on each day, who was on
    which list, the red list, the scorers' levels, and the ground truth."""

    scenario: Scenario
    store: Path
    persons: pa.Table
    incidents: pa.Table
    observed: list[dict[str, pa.Table]]
    static: dict[str, pa.Table]
    scores: list[pa.Table]
    redlisted: np.ndarray
    stored_alerts: pa.Table
    _lists: tuple | None = None  # None: no membership computed yet (not even for no list)
    _members: list[pa.Table] = field(default_factory=list)
    _changes: pa.Table | None = None
    _homes: list[pa.Table] = field(default_factory=list)
    _db: duckdb.DuckDBPyConnection | None = None
    _changes_of: dict[str, Any] = field(default_factory=dict)
    _audit: duckdb.DuckDBPyConnection | None = None
    _cons: dict[int, list[Session]] = field(default_factory=dict)

    @property
    def days(self) -> int:
        return self.scenario.world.days

    @property
    def people(self) -> int:
        return self.persons.num_rows

    def set_lists(self, lists: Sequence[KeyList]) -> None:
        """Membership of ``lists`` on each day, as the registry decides it (no police contacts,
        so nobody joins from one); re-registered on the day connections only when it changed."""
        key = tuple(x.model_dump_json() for x in lists)
        if key == self._lists:
            return
        registry = Registry(list(lists), self.scenario.redlist, self.persons, self.scenario.seed)
        household = self.persons.column("household_id").to_numpy()
        self._members, changes = [], []
        for day in range(self.days):
            registry.advance(day)
            changes.append(registry.changes)
            self._members.append(registry.members_table())
        self._changes = pa.concat_tables(changes)
        self._homes = [member_homes(m, household) for m in self._members]
        self._lists = key
        for cons in self._cons.values():
            for day, con in enumerate(cons):
                con.register("members", self._members[day])
                con.register("member_homes", self._homes[day])

    @property
    def list_changes(self) -> pa.Table:
        """The registry's change log of every list (``LIST_CHANGES``)."""
        return self._changes

    def changes_of(self, lists: Sequence[str]) -> pa.Table:
        """The change log of ``lists`` only (what a rule's chance alerts draw from)."""
        key = (self._lists, tuple(lists))
        if self._changes_of.get("key") != key:
            names = pa.array(list(lists), pa.string())
            self._changes_of = {"key": key, "table": self._changes.filter(
                pc.is_in(self._changes.column("list"), value_set=names))}
        return self._changes_of["table"]

    def day_connections(self, keep: int) -> list[Session]:
        """One cursor per day on a database holding every observed event once (as native
        tables, sorted by the day received): each sees that day's relations, the events as
        views over the ``keep`` days the watch's buffer would hold for the rules at hand.
        Built once per buffer length and reused by every edit."""
        if self._db is None:
            self._db = connect()
            for name in OBSERVED:
                rows = pa.concat_tables([day[name] for day in self.observed])
                self._db.register("_rows", rows)
                self._db.execute(f"CREATE TABLE {quote_ident('all_' + name)} AS "
                                 "SELECT * FROM _rows ORDER BY seen_day")
                self._db.unregister("_rows")
        if keep not in self._cons:
            cons = []
            for day in range(self.days):
                con = _Cursor(self._db.cursor())
                # The watch's own registration (events empty), then each event relation
                # replaced by its window: the days a watch with this buffer holds today.
                register(con, {**self.static, "members": self._members[day],
                               "member_homes": self._homes[day], "scores": self.scores[day]})
                for name in OBSERVED:
                    con.execute(f"CREATE OR REPLACE TEMP VIEW {quote_ident(name)} AS SELECT * "
                                f"FROM {quote_ident('all_' + name)} WHERE seen_day BETWEEN "
                                f"{max(0, day - keep + 1)} AND {day}")
                cons.append(con)
            self._cons[keep] = cons
        return self._cons[keep]

    def audit_connection(self) -> duckdb.DuckDBPyConnection:
        """A connection holding the ground truth and the records (``incidents``, ``persons``,
        ``actions`` (none), ``list_changes``) as native tables, for the audit of each edit."""
        if self._audit is None:
            con = connect()
            # persons: only the columns the audit breaks flags down by (the rest is not read)
            wanted = ["person_id", *dict.fromkeys([*LISTED_CATEGORIES,
                                                   *self.scenario.audit.groups])]
            persons = self.persons.select([c for c in wanted if c in self.persons.column_names])
            for name, table in (("incidents", self.incidents), ("persons", persons),
                                ("actions", schema.ACTIONS.empty_table())):
                con.register("_rows", table)
                con.execute(f"CREATE TABLE {quote_ident(name)} AS SELECT * FROM _rows")
                con.unregister("_rows")
            self._audit = con
        self._audit.register("list_changes", self.list_changes)
        return self._audit


def no_response(scenario: Scenario) -> Scenario:
    """The study's no-response twin: alerts are raised, nobody acts on them."""
    return VARIANTS["no_response"](scenario)


class _Cursor(Session):
    """An engine session on one cursor of a shared database (a day's relations)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con


def cache_path(scenario: Scenario, cache: Path) -> Path:
    """Where the no-response run of ``scenario`` is kept: keyed by name, hash, size and seed."""
    w = scenario.world
    name = path_name(scenario.name)  # a name such as "../../x" never leaves the cache
    return cache / f"{name}-{scenario_hash(scenario)}-{w.people}x{w.days}-s{scenario.seed}"


def sized(scenario: Scenario, *, people: int | None, days: int | None,
          seed: int | None) -> Scenario:
    """The scenario at another size or seed (the study runner's own resizing)."""
    from custodiet.study import sized as resize

    return resize(scenario, people=people, days=days, seed=seed)


def _day_of(table: pa.Table, column: str, days: int) -> np.ndarray:
    """The day a stored event reached the watch: a stay or a phone-off spell on the day it
    ended (the last day's open ones at the horizon), a call or a ticket on its day."""
    t = table.column(column).to_numpy()
    return np.minimum(t // DAY, days - 1)


def _events_by_day(run: Any, days: int) -> list[dict[str, pa.Table]]:
    out: list[dict[str, pa.Table]] = [{} for _ in range(days)]
    when = {"stays": "end", "phone_off": "end", "calls": "t", "tickets": "t", "utility": "day"}
    for name, column in when.items():
        table = run.con.execute(f'SELECT * FROM "{name}" ORDER BY rowid').to_arrow_table()
        table = table.cast(schema.EVENT_TABLES[name])
        day = table.column("day").to_numpy() if name == "utility" else \
            _day_of(table, column, days)
        for d in range(days):
            out[d][name] = table.filter(pa.array(day == d))
    return out


def prepare_city(scenario: Scenario, *, cache: Path, progress: Progress | None = None) -> City:
    """Simulate ``scenario``'s no-response twin into ``cache`` (unless already there), then
    replay the watch over its stored events to recover each day's observed relations."""
    twin = no_response(scenario)
    path = cache_path(twin, Path(cache))
    days = twin.world.days
    if not (path / "manifest.json").is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        simulate(twin, path, variant="no_response", force=True,
                 on_day=(lambda d: progress(d, 2 * days)) if progress else None)
    with open_run(path) as run:
        static = {k: run.table(k) for k in ("persons", "places", "ties")}
        incidents = run.table("incidents")
        stored = run.table("alerts") if "alerts" in run.tables() else \
            schema.ALERTS.empty_table()
        seen = load_replay(path, days, STATIC_RELATIONS)
        if seen is None:
            seen = record(twin, static, _events_by_day(run, days),
                          (lambda d: progress(days + d + 1, 2 * days)) if progress else None)
            save_replay(path, seen)
    city = City(twin, path, static["persons"], incidents, seen.days, seen.relations,
                seen.scores, seen.redlisted, stored)
    city.set_lists(twin.lists)
    return city


# --------------------------------------------------------------------------- one rule
def run_alerts(city: City, rule: Any, rules: Sequence[Any], *, threads: int = 2) -> pa.Table:
    """The alerts ``rule`` raises over the city (``schema.ALERTS``), replayed by the watch day
    by day on the cached relations, with the watch's buffer for ``rules`` (the whole rule set
    being edited) and the red list's suppression."""
    cons = city.day_connections(buffer_days(list(rules)))
    return replay_rule(city.scenario, rule, cons, city.redlisted, threads=threads)


def stored_alerts_of(city: City, name: str) -> pa.Table:
    """The alerts the replayed run's own watch raised for rule ``name`` (for checks)."""
    return city.stored_alerts.filter(pc.equal(city.stored_alerts.column("rule"), name))
