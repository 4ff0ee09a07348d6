"""Figures pooled over the seeds of a study (each seed a fresh city): per rule and per system,
alerts and true alerts added up, precision and lift over chance on the pooled alerts with the
intervals of ``_alert_shares``, and the administrative statuses found apart (status
precision, the status base rate of chance alerts); the list feedback loop per list, who is on
which list by category, the red list, the petition trips, what acting stopped and what each
incident kind lost, added up over seeds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from custodiet.audit.sim._alert_shares import (
    alert_outcomes,
    clustered_figures,
    contact_share,
    lawful_interval,
    true_precision,
    wilson,
)
from custodiet.audit.sim._burden import LISTED_CATEGORIES
from custodiet.audit.sim._pooled_figures import (
    PooledRule,
    PooledSystem,
)
from custodiet.audit.sim._pooled_innocents import (
    counted,
    innocents_interval,
    innocents_per_day_interval,
)
from custodiet.audit.sim._pooled_rows import (
    KindEffect,
    Knowability,
    ListCategoryShare,
    ListTotals,
    PooledLists,
    Spread,
)
from custodiet.audit.sim._sections import (
    PetitionTrips,
    RedList,
    RedListCounts,
    Stopped,
    Suppressed,
)
from custodiet.audit.sim._study import SeedAudit


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def _pool(rows: Iterable[Any], lift: Iterable[Any] = ()) -> dict[str, Any]:
    """The pooled figures of ``rows`` (fields of :class:`PooledFigures`)."""
    rows, lift = list(rows), list(lift)
    alerts = sum(r.alerts for r in rows)
    true = sum(r.true_alerts for r in rows)
    innocents = sum(r.innocents_flagged for r in rows)
    low, high = wilson(true, alerts)
    out: dict[str, Any] = {
        "alerts": alerts, "true_alerts": true, "precision": _ratio(true, alerts),
        "precision_low": low, "precision_high": high, "innocents_flagged": innocents,
        "persons_flagged": sum(r.persons_flagged for r in rows),
        "innocents_per_true_alert": _ratio(innocents, true),
        "innocents_per_day": _ratio(sum(r.innocents_per_day for r in rows), len(rows)),
        "lawful_alerts": sum(r.lawful_alerts for r in rows),
        "lawful_share": _ratio(sum(r.lawful_alerts for r in rows), alerts),
        "suppressed": sum(r.suppressed for r in rows), "with_chance": bool(lift)}
    if lift:
        chance_n = sum(x.chance_alerts for x in lift)
        chance_true = sum((x.chance_precision or 0.0) * x.chance_alerts for x in lift)
        cp = _ratio(chance_true, chance_n)
        out["chance_precision"] = cp
        out["lift"] = out["precision"] / cp if out["precision"] is not None and cp else None
    out.update(_status(rows, lift))
    return out


def _status(rows: list[Any], lift: list[Any]) -> dict[str, Any]:
    """The administrative statuses found apart: status alerts, status precision with its
    Wilson interval (undefined when no rule claims a status), the people flagged for one, and
    with chance alerts the status base rate and the status lift."""
    claims = any(r.status_precision is not None for r in rows) or \
        any(x.status_base_rate is not None for x in lift)
    found = sum(r.status_alerts for r in rows)
    alerts = sum(r.alerts for r in rows)
    low, high = wilson(found, alerts) if claims else (None, None)
    sp = _ratio(found, alerts) if claims else None
    out: dict[str, Any] = {
        "status_alerts": found, "status_precision": sp, "status_precision_low": low,
        "status_precision_high": high,
        "status_persons_flagged": sum(r.status_persons_flagged for r in rows)}
    if lift:
        n = sum(x.chance_alerts for x in lift)  # a rule claiming no status: chance finds none
        base = _ratio(sum((x.status_base_rate or 0.0) * x.chance_alerts for x in lift), n) \
            if claims else None
        out["status_base_rate"] = base
        out["status_lift"] = sp / base if sp is not None and base else None
    return out


def rules_pooled(audits: Sequence[SeedAudit]) -> list[PooledRule]:
    """Per rule (name order): the pooled figures (see the module docstring)."""
    names = sorted({r.rule for a in audits for r in a.rules if r.rule is not None})
    cities, out = alert_outcomes(audits), []
    for n in names:
        rows = [r for a in audits for r in a.rules if r.rule == n]
        lift = [x for a in audits for x in (a.lift or []) if x.rule == n]
        pooled = _pool(rows, lift)
        out.append(PooledRule(rule=n, **{**pooled, **clustered_figures(cities, {n}),
                                         **innocents_interval(audits, rules={n},
                                                              expected=counted(pooled))}))
    return out


def wrongdoing_pooled(audits: Sequence[SeedAudit]) -> PooledSystem | None:
    """The rules that claim some wrongdoing, together, over the seeds: the figures the
    headline's precision and innocents pool, with the nested-bootstrap intervals of their
    precision, innocents per true alert and per day, and the share of alerts that caught only
    a lawful act; None when no seed says which rules they are."""
    if not audits or any(a.wrongdoing_rules is None for a in audits):
        return None
    names = sorted({r for a in audits for r in (a.wrongdoing_rules or [])})
    cities = alert_outcomes(audits)
    pooled = _pool([a.overall for a in audits])
    clustered = clustered_figures(cities, set(names))
    return PooledSystem(system="(rules claiming wrongdoing)", rules=names,
                        **{**pooled, **clustered, **innocents_interval(audits),
                           **innocents_per_day_interval(
                               audits, expected=pooled["innocents_per_day"]),
                           **lawful_interval(cities, set(names), pooled),
                           **true_precision(audits),
                           "with_chance": "lift_low" in clustered})


def systems_pooled(audits: Sequence[SeedAudit]) -> list[PooledSystem]:
    """Per system: its rules and the pooled figures over its rules' alerts."""
    names = sorted({s.system for a in audits for s in (a.systems or [])})
    cities, out = alert_outcomes(audits), []
    for n in names:
        rows = [s for a in audits for s in (a.systems or []) if s.system == n]
        members = set(rows[0].rules)
        lift = [x for a in audits for x in (a.lift or []) if x.rule in members]
        pooled = _pool(rows, lift)
        out.append(PooledSystem(system=n, rules=rows[0].rules,
                                **{**pooled, **clustered_figures(cities, members),
                                   **innocents_interval(audits, rules=members,
                                                        expected=counted(pooled))}))
    return out


