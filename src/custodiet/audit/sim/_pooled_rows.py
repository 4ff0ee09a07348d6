"""Typed rows of the figures pooled over a study's seeds, each a frozen dataclass whose
``to_dict()`` is exactly its part of ``metrics.json`` and whose ``from_dict()`` reads that part
back (``custodiet compare`` reads studies written earlier). The pooling itself is in
``custodiet.audit.sim._pooled``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from custodiet.audit import Quoted
from custodiet.audit.sim._pooled_figures import AlertShare
from custodiet.audit.sim._row import OPTIONAL, Row


@dataclass(frozen=True)
class Spread(Row):
    """A figure over the seeds (``custodiet.audit.sim.summarise``): each seed's value, the mean
    over those where it is defined, the 95% t interval of the mean, the range of the single
    cities and the 95% prediction interval for one more city."""

    values: list[float | None]
    n: int
    undefined_seeds: int
    mean: float | None
    sd: float | None
    low: float | None
    high: float | None
    city_min: float | None
    city_max: float | None
    prediction_low: float | None
    prediction_high: float | None


@dataclass(frozen=True)
class PooledBurden(Row):
    """One system's flags on one listed category over the seeds: the share of its people
    flagged at least once by the system's rules (``flag_rate``) against everyone else's, and
    the ratio of the two with its 95% interval from the bootstrap nested by city, then person
    (``ratio_lower_bound_only``: nobody else was flagged, so only a lower bound is known)."""

    system: str
    category: str
    people: int
    flagged: int
    flag_rate: float | None
    others: int
    others_flagged: int
    others_flag_rate: float | None
    ratio: float | None
    ratio_low: float | None
    ratio_high: float | None
    ratio_lower_bound_only: bool = False

    def ratio_interval(self, cities: int) -> Quoted | None:
        """The ratio with its interval, for a verdict against 1; None when nothing decides it
        (no one in the category or nobody flagged on either side)."""
        if self.ratio_low is None or (self.ratio is None and not self.ratio_lower_bound_only):
            return None
        if self.ratio_high is None and not self.ratio_lower_bound_only:  # no upper end
            return Quoted(self.ratio if self.ratio is not None else math.nan,
                          self.ratio_low, math.inf, n_cities=cities,
                          n_units=self.people + self.others)
        return Quoted.of(self.ratio, self.ratio_low, self.ratio_high,
                         lower_bound_only=self.ratio_lower_bound_only, n_cities=cities,
                         n_units=self.people + self.others)


@dataclass(frozen=True)
class ListTotals(Row):
    """One list over the seeds: members on the first and last day, those there only because of
    a contact, growth, alerts of its rules and those (and the actions) on contact-listed
    people."""

    list: str
    start: int
    end: int
    from_contact_at_end: int
    alerts: int
    alerts_on_contact_listed: int
    actions_on_contact_listed: int
    growth: float | None
    contact_listed_alert_share: float | None


@dataclass(frozen=True)
class ListCategoryShare(Row):
    """People ever on a list, those in a listed category, and their share, over seeds."""

    list: str
    category: str
    members: int
    in_category: int
    share: float | None


@dataclass(frozen=True)
class PooledLists(Row):
    by_list: list[ListTotals] = field(default_factory=list)
    by_category: list[ListCategoryShare] = field(default_factory=list)
    contact_share: AlertShare | None = field(default=None, metadata=OPTIONAL)
    """Every unsuppressed alert over the seeds and those naming someone listed only because
    of a police contact, with the share's nested-bootstrap interval (absent where the seeds
    kept no per-alert rows)."""


@dataclass(frozen=True)
class WorkloadTotals(Row):
    """(alert, person) pairs calling for an action, those answered and the mean delay."""

    candidates: int
    answered: int
    answered_share: float | None
    unanswered: int
    mean_delay_hours: float | None


@dataclass(frozen=True)
class CategoryWorkload(WorkloadTotals):
    category: str = ""


@dataclass(frozen=True)
class PooledWorkload(WorkloadTotals):
    """The officers' workload over the seeds, in all and per triage category."""

    capacity_per_day: int = 0
    days_at_capacity: int = 0
    days: int = 0
    by_category: list[CategoryWorkload] = field(default_factory=list)


