"""Plain-Python brute-force references of the rule templates, for tests only.

Each function follows the documented semantics word by word over lists of row dicts, with no
cleverness, so that a disagreement with the SQL engine points at a bug in one of them.
"""

from __future__ import annotations

import math
from typing import Any

DAY = 1440
Rows = list[dict[str, Any]]
Alert = tuple[int, tuple[int, ...], int]


def _listed(rule: Any, members: Rows) -> set[int] | None:
    if not rule.lists:
        return None
    return {m["person"] for m in members if m["list"] in rule.lists}


def _ok(person: int, listed: set[int] | None) -> bool:
    return listed is None or person in listed


def _kind(places: Rows) -> dict[int, str]:
    return {p["place_id"]: p["kind"] for p in places}


def _within(places: Rows, p: int, q: int, r: float) -> bool:
    pp = {x["place_id"]: x for x in places}
    dx, dy = pp[p]["x"] - pp[q]["x"], pp[p]["y"] - pp[q]["y"]
    return not math.isnan(dx + dy) and dx * dx + dy * dy <= r * r


def gathering(rule: Any, t: dict[str, Rows], day: int) -> list[Alert]:
    kind, listed = _kind(t["places"]), _listed(rule, t["members"])
    s = [x for x in t["stays"] if kind[x["place"]] == rule.place_kind and _ok(x["person"], listed)]
    w = rule.window_minutes
    out = []
    for a in s:
        if a["seen_day"] != day:
            continue
        key_a = (a["seen_day"], a["end"], a["person"], a["start"])
        others = set()
        for b in s:
            if b["person"] == a["person"]:
                continue
            if b["place"] != a["place"] and not (
                    rule.radius_m > 0 and _within(t["places"], a["place"], b["place"],
                                                  rule.radius_m)):
                continue
            if not (b["start"] < a["end"] + w and b["end"] > a["start"] - w):
                continue
            if (b["seen_day"], b["end"], b["person"], b["start"]) < key_a:
                others.add(b["person"])
        if len(others) >= rule.k - 1:
            out.append((a["end"], tuple(sorted(others | {a["person"]})), a["place"]))
    return sorted(out)


def _own(t: dict[str, Rows], person: int, place: int) -> bool:
    """Whether ``place`` is the person's recorded home or workplace or school."""
    return any(r["person"] == person and place in (r["home_place"], r["work_place"])
               for r in t.get("records", []))


def near(rule: Any, t: dict[str, Rows], day: int) -> list[Alert]:
    kind, listed = _kind(t["places"]), _listed(rule, t["members"])
    targets = [p["place_id"] for p in t["places"] if p["kind"] == rule.place_kind]

    def counts(x: dict[str, Any]) -> bool:
        return (_ok(x["person"], listed) and x["end"] - x["start"] >= rule.min_minutes
                and not (rule.exclude_own and _own(t, x["person"], x["place"]))
                and any(_within(t["places"], x["place"], g, rule.radius_m) for g in targets))

    q = [x for x in t["stays"] if x["place"] in kind and counts(x)]
    out = []
    for a in q:
        if a["seen_day"] != day:
            continue
        n = sum(1 for b in q if b["person"] == a["person"]
                and a["end"] - rule.window_minutes < b["end"] <= a["end"])
        if n >= rule.min_times:
            out.append((a["end"], (a["person"],), a["place"]))
    return sorted(out)


def dwell(rule: Any, t: dict[str, Rows], day: int) -> list[Alert]:
    kind, listed = _kind(t["places"]), _listed(rule, t["members"])
    return sorted(
        (x["start"] + rule.min_minutes, (x["person"],), x["place"]) for x in t["stays"]
        if x["seen_day"] == day and kind[x["place"]] == rule.place_kind
        and x["end"] - x["start"] >= rule.min_minutes and _ok(x["person"], listed))


