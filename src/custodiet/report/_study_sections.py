"""The study report's sections on the administrative statuses the rules found (apart from
wrongdoing), on what the red list hides and on whether anyone can know that the system
predicted right: precision the police can compute against the twin's, the twins' incidents, the
list feedback loop (per list, over time, and across removal rates); the officers' workload
is a section of its own (``audit/sim/_section_modules/workload.py``)."""

from __future__ import annotations

from pathlib import Path

from custodiet.audit import Scale, quote
from custodiet.audit.sim import REGISTRY, FeedbackRate, PooledRule, SeedAudit, Spread, StudyMetrics
from custodiet.report._answers import statuses, unseen
from custodiet.report._drawing import draw
from custodiet.report._html import Figure, Section, Table
from custodiet.report._study_figures import grouped_bars, lines, stacked
from custodiet.report._study_format import fmt, headline_text


def status_section(sec: Section, metrics: StudyMetrics) -> None:
    """Per rule that claims an administrative status: its status alerts, status precision
    with its interval, the base rate among random people it watches, the status lift and
    the people flagged for a status, apart from the true alerts."""
    said = statuses(metrics)
    rows = [r for r in metrics.rules if r.status_precision is not None]
    if said is None:
        return
    sec.heading("Administrative statuses (not wrongdoing)")
    sec.paragraph(said)
    sec.table(Table(
        ["Rule", "Alerts", "Status alerts", "Status precision (95% interval)",
         "Base rate (random people it watches)", "Status lift (95% interval)",
         "People flagged for a status",
         "People flagged", "True alerts (wrongdoing)"],
        [[r.rule, fmt(r.alerts, "count"), fmt(r.status_alerts, "count"),
          _status_interval(r), fmt(r.status_base_rate, "share"),
          _status_lift(r, metrics.n_seeds),
          fmt(r.status_persons_flagged, "count"), fmt(r.persons_flagged, "count"),
          fmt(r.true_alerts, "count")] for r in rows],
        caption="Per rule that claims an administrative status, pooled over seeds (intervals "
                "from the bootstrap nested by city and person). These alerts are not true "
                "alerts; the people flagged for a status are counted among the innocents"))


def trips_section(sec: Section, metrics: StudyMetrics) -> None:
    """Petition trips to the capital and what saw them (added over seeds): the evasions that
    beat every rule unless a checkpoint or an absence rule catches them."""
    said = unseen(metrics)
    if said is None:
        return
    t = metrics.trips
    assert t is not None  # unseen() said something
    sec.heading("Trips nobody saw")
    sec.paragraph(said)
    labels = (("petition_trips", "Petition trips to the capital"),
              ("evasive", "…by an evasive petitioner"), ("no_ticket", "…with no ticket"),
              ("unrecorded", "…with no ticket and no checkpoint reading"),
              ("no_alert", "…that no alert of a rule claiming them matched"),
              ("unseen", "…neither recorded nor alerted (nobody saw)"))
    sec.table(Table(["Petition trips", "Count"], [[label, fmt(getattr(t, k), "count")]
                                                  for k, label in labels],
                    caption="Ground truth against what the sensors and the alerts saw, added "
                            "over seeds"))


def _status_interval(r: PooledRule) -> str:
    text = fmt(r.status_precision, "share")
    if r.status_precision_low is not None:
        text += (f" ({fmt(r.status_precision_low, 'share')}–"
                 f"{fmt(r.status_precision_high, 'share')})")
    return text


def _status_lift(r: PooledRule, cities: int) -> str:
    lift = r.status_lift_interval(cities)
    if lift is not None:
        return quote(lift, Scale.TIMES)
    return f"{r.status_lift:.2g}×" if r.status_lift is not None else "undefined"


