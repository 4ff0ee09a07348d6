"""Red list and triage against brute-force references on random alerts (hypothesis)."""

from __future__ import annotations

from typing import get_args

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from custodiet import schema
from custodiet.scenario._watch import Response
from custodiet.watch._triage import triage
from custodiet.watch._watch import redlist_hits

PEOPLE = 8
RULES = {"pol": ("political", "visit"), "cri": ("crime", "detain"), "soc": ("social", "none"),
         "sta": ("stability", "block_travel")}


@st.composite
def alerts(draw: st.DrawFn) -> tuple[pa.Table, np.ndarray]:
    n = draw(st.integers(0, 12))
    persons = [sorted(draw(st.sets(st.integers(0, PEOPLE - 1), min_size=1, max_size=3)))
               for _ in range(n)]
    redlisted = np.array([draw(st.booleans()) for _ in range(PEOPLE)])
    table = pa.table({
        "alert_id": np.arange(n, dtype=np.int64),
        "rule": [draw(st.sampled_from(sorted(RULES))) for _ in range(n)],
        "t": [draw(st.integers(0, 5)) for _ in range(n)],
        "persons": pa.array(persons, pa.list_(pa.int64())),
        "place": np.full(n, -1, np.int64),
        "suppressed_by_redlist": redlist_hits(pa.array(persons, pa.list_(pa.int64())),
                                              redlisted),
    }, schema=schema.ALERTS)
    return table, redlisted


@settings(max_examples=80, deadline=None)
@given(data=alerts())
def test_redlist_hits_match_brute_force(data: tuple[pa.Table, np.ndarray]) -> None:
    table, redlisted = data
    expected = [any(redlisted[p] for p in ps) for ps in table.column("persons").to_pylist()]
    assert table.column("suppressed_by_redlist").to_pylist() == expected


@settings(max_examples=80, deadline=None)
@given(data=alerts(), cap=st.integers(0, 10))
def test_triage_matches_brute_force(data: tuple[pa.Table, np.ndarray], cap: int) -> None:
    table, _ = data
    response = Response(capacity_per_100k=cap, priority=["political", "stability", "crime",
                                                          "social"])
    got = triage(table, {r: a for r, (_, a) in RULES.items()},
                 {r: c for r, (c, _) in RULES.items()}, response, 100_000, day=0,
                 first_action_id=0)
    # Reference: candidates in priority order, then time, alert id, person; once per person.
    cands = []
    for row in table.to_pylist():
        category, action = RULES[row["rule"]]
        if row["suppressed_by_redlist"] or action == "none":
            continue
        for p in row["persons"]:
            cands.append((response.priority.index(category), row["t"], row["alert_id"], p,
                          action))
    chosen, seen = [], set()
    for c in sorted(cands):
        if c[3] not in seen:
            seen.add(c[3])
            chosen.append(c)
    chosen = chosen[:cap]
    assert got.column("person").to_pylist() == [c[3] for c in chosen]
    assert got.column("alert_id").to_pylist() == [c[2] for c in chosen]
    assert got.column("kind").to_pylist() == [c[4] for c in chosen]
    # Actions take effect at the start of the next day (day 0 here: minute 1440).
    effect = {"visit": f"chill={response.chill}",
              "block_travel": f"until={1440 + response.block_days * 1440}",
              "detain": f"until={1440 + response.detain_days * 1440}"}
    assert got.column("effect").to_pylist() == [effect[c[4]] for c in chosen]


def test_actions_and_incident_kinds_have_one_definition() -> None:
    """A rule's ``action`` and ``detects`` accept exactly the schema's police actions (and
    "none") and incident kinds, and every police action has a triage effect."""
    from custodiet.scenario._watch import ACTIONS, Action, IncidentKind
    from custodiet.watch._triage import effects

    assert get_args(Action) == ACTIONS == ("none", *schema.POLICE_ACTION_NAMES)
    assert get_args(IncidentKind) == schema.INCIDENT_KINDS
    assert set(effects(Response(), 0)) == set(schema.POLICE_ACTION_NAMES)