def frequency(rule: Any, t: dict[str, Rows], day: int) -> list[Alert]:
    listed = _listed(rule, t["members"])
    w = rule.window_minutes
    out = []
    if rule.event == "calls" and rule.counterpart == "same":
        return _same_number(rule, t, day, listed)
    if rule.event == "calls":
        f = []
        for c in t["calls"]:
            if not _ok(c["caller"], listed) or (rule.out_of_town and not c["out_of_town"]):
                continue
            if rule.new_only and any(e["caller"] == c["caller"] and e["callee"] == c["callee"]
                                     and e["t"] < c["t"] for e in t["calls"]):
                continue
            f.append(c)
        for a in f:
            if a["seen_day"] != day:
                continue
            window = [b for b in f if b["caller"] == a["caller"] and a["t"] - w < b["t"] <= a["t"]]
            if len(window) >= rule.n and len({b["callee"] for b in window}) >= rule.distinct:
                out.append((a["t"], (a["caller"],), -1))
        return sorted(out)
    kind = _kind(t["places"])
    e = [x for x in t["stays"] if kind[x["place"]] == rule.place_kind and _ok(x["person"], listed)]
    for a in e:
        if a["seen_day"] != day:
            continue
        window = [b for b in e if b["person"] == a["person"]
                  and a["end"] - w < b["end"] <= a["end"]]
        companions = {o["person"] for b in window for o in t["stays"]
                      if o["place"] == b["place"] and o["person"] != b["person"]
                      and o["start"] < b["end"] and o["end"] > b["start"]}
        if len({b["start"] for b in window}) >= rule.n and len(companions) >= rule.distinct:
            out.append((a["end"], (a["person"],), a["place"]))
    return sorted(out)


def _same_number(rule: Any, t: dict[str, Rows], day: int, listed: set[int] | None
                 ) -> list[Alert]:
    w = rule.window_minutes
    f = [c for c in t["calls"] if _ok(c["caller"], listed)
         and (c["out_of_town"] or not rule.out_of_town)]
    out = []
    for a in f:
        if a["seen_day"] != day:
            continue
        same = [b for b in f if b["caller"] == a["caller"] and b["callee"] == a["callee"]]
        if rule.new_only and any(b["t"] <= a["t"] - w for b in same):
            continue
        if sum(1 for b in same if a["t"] - w < b["t"] <= a["t"]) >= rule.n:
            out.append((a["t"], (a["caller"],), -1))
    return sorted(out)


def movement(rule: Any, t: dict[str, Rows], day: int) -> list[Alert]:
    listed = _listed(rule, t["members"])
    district = {p["place_id"]: p["district"] for p in t["places"]}
    home = {r["person"]: r["district"] for r in t.get("records", [])}
    s = [x for x in t["stays"] if _ok(x["person"], listed) and x["place"] in district]
    out = []
    for a in s:
        if a["seen_day"] != day:
            continue
        if rule.mode == "leaves_home":
            if a["person"] in home and district[a["place"]] != home[a["person"]]:
                out.append((a["end"], (a["person"],), a["place"]))
            continue
        seen = {b["place"] if rule.mode == "places" else district[b["place"]] for b in s
                if b["person"] == a["person"]
                and a["end"] - rule.window_minutes < b["end"] <= a["end"]}
        if len(seen) >= rule.n:
            out.append((a["end"], (a["person"],), a["place"]))
    return sorted(out)


def anomaly(rule: Any, t: dict[str, Rows], day: int) -> list[Alert]:
    listed = _listed(rule, t["members"])
    homes = {h["household"]: h for h in t["homes"]}
    u = []
    for r in t["utility"]:
        h = homes.get(r["household"])
        if h is None:
            continue
        v = float(r[rule.meter])
        if rule.per_resident:
            v /= max(h["residents"], 1)
        u.append({**r, "v": v, "district": h["district"]})
    out = []
    for a in u:
        if a["seen_day"] != day:
            continue
        h = homes[a["household"]]
        if listed is not None and not set(h["persons"]) & listed:
            continue
        if rule.baseline == "own":
            prev = [b["v"] for b in u if b["household"] == a["household"]
                    and a["day"] - rule.baseline_days <= b["day"] < a["day"]]
            if not prev:
                continue
            base = sum(prev) / len(prev)
        else:
            same = [b["v"] for b in u if b["district"] == a["district"] and b["day"] == a["day"]]
            base = sum(same) / len(same)
        if a["v"] > rule.factor * base:
            out.append((a["day"] * DAY + DAY - 1, tuple(h["persons"]), h["home_place"]))
    return sorted(out)


