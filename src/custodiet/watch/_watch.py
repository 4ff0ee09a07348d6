"""The watch, day by day: sensors → registry → rules and scorers → red list → triage → response.

Usage by a simulation runner::

    world = World(scenario.world, scenario.seed)
    static = world.static_tables()
    watch = Watch(scenario, {k: static[k] for k in ("persons", "places", "ties")})
    while not world.finished:
        out = watch.observe(observable(world.step()))   # alerts, actions, list_membership
        for r in watch.interventions():                 # today's actions change the world
            world.intervene(r.persons, r.action, r.t, until=r.until, chill=r.chill)

The watch never reads ground truth: handing it ``person_truth``, ``incidents`` or
``interventions`` raises :class:`TruthLeak` (use :func:`observable` to drop them).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet import schema
from custodiet.engine import Session
from custodiet.scenario import Scenario
from custodiet.watch._inputs import (
    DAILY_RELATIONS,
    HOMES,
    MEMBER_HOMES,
    OBSERVED,
    PER_DAY,
    RECORDS,
    SCORES,
    SPOUSES,
    STATIC_RELATIONS,
    refuse_truth,
    register,
)
from custodiet.watch._native import HeldTables, native_of, run_native
from custodiet.watch._registry import Registry
from custodiet.watch._response import Intervention, interventions
from custodiet.watch._rules import buffer_days, compile_rule, rule_inputs
from custodiet.watch._scorers import SCORERS, Features, scores_table
from custodiet.watch._sensors import Coverage
from custodiet.watch._templates import TEMPLATES
from custodiet.watch._triage import triage

DAY = schema.MINUTES_PER_DAY
STATIC_INPUTS = ("persons", "places", "ties")


def _now() -> tuple[float, float]:
    """Wall and process CPU seconds, for the watch's own timings."""
    return time.perf_counter(), time.process_time()


