"""Typed rows of the alert figures pooled over a study's seeds (for some rules, each rule,
each system, every rule's status share), each a frozen dataclass whose ``to_dict()`` is exactly
its part of ``metrics.json`` and whose ``from_dict()`` reads that part back; the intervals they
carry, as :class:`custodiet.audit.Quoted` for the answers."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from custodiet.audit import Quoted
from custodiet.audit.sim._row import Row, _plain, from_dict

#: Fields of a pooled row present only when chance alerts were drawn (lift was computed).
_CHANCE = ("chance_precision", "lift", "status_base_rate", "status_lift", "lift_low", "lift_high",
           "lift_lower_bound_only")


#: Fields of a pooled row present only where computed (innocents per true alert: some alert
#: was true; each: every city kept the rows its interval resamples).
_OPTIONAL_INTERVALS = (
    "innocents_per_true_alert_low", "innocents_per_true_alert_high", "innocents_per_day_low",
    "innocents_per_day_high", "lawful_share_low", "lawful_share_high", "precision_true",
    "precision_true_low", "precision_true_high", "status_lift_low", "status_lift_high",
    "status_lift_lower_bound_only")


@dataclass(frozen=True)
class PooledFigures(Row):
    """Alerts of some rules added over seeds: precision and status precision with their
    intervals from the bootstrap nested by city and person (Wilson's when the seeds kept no
    alert outcomes), and with chance alerts (``with_chance``) chance precision, lift
    with its nested-bootstrap interval, the status base rate and status lift; innocents per
    true alert with its nested-bootstrap interval where some alert was true."""

    alerts: int
    true_alerts: int
    precision: float | None
    precision_low: float | None
    precision_high: float | None
    innocents_flagged: int
    persons_flagged: int
    innocents_per_true_alert: float | None
    innocents_per_day: float | None
    lawful_alerts: int
    lawful_share: float | None
    suppressed: int
    status_alerts: int
    status_precision: float | None
    status_precision_low: float | None
    status_precision_high: float | None
    status_persons_flagged: int
    chance_precision: float | None = None
    lift: float | None = None
    status_base_rate: float | None = None
    status_lift: float | None = None
    precision_design_effect: float | None = None
    lift_low: float | None = None
    lift_high: float | None = None
    lift_lower_bound_only: bool | None = None
    innocents_per_true_alert_low: float | None = None
    innocents_per_true_alert_high: float | None = None
    innocents_per_day_low: float | None = None
    innocents_per_day_high: float | None = None
    lawful_share_low: float | None = None
    lawful_share_high: float | None = None
    precision_true: float | None = None
    """The same alerts' precision against the twin without any response (``wrongdoing``)."""
    precision_true_low: float | None = None
    precision_true_high: float | None = None
    status_lift_low: float | None = None
    status_lift_high: float | None = None
    status_lift_lower_bound_only: bool | None = None
    with_chance: bool = field(default=False, metadata={"internal": True})

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)
               if not f.metadata.get("internal")}
        if not self.with_chance:
            for k in _CHANCE:
                del out[k]
        for k in _OPTIONAL_INTERVALS:  # computed only where the rows behind them were kept
            if out[k] is None:
                del out[k]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PooledFigures:
        return from_dict(cls, {**data, "with_chance": "lift" in data})

    def lift_interval(self, cities: int) -> Quoted | None:
        """Lift over chance with its nested-bootstrap interval (a lower bound only when no
        chance alert hit); None when it was not computed."""
        if self.lift_low is None:
            return None
        bound = bool(self.lift_lower_bound_only)
        return Quoted.of(self.lift, self.lift_low, self.lift_high, lower_bound_only=bound,
                         n_cities=cities, n_units=self.alerts)

    def innocents_interval(self, cities: int) -> Quoted | None:
        """Innocents per true alert with its nested-bootstrap interval; None when no alert
        was true or no interval was computed."""
        if not self.true_alerts or self.innocents_per_true_alert_low is None:
            return None
        return Quoted.of(self.innocents_per_true_alert, self.innocents_per_true_alert_low,
                         self.innocents_per_true_alert_high, n_cities=cities,
                         n_units=self.persons_flagged)

    def innocents_per_day_interval(self, cities: int) -> Quoted | None:
        """Innocent people flagged per day (a mean per city) with its nested-bootstrap
        interval; None when none was computed."""
        if self.innocents_per_day is None or self.innocents_per_day_low is None:
            return None
        return Quoted.of(self.innocents_per_day, self.innocents_per_day_low,
                         self.innocents_per_day_high, n_cities=cities,
                         n_units=self.persons_flagged)

    def lawful_interval(self, cities: int) -> Quoted | None:
        """The share of alerts that caught only a lawful act, with its nested-bootstrap
        interval; None when none was computed."""
        if not self.alerts or self.lawful_share is None or self.lawful_share_low is None:
            return None
        return Quoted.of(self.lawful_share, self.lawful_share_low, self.lawful_share_high,
                         n_cities=cities, n_units=self.alerts)

    def status_lift_interval(self, cities: int) -> Quoted | None:
        """The status lift (status found over its base rate among chance alerts) with its
        nested-bootstrap interval (a lower bound only when chance found none); None when it
        was not computed."""
        if self.status_lift_low is None:
            return None
        return Quoted.of(self.status_lift, self.status_lift_low, self.status_lift_high,
                         lower_bound_only=bool(self.status_lift_lower_bound_only),
                         n_cities=cities, n_units=self.alerts)

    def precision_true_interval(self, cities: int) -> Quoted | None:
        """Precision against the twin without response with its nested-bootstrap interval;
        None when none was computed."""
        if not self.alerts or self.precision_true is None or self.precision_true_low is None:
            return None
        return Quoted.of(self.precision_true, self.precision_true_low, self.precision_true_high,
                         n_cities=cities, n_units=self.alerts)

    def precision_interval(self, cities: int) -> Quoted | None:
        """Precision with its interval; None when nothing was raised or no interval kept."""
        if not self.alerts or self.precision is None or self.precision_low is None:
            return None
        return Quoted.of(self.precision, self.precision_low, self.precision_high,
                         n_cities=cities, n_units=self.alerts)



@dataclass(frozen=True)
class AlertShare(Row):
    """A share of every unsuppressed alert over the seeds (those that found an administrative
    status): the alerts, those counted, the pooled share, and its interval from the bootstrap
    nested by city and person, never narrower than Wilson's for the alerts as independent."""

    alerts: int
    counted: int
    share: float | None
    low: float | None
    high: float | None
    design_effect: float | None = None

    def interval(self, cities: int) -> Quoted | None:
        """The share with its interval; None when no alert was raised."""
        if not self.alerts or self.share is None or self.low is None:
            return None
        return Quoted.of(self.share, self.low, self.high, n_cities=cities, n_units=self.alerts)


@dataclass(frozen=True)
class PooledRule(PooledFigures):
    """One rule's figures over the seeds."""

    rule: str = ""


@dataclass(frozen=True)
class PooledSystem(PooledFigures):
    """One system's figures over its rules' alerts and the seeds."""

    system: str = ""
    rules: list[str] = field(default_factory=list)
