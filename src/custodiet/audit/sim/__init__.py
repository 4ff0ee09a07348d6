"""The audit of a simulated study: a watch run's alerts against the city's ground truth, its
twins (no response, no red list, no system, a null world), burden by group and by listed
category, the lists' feedback, what the red list hides, and the figures pooled over seeds.

``audit_seed`` audits one seed's run stores into a typed :class:`SeedAudit`; the ``*_pooled``
functions pool those over seeds; ``FIGURES`` is the registry of every headline figure. Real
scored data is audited by :mod:`custodiet.audit` itself, whose group metrics this package uses.
"""

from custodiet.audit.sim._alert_shares import clustered_intervals, status_pooled, wilson
from custodiet.audit.sim._burden import (
    ALL_RULES,
    LISTED_CATEGORIES,
    burden_groups,
    camera_days,
    categories_in,
    lists_by_category,
)
from custodiet.audit.sim._figures import FIGURES, REGISTRY, StudyFigure, docs_table, figure
from custodiet.audit.sim._innocent_rows import innocent_rows
from custodiet.audit.sim._lift import (
    DEFAULT_REPLICATES,
    chance_alerts,
    lift_over_chance,
    lift_with_hits,
    sample_subsets,
)
from custodiet.audit.sim._lists import feedback_by_list, prepare_spells
from custodiet.audit.sim._match import match_incidents
from custodiet.audit.sim._null import ACT_AIM, AIMS, aim_of
from custodiet.audit.sim._null_pooled import count_ratio, null_world_pooled
from custodiet.audit.sim._people import burden_concentration, person_outcomes
from custodiet.audit.sim._pooled import (
    effects_by_kind,
    knowability_pooled,
    lists_pooled,
    redlist_pooled,
    rules_pooled,
    stopped_pooled,
    systems_pooled,
    trips_pooled,
)
from custodiet.audit.sim._pooled_figures import (
    AlertShare,
    PooledFigures,
    PooledRule,
    PooledSystem,
)
from custodiet.audit.sim._pooled_innocents import innocents_rows_interval
from custodiet.audit.sim._pooled_rows import (
    CategoryWorkload,
    FeedbackRate,
    FeedbackSweep,
    KindEffect,
    Knowability,
    ListCategoryShare,
    ListTotals,
    NullRule,
    NullWorld,
    PooledBurden,
    PooledLists,
    PooledWorkload,
    Spread,
    StudyInfo,
)
from custodiet.audit.sim._preventive import PREVENTIVE_ACTIONS
from custodiet.audit.sim._redlist import redlist_metrics, suppressed_would_find
from custodiet.audit.sim._registry import SECTIONS, PooledSection, audit_seed, pool_study
from custodiet.audit.sim._rules import (
    DEFAULT_HORIZON,
    DETECTION_WINDOW,
    TEMPLATE_SCORING,
    Claim,
    alert_hits,
    claim_for,
    overall_metrics,
    rule_metrics,
)
from custodiet.audit.sim._scoring import rule_claims
from custodiet.audit.sim._section_module import (
    BURDENS,
    HIDES,
    KNOWABLE,
    QUESTIONS,
    WORKS,
    SectionModule,
)
from custodiet.audit.sim._section_modules import SECTION_MODULES
from custodiet.audit.sim._sections import (
    CategoryBurden,
    Lift,
    PetitionTrips,
    RedList,
    RedListCounts,
    RuleFigures,
    Split,
    Stopped,
    Suppressed,
    SystemFigures,
    Workload,
    WorkloadCategory,
)
from custodiet.audit.sim._split import split_difference
from custodiet.audit.sim._stopped import stopped_by_acting
from custodiet.audit.sim._study import TOP_SHARE, SeedAudit, SeedRuns, alerts_by_day, headline
from custodiet.audit.sim._study_metrics import FlagRatio, GroupContrast, StudyMetrics
from custodiet.audit.sim._summary import (
    MIN_SAME_CITIES,
    SPREADS,
    difference,
    pooled_group_metrics,
    spreads,
    summarise,
    summarise_headlines,
)
from custodiet.audit.sim._twins import prevented_by_kind, seen_versus_true_precision
from custodiet.audit.sim._unseen import unseen_trips
from custodiet.audit.sim._verdicts import PREVENTED, answer_verdicts
from custodiet.audit.sim._workload import workload

__all__ = [
    "ACT_AIM",
    "AIMS",
    "ALL_RULES",
    "BURDENS",
    "DEFAULT_HORIZON",
    "DEFAULT_REPLICATES",
    "DETECTION_WINDOW",
    "FIGURES",
    "HIDES",
    "KNOWABLE",
    "LISTED_CATEGORIES",
    "MIN_SAME_CITIES",
    "PREVENTED",
    "PREVENTIVE_ACTIONS",
    "QUESTIONS",
    "REGISTRY",
    "SECTIONS",
    "SECTION_MODULES",
    "SPREADS",
    "TEMPLATE_SCORING",
    "TOP_SHARE",
    "WORKS",
    "AlertShare",
    "CategoryBurden",
    "CategoryWorkload",
    "Claim",
    "FeedbackRate",
    "FeedbackSweep",
    "FlagRatio",
    "GroupContrast",
    "KindEffect",
    "Knowability",
    "Lift",
    "ListCategoryShare",
    "ListTotals",
    "NullRule",
    "NullWorld",
    "PetitionTrips",
    "PooledBurden",
    "PooledFigures",
    "PooledLists",
    "PooledRule",
    "PooledSection",
    "PooledSystem",
    "PooledWorkload",
    "RedList",
    "RedListCounts",
    "RuleFigures",
    "SectionModule",
    "SeedAudit",
    "SeedRuns",
    "Split",
    "Spread",
    "Stopped",
    "StudyFigure",
    "StudyInfo",
    "StudyMetrics",
    "Suppressed",
    "SystemFigures",
    "Workload",
    "WorkloadCategory",
    "aim_of",
    "alert_hits",
    "alerts_by_day",
    "answer_verdicts",
    "audit_seed",
    "burden_concentration",
    "burden_groups",
    "camera_days",
    "categories_in",
    "chance_alerts",
    "claim_for",
    "clustered_intervals",
    "count_ratio",
    "difference",
    "docs_table",
    "effects_by_kind",
    "feedback_by_list",
    "figure",
    "headline",
    "innocent_rows",
    "innocents_rows_interval",
    "knowability_pooled",
    "lift_over_chance",
    "lift_with_hits",
    "lists_by_category",
    "lists_pooled",
    "match_incidents",
    "null_world_pooled",
    "overall_metrics",
    "person_outcomes",
    "pool_study",
    "pooled_group_metrics",
    "prepare_spells",
    "prevented_by_kind",
    "redlist_metrics",
    "redlist_pooled",
    "rule_claims",
    "rule_metrics",
    "rules_pooled",
    "sample_subsets",
    "seen_versus_true_precision",
    "split_difference",
    "spreads",
    "status_pooled",
    "stopped_by_acting",
    "stopped_pooled",
    "summarise",
    "summarise_headlines",
    "suppressed_would_find",
    "systems_pooled",
    "trips_pooled",
    "unseen_trips",
    "wilson",
    "workload",
]