def absence(rule: Any, t: dict[str, Rows], day: int) -> list[Alert]:
    listed = _listed(rule, t["members"])
    return sorted((p["start"] + rule.min_minutes, (p["person"],), -1) for p in t["phone_off"]
                  if p["seen_day"] == day and p["end"] - p["start"] >= rule.min_minutes
                  and _ok(p["person"], listed))


def apart(rule: Any, t: dict[str, Rows], day: int, holidays: tuple[int, ...] = ()
          ) -> list[Alert]:
    if (day + 1) % rule.window_days:
        return []
    listed = _listed(rule, t["members"])
    out = []
    for sp in t["spouses"]:
        if not (_ok(sp["a"], listed) or _ok(sp["b"], listed)):
            continue
        observed = together = 0
        for n in range(day - rule.window_days + 1, day + 1):
            if rule.holiday_only and n not in holidays:
                continue
            i = n * DAY + rule.night_minute
            pa_ = [x["place"] for x in t["stays"] if x["person"] == sp["a"]
                   and x["start"] <= i < x["end"]]
            pb = [x["place"] for x in t["stays"] if x["person"] == sp["b"]
                  and x["start"] <= i < x["end"]]
            for p in pa_:
                for q in pb:
                    observed += 1
                    together += p == q
        if observed >= rule.min_observed and together < rule.max_share * observed:
            out.append((day * DAY + DAY - 1, (sp["a"], sp["b"]), -1))
    return sorted(out)


def travel(rule: Any, t: dict[str, Rows], day: int) -> list[Alert]:
    kind, listed = _kind(t["places"]), _listed(rule, t["members"])
    tk = [k for k in t["tickets"] if _ok(k["person"], listed)
          and (rule.destination == "any" or kind.get(k["destination"]) == rule.destination)
          and (k["cash"] or not rule.cash_only)]
    out = []
    for a in tk:
        if a["seen_day"] != day:
            continue
        n = sum(1 for b in tk if b["person"] == a["person"]
                and a["t"] - rule.window_minutes < b["t"] <= a["t"])
        if n >= rule.min_tickets:
            out.append((a["t"], (a["person"],), a["destination"]))
    return sorted(out)


def checkpoint(rule: Any, t: dict[str, Rows], day: int) -> list[Alert]:
    kind, listed = _kind(t["places"]), _listed(rule, t["members"])
    return sorted((c["t"], (c["person"],), c["place"]) for c in t.get("checkpoints", [])
                  if c["seen_day"] == day and _ok(c["person"], listed)
                  and (rule.destination == "any" or kind.get(c["place"]) == rule.destination))


def score(rule: Any, t: dict[str, Rows], day: int) -> list[Alert]:
    listed = _listed(rule, t["members"])
    return sorted((day * DAY + DAY - 1, (s["person"],), -1) for s in t["scores"]
                  if s["scorer"] == rule.scorer and s["level"] >= rule.min_level
                  and s["prev_level"] < rule.min_level and _ok(s["person"], listed))


REFERENCES = {
    "gathering": gathering, "near": near, "dwell": dwell, "frequency": frequency,
    "anomaly": anomaly, "absence": absence, "apart": apart, "movement": movement,
    "travel": travel, "checkpoint": checkpoint, "score": score,
}


def _when(rule: Any, alert_t: int, start_weekday: int) -> bool:
    """Whether an alert at minute ``alert_t`` falls in the rule's hours and weekdays."""
    if rule.hours is not None:
        lo, hi = rule.hours
        minute = alert_t % DAY
        inside = [lo * 60 <= minute < hi * 60, minute >= lo * 60 or minute < hi * 60]
        if not inside[0 if lo < hi else 1]:
            return False
    return not rule.weekdays or (alert_t // DAY + start_weekday) % 7 in rule.weekdays


def reference(rule: Any, t: dict[str, Rows], day: int, start_weekday: int = 0,
              holidays: tuple[int, ...] = ()) -> list[Alert]:
    """The template's reference, keeping the alerts in the rule's hours and weekdays (the
    holiday's days for ``apart``)."""
    calendar = {"holidays": holidays} if rule.template == "apart" else {}
    return [a for a in REFERENCES[rule.template](rule, t, day, **calendar)
            if _when(rule, a[0], start_weekday)]