def lists_pooled(audits: Sequence[SeedAudit]) -> PooledLists:
    """Per list: members on the first and last day, those listed only because of a contact at
    the end, growth, alerts and actions on contact-listed people; who is on which list by
    category (members ever on it and those in each category), all added over seeds."""
    per_list: dict[str, dict[str, int]] = {}
    cats: dict[tuple[str, str], list[int]] = {}
    for a in audits:
        if a.lists is None:
            continue
        for name in {r.list for r in a.lists.sizes}:
            rows = [r for r in a.lists.sizes if r.list == name]
            acc = per_list.setdefault(name, dict.fromkeys(
                ("start", "end", "from_contact_at_end", "alerts", "alerts_on_contact_listed",
                 "actions_on_contact_listed"), 0))
            acc["start"] += rows[0].members if rows[0].day == 0 else 0
            acc["end"] += rows[-1].members
            acc["from_contact_at_end"] += rows[-1].from_contact
        for f in a.lists.by_list:
            acc = per_list.setdefault(f.list, dict.fromkeys(
                ("start", "end", "from_contact_at_end", "alerts", "alerts_on_contact_listed",
                 "actions_on_contact_listed"), 0))
            acc["alerts"] += f.alerts
            acc["alerts_on_contact_listed"] += f.alerts_on_contact_listed
            acc["actions_on_contact_listed"] += f.actions_on_contact_listed
        for c in a.lists.by_category:
            cell = cats.setdefault((c.list, c.category), [0, 0])
            cell[0] += c.members
            cell[1] += c.in_category
    by_list = [ListTotals(list=k, **v, growth=_ratio(v["end"], v["start"]),
                          contact_listed_alert_share=_ratio(v["alerts_on_contact_listed"],
                                                            v["alerts"]))
               for k, v in sorted(per_list.items())]
    order = {c: i for i, c in enumerate(LISTED_CATEGORIES)}
    by_cat = [ListCategoryShare(li, c, m, n, _ratio(n, m))
              for (li, c), (m, n) in sorted(cats.items(),
                                            key=lambda kv: (kv[0][0], order.get(kv[0][1], 99)))]
    return PooledLists(by_list, by_cat, contact_share=contact_share(audits))


def _added(parts: Sequence[Any]) -> dict[str, int]:
    """Rows of counts (sections with ``to_dict()``) added field by field over seeds."""
    dicts = [p.to_dict() for p in parts]
    return {k: sum(d[k] for d in dicts) for k in dicts[0]}


