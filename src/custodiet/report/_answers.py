"""The four questions the reporting asks of a surveillance system, each answered in one plain
sentence written from a study's typed metrics (:class:`custodiet.audit.sim.StudyMetrics`):
does it work, whom does it burden, what does the red list hide, and can anyone know whether
it predicted right."""

from __future__ import annotations

import math
from collections.abc import Callable

from custodiet.audit import LIFT, Decision, Quoted, Scale, decide, quote, undecided_words
from custodiet.audit.sim import (
    BURDENS,
    HIDES,
    KNOWABLE,
    MIN_SAME_CITIES,
    WORKS,
    GroupContrast,
    PooledRule,
    StudyMetrics,
    summarise,
)
from custodiet.report._works import works

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


#: The opening of every statement on administrative statuses.
STATUS_OPENING = ("An administrative status (such as a crowded rental: more occupants than "
                  "registered) breaks a registration rule and wrongs nobody, so an alert that "
                  "finds one is not counted as a true alert and the people living there count "
                  "as innocent.")


def statuses(metrics: StudyMetrics) -> str | None:
    """What the rules that claim an administrative status found, with its interval, against
    its base rate among the people they could have named at random: more or less often than
    chance only where the interval of the status lift says so; None when no rule claims one."""
    rules = [r for r in metrics.rules if r.status_precision is not None]
    if not rules:
        return None
    parts = []
    for r in sorted(rules, key=lambda r: -r.alerts):
        found = (quote(Quoted.of(r.status_precision, r.status_precision_low,
                                 r.status_precision_high), Scale.PERCENT)
                 if r.status_precision_low is not None else pct(r.status_precision))
        text = f"{r.rule} found one in {found} of its {_n(r.alerts)} alerts"
        if r.status_base_rate is not None:
            text += (f", against a base rate of {pct(r.status_base_rate)} for the same alerts "
                     "naming random people it watches")
            text += _status_lift_words(r, metrics.n_seeds)
        parts.append(text)
    return f"{STATUS_OPENING} Of the rules that claim one, " + "; ".join(parts) + "."


def _status_lift_words(rule: PooledRule, cities: int) -> str:
    """The status lift said with its interval and what it decides ("", none computed)."""
    lift = rule.status_lift_interval(cities)
    if lift is None:  # a study written before the interval was kept
        return f" ({times(rule.status_lift)} chance)" if rule.status_lift is not None else ""
    said = quote(lift, Scale.TIMES)
    verdict = decide(lift, LIFT)
    if verdict.decision is Decision.ABOVE:
        return f": more often than chance, {said}"
    if verdict.decision is Decision.BELOW:
        return f": less often than chance, {said}"
    return f": {undecided_words(verdict)} whether more or less often than chance, {said}"


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


#: A ratio is stated as "N times as often" only when its 95% interval spans less than this
#: factor (high / low); a wider interval that lies above 1 says only "more often", with the
#: interval (assumption: a figure known within a factor of 4 is worth quoting as a number).
QUOTABLE_SPAN: float = 4.0


def _ratio(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:,.0f}"


def _ratio_words(c: GroupContrast, metric: str) -> tuple[Decision, str]:
    """A category's ratio to everyone else in words, with its interval: decided and quotable
    ("3.9 times as often (95% interval 3.2 to 4.6)"), decided but too uncertain to quote a
    number ("more often (95% interval 150 to 2,000 times)"), or undecided."""
    value, ci = c.ratio(metric), c.ratio_interval(metric)
    if value is None or ci is None:
        return Decision.ABSENT, ""
    low, high = ci
    verdict = decide(Quoted(value, low, high), LIFT)
    span = f"95% interval {_ratio(low)} to {_ratio(high)}"
    if verdict.decision is Decision.ABOVE and high / low < QUOTABLE_SPAN:
        return verdict.decision, f"{times(value)} as often ({span})"
    if verdict.decision is Decision.ABOVE:
        return verdict.decision, f"more often than everyone else, by a factor of {span}"
    if verdict.decision is Decision.BELOW:
        return verdict.decision, f"less often ({times(value)} as often; {span})"
    if no_difference_shown(low, high):
        return verdict.decision, f"no difference shown ({times(value)} as often; {span})"
    return verdict.decision, f"too few flags to tell ({times(value)} as often; {span})"