def redlist_section(sec: Section, metrics: StudyMetrics) -> None:
    """Red-listed people, suppressed alerts and what they would have found, incidents unseen;
    added over every seed, beside the twin without the red list."""
    red = metrics.redlist
    if not red:
        return
    seeds = metrics.n_seeds
    sup = red.suppressed
    rows = [["Red-listed people", fmt(red.redlisted_persons, "count"), ""],
            ["Alerts suppressed", fmt(red.alerts_suppressed, "count"), ""]]
    if sup:
        rows += [["…that would have matched an incident", fmt(sup.true_alerts, "count"), ""],
                 ["…incidents those alerts would have found",
                  fmt(sup.incidents_found, "count"), ""]]
    w, wo = red.with_redlist, red.without_redlist
    for key, label in (("incidents", "Incidents with a red-listed participant"),
                       ("unseen", "…that no alert saw"),
                       ("alerts_naming_redlisted", "Unsuppressed alerts naming a red-listed "
                                                   "person")):
        rows.append([label, fmt(getattr(w, key), "count"),
                     fmt(getattr(wo, key), "count") if wo else ""])
    if red.not_in_twin is not None and red.unseen_in_twin_too is not None:
        rows += [["…of those unseen, seen by an alert in the twin (hidden by the red list)",
                  fmt(red.hidden, "count"), ""],
                 ["…of those unseen, unseen in the twin too", fmt(red.unseen_in_twin_too,
                                                                    "count"), ""],
                 ["…of those unseen, did not happen in the twin", fmt(red.not_in_twin,
                                                                        "count"), ""]]
    if red.hidden_unlawful is not None:  # a petition or a protest hides no wrongdoing
        rows += [[f"…{label}, unlawful only", fmt(value, "count"), ""] for label, value in (
            ("seen by an alert in the twin (hidden)", red.hidden_unlawful),
            ("unseen in the twin too", red.unseen_in_twin_too_unlawful),
            ("did not happen in the twin", red.not_in_twin_unlawful))]
    sec.table(Table(["", "With the red list", "Twin without it"], rows,
                    caption=f"What the red list hides (totals over {seeds} "
                            f"{'city' if seeds == 1 else 'cities'}); an unseen incident is "
                            "followed into the twin as the same incident (same kind and place, "
                            "less than a day apart, most participants in common)"))


def stopped_table(sec: Section, metrics: StudyMetrics) -> None:
    """What acting on alerts stopped: the alerts right in the twin that look false to the
    police beside the distinct incidents and people they pointed to that did not happen,
    totals over the cities with the mean per city."""
    st = metrics.stopped
    if st is None:
        return
    seeds = metrics.n_seeds
    rows = []
    for name, label, value in (
            ("right_alerts_looking_false", "Alerts right in the twin that look false to the "
                                           "police", st.alerts),
            ("incidents_stopped", "…distinct incidents they pointed to that did not happen",
             st.incidents),
            ("persons_stopped", "…distinct people named in those incidents", st.persons),
            (None, "Alerts that caught only a lawful act in the twin and none in the police's "
                   "records", st.lawful_alerts),
            ("lawful_acts_stopped", "…distinct lawful acts they pointed to that did not happen",
             st.lawful_acts),
            (None, "…distinct people named in those lawful acts", st.lawful_persons)):
        spread = metrics.spread(name) if name else None
        rows.append([label, fmt(value, "count"),
                     headline_text(spread, "count") if spread is not None else ""])
    sec.table(Table(["", f"Total over {seeds} {'city' if seeds == 1 else 'cities'}",
                     "Per city"], rows,
                    caption="What acting on alerts stopped, in acts and people rather than "
                            "alerts (several alerts can point to one act)"))


