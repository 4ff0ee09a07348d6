"""The four questions for the hot-spot predictor over the city's own crime, with the gating
of the person-based systems' answers: a sentence states a verdict only where its interval
decides it (:func:`custodiet.audit.decide`, :func:`custodiet.audit.sentence`); otherwise it says
there is too little to tell, with the figure and its interval.

- *Does it work?* Its hit rate (the share of true incidents in patrolled cells) against chance
  and against the oracle that knew each day's true counts.
- *Whom does it burden?* The districts and enclaves patrolled beyond their share of true crime,
  those whose share of patrols grew while their share of crime is not shown to have grown, and
  whether counting only reports (the twin) still over-polices them.
- *What does the red list hide?* None applies: the predictor scores cells, not people, and
  exempts no place.
- *Can anyone know?* What the police's own records say against the truth: discoveries happen
  only where patrols go, so records make the patrolled cells look hotter and the patrols more
  accurate than they are; the twin whose patrols discover nothing shows the system without it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from custodiet.places._audit import Figure, _figure, _rows, areas
from custodiet.places._patrol import PatrolRun

#: The areas the burden answer names: districts and enclaves (the halves are for the
#: replications' settings).
_NAMED = ("district ", "enclave")


def records_over_truth(runs: list[PatrolRun], *, replicates: int = 2000,
                       seed: int = 0) -> Figure:
    """The hit rate the police's records show (recorded incidents in patrolled cells over all
    recorded) over the true hit rate: above 1, the records flatter the system."""
    def hits(r: PatrolRun, counts: np.ndarray) -> np.ndarray:
        return (counts * r.patrolled).sum(axis=1)

    recorded = _rows(runs, slice(None), lambda r: hits(r, r.recorded),
                     lambda r: r.recorded.sum(axis=1))
    true = _rows(runs, slice(None), lambda r: hits(r, r.true), lambda r: r.true.sum(axis=1))
    interval = recorded.ratio_of_ratios(true, replicates=replicates, seed=seed)
    return _figure("recorded_hit_rate_over_true", interval,
                   "the police's records make the patrols look more accurate than they are",
                   "the police's records make the patrols look less accurate than they are")


def recorded_shares(runs: list[PatrolRun], *, replicates: int = 2000,
                    seed: int = 0) -> dict[str, Figure]:
    """Per district and enclave: its share of recorded crime over its share of true crime."""
    out = {}
    for area, cells in areas(runs).items():
        if not area.startswith(_NAMED[0]) and not area.endswith(_NAMED[1]):
            continue
        recorded = _rows(runs, slice(None), lambda r, c=cells: r.recorded[:, c].sum(axis=1),
                         lambda r: r.recorded.sum(axis=1))
        true = _rows(runs, slice(None), lambda r, c=cells: r.true[:, c].sum(axis=1),
                     lambda r: r.true.sum(axis=1))
        f = _figure(f"recorded_over_true_crime[{area}]",
                    recorded.ratio_of_ratios(true, replicates=replicates, seed=seed),
                    f"the records give {area} more of the crime than it has",
                    f"the records give {area} less of the crime than it has")
        out[f.name] = f
    return out


def _said(area: str, f: dict[str, Any]) -> str:
    """A figure's sentence, led by its area's name where the verdict words do not name it."""
    return f["sentence"] if f["decision"] in ("above", "below") else f"{area}: {f['sentence']}"


def _named(figures: dict[str, Any], prefix: str) -> dict[str, dict[str, Any]]:
    """Figures ``prefix[area]`` of the named areas, by area."""
    out = {}
    for name, f in figures.items():
        if name.startswith(prefix + "["):
            area = name[len(prefix) + 1:-1]
            if area.startswith(_NAMED[0]) or area.endswith(_NAMED[1]):
                out[area] = f
    return out


def _cities(n: int) -> str:
    return "1 city" if n == 1 else f"{n:,} cities"


def works(result: dict[str, Any]) -> str:
    """Does it work: the hit rate against chance and against the oracle."""
    f, s = result["figures"], result["settings"]
    share = s.get("random_share", 0.0)
    where = (f"the predictor's {s['k']} of {s['cells']} cells" if not share else
             f"{s['k']} of {s['cells']} cells ({share:.0%} of them drawn at random)")
    return (f"Patrols went to {where} each day for "
            f"{s['system_days']} days in {_cities(s['cities'])}. Against patrols sent to cells at "
            f"random: {f['hit_rate_over_chance']['sentence']}. Against an oracle that knew "
            f"each day's true counts: {f['hit_rate_over_oracle']['sentence']}.")


def burdens(result: dict[str, Any]) -> str:
    """Whom does it burden: areas patrolled beyond their share of true crime, growth, twin."""
    over = _named(result["figures"], "patrols_over_crime")
    districts = [a for a in over if a.startswith(_NAMED[0])]
    heavy = [a for a in districts if over[a]["decision"] == "above"]
    enclaves = [a for a in over if a.endswith(_NAMED[1])]
    parts = [f"Patrolled beyond their share of true crime: {len(heavy)} of {len(districts)} "
             "districts" + (": " + "; ".join(_said(a, over[a]) for a in heavy)
                            if heavy else "") + "."]
    if enclaves:
        parts.append("The enclaves: " + "; ".join(_said(a, over[a]) for a in enclaves) + ".")
    patrols = _named(result["figures"], "patrol_share_growth")
    crime = _named(result["figures"], "crime_share_growth")
    grew = [a for a in patrols if patrols[a]["decision"] == "above"
            and crime[a]["decision"] != "above"]
    if grew:
        parts.append("Areas whose share of patrols grew while their share of true crime is "
                     "not shown to have grown: " + "; ".join(
                         f"{patrols[a]['sentence']} (true crime: {crime[a]['sentence']})"
                         for a in grew) + ".")
    twin = _named(result["twins"]["reported_only"], "patrols_over_crime")
    named = [a for a in (*heavy, *enclaves) if a in twin]
    if named:
        parts.append("Counting only what victims reported (the twin fed no discoveries): "
                     + "; ".join(_said(a, twin[a]) for a in named) + ".")
    return " ".join(parts)


def hides() -> str:
    """What the red list hides: none applies to a place-based predictor."""
    return ("None applies: the predictor scores cells, not people, and exempts no place, so "
            "there is no red list to hide anything. What it does not see is the crime nobody "
            "reported where no patrol went (the next answer).")


def knowable(result: dict[str, Any]) -> str:
    """Can anyone know: the records against the truth, and the twin without discovery."""
    rec, f = result["recorded"], result["figures"]
    share = rec["discovered"] / max(rec["discovered"] + rec["reported"], 1.0)
    text = (f"Of the {rec['reported'] + rec['discovered']:,.0f} incidents the police recorded "
            f"while the system ran ({rec['true']:,.0f} happened), {share:.0%} were found by "
            f"patrols, all of them in the cells patrolled. The hit rate the "
            f"records show against the true one: {f['recorded_hit_rate_over_true']['sentence']}.")
    skewed = [g for a, g in _named(f, "recorded_over_true_crime").items()
              if g["decision"] == "above"]
    if skewed:
        text += " Where the records put the crime: " + "; ".join(
            g["sentence"] for g in skewed) + "."
    none = result["twins"]["no_discovery"]
    text += (" In the twin whose patrols discover nothing, against chance: "
             f"{none['hit_rate_over_chance']['sentence']}.")
    return text


def city_answers(result: dict[str, Any]) -> dict[str, str]:
    """The four answers, from :func:`custodiet.places.audit_city`'s result."""
    return {"works": works(result), "burdens": burdens(result), "hides": hides(),
            "knowable": knowable(result)}