def observable(events: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
    """A day's events without the ground-truth tables (what a runner hands to the watch)."""
    return {k: v for k, v in events.items() if k not in schema.TRUTH_TABLES}


def redlist_hits(persons: pa.ChunkedArray | pa.Array, redlisted: np.ndarray) -> np.ndarray:
    """For each alert (a list of person ids), whether it names a red-listed person."""
    persons = pa.chunked_array([persons]) if isinstance(persons, pa.Array) else persons
    out = np.zeros(len(persons), bool)
    offset = 0
    for chunk in persons.chunks:
        flat = pc.list_flatten(chunk).to_numpy()
        parent = pc.list_parent_indices(chunk).to_numpy()
        np.logical_or.at(out, parent + offset, redlisted[flat])
        offset += len(chunk)
    return out


def alert_table(parts: Sequence[pa.Table], redlisted: np.ndarray, redlist: bool, *,
                first_id: int = 0) -> pa.Table:
    """The rules' raw output (``rule``, ``t``, ``persons``, ``place``) as ``schema.ALERTS``:
    in a deterministic order (time, rule, place), numbered from ``first_id``, each naming a
    red-listed person marked ``suppressed_by_redlist`` when the red list is on (``redlist``).
    The watch's own alerts and a replayed rule's (:func:`custodiet.watch.replay_rule`) both
    go through it."""
    if not parts:
        return schema.ALERTS.empty_table()
    first = parts[0].schema
    table = pa.concat_tables([p if p.schema.equals(first) else p.cast(first) for p in parts])
    table = table.sort_by([("t", "ascending"), ("rule", "ascending"), ("place", "ascending")])
    persons = table.column("persons")
    suppressed = redlist_hits(persons, redlisted)
    return pa.table({
        "alert_id": np.arange(first_id, first_id + table.num_rows, dtype=np.int64),
        "rule": table.column("rule"), "t": table.column("t"), "persons": persons,
        "place": table.column("place"), "suppressed_by_redlist": suppressed & redlist,
    }, schema=schema.ALERTS)


def member_homes(members: pa.Table, household: np.ndarray) -> pa.Table:
    """``member_homes(list, household)``: the distinct households of each list's members."""
    homes = pa.table({"list": members.column("list"),
                      "household": household[members.column("person").to_numpy()]})
    return homes.group_by(["list", "household"]).aggregate([]).cast(MEMBER_HOMES)


def records(persons: pa.Table) -> pa.Table:
    """``records``: each person's recorded home, workplace or school, and home district."""
    return pa.table({"person": persons.column("person_id"),
                     "home_place": persons.column("home_place"),
                     "work_place": persons.column("work_place"),
                     "district": persons.column("district")}).cast(RECORDS)


def _homes(persons: pa.Table) -> pa.Table:
    """``homes``: each household's home, district, registered residents and their ids."""
    with Session() as session:
        session.register("persons", persons)
        table = session.query("""
        SELECT household_id AS household, min(home_place) AS home_place,
               min(district) AS district, count(*) AS residents,
               list(person_id ORDER BY person_id) AS persons
        FROM persons GROUP BY household_id ORDER BY household_id""")
    return table.cast(HOMES)


def _read_in_sql(rules: Sequence[Any]) -> tuple[str, ...]:
    """The relations registered each day for ``rules`` evaluated in SQL: the event relations
    their templates declare (the conformance suite checks the declarations), the lists and
    the scores; none when no rule is."""
    if not rules:
        return ()
    events = {name for rule in rules for name in rule_inputs(rule)}
    return tuple(name for name in DAILY_RELATIONS if name in PER_DAY or name in events)


def lists_and_sensors(scenario: Scenario, persons: pa.Table, places: pa.Table, seed: int
                      ) -> tuple[Registry, Coverage]:
    """The key-person lists and the sensors a watch of ``scenario`` keeps over a city: the
    lists first (a listed person's home may get a camera), then the cameras, with the draws of
    ``seed`` (what :class:`Watch` holds as ``registry`` and ``sensors``)."""
    registry = Registry(scenario.lists, scenario.redlist, persons, seed)
    cams = registry.members_of(scenario.sensors.home_camera_lists)
    return registry, Coverage(scenario.sensors, places, persons, cams, seed)


def camera_places(scenario: Scenario, persons: pa.Table, places: pa.Table,
                  seed: int | None = None) -> np.ndarray:
    """The places (ids) with a camera, as a watch of ``scenario`` places them over the city of
    ``persons`` and ``places`` (its sensors, lists and seed, default the scenario's: the same
    draws as its :class:`Watch`; its rules and scorers play no part)."""
    refuse_truth({"persons": persons, "places": places})
    _, sensors = lists_and_sensors(scenario, persons, places,
                                   int(scenario.seed if seed is None else seed))
    return np.flatnonzero(sensors.camera)


class Watch:
    """The system under audit, built from a scenario and the static tables the records hold
    (``persons``, ``places``, ``ties``; never ``person_truth``).

    Call :meth:`observe` once per day with that day's observable events; it returns
    ``alerts`` (``schema.ALERTS``; red-listed ones kept with ``suppressed_by_redlist``),
    ``actions`` (``schema.ACTIONS``), ``list_membership`` (list sizes) and ``list_changes``
    (who joined or left which list, and why); :meth:`interventions` then gives the records the
    runner applies to the world (the watch never receives it). Memory is bounded by the rules'
    longest window (:func:`buffer_days`), not the horizon. Deterministic for a given seed.
    ``start_weekday`` (0 = Monday) is the weekday of day 0, for rules with ``weekdays``, and
    ``holidays`` the days of the Spring Festival holiday, for rules with ``holiday_only``: the
    calendar is public, so the runner passes them (``scenario.world.start_weekday``,
    ``scenario.world.holiday_days``).
    """

    def __init__(self, scenario: Scenario, static_tables: Mapping[str, pa.Table],
                 seed: int | None = None, *, start_weekday: int = 0,
                 holidays: Sequence[int] = ()):
        refuse_truth(static_tables)
        self.scenario = scenario
        self.seed = int(scenario.seed if seed is None else seed)
        persons = static_tables["persons"]
        places = static_tables["places"]
        ties = static_tables["ties"]
        self.people = persons.num_rows
        self._household = persons.column("household_id").to_numpy()
        self.registry, self.sensors = lists_and_sensors(scenario, persons, places, self.seed)
        self.features = Features(persons, ties, places)
        self.scorers: dict[str, Any] = {
            s.name: SCORERS[s.kind](s, self.features, self.seed) for s in scenario.scorers}
        self._prev_level = {name: np.zeros(self.people, np.int32) for name in self.scorers}
        self.rules = list(scenario.rules)
        spouse = ties.filter(pc.equal(ties.column("kind"), "spouse"))
        self._static = {
            "places": places, "homes": _homes(persons), "records": records(persons),
            "spouses": spouse.select(["a", "b"]).cast(SPOUSES),
        }
        self.keep_days = buffer_days(self.rules)
        self._buffer: deque[dict[str, pa.Table]] = deque(maxlen=self.keep_days)
        self._prepare_rules(start_weekday, holidays)
        self._members: tuple[pa.Table, pa.Table] | None = None
        """The last lists' members and their households (unchanged on most days)."""
        self.day = 0
        self.observed: dict[str, pa.Table] = {}
        """The last day's observed events, as the sensors handed them over."""
        self.relations: dict[str, pa.Table] = {}
        """The relations registered for the rules on the last day (``RELATIONS`` by name)."""
        self._next_alert = 0
        self._next_action = 0
        self._actions = schema.ACTIONS.empty_table()
        self.seconds: dict[str, float] = {}
        """Seconds spent so far by phase (``sensors``: the lists and the sensors; ``scorers``,
        ``relations``, ``alerts``, ``triage``) and by rule (``rule:NAME``), for benchmarks."""
        self.cpu_seconds: dict[str, float] = {}
        """The same in CPU seconds of the process (a shared machine's load inflates the wall)."""

    def _prepare_rules(self, start_weekday: int, holidays: Sequence[int]) -> None:
        """Each rule's SQL and numpy evaluation, and the engine sessions for the rules that
        are evaluated in SQL, with the relations they read."""
        self._sql = {rule.name: compile_rule(rule, start_weekday=start_weekday,
                                             holidays=holidays)
                     for rule in self.rules}
        self._native = {rule.name: native_of(rule) for rule in self.rules}
        """Each rule's evaluator in numpy, where its template has one (the same alerts as its
        SQL, held to it by the conformance suite; a fraction of the cost)."""
        self._start_weekday = int(start_weekday)
        self._holidays = tuple(holidays)
        # One thread: a simulation is one process on one core (a study runs one per core), and
        # a rule's query over a day is too small to gain from a second thread.
        self.session = Session(threads=1)
        in_sql = [rule for rule in self.rules if self._native[rule.name] is None]
        self._today_only = {rule.name: TEMPLATES[rule.template].today_only(rule)
                            for rule in in_sql}
        self._daily = _read_in_sql([r for r in in_sql if not self._today_only[r.name]])
        self._daily_today = _read_in_sql([r for r in in_sql if self._today_only[r.name]])
        """The relations registered each day in each session: the events only the rules
        evaluated there read (registering costs milliseconds a relation), lists and scores."""
        self._today = Session(threads=1) if any(self._today_only.values()) else None
        """Where the rules that read only today's rows run: the same relations, with the
        event tables holding today's rows alone rather than the whole buffer."""
        for session in (self.session, self._today):
            if session is not None:  # the same every day: registered once
                register(session, self._static, STATIC_RELATIONS)

    def _clock(self, key: str, since: tuple[float, float]) -> tuple[float, float]:
        """Add the wall and CPU seconds since ``since`` to ``key``; return now."""
        now = _now()
        self.seconds[key] = self.seconds.get(key, 0.0) + now[0] - since[0]
        self.cpu_seconds[key] = self.cpu_seconds.get(key, 0.0) + now[1] - since[1]
        return now

    # ---------------------------------------------------------------- one day
    def observe(self, events: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
        """Take one day's events, return the day's ``alerts``, ``actions``, ``list_membership``
        and ``list_changes``."""
        refuse_truth(events)
        day = self.day
        t = _now()
        membership = self.registry.advance(day)
        observed = self.sensors.observe(events, day)
        t = self._clock("sensors", t)
        self._buffer.append(observed)
        window = {name: pa.concat_tables([b[name] for b in self._buffer])
                  for name in OBSERVED}
        scores = []
        for name, scorer in self.scorers.items():
            level = scorer.levels(day, observed)
            scores.append(scores_table(name, level, self._prev_level[name]))
            self._prev_level[name] = level
        t = self._clock("scorers", t)
        members, homes = self._member_homes()
        tables = {**window, **self._static, "members": members, "member_homes": homes,
                  "scores": pa.concat_tables(scores) if scores else SCORES.empty_table()}
        register(self.session, tables, self._daily)
        self.observed, self.relations = observed, tables
        if self._today is not None:
            register(self._today, {**tables, **observed}, self._daily_today)
        self._clock("relations", t)
        alerts = self._alerts(day)
        t = _now()
        self.features.update(observed, alerts)
        actions = schema.ACTIONS.empty_table()
        if self.scenario.response.enabled:
            actions = triage(alerts, {r.name: r.action for r in self.rules},
                             {r.name: r.category for r in self.rules},
                             self.scenario.response, self.people, day, self._next_action)
        self._next_action += actions.num_rows
        self._actions = actions
        self.registry.record_contacts(actions.column("person").to_numpy())
        self._clock("triage", t)
        self.day += 1
        return {"alerts": alerts, "actions": actions, "list_membership": membership,
                "list_changes": self.registry.changes}

    def _member_homes(self) -> tuple[pa.Table, pa.Table]:
        """Today's ``members`` and ``member_homes``: the last day's tables while the lists'
        members are the same (the households are computed again only when they change)."""
        members = self.registry.members_table()
        if self._members is None or not self._members[0].equals(members):
            self._members = (members, member_homes(members, self._household))
        return self._members

    def _alerts(self, day: int) -> pa.Table:
        parts = []
        held = HeldTables(day, self.relations, self.observed, holidays=self._holidays)
        for rule in self.rules:
            t = _now()
            native = self._native[rule.name]
            if native is not None:
                table = run_native(native, rule, held, start_weekday=self._start_weekday)
                parts.append(table.add_column(0, "rule", pa.array([rule.name] * table.num_rows,
                                                                  pa.string())))
                self._clock(f"rule:{rule.name}", t)
                continue
            compiled = self._sql[rule.name]
            sql = f"SELECT $rule_name AS rule, * FROM ({compiled.sql}) ORDER BY t, persons, place"
            session = self._today if self._today_only[rule.name] else self.session
            parts.append(session.query(sql, day=day, rule_name=rule.name, **compiled.params))
            self._clock(f"rule:{rule.name}", t)
        t = _now()
        out = alert_table(parts, self.registry.redlisted, self.scenario.redlist.enabled,
                          first_id=self._next_alert)
        self._next_alert += out.num_rows
        self._clock("alerts", t)
        return out

    def interventions(self) -> list[Intervention]:
        """The records of the last observed day's actions, for the runner to apply to the world
        (they take effect from the next day)."""
        return interventions(self._actions, self.day, self.scenario.response)
