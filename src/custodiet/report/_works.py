""""Does it work?" answered only as far as the numbers carry: each rule that claims some
wrongdoing is judged on its lift over chance, and said to do better (or worse) than naming
random members of its lists at the same moments only when the lift's 95% interval lies
wholly above (or below) 1; otherwise the answer says there are too few alerts to tell, and
about how many more it would take. Rules that can only find an administrative status are
said apart; rules whose action prevents what they predict are scored against the twin
city without a response (``custodiet.audit.sim.PREVENTIVE_ACTIONS``)."""

from __future__ import annotations

from custodiet.audit import LIFT, Decision, Scale, Verdict, decide, quote, times
from custodiet.audit.sim import PooledRule, StudyMetrics


def rule_verdicts(metrics: StudyMetrics) -> dict[str, Verdict]:
    """Each rule that claims some wrongdoing and raised an alert, judged on its lift."""
    status_only = {c.rule for c in metrics.scenario.rules if c.status_only}
    return {r.rule: decide(r.lift_interval(metrics.n_seeds), LIFT, absent="no lift computed")
            for r in metrics.rules if r.alerts and r.rule not in status_only}


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
    pooled precision with its interval, what cannot be judged, and the null world."""
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
    text += _pooled(metrics) + _apart(metrics) + _null(metrics)
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
    claims = {c.rule: c for c in metrics.scenario.rules}
    status = [r for r in metrics.rules if r.alerts and claims.get(r.rule)
              and claims[r.rule].status_only]
    prevent = [r.rule for r in metrics.rules if r.alerts and claims.get(r.rule)
               and claims[r.rule].preventive]
    text = ""
    if status:
        n = sum(r.alerts for r in status)
        text += (f" {_counted(len(status), 'rule')} ({', '.join(r.rule for r in status)}) "
                 f"can only find an administrative status and raised {n:,} alerts that are "
                 "not counted here.")
    if prevent:
        text += (f" {', '.join(prevent)} {'is' if len(prevent) == 1 else 'are'} scored "
                 "against the twin city without a response, since acting on an alert "
                 "prevents what it predicts.")
    return text


def _null(metrics: StudyMetrics) -> str:
    s = metrics.spread("null_to_actual_alerts")
    if s is None or s.mean is None:
        return ""
    interval = (f" (95% interval {s.low:.2f} to {s.high:.2f} over the cities)"
                if s.low is not None and s.high is not None else "")
    return (f" In a world where nobody does anything wrong the same rules still raise "
            f"{s.mean:.2f} alerts for every alert of the actual run{interval}.")