def no_difference_shown(low: float, high: float) -> bool:
    """An undecided ratio whose interval is narrow around 1: it lies within
    ``[1 / sqrt(QUOTABLE_SPAN), sqrt(QUOTABLE_SPAN)]`` (a factor of 2 either way), so the
    flags rule out a difference that large; "too few flags to tell" would be wrong."""
    bound = math.sqrt(QUOTABLE_SPAN)
    return low <= LIFT <= high and low >= 1 / bound and high <= bound


def burdens(metrics: StudyMetrics) -> str:
    """Whom it burdens: the listed categories flagged more often than everyone else where the
    interval of the ratio says so, one called the heaviest only when its interval lies above
    every other's; the rest said to show no difference (a narrow interval around 1) or to be
    undecided."""
    said = [(c, *_ratio_words(c, "flag_rate")) for c in metrics.category_contrasts()]
    said = [(c, d, w) for c, d, w in said if d is not Decision.ABSENT]
    if not said:
        return ("No listed category had enough people to compare (groups under the "
                "suppression threshold are not shown).")
    heavier = sorted((x for x in said if x[1] is Decision.ABOVE),
                     key=lambda x: -(x[0].ratio_interval("flag_rate") or (0.0, 0.0))[0])
    open_ = [x for x in said if x[1] is Decision.UNDECIDED]
    same = [x for x in open_ if x[2].startswith("no difference shown")]
    unsure = [x for x in open_ if x not in same]
    if not heavier and not unsure:
        text = "No listed category is shown to be flagged more often than everyone else"
    elif not heavier:
        text = ("Too few flags to tell whether any listed category is flagged more often "
                "than everyone else")
    elif _heaviest_apart(heavier):
        c, _, words = heavier[0]
        who = _who(c)
        text = f"{who[0].upper()}{who[1:]} carry the heaviest burden: flagged {words}"
        extra = [f"{_who(x)} {w}" for x, _, w in heavier[1:4]]
        if extra:
            text += "; also flagged more often: " + "; ".join(extra)
    else:
        text = "Flagged more often than everyone else: " + "; ".join(
            f"{_who(x)} {w}" for x, _, w in heavier[:4])
    if same:
        text += "; no difference shown for " + "; ".join(
            f"{_who(c)} ({w.split('(', 1)[1]}" for c, _, w in same)
    if unsure:
        text += "; too few flags to tell for " + ", ".join(_who(c) for c, _, _ in unsure)
    return text + "."


def _who(c: GroupContrast) -> str:
    return CATEGORY_LABELS.get(c.category, c.category)


def _heaviest_apart(heavier: list) -> bool:
    """Whether the first category's interval lies above every other decided one's, so that
    calling it the heaviest burden is decided, not just its estimate."""
    lows_highs = [x[0].ratio_interval("flag_rate") for x in heavier]
    first = lows_highs[0]
    return first is not None and all(o is not None and first[0] > o[1] for o in lows_highs[1:])


def _was(n: int) -> str:
    return "was" if n == 1 else "were"


def hides(metrics: StudyMetrics) -> str:
    """What the red list hides: suppressed alerts that would have been true, unseen
    incidents, and of those the unlawful ones that happened in the twin without the red list
    and were seen there (the incidents hidden; lawful acts seen there given apart), apart
    from those that did not happen there; totals over the cities, said as totals."""
    red = metrics.redlist
    if not red:
        return "The scenario has no key-person lists and so no red list to examine."
    w = red.with_redlist
    cities = metrics.n_seeds
    text = (f"In total over {cities} cities, the red list" if cities > 1 else "The red list")
    text += (f" exempted {_n(red.redlisted_persons)} people and suppressed "
             f"{_n(red.alerts_suppressed)} alerts")
    if red.suppressed:
        text += f", {_n(red.suppressed.true_alerts)} of which would have matched an incident"
    text += (f"; red-listed people took part in {_n(w.incidents)} incidents, "
             f"{_n(w.unseen)} of which no alert saw")
    followed = (red.hidden, red.unseen_in_twin_too, red.not_in_twin)
    unlawful = (red.hidden_unlawful, red.unseen_in_twin_too_unlawful, red.not_in_twin_unlawful)
    if w.unseen and None not in followed and None not in unlawful:
        # a petition or a protest no alert saw is a lawful act, not wrongdoing hidden
        (hidden, too, gone), (hid_u, too_u, gone_u) = followed, unlawful
        text += (f". Of those {_n(w.unseen)}, {_n(hid_u)} unlawful "
                 f"{'incident' if hid_u == 1 else 'incidents'} {_was(hid_u)} seen by an alert "
                 "in the twin city without the red list (what the red list hid)")
        if hidden > hid_u:
            text += (f"; apart from them, {_n(hidden - hid_u)} lawful "
                     f"{'act' if hidden - hid_u == 1 else 'acts'} (a petition, a protest) "
                     f"{_was(hidden - hid_u)} seen there, which hides no wrongdoing")
        text += (f"; {_n(too)} happened there unseen as well ({_n(too_u)} unlawful), and "
                 f"{_n(gone)} did not happen there at all ({_n(gone_u)} unlawful; not counted "
                 "as hidden)")
    elif w.unseen and None not in followed:  # written before the unlawful ones were counted
        hidden, too, gone = followed
        text += (f". Of those {_n(w.unseen)}, {_n(hidden)} {_was(hidden)} seen by an alert in "
                 f"the twin city without the red list (what the red list hid, lawful acts "
                 f"included), {_n(too)} happened there unseen as well, and {_n(gone)} did not "
                 "happen there at all (not counted as hidden)")
    return text + "."


