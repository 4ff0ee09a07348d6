"""Whom each system burdens: per system of the scenario (the rules of one piece of the
reporting, ``custodiet.audit.sim.systems_of``), which listed categories its rules flag more
often than everyone else, with the same gate as the overall answer: a ratio is said only when
its 95% interval (nested by city, then person) lies above 1, and as a number only when the
interval spans less than ``QUOTABLE_SPAN``. A cell built from fewer than the group metrics'
``min_cell`` people (flagged or not, in the category or outside it, but not zero) is
suppressed here as in the category table, in the table and the sentence alike."""

from __future__ import annotations

import math

from custodiet.audit import LIFT, Decision
from custodiet.audit.sim import ALL_RULES, GroupContrast, PooledBurden, StudyMetrics
from custodiet.report._answers import (
    CATEGORY_LABELS,
    QUOTABLE_SPAN,
    _ratio,
    _ratio_words,
    no_difference_shown,
)
from custodiet.report._html import Section, Table
from custodiet.report._study_format import suppressed


def _label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category)


def burden_words(r: PooledBurden, cities: int = 1) -> tuple[Decision, str]:
    """A system's ratio for one category in gated words (see the module docstring)."""
    q = r.ratio_interval(cities)
    if q is None:
        return Decision.ABSENT, ""
    if r.ratio_lower_bound_only:
        if q.low > LIFT:
            return Decision.ABOVE, (f"and nobody else (at least {_ratio(q.low)} times as "
                                    "often as everyone else, a 95% lower bound)")
        return Decision.UNDECIDED, ("too few flags to tell (nobody else was flagged; 95% "
                                    f"lower bound {_ratio(q.low)})")
    if math.isinf(q.high):
        if q.low > LIFT:
            return Decision.ABOVE, (f"more often than everyone else (95% interval "
                                    f"{_ratio(q.low)} times or more)")
        return Decision.UNDECIDED, (f"too few flags to tell (95% interval from "
                                    f"{_ratio(q.low)}, with no upper end)")
    # the row's ratio as the contrast's (rate over a unit rate), so the words say its value
    contrast = GroupContrast(r.category, r.people, {"flag_rate": r.ratio},
                             {"flag_rate": 1.0}, {"flag_rate": (q.low, q.high)}, r.flagged)
    return _ratio_words(contrast, "flag_rate")


def min_cell(metrics: StudyMetrics) -> float:
    """The disclosure threshold the study's group metrics used (as the category table)."""
    return float(metrics.groups.get("settings", {}).get("min_cell", 0))


def disclosive(r: PooledBurden, cell: float) -> bool:
    """Whether the row would reveal a count under ``cell`` (zero is not disclosive): the
    people of the category, those flagged or not flagged, and the same for everyone else,
    as the group metrics suppress a rate built from a small count."""
    counts = (r.people, r.flagged, r.people - r.flagged,
              r.others, r.others_flagged, r.others - r.others_flagged)
    return any(0 < c < cell for c in counts)


def _systems(metrics: StudyMetrics) -> list[str]:
    return sorted({r.system for r in metrics.burden_by_system or []} - {ALL_RULES})


def system_burdens(metrics: StudyMetrics) -> str | None:
    """One clause per system: the category its rules burden most where an interval decides
    it, else that no difference is shown, that there are too few flags to tell, or that it
    flagged nobody (suppressed rows left out, and said to be); None without the per-system
    figures."""
    systems = _systems(metrics)
    if not systems:
        return None
    cities, cell = metrics.n_seeds, min_cell(metrics)
    decided, open_, silent, level = [], [], [], []
    hidden = False
    for system in systems:
        rows = metrics.burdens_of(system)
        shown = [r for r in rows if not disclosive(r, cell)]
        hidden = hidden or len(shown) < len(rows)
        said = [(r, *burden_words(r, cities)) for r in shown]
        above = [x for x in said if x[1] is Decision.ABOVE]
        if above:
            r, _, words = max(above, key=lambda x: x[0].ratio_low or 0.0)
            decided.append(f"{system} flagged {_label(r.category)} {words}")
        elif not any(r.flagged or r.others_flagged for r in rows):
            silent.append(system)
        elif said and all(w.startswith("no difference shown") for _, _, w in said):
            level.append(system)
        else:
            open_.append(system)
    parts = decided or ["no system's flags show that it burdens a listed category"]
    if open_:
        parts.append("too few flags to tell whether " + ", ".join(open_) +
                     (" burdens" if len(open_) == 1 else " burden") +
                     " any listed category more than everyone else")
    if level:
        parts.append(", ".join(level) + ": no difference shown for any listed category")
    if silent:
        parts.append(", ".join(silent) + " flagged nobody")
    if hidden:
        parts.append(f"figures built from fewer than {cell:g} people are suppressed and not "
                     "said")
    where = (f"over {cities} cities and the people in them" if cities > 1
             else "over the people of one city")
    return f"By system (95% intervals {where}): " + "; ".join(parts) + "."


def _cell(r: PooledBurden | None, cities: int, cell: float = 0.0) -> str:
    """A table cell: the ratio with its interval, gated as the sentences are; suppressed
    when built from fewer than ``cell`` people."""
    if r is None:
        return ""
    if disclosive(r, cell):
        return suppressed(cell)
    decision, _ = burden_words(r, cities)
    if decision is Decision.ABSENT:
        return "nobody flagged" if not r.flagged and not r.others_flagged else "—"
    low = _ratio(r.ratio_low or 0.0)
    if r.ratio_lower_bound_only:
        told = f"at least {low}×" if decision is Decision.ABOVE else "too few to tell"
        return f"{told} (nobody else flagged)"
    span = f"{low}–{_ratio(r.ratio_high)}" if r.ratio_high is not None else f"{low} or more"
    if decision is Decision.UNDECIDED and r.ratio_high is not None \
            and no_difference_shown(r.ratio_low or 0.0, r.ratio_high):
        return f"no difference shown ({span})"
    if decision is Decision.UNDECIDED:
        return f"too few to tell ({span})"
    if decision is Decision.BELOW:
        return f"less often ({span})"
    if r.ratio_high is not None and r.ratio_low and r.ratio_high / r.ratio_low < QUOTABLE_SPAN:
        return f"{_ratio(r.ratio or 0.0)}× ({span})"
    return f"more often ({span})"


def burden_by_system_table(sec: Section, metrics: StudyMetrics) -> None:
    """Per system (and over all rules): each listed category's flag rate against everyone
    else's, as a gated ratio with its 95% interval."""
    rows = metrics.burden_by_system or []
    if not rows:
        return
    cats = list(dict.fromkeys(r.category for r in rows))
    by = {(r.system, r.category): r for r in rows}
    said = system_burdens(metrics)
    if said:
        sec.paragraph(said)
    systems = [ALL_RULES, *_systems(metrics)]
    cities, cell = metrics.n_seeds, min_cell(metrics)
    sec.table(Table(
        ["System", *[_label(c) for c in cats]],
        [[s, *[_cell(by.get((s, c)), cities, cell) for c in cats]] for s in systems],
        caption=f"How often each system's rules flag each listed category against everyone "
                f"else (share flagged at least once, over {cities} "
                f"{'city' if cities == 1 else 'cities'}): the ratio with its 95% interval "
                "from a bootstrap over cities and then the people in them; a number only "
                f"when the interval lies above 1 and spans less than a factor of "
                f"{QUOTABLE_SPAN:g}"))
