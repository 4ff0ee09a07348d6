"""The registry of a study's pooled sections: each names its part of ``metrics.json`` (a field
of :class:`StudyMetrics`), the report question it answers, the headline figures (from the
figure registry) that come from the same per-seed section, and how it pools the seeds' typed
audits. :func:`pool_study` builds the study's result from the registry, so a section is
pooled, serialised and (in ``custodiet.report``) rendered because it is registered here; a
conformance test runs every registered section on an empty study, one seed and several.
A section written as one module (``_section_modules``) needs no entry here: :func:`audit_seed`
and :func:`pool_study` take every one found."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from custodiet.audit.sim._alert_shares import status_pooled
from custodiet.audit.sim._null_pooled import null_world_pooled
from custodiet.audit.sim._pooled import (
    effects_by_kind,
    knowability_pooled,
    lists_pooled,
    redlist_pooled,
    rules_pooled,
    stopped_pooled,
    systems_pooled,
    trips_pooled,
    wrongdoing_pooled,
)
from custodiet.audit.sim._pooled_burden import burden_pooled
from custodiet.audit.sim._pooled_rows import FeedbackSweep, StudyInfo
from custodiet.audit.sim._section_module import BURDENS, HIDES, KNOWABLE, WORKS
from custodiet.audit.sim._section_modules import SECTION_MODULES
from custodiet.audit.sim._study import Con, SeedAudit, SeedRuns
from custodiet.audit.sim._study import audit_seed as _audit_sections
from custodiet.audit.sim._study_metrics import StudyMetrics
from custodiet.audit.sim._summary import SPREADS, spreads
from custodiet.scenario import Scenario


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
    PooledSection("status", WORKS, status_pooled, (),
                  "every rule's alerts that found an administrative status (a crowded rental), "
                  "their share with its interval nested by city and person"),
    PooledSection("null_world", WORKS, null_world_pooled,
                  ("null_world_alerts", "null_to_actual_alerts"),
                  "per rule: alerts in a world where nobody does anything unlawful, over the "
                  "twin without response; the response's share of the watched run's alerts"),
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
                   "incidents_hidden_by_redlist", "redlisted_incidents_not_in_twin"),
                  "what the red list hides"),
    PooledSection("knowability", KNOWABLE, knowability_pooled,
                  ("precision_seen", "precision_true"),
                  "per rule: precision the police see against the twin's"),
    PooledSection("stopped", KNOWABLE, stopped_pooled,
                  ("right_alerts_looking_false", "incidents_stopped", "persons_stopped",
                   "lawful_acts_stopped"),
                  "what acting on alerts stopped: distinct incidents and people, apart from "
                  "the alerts that look false"),
)

#: Every pooled section by key.
BY_KEY: dict[str, PooledSection] = {s.key: s for s in SECTIONS}


def audit_seed(runs: SeedRuns | Mapping[str, Con], scenario: Scenario, *, seed: int
               ) -> SeedAudit:
    """Audit one seed: the hand-wired sections (``audit.sim._study``), then every section
    written as one module (:data:`SECTION_MODULES`) into ``SeedAudit.sections``."""
    runs = SeedRuns.of(runs)
    audit = _audit_sections(runs, scenario, seed=seed)
    audit.sections.update({s.key: s.compute(runs, scenario, seed) for s in SECTION_MODULES})
    return audit


def pool_study(info: StudyInfo, audits: Sequence[SeedAudit], *, groups: dict[str, Any],
               runs: dict[str, dict[str, str]], feedback_sweep: FeedbackSweep | None = None
               ) -> StudyMetrics:
    """The study's result: the headline over the seeds and every registered section pooled;
    ``groups`` is the pooled group metrics' JSON and ``runs`` where each run store is."""
    return StudyMetrics(
        scenario=info, headline=spreads([a.headline for a in audits]),
        uncertainty=dict(SPREADS), **{s.key: s.pool(audits) for s in SECTIONS},
        sections={k: v for k, v in ((s.key, s.pool([a.sections.get(s.key) for a in audits]))
                                    for s in SECTION_MODULES) if v is not None},
        seeds=[a.metrics for a in audits], groups=groups, runs=runs,
        feedback_sweep=feedback_sweep)