@dataclass(frozen=True)
class Knowability(Row):
    """One rule over the seeds: true alerts the police can see and against the twin."""

    rule: str
    alerts: int
    true_alerts_seen: int
    true_alerts_true: int
    precision_seen: float | None
    precision_true: float | None
    hidden_true_alerts: int
    lawful_alerts_seen: int = 0
    lawful_alerts_true: int = 0


@dataclass(frozen=True)
class KindEffect(Row):
    """One incident kind: deterred, intercepted and their total, each over the seeds."""

    kind: str
    lawful: bool
    deterred: Spread
    intercepted: Spread
    total: Spread


@dataclass(frozen=True)
class FeedbackRate(Row):
    """One removal rate of the feedback sweep: its figures over the seeds, and each group's
    mean share of the people listed on the last day."""

    removal_rate: float
    listed_at_end: Spread | None
    listed_by_contact_at_end: Spread | None
    contact_listed_alert_share: Spread | None
    list_days_per_person: Spread | None
    alerts: Spread | None
    precision: Spread | None
    composition_at_end: dict[str, dict[str, float]]


@dataclass(frozen=True)
class FeedbackSweep(Row):
    rates: list[FeedbackRate]
    applied_to: list[str]


@dataclass(frozen=True)
class NullRule(Row):
    """One rule (or rules together) against the null world, over the seeds: its alerts in the
    watched run, in the no-response twin (``baseline_alerts``) and in the null world; the
    null-world ratio (null / baseline) and the response share (1 − baseline / watched), each
    with its 95% interval."""

    rule: str
    aim: str
    alerts: int
    baseline_alerts: int | None
    null_world_alerts: int
    ratio: float | None = None
    ratio_low: float | None = None
    ratio_high: float | None = None
    ratio_design_effect: float | None = None
    response_share: float | None = None
    response_share_low: float | None = None
    response_share_high: float | None = None
    rules: list[str] = field(default_factory=list)
    """The rules pooled (one for a single rule)."""

    def ratio_interval(self, cities: int) -> Quoted | None:
        """The null-world ratio with its interval (an unbounded upper end when too few
        baseline alerts bound it); None when the no-response twin raised none or did not run."""
        if self.ratio is None:
            return None
        return Quoted.of(self.ratio, self.ratio_low, self.ratio_high,
                         lower_bound_only=self.ratio_high is None, n_cities=cities,
                         n_units=(self.baseline_alerts or 0) + self.null_world_alerts)

    def response_interval(self, cities: int) -> Quoted | None:
        """The response's share of the watched run's alerts with its interval (None when the
        watched run raised none or the no-response twin did not run)."""
        if self.response_share is None:
            return None
        low = -math.inf if self.response_share_low is None else self.response_share_low
        return Quoted(self.response_share, low,
                      math.nan if self.response_share_high is None else self.response_share_high,
                      cities, self.alerts + (self.baseline_alerts or 0))


@dataclass(frozen=True)
class NullWorld(Row):
    """The null-world section: what the null world is, each rule against it, and the rules
    aimed at unlawful acts together (``acts``; None when there is none or no twin ran)."""

    world: str
    rules: list[NullRule]
    acts: NullRule | None = None


@dataclass(frozen=True)
class RuleClaim(Row):
    """What a rule claims and how the audit scores it: ``status_only`` (it claims nothing but
    an administrative status, so it can never raise a true alert) and ``preventive`` (its
    action prevents what it predicts, so it is scored against the twin without response)."""

    rule: str
    kinds: list[str]
    scored_as: str
    action: str
    status_only: bool
    preventive: bool


@dataclass(frozen=True)
class StudyInfo(Row):
    """What was studied: the scenario, its size, the seeds, the match horizon, the
    demographic groups and the listed categories of the group metrics."""

    name: str
    description: str = ""
    sources: list[str] = field(default_factory=list)
    people: int = 0
    days: int = 0
    seeds: list[int] = field(default_factory=list)
    horizon_minutes: int = 0
    groups: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    rules: list[RuleClaim] = field(default_factory=list)
    """What each rule claims and how it is scored."""
    stopped: str = ""
    """Why a study run until its answers were decided stopped (empty: a fixed number of
    seeds)."""

    def claim(self, rule: str) -> RuleClaim | None:
        """The claim of the rule named ``rule`` (None when the study does not know it)."""
        return next((c for c in self.rules if c.rule == rule), None)