def knowability_table(sec: Section, metrics: StudyMetrics) -> None:
    """Per rule: precision the police can compute against the twin's true precision."""
    rows = [r for r in metrics.knowability or [] if r.alerts]
    if not rows:
        return
    sec.table(Table(
        ["Rule", "Alerts", "True alerts the police see", "Precision they compute",
         "True alerts (twin without response)", "True precision", "Correct alerts made to "
         "look false"],
        [[r.rule, fmt(r.alerts, "count"), fmt(r.true_alerts_seen, "count"),
          fmt(r.precision_seen, "share"), fmt(r.true_alerts_true, "count"),
          fmt(r.precision_true, "share"), fmt(r.hidden_true_alerts, "count")]
         for r in rows],
        caption="What the police can know of each rule, against the twin city without any "
                "response (added over seeds)"))


def feedback_table(sec: Section, metrics: StudyMetrics) -> None:
    """Per list: growth from contacts, alerts and actions on people listed by a contact."""
    rows = [r for r in metrics.lists.by_list if r.list != "(any list)"]
    if not rows:
        return
    sec.table(Table(
        ["List", "Members, day 0", "Members, last day", "Growth", "…listed by a contact",
         "Alerts of its rules", "…naming someone listed by a contact",
         "Police actions on them"],
        [[r.list, fmt(r.start, "count"), fmt(r.end, "count"),
          fmt(r.growth, "number") + "×" if r.growth is not None else "undefined",
          fmt(r.from_contact_at_end, "count"), fmt(r.alerts, "count"),
          fmt(r.alerts_on_contact_listed, "count"),
          fmt(r.actions_on_contact_listed, "count")] for r in rows],
        caption="The list feedback loop, per list (added over seeds): a police contact puts "
                "its target on the lists fed by contacts; the listing raises alerts and the "
                "alerts actions"))


def lists_figures(sec: Section, metrics: StudyMetrics, first: SeedAudit,
                  fig_dir: Path | None) -> None:
    """The first seed's list sizes by why people are on them, composition, contact-listed
    alerts, and the removal-rate sweep."""
    lists = first.lists
    if lists is None:
        return
    sec.heading("Lists and the feedback loop over time")
    sec.paragraph("A police action puts its target on every list fed by contacts; removal is "
                  "rare. The figures show who is on a list each day, why, and how many alerts "
                  "fall on people listed only because of an earlier contact.")
    anyl = [r for r in lists.sizes if r.list == "(any list)"]
    days = [r.day for r in anyl]
    if anyl:
        svg = draw("list-size", fig_dir, stacked, days,
                   [("listed by recorded attributes", [r.members - r.from_contact for r in anyl]),
                    ("listed only because of a police contact",
                     [r.from_contact for r in anyl])],
                   xlabel="day", ylabel="people on a list")
        sec.figure(Figure(svg,
                          f"People on at least one key-person list each day, by why they are "
                          f"on it (seed {first.seed}).", "list-size"))
    comp = lists.composition
    for col in metrics.scenario.groups:
        rows = [r for r in comp if r.column == col]
        if not rows:
            continue
        values = sorted({r.value for r in rows})
        total = {d: sum(r.members for r in rows if r.day == d) for d in days}
        series = [(f"{col} = {v}", days,
                   [next((r.members / total[d] for r in rows
                          if r.day == d and r.value == v and total[d]), 0.0)
                    for d in days]) for v in values]
        fname = f"list-composition-{col}"
        svg = draw(fname, fig_dir, lines, series, xlabel="day", ylabel="share of listed people",
                   percent=True)
        sec.figure(Figure(svg,
                          f"Composition of the people on a list by {col}, each day.", fname))
    fb = lists.contact_listed_alerts
    svg = draw("contact-listed-alerts", fig_dir, lines,
               [("alerts naming someone listed because of a contact", [r.day for r in fb],
                 [r.contact_listed / r.alerts if r.alerts else None for r in fb])],
               xlabel="day", ylabel="share of alerts", percent=True)
    sec.figure(Figure(svg,
                      "Share of each day's alerts that name someone on a list only because "
                      "of an earlier police contact.", "contact-listed-alerts"))
    _removal_sweep(sec, metrics, fig_dir)


