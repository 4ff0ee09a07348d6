"""The four questions the reporting asks of a surveillance system, each answered in one plain
sentence written from a study's typed metrics (:class:`custodiet.audit.sim.StudyMetrics`):
does it work, whom does it burden, what does the red list hide, and can anyone know whether
it predicted right."""

from __future__ import annotations

from collections.abc import Callable

from custodiet.audit.sim import BURDENS, HIDES, KNOWABLE, WORKS, GroupContrast, StudyMetrics

#: A rule "does no better than chance" when its lift over chance is below this (assumption: a
#: rule that is not even 1.5 times as precise as naming random listed people at the same
#: moments adds little to the list itself).
CHANCE_BAND: float = 1.5

#: How the answers name the people of each listed category.
CATEGORY_LABELS: dict[str, str] = {
    "mental_illness_recorded": "people with a recorded mental illness",
    "petition_history_recorded": "people with a petition history on record",
    "drug_use_recorded": "people with recorded drug use",
    "criminal_record_recorded": "people with a criminal record",
    "protest_history_recorded": "people with a protest history on record",
    "hiv_recorded": "people with a recorded HIV infection",
    "foreign": "foreigners",
    "migrant": "migrants",
}


def pct(value: float | None) -> str:
    return "undefined" if value is None else f"{100 * value:.1f}%"


def times(value: float) -> str:
    return f"{value:.1f} times" if value < 10 else f"{value:,.0f} times"


def _n(value: float) -> str:
    return f"{value:,.0f}"


def works(metrics: StudyMetrics) -> str:
    """Does it work: how many rules never hit, how many do no better than chance, the best."""
    rules = [r for r in metrics.rules if r.alerts]
    if not rules:
        return "No rule raised an alert, so nothing can be said about whether it works."
    never = [r for r in rules if r.true_alerts == 0]
    chance = [r for r in rules if r.true_alerts and (r.lift is None or r.lift < CHANCE_BAND)]
    better = [r for r in rules if r.true_alerts and r.lift is not None
              and r.lift >= CHANCE_BAND]
    verdict = "No" if not better else ("Mostly not" if 2 * len(better) <= len(rules)
                                       else "For some rules")
    text = (f"{verdict}: of the {len(rules)} rules that raised alerts, {len(never)} never "
            f"raised a true one and {len(chance)} did no better than naming random members of "
            f"their lists at the same moments (less than {CHANCE_BAND:g} times chance)")
    if better:
        best = max(better, key=lambda r: r.lift or 0.0)
        text += (f"; {len(better)} did better, the best being {best.rule} "
                 f"({times(best.lift or 0.0)} chance, precision {pct(best.precision)})")
    return text + "."


#: The opening of every statement on administrative statuses.
STATUS_OPENING = ("An administrative status (such as a crowded rental: more occupants than "
                  "registered) breaks a registration rule and wrongs nobody, so an alert that "
                  "finds one is not counted as a true alert and the people living there count "
                  "as innocent.")


def statuses(metrics: StudyMetrics) -> str | None:
    """What the rules that claim an administrative status found, against its base rate among
    the people they could have named at random; None when no rule claims one."""
    rules = [r for r in metrics.rules if r.status_precision is not None]
    if not rules:
        return None
    parts = []
    for r in sorted(rules, key=lambda r: -r.alerts):
        text = (f"{r.rule} found one in {pct(r.status_precision)} of its "
                f"{_n(r.alerts)} alerts")
        base = r.status_base_rate
        if base is not None:
            text += (f", against a base rate of {pct(base)} for the same alerts naming random "
                     "people it watches")
            if r.status_lift is not None:
                text += f" ({times(r.status_lift)} chance)"
        parts.append(text)
    return f"{STATUS_OPENING} Of the rules that claim one, " + "; ".join(parts) + "."


def unseen(metrics: StudyMetrics) -> str | None:
    """What the system missed of the petition trips to the capital (NYT-12): how many left no
    ticket, how many no sensor recorded, and how many nobody saw; None without trips."""
    t = metrics.trips
    if not t or not t.petition_trips:
        return None
    n = t.petition_trips
    return (f"Of {_n(n)} petition trips to the capital, {_n(t.no_ticket)} left no ticket "
            f"(a private car or driver) and {_n(t.unrecorded)} passed no checkpoint either; "
            f"no alert matched {_n(t.no_alert)} of them, and {_n(t.unseen)} "
            f"({pct(t.unseen / n)}) were seen by nobody: no ticket, no checkpoint, no "
            "alert.")


def _category_ratios(c: GroupContrast) -> dict[str, float] | None:
    """The category's burdens relative to everyone else (None without a flag-rate ratio)."""
    out = {}
    for m in ("flag_rate", "list_days", "contacts", "camera_days"):
        r = c.ratio(m)
        if r is not None:
            out[m] = r
    return out if "flag_rate" in out else None


