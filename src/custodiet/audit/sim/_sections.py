"""Typed sections of one seed's audit (rules, burden, lists, red list, twins), each a dataclass
with ``to_dict()`` giving exactly its part of ``metrics.json``. Rows are built from the audit's
SQL results with ``Row.of(...)``, so a renamed or missing column fails loudly instead of
drifting into the report as a silent ``None``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from custodiet.audit.sim._row import OPTIONAL, Row
from custodiet.audit.sim._twin_sections import (  # noqa: F401 (the seed's sections in one place)
    NullWorldAlerts,
    Prevented,
    Split,
    Stopped,
    TwinPrecision,
    Twins,
)


@dataclass(frozen=True)
class AlertFigures(Row):
    """Alert counts and accuracy of some alerts (one rule's, one system's or all rules'): true
    alerts count unlawful wrongdoing only; a lawful act caught (``lawful_*``) and an
    administrative status found (``status_*``: it wrongs nobody) are counted apart."""

    alerts: int
    alerts_per_day: float
    suppressed: int
    true_alerts: int
    precision: float | None
    persons_flagged: int
    innocents_flagged: int
    innocents_per_true_alert: float | None
    innocents_per_day: float
    guilty_named_share: float | None
    lawful_alerts: int
    lawful_share: float | None
    status_alerts: int
    status_precision: float | None
    status_persons_flagged: int

    #: Fields shown first in ``to_dict()`` (the name of whose alerts these are).
    _LEAD: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        return {**{k: out.pop(k) for k in self._LEAD if k in out}, **out}


@dataclass(frozen=True)
class RuleFigures(AlertFigures):
    """The figures of one rule (``rule``) or of all rules together (no ``rule``)."""

    rule: str | None = field(default=None, metadata=OPTIONAL)
    _LEAD: ClassVar[tuple[str, ...]] = ("rule",)


@dataclass(frozen=True)
class Burden(Row):
    """How flags concentrate on few people."""

    population: int
    persons_flagged: int
    flags: int
    top_share: float | None
    repeat_share: float | None
    flags_per_flagged_person: float | None
    most_flags: int
    top: float


@dataclass(frozen=True)
class CategoryBurden(Row):
    """One system's flags on one listed category: its people and those flagged by the
    system's rules, against everyone else's (``others``); the system ``(all rules)`` counts
    every rule's alerts."""

    system: str
    category: str
    people: int
    flagged: int
    others: int
    others_flagged: int


@dataclass(frozen=True)
class Police(Row):
    """Police actions and the distinct persons they fell on."""

    actions: int
    persons: int


@dataclass(frozen=True)
class AlertsOnDay(Row):
    rule: str
    day: int
    alerts: int
    suppressed: int


@dataclass(frozen=True)
class ListSize(Row):
    day: int
    list: str
    members: int
    from_contact: int


@dataclass(frozen=True)
class ListComposition(Row):
    day: int
    column: str
    value: str
    members: int
    from_contact: int


@dataclass(frozen=True)
class ContactListedAlerts(Row):
    day: int
    alerts: int
    contact_listed: int


@dataclass(frozen=True)
class ListFeedback(Row):
    """One list's part in the feedback loop: alerts of the rules watching it, those naming
    someone on it only because of a police contact, and the actions that followed on them."""

    list: str
    alerts: int
    alerts_on_contact_listed: int
    actions_on_contact_listed: int


@dataclass(frozen=True)
class ListCategory(Row):
    """People ever on a list during the run, and of them those in a listed category."""

    list: str
    category: str
    members: int
    in_category: int


@dataclass(frozen=True)
class Lists(Row):
    """Who is on a list each day and why, and the alerts on people listed by a contact."""

    sizes: list[ListSize]
    composition: list[ListComposition]
    contact_listed_alerts: list[ContactListedAlerts]
    by_list: list[ListFeedback] = field(default_factory=list)
    by_category: list[ListCategory] = field(default_factory=list)

    def at_end(self, name: str = "(any list)") -> ListSize | None:
        """The list's size on the last day (None when it was never logged)."""
        rows = [r for r in self.sizes if r.list == name]
        return rows[-1] if rows else None


@dataclass(frozen=True)
class RedListCounts(Row):
    """Incidents with a red-listed participant and what the alerts saw of them."""

    incidents: int
    unlawful: int
    unseen: int
    unseen_unlawful: int
    alerts_naming_redlisted: int


@dataclass(frozen=True)
class PetitionTrips(Row):
    """Petition trips to the capital (NYT-12) and how many each sensor and the alerts saw:
    all of them, with no ticket, with neither a ticket nor a checkpoint reading
    (``unrecorded``), matched by no alert of a rule claiming them, and neither recorded nor
    alerted (``unseen``: trips nobody saw); ``evasive``: made by an evasive petitioner."""

    petition_trips: int
    no_ticket: int
    unrecorded: int
    no_alert: int
    unseen: int
    evasive: int


@dataclass(frozen=True)
class Suppressed(Row):
    """The alerts the red list suppressed, matched as if they had been raised: how many would
    have been true, and how many distinct incidents they would have found."""

    alerts: int
    true_alerts: int
    incidents_found: int


@dataclass(frozen=True)
class RedList(Row):
    """What the red list hides: with it, and in the twin without it (when that ran). Each
    incident no alert saw with the red list is followed into the twin (one incident matched
    across the runs, ``_match``): ``hidden`` happened there and an alert saw it,
    ``unseen_in_twin_too`` happened there unseen, ``not_in_twin`` did not happen there; the
    three add up to ``with_redlist.unseen``; ``…_unlawful`` count the unlawful ones alone (the
    rest are petitions and protests, lawful acts)."""

    redlisted_persons: int
    alerts_suppressed: int
    with_redlist: RedListCounts
    without_redlist: RedListCounts | None = field(default=None, metadata=OPTIONAL)
    hidden: int | None = field(default=None, metadata=OPTIONAL)
    suppressed: Suppressed | None = field(default=None, metadata=OPTIONAL)
    unseen_in_twin_too: int | None = field(default=None, metadata=OPTIONAL)
    not_in_twin: int | None = field(default=None, metadata=OPTIONAL)
    hidden_unlawful: int | None = field(default=None, metadata=OPTIONAL)
    unseen_in_twin_too_unlawful: int | None = field(default=None, metadata=OPTIONAL)
    not_in_twin_unlawful: int | None = field(default=None, metadata=OPTIONAL)


@dataclass(frozen=True)
class Lift(Row):
    """A rule's precision against that of the same alerts naming random members of its lists
    at the same times (``custodiet.audit.sim._lift``), and the same for the administrative status
    it claims: its status precision against the base rate of the status among those members."""

    rule: str
    alerts: int
    precision: float | None
    chance_alerts: int
    chance_precision: float | None
    lift: float | None
    status_precision: float | None
    status_base_rate: float | None
    status_lift: float | None


@dataclass(frozen=True)
class SystemFigures(AlertFigures):
    """The all-rules figures over one system's rules."""

    system: str
    rules: list[str]
    _LEAD: ClassVar[tuple[str, ...]] = ("system", "rules")


@dataclass(frozen=True)
class WorkloadCategory(Row):
    category: str
    candidates: int
    answered: int
    answered_share: float | None
    mean_delay_hours: float | None


@dataclass(frozen=True)
class Workload(Row):
    """Officers' workload: (alert, person) pairs that call for an action, those answered, the
    mean delay, the days the capacity was used up, and the same per triage category."""

    capacity_per_day: int
    days_at_capacity: int
    days: int
    candidates: int
    answered: int
    answered_share: float | None
    mean_delay_hours: float | None
    by_category: list[WorkloadCategory]