def _removal_sweep(sec: Section, metrics: StudyMetrics, fig_dir: Path | None) -> None:
    """The removal-rate sweep: a table and a figure of the feedback loop per rate."""
    sweep = metrics.feedback_sweep
    if sweep:
        rates = sweep.rates
        x = [r.removal_rate for r in rates]
        rows = []
        for r in rates:
            row = [f"{r.removal_rate:g}"]
            for name in ("listed_at_end", "listed_by_contact_at_end",
                         "contact_listed_alert_share", "list_days_per_person", "alerts"):
                row.append(headline_text(getattr(r, name), REGISTRY[name].unit))
            rows.append(row)
        sec.table(Table(["Removal rate per day", "Listed on the last day",
                         "…because of a contact", "Alerts on contact-listed people",
                         "Days on a list per resident", "Alerts"], rows,
                        caption="The removal-rate sweep (every list at once)"))
        svg = draw("removal-sweep", fig_dir, lines,
                   [("share of alerts on contact-listed people", x,
                     [_mean(r.contact_listed_alert_share) for r in rates]),
                    ("share of listed people listed by a contact", x,
                     [_by_contact(r) for r in rates])],
                   xlabel="daily removal rate", ylabel="share", percent=True)
        sec.figure(Figure(svg,
                          "How the feedback loop changes with the removal rate (mean over "
                          "seeds).", "removal-sweep"))


def _mean(s: Spread | None) -> float | None:
    return None if s is None else s.mean


def _by_contact(row: FeedbackRate) -> float | None:
    x, y = _mean(row.listed_by_contact_at_end), _mean(row.listed_at_end)
    return x / y if x is not None and y else None


def twins_figures(sec: Section, first: SeedAudit, fig_dir: Path | None) -> None:
    """The first seed's twins: incidents by kind, precision seen and true, null-world alerts."""
    twins = first.twins
    if twins is None or twins.empty:
        return
    sec.heading("Twin runs")
    sec.paragraph("Each twin is the same city with the same random draws, with one thing "
                  "changed: no police response, no red list, or nobody doing anything unlawful. "
                  "Differences are effects, not noise.")
    prev = twins.prevented_by_kind or []
    if prev:
        kinds = [r.kind + (" (lawful)" if r.lawful else "") for r in prev]
        svg = draw("twins-incidents", fig_dir, grouped_bars, kinds,
                   [("with the watch", [r.with_watch for r in prev]),
                    ("twin without response", [r.without_response for r in prev])],
                   xlabel="incidents", log=True)
        sec.figure(Figure(svg,
                          "Incidents by kind with the watch and in its twin without any police "
                          "response (symmetric log scale).", "twins-incidents"))
    prec = [r for r in twins.precision_by_rule or [] if r.alerts]
    if prec:
        svg = draw("twins-precision", fig_dir, grouped_bars, [r.rule for r in prec],
                   [("precision the police see", [r.precision_seen for r in prec]),
                    ("true precision", [r.precision_true for r in prec])],
                   xlabel="precision")
        sec.figure(Figure(svg,
                          "Precision per rule as the police can compute it and as it truly "
                          "was (against the twin without response).", "twins-precision"))
    null = [r for r in twins.null_world_alerts_by_rule or [] if r.alerts or
            r.null_world_alerts or r.baseline_alerts]
    if null:
        based = all(r.baseline_alerts is not None for r in null)
        svg = draw("twins-null-world", fig_dir, grouped_bars, [r.rule for r in null],
                   [("twin without response" if based else "actual run",
                     [r.baseline_alerts if based else r.alerts for r in null]),
                    ("null world", [r.null_world_alerts for r in null])],
                   xlabel="alerts", log=True)
        sec.figure(Figure(svg,
                          "Alerts per rule in the city without a police response and in a "
                          "twin where nobody does anything unlawful (lawful petitions and "
                          "protests and crowded rentals kept, no response either).",
                          "twins-null-world"))
