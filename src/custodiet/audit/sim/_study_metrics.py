"""A study's result as one typed object (as fairlearn's ``MetricFrame`` is for one audit):
what was studied, the headline figures over the seeds, and every pooled section, each a typed
row; ``metrics.json`` is its ``to_dict()`` and ``from_dict()`` reads one back. The report, the
printed summary, ``compare`` and the Python API read its attributes.

Two parts stay plain JSON, each owned by another typed object: ``seeds`` (each seed's
``SeedAudit.metrics``) and ``groups`` (``AuditResult.to_dict()`` of the pooled group
metrics); :meth:`StudyMetrics.category_contrasts` and :meth:`StudyMetrics.largest_flag_ratio`
read the latter into typed rows."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from custodiet.audit.sim._burden import ALL_RULES
from custodiet.audit.sim._figures import figure
from custodiet.audit.sim._pooled_figures import (
    AlertShare,
    PooledRule,
    PooledSystem,
)
from custodiet.audit.sim._pooled_rows import (
    FeedbackSweep,
    KindEffect,
    Knowability,
    NullWorld,
    PooledBurden,
    PooledLists,
    PooledWorkload,
    Spread,
    StudyInfo,
)
from custodiet.audit.sim._row import from_dict
from custodiet.audit.sim._section_modules import SECTION_MODULES
from custodiet.audit.sim._sections import PetitionTrips, RedList, Row, Stopped

#: Group metrics the burden answers compare between a listed category and everyone else.
BURDEN_METRICS: tuple[str, ...] = ("flag_rate", "list_days", "contacts", "camera_days")


@dataclass(frozen=True)
class GroupContrast:
    """A listed category's people (``yes``) against everyone else (``no``): the pooled group
    metrics' values, by metric name, and the people in the category."""

    category: str
    people: int | None
    yes: dict[str, float | None]
    no: dict[str, float | None]
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    """The 95% bootstrap interval of each ratio to everyone else, where the group metrics
    give one (people resampled; suppressed and undefined ratios have none)."""
    flagged: int | None = None
    """People of the category flagged at least once."""

    def ratio_interval(self, metric: str) -> tuple[float, float] | None:
        """The interval of :meth:`ratio` (None when the group metrics give none)."""
        return self.intervals.get(metric)

    def ratio(self, metric: str) -> float | None:
        """The category's value over everyone else's (None when either is missing or 0)."""
        a, b = self.yes.get(metric), self.no.get(metric)
        return a / b if a is not None and b else None


@dataclass(frozen=True)
class FlagRatio:
    """One group's flag rate relative to its grouping's reference group."""

    value: float
    column: str
    group: str
    reference: str


