"""The registry of a study's pooled sections: each names its part of ``metrics.json`` (a field
of :class:`StudyMetrics`), the report question it answers, the headline figures (from the
figure registry) that come from the same per-seed section, and how it pools the seeds' typed
audits. :func:`pool_study` builds the study's result from the registry, so a section is
pooled, serialised and (in ``custodiet.report``) rendered because it is registered here; a
conformance test runs every registered section on an empty study, one seed and several."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from custodiet.audit.sim._pooled import (
    effects_by_kind,
    knowability_pooled,
    lists_pooled,
    redlist_pooled,
    rules_pooled,
    systems_pooled,
    trips_pooled,
    workload_pooled,
    wrongdoing_pooled,
)
from custodiet.audit.sim._pooled_burden import burden_pooled
from custodiet.audit.sim._pooled_rows import FeedbackSweep, StudyInfo
from custodiet.audit.sim._study import SeedAudit
from custodiet.audit.sim._study_metrics import StudyMetrics
from custodiet.audit.sim._summary import SPREADS, spreads

#: The questions of the report, in its order.
WORKS = "Does it work?"
BURDENS = "Whom does it burden?"
HIDES = "What does the red list hide?"
KNOWABLE = "Can anyone know whether it predicted right?"
QUESTIONS: tuple[str, ...] = (WORKS, BURDENS, HIDES, KNOWABLE)


@dataclass(frozen=True)
class PooledSection:
    """One pooled section: ``key`` (its field of :class:`StudyMetrics` and key in
    ``metrics.json``), the ``question`` it answers, the headline ``figures`` its per-seed
    section also feeds, and ``pool`` (the seeds' audits → the typed pooled part, None when no
    seed computed it)."""

    key: str
    question: str
    pool: Callable[[Sequence[SeedAudit]], Any]
    figures: tuple[str, ...] = ()
    doc: str = ""


SECTIONS: tuple[PooledSection, ...] = (
    PooledSection("rules", WORKS, rules_pooled,
                  ("alerts", "true_alerts", "precision", "status_alerts", "status_precision"),
                  "per rule: alerts, precision, lift over chance, statuses"),
    PooledSection("systems", WORKS, systems_pooled, (), "per system: the same over its rules"),
    PooledSection("wrongdoing", WORKS, wrongdoing_pooled, (),
                  "the rules that claim some wrongdoing, together (the headline's rules)"),
    PooledSection("effects", WORKS, effects_by_kind,
                  ("incidents_prevented", "lawful_acts_prevented", "unlawful_deterred",
                   "lawful_deterred"), "per incident kind: deterred and intercepted"),
    PooledSection("trips", WORKS, trips_pooled,
                  ("petition_trips_unseen", "petition_trips_no_alert"),
                  "petition trips and what saw them"),
    PooledSection("lists", BURDENS, lists_pooled,
                  ("listed_at_end", "listed_by_contact_at_end", "contact_listed_alert_share"),
                  "per list: the feedback loop; who is on which list by category"),
    PooledSection("burden_by_system", BURDENS, burden_pooled, (),
                  "per system and listed category: flagged against everyone else, with "
                  "intervals nested by city and person"),
    PooledSection("redlist", HIDES, redlist_pooled,
                  ("alerts_suppressed", "redlisted_incidents_unseen",
                   "incidents_hidden_by_redlist"), "what the red list hides"),
    PooledSection("knowability", KNOWABLE, knowability_pooled,
                  ("precision_seen", "precision_true"),
                  "per rule: precision the police see against the twin's"),
    PooledSection("workload", KNOWABLE, workload_pooled, (), "the officers' workload"),
)

#: Every pooled section by key.
BY_KEY: dict[str, PooledSection] = {s.key: s for s in SECTIONS}


def pool_study(info: StudyInfo, audits: Sequence[SeedAudit], *, groups: dict[str, Any],
               runs: dict[str, dict[str, str]], feedback_sweep: FeedbackSweep | None = None
               ) -> StudyMetrics:
    """The study's result: the headline over the seeds and every registered section pooled;
    ``groups`` is the pooled group metrics' JSON and ``runs`` where each run store is."""
    return StudyMetrics(
        scenario=info, headline=spreads([a.headline for a in audits]),
        uncertainty=dict(SPREADS), **{s.key: s.pool(audits) for s in SECTIONS},
        seeds=[a.metrics for a in audits], groups=groups, runs=runs,
        feedback_sweep=feedback_sweep)
