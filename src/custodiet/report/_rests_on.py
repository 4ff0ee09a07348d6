"""Beside each answer, what it rests on, in words: the one or two assumptions that move it most,
whether each is cited, bounded or assumed (the parameter registry), and how far the answer
moves across their range where a sensitivity analysis measured it; where none did, the
assumptions are named without a range. Written from a :class:`custodiet.study.RestsOn`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from custodiet.audit.sim import BURDENS, HIDES, KNOWABLE, WORKS
from custodiet.report._answers import pct

if TYPE_CHECKING:
    from custodiet.study import Answer, Assumption, Measured, RestsOn

__all__ = ["deterrence_rests_on", "rests_on_lines", "rests_on_text"]

#: How a measured output's movement is said.
_UNITS: dict[str, tuple[str, float]] = {
    "precision": ("percentage points of precision", 100.0),
    "innocents_per_true_alert": ("innocent people per true alert", 1.0),
    "incidents_prevented": ("incidents prevented per city", 1.0),
    "unlawful_deterred": ("unlawful acts deterred per city", 1.0),
    "lawful_deterred": ("lawful acts deterred per city", 1.0),
}


def _g(value: float) -> str:
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _value(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value).lower()
    if isinstance(value, int | float):
        return _g(float(value))
    if isinstance(value, dict):
        return ("none set" if not value else
                ", ".join(f"{k} {_value(v)}" for k, v in value.items()))
    return str(value)


def _named(a: Assumption) -> str:
    said = _value(a.value)
    here = f", {said} here" if said else ""
    return f"`{a.setting}` ({a.status}{here})"


def _moved(a: Assumption, output: str) -> str:
    unit, scale = _UNITS.get(output, (output.replace("_", " "), 1.0))
    span = (f"{_g(a.low)} to {_g(a.high)}" if a.low is not None and a.high is not None
            else "its range")
    if a.moves is not None:
        pm = f" ± {scale * a.within:,.2g}" if a.within is not None else ""
        return (f"{_named(a)}: across {span} the figure moves by about "
                f"{scale * a.moves:,.2g}{pm} {unit} (Morris μ*)")
    if a.total is not None:
        return f"{_named(a)}: Sobol' total index {_g(a.total)} across {span}"
    return _named(a)


def _where(m: Measured, scenario: str) -> str:
    other = "" if m.scenario == scenario else f", on scenario {m.scenario}, not this one"
    return f"measured by {m.source} ({m.people:,} people × {m.days} days{other})"


_STABLE = {"agree": "the same two lead in every independent design",
           "disagree": "independent designs do not agree on which two settings lead, so this "
                       "order is not stable"}


#: How the assumptions named without a measurement are introduced, per question.
_LEADS = {WORKS: "Rests on the base rates of the unlawful acts its rules claim:",
          BURDENS: "Rests on how completely records hold a true history, and on true "
                   "behaviour being the same in every group:",
          HIDES: "Rests on officials doing what everyone does, and on how many there are:",
          KNOWABLE: "Rests on how much the police can act on and how much a visit deters:"}


def rests_on_text(question: str, rests: RestsOn, scenario: str) -> str | None:
    """The sentence beside ``question``'s answer; None when nothing is known for it."""
    a: Answer | None = rests.answers.get(question)
    if a is None or not (a.assumptions or a.scaled):
        return None
    if a.output is not None and rests.measured is not None:
        parts = "; ".join(_moved(x, a.output) for x in a.assumptions)
        text = f"Rests most on {parts}; {_where(rests.measured, scenario)}"
        if a.stability in _STABLE:
            text += f"; {_STABLE[a.stability]}"
        text += "."
    elif a.assumptions:
        names = ", ".join(_named(x) for x in a.assumptions)
        lead = _LEADS.get(question, "Rests on")
        text = (f"{lead} {names}. No sensitivity result measured how far they move this "
                "answer (custodiet sensitivity; then custodiet run --sensitivity FILE).")
    else:
        text = ""
    if a.scaled:
        (f2, p2, i2), (_, ph, _) = a.scaled[0], a.scaled[-1]
        inn = f" and {i2:,.1f} innocent people per true alert" if i2 is not None else ""
        often = "twice" if f2 == 2 else f"{_g(f2)} times"
        text += (f" By Bayes' rule with the rules unchanged, if the unlawful acts the rules "
                 f"look for were {often} as common, precision would be about "
                 f"{pct(p2)}{inn}; half as common, {pct(ph)}.")
    return text.strip()


#: The cameras whose deterrence multipliers the paragraph names, with their settings
#: (unlawful acts, then petitions and protests).
_CAMERAS = (("a camera at the compound's gate", "world.deterrence.unlawful.gate_camera",
             "world.deterrence.lawful.gate_camera"),
            ("a camera at one's own home", "world.deterrence.unlawful.camera",
             "world.deterrence.lawful.camera"))


def _camera(what: str, unlawful: Assumption, lawful: Assumption) -> str:
    status = (f"both {unlawful.status}" if unlawful.status == lawful.status
              else f"{unlawful.status} and {lawful.status}")
    return (f"{what} multiplies unlawful acts by {_value(unlawful.value)} and petitions and "
            f"protests by {_value(lawful.value)} (`{unlawful.setting}`, `{lawful.setting}`, "
            f"{status})")


def deterrence_rests_on(rests: RestsOn, scenario: str) -> str | None:
    """The deterrence answer's conditions: the camera multipliers with their status, and the
    measured sweep of the gate camera's when the shipped result is of this scenario."""
    a = rests.answers.get("deterrence")
    if a is None:
        return None
    by = {x.setting: x for x in a.assumptions}
    said = [_camera(what, by[u], by[law]) for what, u, law in _CAMERAS
            if u in by and law in by]
    if not said:
        return None
    text = ("The deterrence above holds only as far as the camera multipliers do: "
            + "; ".join(said) + ". A multiplier of 1 deters nothing.")
    m = rests.measured
    if m is not None and m.sweep and m.scenario == scenario:
        pts = ", ".join(f"{_g(p.unlawful_deterred)} at {_g(p.value)}" for p in m.sweep
                        if p.unlawful_deterred is not None)
        text += (f" With `{m.sweep_setting}` swept ({m.sweep_source}), unlawful acts deterred "
                 f"per city were {pts}")
        prec = [p for p in m.sweep if p.precision is not None]
        text += ("; the precision of the rules that claim wrongdoing, " +
                 ", ".join(f"{pct(p.precision)} at {_g(p.value)}" for p in prec) +
                 " (deterred acts are acts no alert can find)." if prec else ".")
    if a.output is not None and m is not None:
        text += " " + (rests_on_text("deterrence", rests, scenario) or "")
    return text.strip()


def rests_on_lines(metrics: Any, rests: RestsOn | None) -> list[str]:
    """The terminal's lines: per question that has one, "QUESTION rests on: ..."."""
    if rests is None:
        return []
    from custodiet.report._answers import ANSWERS

    name = metrics.scenario.name
    out = []
    for question in ANSWERS:
        text = rests_on_text(question, rests, name)
        if text:
            out.append(f"{question} {text}")
    det = deterrence_rests_on(rests, name) if metrics.effects else None
    if det:
        out.append(det)
    return out
