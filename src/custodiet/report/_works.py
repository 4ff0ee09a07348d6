""""Does it work?" answered only as far as the numbers carry: each rule that claims some wrongdoing
is judged on its lift over chance, and said to do better (or worse) than naming random members
of its lists at the same moments only when the lift's 95% interval lies wholly above (or below)
1; otherwise the answer says there are too few alerts to tell, and about how many more it would
take. Rules that can only find an administrative status, and rules aimed only at lawful acts
(petitions, protests), claim no wrongdoing: they are said apart with their alerts, which can
never be true; rules whose action prevents what they predict are scored against the twin city
without a response (``custodiet.audit.sim.PREVENTIVE_ACTIONS``). The null world is stated for
the rules aimed at unlawful acts together (their alerts in a twin city where nobody does
anything unlawful, over their alerts in the same city without a response), called fewer only
where its interval lies below 1, with each rule's verdict, the police response's share of those
rules' alerts, and the rules that aim at no unlawful act said apart."""

from __future__ import annotations

from custodiet.audit import (
    EFFECT,
    LIFT,
    Decision,
    Quoted,
    Scale,
    Verdict,
    decide,
    quote,
    times,
    undecided_words,
)
from custodiet.audit.sim import ACT_AIM, NullRule, PooledRule, StudyMetrics, aim_of

#: What a rule aims at when it claims no wrongdoing (``custodiet.audit.sim.aim_of``): its
#: alerts can never be true, so it is said apart rather than judged.
NO_WRONGDOING = ("status", "lawful_act")


def _aims(metrics: StudyMetrics) -> dict[str, str]:
    return {c.rule: aim_of(c.kinds) for c in metrics.scenario.rules}


def rule_verdicts(metrics: StudyMetrics) -> dict[str, Verdict]:
    """Each rule that claims some wrongdoing (an unlawful act or standing state) and raised an
    alert, judged on its lift; a rule claiming only a status or only lawful acts is not."""
    aims = _aims(metrics)
    return {r.rule: decide(r.lift_interval(metrics.n_seeds), LIFT, absent="no lift computed")
            for r in metrics.rules if r.alerts and aims.get(r.rule) not in NO_WRONGDOING}


