"""Group metrics against ground truth or recorded outcomes: rates, disparities to a reference
group with a pass band, bootstrap intervals on aggregated cells, small-cell suppression, and
threshold sweeps. Used by the simulation audit and by ``custodiet audit`` on real tables."""

from custodiet.audit._bootstrap import percentile_interval, resample_counts
from custodiet.audit._cellkey import MIN_SECRET_BYTES, SECRET_VARIABLE
from custodiet.audit._cells import Cells, Grouping, cells_from_arrow, cells_from_relation
from custodiet.audit._clustered import ClusteredSample
from custodiet.audit._disclosure import Disclosure, protect
from custodiet.audit._frame import (
    DEFAULT_BAND,
    DEFAULT_CONFIDENCE,
    DEFAULT_MIN_CELL,
    AuditResult,
    Estimate,
    GroupFrame,
    default_groupings,
    group_metrics,
)
from custodiet.audit._metrics import LABELLED, UNLABELLED, MetricDef
from custodiet.audit._nested import DEFAULT_REPLICATES, Interval
from custodiet.audit._perturb_cost import perturbation_cost
from custodiet.audit._real import AuditSpec, RealAudit, audit_file
from custodiet.audit._sweep import Sweep, SweepFrame, threshold_sweep
from custodiet.audit._verdict import (
    EFFECT,
    HALF,
    LIFT,
    MIN_SAME_CITIES,
    Decision,
    Quoted,
    Scale,
    Verdict,
    decide,
    more_data_needed,
    quote,
    sentence,
    times,
    undecided_words,
)

__all__ = [
    "DEFAULT_BAND",
    "DEFAULT_CONFIDENCE",
    "DEFAULT_MIN_CELL",
    "DEFAULT_REPLICATES",
    "EFFECT",
    "HALF",
    "LABELLED",
    "LIFT",
    "MIN_SAME_CITIES",
    "MIN_SECRET_BYTES",
    "SECRET_VARIABLE",
    "UNLABELLED",
    "AuditResult",
    "AuditSpec",
    "Cells",
    "ClusteredSample",
    "Decision",
    "Disclosure",
    "Estimate",
    "GroupFrame",
    "Grouping",
    "Interval",
    "MetricDef",
    "Quoted",
    "RealAudit",
    "Scale",
    "Sweep",
    "SweepFrame",
    "Verdict",
    "audit_file",
    "cells_from_arrow",
    "cells_from_relation",
    "decide",
    "default_groupings",
    "group_metrics",
    "more_data_needed",
    "percentile_interval",
    "perturbation_cost",
    "protect",
    "quote",
    "resample_counts",
    "sentence",
    "threshold_sweep",
    "times",
    "undecided_words",
]
