"""How answers read on the page: numbers in words people use, the before/after rows, the
flag-rate chart's geometry (drawn as inline SVG by the templates) and the map of the city (the
report's, drawn for one rule's alerts)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from custodiet.audit import LIFT, Quoted, Scale, decide, sentence
from custodiet.report import map_svg


def share(x: float | None) -> str:
    """A share as a percentage; "undefined" when there is none."""
    return "undefined" if x is None else f"{100 * x:.1f}%"


def number(x: float | None) -> str:
    """A plain figure to three significant digits (thousands separated)."""
    if x is None:
        return "undefined"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def count(x: float | None) -> str:
    return "0" if x is None else f"{x:,.0f}"


def precision_text(answer: dict[str, Any]) -> str:
    """Precision with its 95% interval, or why there is none."""
    m = answer["metrics"]
    if not m["alerts"]:
        return "undefined: no alert"
    text = f"{share(m['precision'])} ({count(m['true_alerts'])} of {count(m['alerts'])}"
    if answer["precision_low"] is not None:
        text += f"; 95% interval {share(answer['precision_low'])} to " \
                f"{share(answer['precision_high'])}"
    return text + ")"


def innocents_text(answer: dict[str, Any]) -> str:
    """Innocents per true alert with its 95% interval where one was computed; with no true
    alert, the innocents themselves (never a bare "undefined")."""
    m = answer["metrics"]
    if not m["true_alerts"]:
        return f"0 true alerts, {count(m['innocents_flagged'])} innocent people flagged"
    text = number(m["innocents_per_true_alert"])
    if answer.get("innocents_low") is not None:  # the report's interval, over this one city
        text += f" (95% interval {number(answer['innocents_low'])} to " \
                f"{number(answer['innocents_high'])})"
    return text


def lift_text(answer: dict[str, Any]) -> str:
    """Lift over chance with its interval, and a verdict only where the interval decides it
    (the report's words: ``custodiet.audit.sentence``)."""
    if not answer["metrics"]["alerts"]:
        return "undefined: no alert"
    if not answer["metrics"]["true_alerts"] and answer["chance_precision"] == 0:
        return ("not known: neither its alerts nor as many alerts drawn by chance found what "
                "it claims")
    bound = answer.get("lift_high") is None and answer.get("lift_low") is not None
    fig = Quoted.of(answer["lift"], answer.get("lift_low"), answer.get("lift_high"),
                    lower_bound_only=bound, n_units=answer["metrics"]["alerts"])
    text = sentence(decide(fig, LIFT), Scale.TIMES, above="better than chance",
                    below="worse than chance")
    cp = answer["chance_precision"]
    return f"{text} (chance precision {share(cp)})" if cp is not None else text


def status_text(answer: dict[str, Any]) -> str | None:
    """The administrative status the rule claims (a crowded rental), found apart from
    wrongdoing: its share of alerts against the base rate; None when it claims none."""
    m = answer["metrics"]
    if m.get("status_precision") is None:
        return None
    text = f"{share(m['status_precision'])} of alerts ({count(m['status_alerts'])}; " \
        f"{count(m['status_persons_flagged'])} people"
    if answer.get("status_low") is not None:  # the report's interval, over this one city
        text += f"; 95% interval {share(answer['status_low'])} to {share(answer['status_high'])}"
    text += ")"
    if answer.get("status_base_rate") is not None:
        text += f" against a base rate of {share(answer['status_base_rate'])}"
    return text + ": wrongs nobody, not counted as a true alert"


def _compared_innocents(a: dict[str, Any]) -> str:
    m = a["metrics"]
    if m["alerts"] and not m["true_alerts"]:
        return "none: no true alert"
    return number(m["innocents_per_true_alert"])


def _compared_lift(a: dict[str, Any]) -> str:
    if a["lift"] is not None:
        return f"{a['lift']:.2f}×"
    return "no alert" if not a["metrics"]["alerts"] else "not known"


def _compared_status(a: dict[str, Any]) -> str:
    m = a["metrics"]
    if m.get("status_precision") is None:
        return "claims none"
    return f"{share(m['status_precision'])} ({count(m['status_alerts'])} alerts)"


#: The figures compared before and after a change: (label, how to read it from an answer).
COMPARED: tuple[tuple[str, Any], ...] = (
    ("Alerts per day", lambda a: number(a["metrics"]["alerts_per_day"])),
    ("Precision", lambda a: share(a["metrics"]["precision"])),
    ("Lift over chance", _compared_lift),
    ("Innocents per true alert", _compared_innocents),
    ("People flagged", lambda a: count(a["metrics"]["persons_flagged"])),
    ("Innocent people flagged", lambda a: count(a["metrics"]["innocents_flagged"])),
)

#: Compared only when the rule claims an administrative status (the digital whistle's
#: crowded rentals): the one figure such a rule moves that precision never shows.
STATUS_COMPARED = ("Alerts finding an administrative status", _compared_status)


def before_after(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Rows (figure, before, after) for the comparison table; the share of alerts finding an
    administrative status too when either side claims one."""
    rows = [(label, read(before), read(after)) for label, read in COMPARED]
    if any(a["metrics"].get("status_precision") is not None for a in (before, after)):
        label, read = STATUS_COMPARED
        rows.insert(2, (label, read(before), read(after)))
    return rows


@dataclass
class Bar:
    label: str
    width: float
    value: str
    y: float


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    height: float
    note: str


_YES_NO = {"true": "yes", "false": "no"}
_STATUS = {"suppressed": "not shown (a cell under 10 people)", "undefined": "undefined"}
BAR_WIDTH = 260.0
ROW = 22.0


def chart(grouping: dict[str, Any], top: float) -> Chart:
    """Bars of the share of each group flagged, on a scale shared by the card's charts
    (``top``, the largest flag rate); suppressed groups are said, not drawn."""
    bars = []
    for g in grouping["groups"]:
        rate = g["flag_rate"]
        text = share(rate) if rate is not None else _STATUS.get(g["status"], g["status"])
        width = 0.0 if not rate or not top else BAR_WIDTH * rate / top
        label = _YES_NO.get(str(g["value"]).lower(), str(g["value"]))
        bars.append(Bar(label, width, f"{text} of {count(g['n'])}", ROW * len(bars)))
    note = ""
    if grouping["suppressed_groups"]:
        note = f"{grouping['suppressed_groups']} group(s) under 10 people not shown"
    return Chart(grouping["column"].replace("_recorded", " (recorded)").replace("_", " "),
                 bars, ROW * len(bars) + 4, note)


def charts(answer: dict[str, Any]) -> list[Chart]:
    """One chart per grouping column of the answer."""
    rates = [g["flag_rate"] for c in answer["groups"] for g in c["groups"]
             if g["flag_rate"] is not None]
    top = max(rates, default=0.0)
    return [chart(c, top) for c in answer["groups"]]


def map_note(answer: dict[str, Any]) -> str:
    """What the map of the answer shows: where the rule's alerts fall, or that none fell
    (the map then shows the city alone), and how many fell off the map (places outside the
    city's districts, which have no position)."""
    alerts = answer["metrics"]["alerts"]
    if not alerts:
        hidden = answer["redlist"]["suppressed"]
        why = f" (the red list suppressed its {count(hidden)})" if hidden else ""
        return (f"No alert of this rule fell in the city in {answer['days']} days{why}: the "
                "map shows its districts, enclaves and cameras, and nobody named.")
    drawn = sum(int(row[3]) for row in answer["map"].data["alerts"])
    text = f"Where its {count(alerts)} alert{'s' * (alerts != 1)} fall"
    if drawn < alerts:
        text += (f" ({count(alerts - drawn)} at places outside the city's districts, not "
                 "drawn)")
    return text + ", and who they name, by group."


#: matplotlib draws one figure at a time (the app answers requests on several threads).
_DRAWING = threading.Lock()


def map_image(answer: dict[str, Any]) -> str:
    """The answer's map as an SVG document (the report's map, drawn for this rule)."""
    with _DRAWING:
        svg = map_svg(answer["map"].data, "map")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + svg