def _counted(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def _opening(better: list[str], worse: list[str], open_: list[str], n: int) -> str:
    if not n:
        return "No rule that claims wrongdoing raised an alert, so nothing can be said of it"
    if better and not worse and not open_:
        return f"Yes: all {n} rules that claim wrongdoing and raised alerts did better than chance"
    if better:
        return (f"For {len(better)} of the {n} rules that claim wrongdoing and raised alerts, "
                "yes")
    if worse and not open_:
        return f"No: none of the {n} rules that claim wrongdoing and raised alerts did better"
    if n == 1 and open_:
        return ("Too few alerts to tell: the 95% interval of the lift over chance of its one "
                "rule that claims wrongdoing and raised alerts does not say whether it beats "
                "naming random members of its lists at the same moments")
    if len(open_) == n:
        return (f"Too few alerts to tell: for none of the {n} rules that claim wrongdoing and "
                "raised alerts does the 95% interval of its lift over chance say whether it "
                "beats naming random members of its lists at the same moments")
    return (f"Too few alerts to tell for {len(open_)} of the {n} rules that claim wrongdoing "
            "and raised alerts")


def _tally(better: list[str], worse: list[str], open_: list[str],
           verdicts: dict[str, Verdict]) -> str:
    parts = []
    if better:
        parts.append(f"{_counted(len(better), 'rule')} did better than naming random members "
                     "of their lists at the same moments (the 95% interval of their lift over "
                     "chance lies above 1)")
    if worse:
        parts.append(f"{len(worse)} did worse (the interval lies below 1)")
    if open_:
        # a lift whose interval starts at 0 says nothing of how far it is from a verdict
        told = [k for k in open_ if verdicts[k].more_data is not None
                and verdicts[k].interval is not None and verdicts[k].interval.low > 0]
        closest = min(told, key=lambda k: verdicts[k].more_data or float("inf")) \
            if told else None
        more = verdicts[closest].more_data if closest else None
        tail = (f"the closest to a verdict, {closest}, would need {times(more)} as many "
                "alerts" if more is not None and more != float("inf") else "")
        if len(open_) < len(verdicts):
            parts.append(f"for {len(open_)} the alerts are too few to tell whether they beat "
                         f"chance" + (f"; {tail}" if tail else ""))
        elif tail:
            parts.append(tail)
    return "; ".join(parts)


def _clearest(rules: list[PooledRule], better: list[str], cities: int) -> str:
    best = max((r for r in rules if r.rule in better), key=lambda r: r.lift_low or 0.0)
    lift, prec = best.lift_interval(cities), best.precision_interval(cities)
    text = f"The clearest is {best.rule}: lift {quote(lift, Scale.TIMES)}" if lift else ""
    if prec is not None:
        text += f", precision {quote(prec, Scale.PERCENT)} of {best.alerts:,} alerts"
    return text


def works(metrics: StudyMetrics) -> str:
    """Does it work: a verdict per rule only where its lift's interval decides it, the
    pooled precision with its interval, what cannot be judged, and the null world (rules aimed
    at unlawful acts against a twin city where nobody does anything unlawful)."""
    fired = [r for r in metrics.rules if r.alerts]
    if not fired:
        return "No rule raised an alert, so nothing can be said about whether it works."
    verdicts = rule_verdicts(metrics)
    better = [k for k, v in verdicts.items() if v.decision is Decision.ABOVE]
    worse = [k for k, v in verdicts.items() if v.decision is Decision.BELOW]
    open_ = [k for k, v in verdicts.items() if not v.decided]
    text = _opening(better, worse, open_, len(verdicts))
    tally = _tally(better, worse, open_, verdicts)
    text += f": {tally}." if tally else "."
    if better:
        text += f" {_clearest(fired, better, metrics.n_seeds)}."
    text += _pooled(metrics) + _apart(metrics) + null_world_words(metrics)
    return text


def _pooled(metrics: StudyMetrics) -> str:
    w = metrics.wrongdoing
    prec = w.precision_interval(metrics.n_seeds) if w is not None else None
    if prec is None or w is None:
        return ""
    return (f" Together, {quote(prec, Scale.PERCENT)} of their {w.alerts:,} alerts named "
            "someone who took part in unlawful wrongdoing of the kind claimed"
            + (f"; {w.lawful_alerts:,} caught only a lawful act (a petition, a lawful "
               "protest), which is never counted as a true alert" if w.lawful_alerts else "")
            + ".")


def _apart(metrics: StudyMetrics) -> str:
    """The rules that claim no wrongdoing, said apart with their alerts, and the judged rules
    scored against the twin city without a response."""
    claims, aims = {c.rule: c for c in metrics.scenario.rules}, _aims(metrics)
    status = [r for r in metrics.rules if r.alerts and aims.get(r.rule) == "status"]
    lawful = [r for r in metrics.rules if r.alerts and aims.get(r.rule) == "lawful_act"]
    judged = rule_verdicts(metrics)
    prevent = [k for k in judged if claims.get(k) and claims[k].preventive]
    text = ""
    if status:
        n = sum(r.alerts for r in status)
        text += (f" {_counted(len(status), 'rule')} ({', '.join(r.rule for r in status)}) "
                 f"can only find an administrative status and raised {n:,} alerts that are "
                 "not counted here.")
    if lawful:
        n = sum(r.alerts for r in lawful)
        verb = "aims" if len(lawful) == 1 else "aim"
        text += (f" {_counted(len(lawful), 'rule')} ({', '.join(r.rule for r in lawful)}) "
                 f"{verb} only at lawful acts (a petition, a protest): "
                 f"{'its' if len(lawful) == 1 else 'their'} {n:,} alert"
                 f"{'s' * (n != 1)} can never be true, so they are not counted here; the "
                 "people flagged count in every burden figure.")
    if prevent:
        text += (f" {', '.join(prevent)} {'is' if len(prevent) == 1 else 'are'} scored "
                 "against the twin city without a response, since acting on an alert "
                 "prevents what it predicts.")
    return text


_NOT_ACTS = {"status": "only at an administrative status, a crowded rental, which the null "
                       "world keeps, so their alerts do not depend on any act",
             "lawful_act": "only at lawful acts, petitions or protests, which the null world "
                           "keeps",
             "standing": "at a standing state, a sham marriage, which the null world lacks"}


def _exact(q: Quoted) -> bool:
    """An interval of no width: every person's alerts the same on both sides."""
    return q.low == q.high == q.estimate


def null_world_words(metrics: StudyMetrics) -> str:
    """The null world: the rules aimed at unlawful acts together, the ratio's verdict against
    1 only where its interval decides it, each rule's, the rules not in it, and the police
    response's share of the same rules' alerts in the watched city."""
    nw, cities = metrics.null_world, metrics.n_seeds
    if nw is None:
        return ""
    acts = nw.acts
    ratio = acts.ratio_interval(cities) if acts is not None else None
    text = ""
    if acts is not None and ratio is not None:
        v = decide(ratio, LIFT)
        said = {Decision.BELOW: "fewer, so part of their alerts follow the acts and the rest "
                                "would come anyway",
                Decision.ABOVE: "more than with the acts"}.get(v.decision)
        if _exact(ratio) and ratio.estimate == LIFT:
            said = "the very same alerts, so none of them needed an act"
        fired = sum(1 for r in metrics.rules if r.alerts and r.rule in acts.rules)
        some = (f" ({fired} of which raised alerts in the watched city)"
                if 0 < fired < len(acts.rules) else "")
        text += (f" In a twin city where nobody does anything unlawful (petitions, protests and "
                 f"crowded rentals kept; no police response there or in the city it is set "
                 f"against), the {_counted(len(acts.rules), 'rule')} aimed at unlawful acts"
                 f"{some} still raise {quote(ratio, Scale.NUMBER)} alerts for each one they "
                 f"raise in the same city with its acts: {said or undecided_words(v)}.")
        text += _null_rules(nw.rules, cities)
        text += _response(acts.response_interval(cities))
    return text + _not_acts(nw.rules, cities)


def _null_rules(rules: list[NullRule], cities: int) -> str:
    """Which rules aimed at unlawful acts raise fewer alerts in the null world, which raise
    the very same, and which have too few to tell."""
    quoted = {r.rule: q for r in rules if r.aim == ACT_AIM
              and (q := r.ratio_interval(cities)) is not None}
    same = [k for k, q in quoted.items() if _exact(q) and q.estimate == LIFT]
    verdicts = {k: decide(q, LIFT) for k, q in quoted.items() if k not in same}
    fewer = [k for k, v in verdicts.items() if v.decision is Decision.BELOW]
    more = [k for k, v in verdicts.items() if v.decision is Decision.ABOVE]
    open_ = [k for k, v in verdicts.items() if not v.decided]
    parts = []
    if fewer:
        parts.append(f"fewer for {', '.join(fewer)}")
    if more:
        parts.append(f"more for {', '.join(more)}")
    if same:
        parts.append(f"the very same alerts for {', '.join(same)}")
    if open_:
        parts.append(f"too few alerts to tell for {', '.join(open_)}")
    return f" Rule by rule: {'; '.join(parts)}." if parts and len(quoted) > 1 else ""


def _response(share: Quoted | None) -> str:
    """The police response's share of the same rules' alerts in the watched city."""
    if share is None:
        return ""
    if _exact(share) and share.estimate == EFFECT:
        return (" Acting on alerts changed none of these rules' alerts in the watched city "
                "(its twin without a response raised the very same).")
    v = decide(share, EFFECT)
    figure = quote(share, Scale.PERCENT)
    if v.decision is Decision.ABOVE:
        return (f" The police response's own share of these rules' alerts in the watched city "
                f"(against its twin without a response) is {figure}: acting on alerts made "
                "more of them.")
    if v.decision is Decision.BELOW:
        return (f" Acting on alerts removed some of these rules' alerts in the watched city "
                f"(its twin without a response raised more): the response's share is {figure}.")
    return (f" Whether the police response added to these rules' alerts in the watched city: "
            f"{undecided_words(v)}; its share is {figure}.")


def _not_acts(rules: list[NullRule], cities: int) -> str:
    """The rules that aim at no unlawful act, said as such rather than given an act ratio (a
    rule aimed at a standing state with its own ratio, the state being absent there too)."""
    out = []
    for aim, what in _NOT_ACTS.items():
        names = [r for r in rules if r.aim == aim and (r.alerts or r.baseline_alerts)]
        if not names:
            continue
        verb = "aims" if len(names) == 1 else "aim"
        text = f"{', '.join(r.rule for r in names)} ({verb} {what})"
        if aim == "standing":
            ratios = [f"{r.rule} {quote(q, Scale.NUMBER)}" for r in names
                      if (q := r.ratio_interval(cities)) is not None]
            text += f": alerts there for each actual one, {'; '.join(ratios)}" if ratios else ""
        out.append(text)
    if not out:
        return ""
    return (" Not in that ratio, since they aim at no unlawful act: "
            + "; ".join(out) + ".")
