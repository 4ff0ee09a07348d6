"""The null world, rule by rule: how many of a rule's alerts would come anyway in the same city
where nobody does anything unlawful.

The study's ``null_world`` twin removes every unlawful act and standing wrongdoing (no drug
deal, no theft, no sham marriage) and keeps everything lawful: petitions and protests go on,
crowded rentals stay administrative statuses, and the police act on nothing. A rule is judged
against it by what it aims at (:func:`aim_of`, from the kinds it claims):

- ``unlawful_act``: a rule claiming some unlawful act. Its *null-world ratio* is its alerts in
  the null world over its alerts in the ``no_response`` twin (the same city with its acts,
  also without a response, so the response is on neither side): 1 means its alerts do not
  depend on the acts at all, 0 that every one of them needs an act.
- ``standing``: a rule claiming a standing state of wrongdoing (a sham marriage). The null
  world has none, so its ratio says the same of the state; it is not an act-rule ratio.
- ``lawful_act``: a rule claiming only lawful acts (petitions, protests), which the null world
  keeps: its ratio is near 1 by construction and says nothing of coincidence.
- ``status``: a rule claiming only an administrative status (the meters' crowded rentals),
  which the null world keeps: its alerts do not depend on any act.

The police response's own part is measured apart: the ``watch`` run's alerts against the
``no_response`` twin's, as the *response share* of the watched run's alerts (1 − without /
with; negative where acting on alerts removed alerts). Intervals come from the bootstrap
nested by city and person (:class:`custodiet.audit.ClusteredSample`; an alert's cluster is
the lowest person id it names, the same person in every twin of a city), never narrower than
the interval of the counts as independent Poisson counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb
import pyarrow as pa

from custodiet.audit.sim._sections import NullWorldAlerts
from custodiet.schema import INCIDENT_TABLE

Con = duckdb.DuckDBPyConnection

AIMS: tuple[str, ...] = ("unlawful_act", "standing", "lawful_act", "status")
"""What a rule aims at, in the order :func:`aim_of` tests them."""
ACT_AIM = "unlawful_act"

_UNLAWFUL_ACTS = frozenset(k.kind for k in INCIDENT_TABLE if k.category == "act" and not k.lawful)
_STANDING = frozenset(k.kind for k in INCIDENT_TABLE if k.category == "standing" and not k.lawful)
_LAWFUL = frozenset(k.kind for k in INCIDENT_TABLE if k.lawful)

WORLD = ("the same city where nobody does anything unlawful (no unlawful act, no sham marriage) "
         "while lawful petitions and protests go on and crowded rentals stay, with no police "
         "response, against the twin city without a response")
"""What the null world is and what it is compared with, in words."""

NULL_ALERTS = pa.schema([("run", pa.string()), ("rule", pa.string()), ("cluster", pa.int64())])
"""One row per unsuppressed alert of a seed's ``watch``, ``no_response`` (``base``) and
``null_world`` runs: the cluster is the lowest person id it names (-1 when none)."""


def aim_of(kinds: Iterable[str]) -> str:
    """What a rule claiming ``kinds`` aims at (see the module docstring)."""
    kinds = set(kinds)
    if kinds & _UNLAWFUL_ACTS:
        return "unlawful_act"
    if kinds & _STANDING:
        return "standing"
    if kinds & _LAWFUL:
        return "lawful_act"
    return "status"


def _alerts(con: Con, run: str) -> pa.Table:
    return con.execute(
        "SELECT ? AS run, rule, coalesce(list_min(persons), -1) AS cluster FROM alerts "
        "WHERE NOT suppressed_by_redlist ORDER BY alert_id", [run]).to_arrow_table().cast(
        NULL_ALERTS)


def null_alerts(watch: Con, no_response: Con | None, null_world: Con) -> pa.Table:
    """The seed's alerts of the runs the null-world ratio compares (``NULL_ALERTS``)."""
    parts = [_alerts(watch, "watch"), _alerts(null_world, "null")]
    if no_response is not None:
        parts.append(_alerts(no_response, "base"))
    return pa.concat_tables(parts)


def null_rows(table: pa.Table, aims: Mapping[str, str], *, has_base: bool
              ) -> list[NullWorldAlerts]:
    """Per rule of ``aims`` (rule → aim): its alerts in the watched run, the no-response twin
    (None unless ``has_base``: that twin ran) and the null world."""
    run = table["run"].to_numpy(zero_copy_only=False)
    rule = table["rule"].to_numpy(zero_copy_only=False)
    out = []
    for name, aim in aims.items():
        mine = rule == name
        out.append(NullWorldAlerts(
            rule=name, alerts=int((mine & (run == "watch")).sum()),
            null_world_alerts=int((mine & (run == "null")).sum()), aim=aim,
            baseline_alerts=int((mine & (run == "base")).sum()) if has_base else None))
    return out


def null_world_figures(rows: Iterable[NullWorldAlerts]) -> dict[str, float | None]:
    """The headline's null-world figures: the alerts the rules claiming an unlawful act raised
    in the null world, and their ratio to the same rules' alerts in the baseline run (None
    when a rule has no baseline or the baseline raised none)."""
    acts = [r for r in rows if r.aim == ACT_AIM]
    total = sum(r.null_world_alerts for r in acts)
    base = sum(r.baseline_alerts or 0 for r in acts)
    return {"null_world_alerts": total,
            "null_to_actual_alerts": (total / base if base and all(
                r.baseline_alerts is not None for r in acts) else None)}
