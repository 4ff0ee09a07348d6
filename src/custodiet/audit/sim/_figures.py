"""The registry of a study's headline figures: each figure's name (its key in ``metrics.json``),
label, unit and one-line definition, declared once. The audit computes exactly these figures,
the report and the command line label them from here, and ``docs/metrics.md`` carries a table
generated from here (a test fails on drift)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["count", "share", "number"]


@dataclass(frozen=True)
class StudyFigure:
    """One headline figure: ``name`` (key in ``metrics.json``), ``label`` (for readers), ``unit``
    (count, share or number, which decides how it is printed) and ``doc`` (its definition)."""

    name: str
    label: str
    unit: Unit
    doc: str
    printed: bool = False
    """Whether ``custodiet run`` prints it after the summary."""


def _f(name: str, label: str, unit: Unit, doc: str, printed: bool = False) -> StudyFigure:
    return StudyFigure(name, label, unit, doc, printed)


FIGURES: tuple[StudyFigure, ...] = (
    _f("alerts", "Alerts raised (not suppressed)", "count",
       "unsuppressed alerts of every rule", True),
    _f("alerts_per_day", "Alerts per day", "number", "alerts / days"),
    _f("wrongdoing_alerts", "Alerts of the rules that claim wrongdoing", "count",
       "unsuppressed alerts of the rules claiming at least one unlawful act or standing "
       "state: the alerts the wrongdoing figures below pool"),
    _f("status_only_alerts",
       "Alerts of the rules that claim no wrongdoing (only a status or lawful acts)", "count",
       "unsuppressed alerts of the rules claiming only administrative statuses or lawful acts "
       "(they can never be true alerts and are left out of the wrongdoing figures)"),
    _f("true_alerts", "Alerts that matched unlawful wrongdoing the rule claims (true alerts)",
       "count",
       "alerts with a person matched by an unlawful act or standing state the rule claims: a "
       "detection within a day of the act, a prediction before it (hits); a lawful act or an "
       "administrative status is not wrongdoing"),
    _f("precision", "Precision of alerts (unlawful wrongdoing only)", "share",
       "true alerts / alerts", True),
    _f("persons_flagged", "People flagged at least once", "count",
       "persons named in at least one unsuppressed alert"),
    _f("innocents_flagged", "Innocent people flagged", "count",
       "flagged persons none of whose alerts matched unlawful wrongdoing"),
    _f("innocents_per_true_alert", "Innocent people flagged per true alert", "number",
       "innocents flagged / true alerts", True),
    _f("innocents_per_day", "Innocent people flagged per day", "number",
       "Σ over innocents of the days they were named / days (does not shrink as a run grows)",
       True),
    _f("guilty_named_share", "Share of the people named in alerts who were guilty", "share",
       "Σ guilty persons named / Σ persons named, over alerts (a group alert is true when one "
       "is)"),
    _f("lawful_alerts", "Alerts that caught only a lawful act (not a hit)", "count",
       "alerts with a person matched by a lawful act the rule claims (a petition, a lawful "
       "protest) and none by unlawful wrongdoing"),
    _f("lawful_share", "Share of alerts that caught only a lawful act", "share",
       "lawful alerts / alerts", True),
    _f("status_alerts", "Alerts that found an administrative status (wrongs nobody)", "count",
       "alerts with a person matched by an administrative status the rule claims (a crowded "
       "rental), counted apart from true alerts"),
    _f("status_precision", "Share of alerts that found an administrative status", "share",
       "status alerts / alerts (undefined when no rule claims a status)", True),
    _f("flagged_per_1000", "People flagged per 1,000 residents", "number",
       "1000 × persons flagged / residents"),
    _f("top1_share_of_flags", "Share of flags carried by the top 1% of residents", "share",
       "flags of the ⌈0.01 N⌉ most-flagged persons / all flags", True),
    _f("repeat_flag_share", "Share of flagged people flagged more than once", "share",
       "persons flagged more than once / persons flagged"),
    _f("police_actions", "Police actions", "count", "rows of `actions`"),
    _f("persons_acted_on", "People the police acted on", "count",
       "distinct persons in `actions`"),
    _f("alerts_suppressed", "Alerts suppressed by the red list", "count",
       "alerts with `suppressed_by_redlist`", True),
    _f("listed_at_end", "People on a key-person list on the last day", "count",
       "people on at least one list on the last day"),
    _f("listed_by_contact_at_end", "…of whom listed only because of a police contact", "count",
       "listed at end, on every list only by a `contact` spell"),
    _f("contact_listed_alert_share",
       "Share of alerts naming someone listed because of a contact", "share",
       "alerts naming ≥ 1 person listed because of a contact / alerts", True),
    _f("list_days_per_person", "Days on a list per resident", "number",
       "Σ list_days / residents"),
    _f("petition_trips_no_alert", "Petition trips no alert saw", "count",
       "petition trips to the capital that no unsuppressed alert of a rule claiming them "
       "matched"),
    _f("petition_trips_unseen", "Petition trips nobody saw", "count",
       "petition trips with no ticket, no checkpoint reading and no matching alert (NYT-12)",
       True),
    _f("redlisted_incidents_unseen", "Incidents by red-listed people no alert saw", "count",
       "incidents with a red-listed participant that no unsuppressed alert matched"),
    _f("incidents_hidden_by_redlist", "…unlawful ones that happened in the twin without the "
       "red list and an alert saw there", "count",
       "unlawful incidents by red-listed people unseen in `watch` whose matched incident (same "
       "kind "
       "and place, less than a day apart, most participants in common) in the `no_redlist` "
       "twin an alert saw"),
    _f("redlisted_incidents_not_in_twin", "…that did not happen in the twin without the red "
       "list", "count",
       "incidents by red-listed people unseen in `watch` with no matched incident in the "
       "`no_redlist` twin (counted apart: not hidden by the red list)"),
    _f("incidents_prevented", "Unlawful incidents prevented (acted on + spillover)", "count",
       "unlawful incidents in `no_response` − in `watch`, by persons acted on and the spillover"),
    _f("incidents_prevented_acted_on", "…by the people acted on", "count",
       "the part of `incidents_prevented` by persons acted on"),
    _f("incidents_prevented_spillover", "…by their ties and co-participants (spillover)",
       "count", "the part by ties (household, spouse, kin, friend, coworker) of persons acted "
       "on (or deterred by a tie's visit) and by whoever took part in an incident with one"),
    _f("lawful_acts_prevented", "Lawful acts prevented (petitions, protests)", "count",
       "lawful incidents in `no_response` − in `watch`, by persons acted on and the spillover"),
    _f("lawful_acts_prevented_acted_on", "…by the people acted on", "count",
       "the part of `lawful_acts_prevented` by persons acted on"),
    _f("lawful_acts_prevented_spillover", "…by their ties and co-participants (spillover)",
       "count", "the part by the spillover of persons acted on"),
    _f("prevented_everyone_else", "Difference among everyone else (zero by construction)",
       "count", "incidents in `no_response` − in `watch` by persons neither acted on nor tied "
       "to one: zero with per-person common random numbers"),
    _f("interception_lawful_share", "Lawful share of what the response prevented", "share",
       "lawful acts prevented / (lawful acts + unlawful incidents prevented)"),
    _f("unlawful_deterred", "Unlawful incidents deterred by being watched", "count",
       "unlawful incidents in `no_system` − in `no_response`, by exposed persons and spillover"),
    _f("lawful_deterred", "Lawful acts deterred by being watched", "count",
       "lawful incidents in `no_system` − in `no_response`, by exposed persons and spillover"),
    _f("deterred_everyone_else", "Deterrence difference among everyone else (zero by "
       "construction)", "count", "incidents in `no_system` − in `no_response` by persons "
       "neither exposed nor tied to one"),
    _f("deterrence_lawful_share", "Lawful share of what being watched deterred", "share",
       "lawful deterred / (lawful + unlawful deterred)"),
    _f("precision_seen", "Precision the police can compute", "share",
       "`watch` alerts matched against the `watch` run's incidents", True),
    _f("precision_true", "True precision (twin without response)", "share",
       "`watch` alerts matched against the `no_response` twin's incidents", True),
    _f("right_alerts_looking_false", "Alerts right in the twin that look false to the police",
       "count", "alerts matched to unlawful wrongdoing in the `no_response` twin and not in "
       "`watch` (alerts, not acts: several can point to one act)"),
    _f("incidents_stopped", "Distinct incidents those alerts pointed to that did not happen",
       "count", "distinct unlawful incidents of the `no_response` twin matched by those "
       "alerts with no matched incident (same kind and place, less than a day apart, most "
       "participants) in `watch`", True),
    _f("persons_stopped", "…people named in them", "count",
       "distinct people those alerts named who took part in those incidents"),
    _f("lawful_acts_stopped", "Distinct lawful acts alerts pointed to that did not happen",
       "count", "the same for alerts that caught only a lawful act (a petition, a protest) in "
       "the `no_response` twin and none in `watch`: distinct lawful acts stopped"),
    _f("null_world_alerts", "Alerts of the rules aimed at unlawful acts in a world where "
       "nobody does anything unlawful", "count",
       "unsuppressed alerts in `null_world` (no unlawful act or sham marriage; petitions, "
       "protests and crowded rentals kept; no response) of the rules claiming an unlawful act",
       True),
    _f("null_to_actual_alerts", "Null-world alerts per alert, rules aimed at unlawful acts",
       "number", "those rules' `null_world` alerts / their alerts in `no_response` (no "
       "response on either side); undefined without that twin"),
)

#: Every headline figure by name, in the order the report shows them.
REGISTRY: dict[str, StudyFigure] = {f.name: f for f in FIGURES}


def figure(name: str) -> StudyFigure:
    """The registered figure ``name`` (a KeyError naming it when there is none)."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"no study figure {name!r} in the registry") from None


def docs_table() -> str:
    """The Markdown table of every headline figure that ``docs/metrics.md`` carries."""
    lines = ["| figure | label | unit | definition |", "|---|---|---|---|"]
    for f in FIGURES:
        lines.append(f"| `{f.name}` | {f.label} | {f.unit} | {f.doc} |")
    return "\n".join(lines)


START, END = "<!-- headline figures: start -->", "<!-- headline figures: end -->"


def update_docs(text: str) -> str:
    """``text`` (docs/metrics.md) with the table between its markers regenerated."""
    head, sep, rest = text.partition(START)
    _, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise ValueError(f"docs/metrics.md lacks the markers {START} … {END}")
    return f"{head}{START}\n{docs_table()}\n{END}{tail}"


if __name__ == "__main__":  # python -m custodiet.audit.sim._figures docs/metrics.md
    import sys
    from pathlib import Path

    path = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/metrics.md")
    path.write_text(update_docs(path.read_text(encoding="utf-8")), encoding="utf-8")