@dataclass(frozen=True)
class StudyMetrics(Row):
    """Everything ``metrics.json`` holds, typed (see the module docstring)."""

    scenario: StudyInfo
    headline: dict[str, Spread] = field(default_factory=dict)
    uncertainty: dict[str, str] = field(default_factory=dict)
    rules: list[PooledRule] = field(default_factory=list)
    systems: list[PooledSystem] = field(default_factory=list)
    wrongdoing: PooledSystem | None = None
    status: AlertShare | None = None
    null_world: NullWorld | None = None
    lists: PooledLists = field(default_factory=PooledLists)
    burden_by_system: list[PooledBurden] | None = None
    redlist: RedList | None = None
    knowability: list[Knowability] | None = None
    stopped: Stopped | None = None
    trips: PetitionTrips | None = None
    effects: list[KindEffect] | None = None
    seeds: list[dict[str, Any]] = field(default_factory=list)
    groups: dict[str, Any] = field(default_factory=dict)
    runs: dict[str, dict[str, str]] = field(default_factory=dict)
    feedback_sweep: FeedbackSweep | None = None
    seconds: dict[str, float] | None = None
    sections: dict[str, Any] = field(default_factory=dict)
    """The pooled rows of the sections written as one module (``SECTION_MODULES``), by key;
    ``metrics.json`` holds each at its top level, absent when not computed."""

    @property
    def workload(self) -> PooledWorkload | None:
        """The officers' workload over the seeds (a section written as one module)."""
        return self.sections.get("workload")

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: _json(getattr(self, f.name)) for f in dataclasses.fields(self)}
        for name in ("feedback_sweep", "seconds"):  # absent, not null, when not computed
            if out[name] is None:
                del out[name]
        out.update({k: v for k, v in out.pop("sections").items() if v is not None})
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StudyMetrics:
        """The typed metrics of a ``metrics.json`` (a TypeError naming an unknown part)."""
        types = {s.key: s.pooled for s in SECTION_MODULES}
        sections = {k: from_dict(types[k], v) for k, v in data.items() if k in types}
        typed = from_dict(cls, {k: v for k, v in data.items() if k not in types})
        return dataclasses.replace(typed, sections=sections)

    @property
    def n_seeds(self) -> int:
        return len(self.scenario.seeds)

    def spread(self, name: str) -> Spread | None:
        """The registered headline figure ``name`` over the seeds (None when not computed)."""
        return self.headline.get(figure(name).name)

    def mean(self, name: str) -> float | None:
        """The mean over the seeds of the registered headline figure ``name``."""
        s = self.spread(name)
        return None if s is None else s.mean

    def category_contrasts(self) -> list[GroupContrast]:
        """Each listed category with both a 'true' and a 'false' group in the group metrics.
        The flag-rate ratio's interval is the one nested by city, then person, of the
        ``burden_by_system`` row over all rules, where the study has it (the group metrics'
        intervals resample the pooled people only, as if every city were one)."""
        out = []
        clustered = self.burden_intervals()
        for col in self.scenario.categories:
            g = self.groups.get("groupings", {}).get(col)
            by = {str(next(iter(e["group"].values()))).lower(): e
                  for e in (g or {}).get("groups", [])}
            if "true" in by and "false" in by:
                counts = by["true"].get("counts", {})
                intervals = _intervals(by["true"])
                if col in clustered:
                    intervals.pop("flag_rate", None)
                    if clustered[col] is not None:
                        intervals["flag_rate"] = clustered[col]
                out.append(GroupContrast(col, counts.get("n"), _values(by["true"]),
                                         _values(by["false"]), intervals,
                                         counts.get("flagged")))
        return out

    def burdens_of(self, system: str = ALL_RULES) -> list[PooledBurden]:
        """The ``burden_by_system`` rows of one system (all rules by default)."""
        return [r for r in self.burden_by_system or [] if r.system == system]

    def burden_intervals(self) -> dict[str, tuple[float, float] | None]:
        """Per listed category, the clustered interval of its flag-rate ratio over all rules
        (None where it has none, or only a lower bound)."""
        return {r.category: (r.ratio_low, r.ratio_high)
                if r.ratio_low is not None and r.ratio_high is not None else None
                for r in self.burdens_of(ALL_RULES)}

    def largest_flag_ratio(self) -> FlagRatio | None:
        """The largest flag-rate ratio to a reference group among single-column groupings."""
        best = None
        for name, g in self.groups.get("groupings", {}).items():
            if len(g["grouping"]) != 1 or g["reference"] is None:
                continue
            ref = next(iter(g["reference"].values()))
            for entry in g["groups"]:
                r = entry.get("ratio_to_reference", {}).get("flag_rate", {})
                if r.get("value") is not None and (best is None or r["value"] > best.value):
                    best = FlagRatio(r["value"], name, next(iter(entry["group"].values())), ref)
        return best


def _intervals(entry: dict[str, Any]) -> dict[str, tuple[float, float]]:
    out = {}
    for m, e in (entry.get("ratio_to_reference") or {}).items():
        ci = (e or {}).get("ci")
        if ci and None not in ci:
            out[m] = (float(ci[0]), float(ci[1]))
    return out


def _values(entry: dict[str, Any]) -> dict[str, float | None]:
    return {m: (e or {}).get("value") for m, e in entry.get("metrics", {}).items()}


def _json(value: Any) -> Any:
    if isinstance(value, Row):
        return value.to_dict()
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value
