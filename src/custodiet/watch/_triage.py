"""Triage and response: which alerts the police answer with the day's capacity, and how.

Each (alert, person) pair of an unsuppressed alert whose rule has an action is a candidate;
candidates are answered in the order of their rule's category in ``response.priority``
(political first, NYT-17), then by alert time and id; a person is acted on at most once a day;
the first ``capacity`` candidates get their rule's action (HRW-2: an alert becomes a mission).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.scenario.models import Response
from custodiet.schema import ACTIONS, MINUTES_PER_DAY, POLICE_ACTIONS

DAY = MINUTES_PER_DAY


def capacity(response: Response, people: int) -> int:
    """Persons the police can act on per day."""
    return round(response.capacity_per_100k * people / 1e5)


def effects(response: Response, when: int) -> dict[str, str]:
    """The ``effect`` string of each police action (``schema.POLICE_ACTIONS``) taken at minute
    ``when``: ``until=<minute>`` for an action that lasts, else ``chill=<probability>``."""
    return {a.name: (f"until={when + getattr(response, a.lasts) * DAY}" if a.lasts
                     else f"chill={response.chill}") for a in POLICE_ACTIONS}


def triage(alerts: pa.Table, rule_action: dict[str, str], rule_category: dict[str, str],
           response: Response, people: int, day: int, first_action_id: int) -> pa.Table:
    """The day's actions (``schema.ACTIONS``) answering ``alerts``."""
    kept = alerts.filter(pc.invert(alerts.column("suppressed_by_redlist")))
    persons = kept.column("persons")
    parent = pc.list_parent_indices(persons).to_numpy()
    person = pc.list_flatten(persons).to_numpy()
    rules = kept.column("rule").to_numpy(zero_copy_only=False).astype(str)
    names = np.array(sorted(rule_action), dtype=str)
    code = np.searchsorted(names, rules) if names.size else np.zeros(0, int)
    action_of = np.array([rule_action[r] for r in names], dtype=str)
    rank_of = np.array([response.priority.index(rule_category[r])
                        if rule_category[r] in response.priority else len(response.priority)
                        for r in names], dtype=np.int64)
    alert_action = action_of[code] if names.size else np.zeros(0, str)
    alert_rank = rank_of[code] if names.size else np.zeros(0, np.int64)
    t = kept.column("t").to_numpy()
    alert_id = kept.column("alert_id").to_numpy()
    acts = alert_action[parent] != "none"
    parent, person = parent[acts], person[acts]
    order = np.lexsort((person, alert_id[parent], t[parent], alert_rank[parent]))
    parent, person = parent[order], person[order]
    _, first = np.unique(person, return_index=True)
    first = np.sort(first)[: capacity(response, people)]
    parent, person = parent[first], person[first]
    kind = alert_action[parent]
    when = (day + 1) * DAY
    effect_of = effects(response, when)
    effect = np.full(kind.size, "", dtype=object)
    for name, text in effect_of.items():
        effect[kind == name] = text
    return pa.table({
        "action_id": np.arange(first_action_id, first_action_id + person.size, dtype=np.int64),
        "alert_id": alert_id[parent].astype(np.int64), "kind": pa.array(kind, pa.string()),
        "person": person.astype(np.int64), "t": np.full(person.size, when, np.int64),
        "effect": pa.array(effect, pa.string()),
    }, schema=ACTIONS)