def _stopped_words(metrics: StudyMetrics, seen: int, true: int) -> str:
    """The alerts right in the twin that look false to the police, and what they pointed to
    that acting on them stopped, in distinct incidents and people (alerts are not acts); the
    alerts that look right only because of the response; and the same for lawful acts."""
    st = metrics.stopped
    if st is None:  # written before the audit counted acts: the alerts' difference only
        if true > seen:
            return (f"; {_n(true - seen)} alerts that were right look false in the police's "
                    "records because acting on them stopped what they pointed to")
        return (f"; here the response made {_n(seen - true)} alerts look right that would "
                "not have been") if true < seen else ""
    text = ""
    if st.alerts:
        text += (f"; {_n(st.alerts)} alerts that were right look false in the police's "
                 f"records: they pointed to {_n(st.incidents)} distinct incidents, by "
                 f"{_n(st.persons)} people, that did not happen once the police acted "
                 "(several alerts can point to one act)")
    looks_right = seen - (true - st.alerts)
    if looks_right > 0:
        text += (f"; the response made {_n(looks_right)} alerts look right that would not "
                 "have been")
    if st.lawful_alerts:
        text += (f". {_n(st.lawful_alerts)} alerts caught a lawful act (a petition, a "
                 f"protest) in the twin and none in the police's records: they pointed to "
                 f"{_n(st.lawful_acts)} distinct lawful acts, by {_n(st.lawful_persons)} "
                 "people, that the response stopped")
    return text


def _records_differ(metrics: StudyMetrics, seen: int, true: int) -> bool:
    """Whether the police's records and the twin disagree on which alerts were right: some
    alerts right in the twin look false, or some look right only because of the response."""
    st = metrics.stopped
    if st is None:
        return seen != true
    return st.alerts > 0 or seen - (true - st.alerts) > 0


def knowable(metrics: StudyMetrics) -> str:
    """Can anyone know: precision the police can compute against the same alerts scored in
    the twin city without response, as totals over the cities (the answer opens with "not
    from the police's own records" only where the two differ); the alerts that look false
    only because the police acted on them, with the distinct incidents and people that
    acting on them stopped, and the lawful acts the response stopped."""
    rows = metrics.knowability
    if not rows:
        return ("Without a twin city where the police do not act, nobody can say which "
                "alerts were right.")
    n = sum(r.alerts for r in rows)
    seen = sum(r.true_alerts_seen for r in rows)
    true = sum(r.true_alerts_true for r in rows)
    if not n:
        return "No rule raised an alert, so there was nothing to check."
    cities = metrics.n_seeds
    where = "in the simulated city" if cities <= 1 else f"in total over {cities} cities"
    matched = (f"{where}, {_n(seen)} of {_n(n)} alerts matched unlawful wrongdoing in what "
               "still happened after the police acted")
    if _records_differ(metrics, seen, true):
        text = (f"Not from the police's own records: {matched}, against {_n(true)} when the "
                "same alerts are scored in the twin city without any response")
    else:
        text = (f"Here the police's own records agree with the twin city without any "
                f"response: {matched}, and as many when the same alerts are scored in the "
                "twin")
    text += _stopped_words(metrics, seen, true)
    lawful_seen = sum(r.lawful_alerts_seen for r in rows)
    lawful_true = sum(r.lawful_alerts_true for r in rows)
    if metrics.stopped is None and lawful_true > lawful_seen:
        text += (f". {_n(lawful_true - lawful_seen)} more alerts caught a lawful act (a "
                 "petition, a protest) in the twin than in the police's records: the "
                 "response stopped it")
    text += "."
    pooled = metrics.lists.contact_share
    quoted = pooled.interval(metrics.n_seeds) if pooled is not None and pooled.counted else None
    share = metrics.spread("contact_listed_alert_share")
    if quoted is not None:
        over = f" over {metrics.n_seeds} cities together" if metrics.n_seeds > 1 else ""
        text += (f" {quote(quoted, Scale.PERCENT)} of alerts{over} named someone on a list "
                 "only because the police had acted on them before.")
    elif share is not None and share.mean:  # a study written before the rows were kept
        interval = (f" (95% interval {pct(share.low)} to {pct(share.high)} over the cities)"
                    if share.low is not None and share.high is not None else "")
        if share.sd == 0 and share.n < MIN_SAME_CITIES:
            interval = f" (in each of the {share.n} cities; too few cities for an interval)"
        text += (f" {pct(share.mean)} of alerts{interval} named someone on a list only "
                 "because the police had acted on them before.")
    return text