def redlist_pooled(audits: Sequence[SeedAudit]) -> RedList | None:
    """The red-list figures added over seeds (``without_redlist`` and the unseen incidents
    followed into the twin, ``hidden`` among them, when the twin without the red list ran for
    every seed)."""
    reds = [a.redlist for a in audits if a.redlist is not None]
    if not reds:
        return None

    out: dict[str, Any] = {"redlisted_persons": sum(r.redlisted_persons for r in reds),
                           "alerts_suppressed": sum(r.alerts_suppressed for r in reds),
                           "with_redlist": RedListCounts(**_added([r.with_redlist
                                                                  for r in reds]))}
    if all(r.suppressed is not None for r in reds):
        out["suppressed"] = Suppressed(**_added([r.suppressed for r in reds]))
    if all(r.without_redlist is not None for r in reds):
        out["without_redlist"] = RedListCounts(**_added([r.without_redlist for r in reds]))
        for name in ("hidden", "unseen_in_twin_too", "not_in_twin"):
            out[name] = sum(getattr(r, name) or 0 for r in reds)
            unlawful = [getattr(r, f"{name}_unlawful") for r in reds]
            if None not in unlawful:  # absent from stores written before the split
                out[f"{name}_unlawful"] = sum(unlawful)
    return RedList(**out)


def trips_pooled(audits: Sequence[SeedAudit]) -> PetitionTrips | None:
    """Petition trips and what saw them, added over seeds (each count is a sum)."""
    parts = [a.trips for a in audits if a.trips is not None]
    return PetitionTrips(**_added(parts)) if parts else None


def stopped_pooled(audits: Sequence[SeedAudit]) -> Stopped | None:
    """What acting on alerts stopped, in total over the seeds (each city's distinct
    incidents and people added: the cities are different cities); None unless every seed's
    twin without response ran."""
    parts = [a.twins.stopped for a in audits if a.twins is not None]
    if not audits or len(parts) < len(audits) or any(p is None for p in parts):
        return None
    return Stopped(**_added(parts))


def knowability_pooled(audits: Sequence[SeedAudit]) -> list[Knowability] | None:
    """Per rule, over seeds: alerts, true alerts the police can see (matched against what still
    happened) and true alerts against the twin without response, with both precisions."""
    rows = [r for a in audits if a.twins is not None for r in (a.twins.precision_by_rule or [])]
    if not rows:
        return None
    out = []
    for name in sorted({r.rule for r in rows}):
        mine = [r for r in rows if r.rule == name]
        n = sum(r.alerts for r in mine)
        seen = sum(r.true_alerts_seen for r in mine)
        true = sum(r.true_alerts_true for r in mine)
        out.append(Knowability(name, n, seen, true, _ratio(seen, n), _ratio(true, n),
                               true - seen, sum(r.lawful_alerts_seen for r in mine),
                               sum(r.lawful_alerts_true for r in mine)))
    return out


def effects_by_kind(audits: Sequence[SeedAudit]) -> list[KindEffect] | None:
    """Per incident kind, over seeds: deterrence (``no_system`` − ``no_response``) and
    interception (``no_response`` − ``watch``), each only the part by touched persons and
    the spillover, and their sum, the total effect of the system; mean with intervals and range."""
    from custodiet.audit.sim._summary import summarise

    twins = [a.twins for a in audits if a.twins is not None and
             a.twins.interception_by_kind is not None]
    if not twins:
        return None
    kinds = sorted({r.kind for t in twins for r in t.interception_by_kind or []} |
                   {r.kind for t in twins for r in t.deterrence_by_kind or []})
    out = []
    for k in kinds:
        def part(rows: Sequence[Any] | None, k: str = k) -> int | None:
            if rows is None:
                return None
            return sum(r.effect for r in rows if r.kind == k)

        lawful = any(r.lawful for t in twins for r in (t.interception_by_kind or [])
                     + (t.deterrence_by_kind or []) if r.kind == k)
        det = [part(t.deterrence_by_kind) for t in twins]
        inter = [part(t.interception_by_kind) for t in twins]
        total = [None if d is None or i is None else d + i for d, i in zip(det, inter,
                                                                             strict=True)]
        out.append(KindEffect(k, lawful, Spread(**summarise(det)),
                              Spread(**summarise(inter)), Spread(**summarise(total))))
    return out
