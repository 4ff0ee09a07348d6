"""Replaying the watch: what it observed over a run, kept once, and one rule run again over it.

A client that tries rule after rule over a city already simulated (the workbench) records what
a watch observed each day (:func:`record`), registers each day's relations in a session of its
own (``register``), and replays one rule over those sessions (:func:`replay_rule`): the alerts
are the ones the watch itself raises for that rule, in its order and with its red-list
suppression (:func:`~custodiet.watch.alert_table`), without replacing any part of the watch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from custodiet.engine import Session
from custodiet.scenario import Scenario
from custodiet.watch._inputs import STATIC_RELATIONS
from custodiet.watch._rules import compile_rule, run_rule
from custodiet.watch._watch import Watch, alert_table


@dataclass(frozen=True)
class Observations:
    """What a watch observed over a run: each day's observed events (``OBSERVED`` by name),
    the relations that are the same every day (``STATIC_RELATIONS``), each day's scorer
    levels (``scores``) and who was red-listed."""

    days: list[dict[str, pa.Table]]
    relations: dict[str, pa.Table]
    scores: list[pa.Table]
    redlisted: np.ndarray


def record(scenario: Scenario, static_tables: Mapping[str, pa.Table],
           events: Iterable[Mapping[str, pa.Table]],
           on_day: Callable[[int], None] | None = None) -> Observations:
    """Run the watch of ``scenario`` over each day's observable ``events`` (as a run does) and
    keep what it observed; ``on_day`` is called with each day done."""
    world = scenario.world
    watch = Watch(scenario, static_tables, start_weekday=world.start_weekday,
                  holidays=world.holiday_days)
    days: list[dict[str, pa.Table]] = []
    scores: list[pa.Table] = []
    for day, today in enumerate(events):
        watch.observe(today)
        days.append(watch.observed)
        scores.append(watch.relations["scores"])
        if on_day:
            on_day(day)
    relations = {name: watch.relations[name] for name in STATIC_RELATIONS} if days else {}
    return Observations(days, relations, scores, watch.registry.redlisted.copy())


def replay_rule(scenario: Scenario, rule: Any, sessions: Sequence[Session],
                redlisted: np.ndarray, *, threads: int = 1) -> pa.Table:
    """The alerts (``schema.ALERTS``) ``rule`` raises over the days of ``sessions`` (day ``d``
    evaluated on ``sessions[d]``, which holds that day's relations as the watch registers
    them), with ``scenario``'s calendar and red list, numbered from 0; ``threads`` days at
    once (each session is used by one thread)."""
    world = scenario.world
    compiled = compile_rule(rule, start_weekday=world.start_weekday,
                            holidays=world.holiday_days)
    name = pa.scalar(rule.name, pa.string())

    def one(day: int) -> pa.Table:
        table = run_rule(sessions[day], rule, day, compiled)
        return table.add_column(0, "rule", pa.repeat(name, table.num_rows))
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        parts = list(pool.map(one, range(len(sessions))))
    return alert_table(parts, redlisted, scenario.redlist.enabled)