def _per_seed(effects: list, lawful: bool, part: str) -> list[float]:
    """A part (deterred, intercepted) added over the kinds of one lawfulness, seed by seed."""
    rows = [getattr(e, part).values for e in effects if e.lawful is lawful]
    return [sum(v[i] or 0.0 for v in rows) for i in range(len(rows[0]))] if rows else []


def _mean_with_interval(values: list[float], share: bool = False) -> str:
    """The mean over the cities with its 95% t interval (none from one city, nor from fewer
    than ``MIN_SAME_CITIES`` cities that all give the same value)."""
    s = summarise(values)
    said = pct(s["mean"]) if share else _num(s["mean"])
    if s["low"] is None:
        return said
    if s["sd"] == 0 and s["n"] < MIN_SAME_CITIES:
        return f"{said} in each of the {s['n']} cities (too few cities for an interval)"
    low, high = (pct(s["low"]), pct(s["high"])) if share else (_num(s["low"]), _num(s["high"]))
    return f"{said} (95% interval {low} to {high})"


def watched(metrics: StudyMetrics) -> str | None:
    """How much of the system's "success" against petitions and protests is deterrence
    (people not acting because they are watched) rather than interception (the police
    stopping them after an alert), per city with intervals across the cities; the share is
    said only from two cities on, and with one city the figures describe that city only.
    None without the twins that say it."""
    effects = metrics.effects
    if not effects or any(e.deterred.mean is None for e in effects):
        return None
    det, inter = _per_seed(effects, True, "deterred"), _per_seed(effects, True, "intercepted")
    udet, uint = (_per_seed(effects, False, "deterred"),
                  _per_seed(effects, False, "intercepted"))
    total = [a + b for a, b in zip(det, inter, strict=True)]
    if not total:
        return None
    where = "in the one simulated city" if len(total) == 1 else "per city"
    if sum(total) <= 0:
        text = (f"Against petitions and protests the system changed nothing it can claim "
                f"{where}: {_mean_with_interval(total)} fewer than with no system at all")
    else:
        text = (f"Of the system's \u201csuccess\u201d against petitions and protests "
                f"{where}, {_mean_with_interval(total)} fewer than with no system at all, "
                f"{_mean_with_interval(det)} is people not petitioning or protesting because "
                f"they are watched and {_mean_with_interval(inter)} the police stopping them "
                "after an alert")
        shares = [d / t for d, t in zip(det, total, strict=True) if t > 0]
        if len(shares) > 1:
            text += f"; the deterred share is {_mean_with_interval(shares, share=True)}"
    if udet and uint:
        text += (f"; against unlawful incidents, {_mean_with_interval(udet)} were deterred "
                 f"and {_mean_with_interval(uint)} intercepted")
    return text + (". Deterrence rests on the assumed camera and list multipliers "
                   "(docs/world-parameters.md), not on a measured effect.")


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


ANSWERS: dict[str, Callable[[StudyMetrics], str]] = {
    WORKS: works,
    BURDENS: burdens,
    HIDES: hides,
    KNOWABLE: knowable,
}
"""Each question of the report, in order, with the function writing its answer."""