def burdens(metrics: StudyMetrics) -> str:
    """Whom it burdens: the listed category flagged most often relative to everyone else."""
    found = [(c.category, r) for c in metrics.category_contrasts()
             if (r := _category_ratios(c)) is not None]
    if not found:
        return ("No listed category had enough people to compare (groups under the "
                "suppression threshold are not shown).")
    col, r = max(found, key=lambda cr: cr[1]["flag_rate"])
    who = CATEGORY_LABELS.get(col, col)
    text = f"{who[0].upper()}{who[1:]} carry the heaviest burden: flagged {times(r['flag_rate'])} "
    text += "as often as everyone else"
    extra = [f"{times(r[m])} the {label}" for m, label in
             (("list_days", "days on a list"), ("contacts", "police contacts"),
              ("camera_days", "days under a camera")) if m in r]
    if extra:
        text += ", with " + ", ".join(extra[:-1]) + (" and " if len(extra) > 1 else "") + \
            extra[-1]
    others = sorted((c for c, x in found if c != col and x["flag_rate"] > 1.0),
                    key=lambda c: -dict(found)[c]["flag_rate"])
    if others:
        text += "; " + ", ".join(f"{CATEGORY_LABELS.get(c, c)} {times(dict(found)[c]['flag_rate'])}"
                                 for c in others[:3]) + " as often"
    return text + "."


def hides(metrics: StudyMetrics) -> str:
    """What the red list hides: suppressed alerts that would have been true, unseen incidents."""
    red = metrics.redlist
    if not red:
        return "The scenario has no key-person lists and so no red list to examine."
    w = red.with_redlist
    text = (f"The red list exempted {_n(red.redlisted_persons)} people and suppressed "
            f"{_n(red.alerts_suppressed)} alerts")
    if red.suppressed:
        text += f", {_n(red.suppressed.true_alerts)} of which would have matched an incident"
    text += (f"; red-listed people took part in {_n(w.incidents)} incidents, "
             f"{_n(w.unseen)} of which no alert saw")
    if red.hidden is not None:
        text += f" ({_n(red.hidden)} of them seen in the twin city without the red list)"
    return text + "."


def knowable(metrics: StudyMetrics) -> str:
    """Can anyone know: precision the police can compute against the twin's true precision."""
    rows = metrics.knowability
    if not rows:
        return ("Without a twin city where the police do not act, nobody can say which "
                "alerts were right.")
    n = sum(r.alerts for r in rows)
    seen = sum(r.true_alerts_seen for r in rows)
    true = sum(r.true_alerts_true for r in rows)
    if not n:
        return "No rule raised an alert, so there was nothing to check."
    text = (f"Not from the police's own records: they would compute a precision of "
            f"{pct(seen / n)}, against {pct(true / n)} in the twin city without any response")
    if true > seen:
        text += (f", because acting on {_n(true - seen)} correct alerts stopped what they "
                 "predicted and made them look false")
    elif true < seen:
        text += (f"; here the response made {_n(seen - true)} alerts look right that would "
                 "not have been")
    text += "."
    share = metrics.mean("contact_listed_alert_share")
    if share:
        text += (f" {pct(share)} of alerts named someone on a list only because the police "
                 "had acted on them before.")
    return text


def watched(metrics: StudyMetrics) -> str | None:
    """How much of the system's "success" against petitions and protests is deterrence
    (people not acting because they are watched) rather than interception (the police
    stopping them after an alert); None without the twins that say it."""
    effects = metrics.effects
    if not effects or any(e.deterred.mean is None for e in effects):
        return None

    def add(lawful: bool, deterred: bool) -> float:
        return sum((e.deterred if deterred else e.intercepted).mean or 0.0
                   for e in effects if e.lawful is lawful)

    det, inter = add(True, True), add(True, False)
    udet, uint = add(False, True), add(False, False)
    avg = " (mean over the simulated cities)" if metrics.n_seeds > 1 else ""
    total = det + inter
    if total <= 0:
        text = (f"Against petitions and protests the system changed nothing it can claim: "
                f"{_num(total)} fewer than in the same city with no system at all{avg}")
    else:
        text = (f"Of the system's \u201csuccess\u201d against petitions and protests, "
                f"{_num(total)} fewer than in the same city with no system at all{avg}, "
                f"{_num(det)} ({pct(det / total)}) is people not petitioning or protesting "
                f"because they are watched and {_num(inter)} ({pct(inter / total)}) the police "
                "stopping them after an alert")
    return text + (f"; against unlawful incidents, {_num(udet)} were deterred and "
                   f"{_num(uint)} intercepted.")


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


ANSWERS: dict[str, Callable[[StudyMetrics], str]] = {
    WORKS: works,
    BURDENS: burdens,
    HIDES: hides,
    KNOWABLE: knowable,
}
"""Each question of the report, in order, with the function writing its answer."""
