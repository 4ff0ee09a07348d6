"""The verdict of each of a study's answers, from its pooled figures and their intervals: what
``custodiet run --until-stable`` adds seeds for until every one is decided.

- Does it work: the lift over chance of the rules that claim wrongdoing, together (decided
  when its 95% interval lies wholly above or below 1);
- whom does it burden: the listed category flagged most often relative to everyone else
  (its flag-rate ratio against 1);
- what the response changed: the unlawful incidents and lawful acts it prevented per city
  (against 0).

The red list's and the knowability figures are counts the study states as totals, with no
verdict to wait for.
"""

from __future__ import annotations

from custodiet.audit import EFFECT, LIFT, Quoted, Verdict, decide
from custodiet.audit.sim._section_module import BURDENS, WORKS
from custodiet.audit.sim._study_metrics import StudyMetrics
from custodiet.audit.sim._summary import summarise

#: The name of the response's effect among the answers' verdicts.
PREVENTED = "What did acting on alerts prevent?"


def answer_verdicts(metrics: StudyMetrics) -> dict[str, Verdict]:
    """Each answer's verdict; an answer with nothing to judge yet is absent, with a reason."""
    cities = metrics.n_seeds
    w = metrics.wrongdoing
    out = {WORKS: decide(w.lift_interval(cities) if w is not None else None, LIFT,
                         absent="no alert of a rule that claims wrongdoing")}
    ratios = [(c, c.ratio("flag_rate"), c.ratio_interval("flag_rate"))
              for c in metrics.category_contrasts()]
    ratios = [(c, v, ci) for c, v, ci in ratios if v is not None and ci is not None]
    if ratios:
        _, v, (low, high) = max(ratios, key=lambda x: x[1])
        out[BURDENS] = decide(Quoted(v, low, high, n_cities=cities), LIFT)
    else:
        out[BURDENS] = decide(None, LIFT, absent="no listed category large enough to compare")
    out[PREVENTED] = _prevented(metrics)
    return out


def _prevented(metrics: StudyMetrics) -> Verdict:
    s, t = metrics.spread("incidents_prevented"), metrics.spread("lawful_acts_prevented")
    if s is None or t is None or s.mean is None or t.mean is None:
        return decide(None, EFFECT, absent="no twin without response")
    values = [a + b for a, b in zip(s.values, t.values, strict=True)
              if a is not None and b is not None]
    if len(values) < 2:  # one city: no interval across cities
        return decide(Quoted(sum(values) / max(len(values), 1), float("nan"), float("nan"),
                             n_cities=len(values)), EFFECT, absent="one city")
    spread = summarise(values)
    return decide(Quoted(spread["mean"], spread["low"], spread["high"], n_cities=len(values)),
                  EFFECT)
