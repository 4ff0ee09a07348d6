"""Typed sections of one seed's twins: what the response prevented and stopped, the precision
the police compute against the truth, interception and deterrence split by whom they concern,
and the null world's alerts rule by rule (re-exported by ``_sections``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from custodiet.audit.sim._row import OPTIONAL, Row, _plain


@dataclass(frozen=True)
class Prevented(Row):
    """Incidents of one kind with the watch and in the twin without any response."""

    kind: str
    lawful: bool
    with_watch: int
    without_response: int
    prevented: int


@dataclass(frozen=True)
class TwinPrecision(Row):
    """A rule's precision as the police can compute it and against the twin without response,
    and the lawful acts its alerts caught in each (never counted as true alerts)."""

    rule: str
    alerts: int
    precision_seen: float | None
    precision_true: float | None
    true_alerts_seen: int
    true_alerts_true: int
    lawful_alerts_seen: int = 0
    lawful_alerts_true: int = 0


@dataclass(frozen=True)
class Stopped(Row):
    """What acting on alerts stopped (``custodiet.audit.sim._stopped``): the alerts true
    against the twin without response and not against the watched run, and the distinct
    incidents of the twin they pointed to that did not happen in the watched run, with the
    distinct people named in them; the same for lawful acts."""

    alerts: int
    incidents: int
    persons: int
    lawful_alerts: int
    lawful_acts: int
    lawful_persons: int


@dataclass(frozen=True)
class NullWorldAlerts(Row):
    """One rule's unsuppressed alerts in the watched run, in the null world (nobody does
    anything unlawful; no response) and in the no-response twin (``baseline_alerts``, absent
    when it did not run), and what the rule aims at (``custodiet.audit.sim._null.aim_of``)."""

    rule: str
    alerts: int
    null_world_alerts: int
    aim: str = ""
    baseline_alerts: int | None = field(default=None, metadata=OPTIONAL)


@dataclass(frozen=True)
class Split(Row):
    """Incidents of one kind in a base run and in a twin, and the difference (twin − base)
    split into the persons the change touched, the spillover (their ties and co-participants)
    and everyone else, each participant carrying an equal share of an incident that happened
    in one run only (an incident of both runs counts nowhere; a part can be fractional;
    ``custodiet.audit.sim._split``)."""

    kind: str
    lawful: bool
    base: int
    other: int
    touched: float
    spillover: float
    everyone_else: float

    @property
    def effect(self) -> float:
        """The part of the difference the change caused: touched persons and spillover."""
        return self.touched + self.spillover


@dataclass(frozen=True)
class Twins(Row):
    """Comparisons with the twins that ran: the response parts when the ``no_response`` twin
    ran, the null-world part when ``null_world`` did."""

    prevented_by_kind: list[Prevented] | None = None
    precision_by_rule: list[TwinPrecision] | None = None
    precision_seen: float | None = None
    precision_true: float | None = None
    null_world_alerts_by_rule: list[NullWorldAlerts] | None = None
    interception_by_kind: list[Split] | None = None
    """``no_response`` (base… other) against ``watch``: touched = persons acted on."""
    deterrence_by_kind: list[Split] | None = None
    """``no_system`` against ``no_response``: touched = persons exposed to the watch."""
    stopped: Stopped | None = None
    """What acting on the alerts stopped, in incidents and people (``no_response`` ran)."""
    true_hits: Any = field(default=None, compare=False, metadata={"internal": True})
    """Each alert of the rules claiming wrongdoing matched against the ``no_response`` twin's
    incidents (``_rules.ALERT_HITS``): what the interval of ``precision_true`` resamples;
    not part of ``metrics``."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.prevented_by_kind is not None:
            out.update(prevented_by_kind=_plain(self.prevented_by_kind),
                       precision_by_rule=_plain(self.precision_by_rule),
                       precision_seen=self.precision_seen, precision_true=self.precision_true)
        if self.null_world_alerts_by_rule is not None:
            out["null_world_alerts_by_rule"] = _plain(self.null_world_alerts_by_rule)
        for name in ("interception_by_kind", "deterrence_by_kind", "stopped"):
            if getattr(self, name) is not None:
                out[name] = _plain(getattr(self, name))
        return out

    @staticmethod
    def effect(rows: list[Split] | None, *, lawful: bool, part: str = "effect"
               ) -> float | None:
        """A split's ``part`` (``effect`` = touched + spillover, or one part) over lawful or
        unlawful kinds."""
        if rows is None:
            return None
        return sum(getattr(r, part) for r in rows if bool(r.lawful) == lawful)

    def prevented(self, *, lawful: bool) -> int | None:
        """Incidents prevented over the lawful (or the unlawful) kinds."""
        if self.prevented_by_kind is None:
            return None
        return sum(r.prevented for r in self.prevented_by_kind if bool(r.lawful) == lawful)

    @property
    def empty(self) -> bool:
        return self.prevented_by_kind is None and self.null_world_alerts_by_rule is None \
            and self.deterrence_by_kind is None
