"""The rule models of a scenario: one pydantic model per rule template, tagged by ``template``.

Every rule declares which incident kinds it claims to detect (the audit scores it against
those). Its compiler, inputs, look-back and worked examples live in the watch
(``watch/_templates/<template>.py``). Defaults cite a source id of SOURCES.md or say plainly
"assumption".
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, Field, field_validator, model_validator

from custodiet.scenario._types import (
    STRICT,
    Action,
    Category,
    Count,
    Hour,
    IncidentKind,
    Name,
    NonNegMinutes,
    PlaceKind,
)
from custodiet.scenario._world import Share


class _Strict(BaseModel):
    """Unknown keys are an error, values are validated on assignment too."""

    model_config = STRICT


class _Rule(_Strict):
    name: Name
    """The rule's name (alerts carry it)."""
    detects: list[IncidentKind] = Field(min_length=1)
    """Incident kinds the rule claims to detect; the audit scores it against these."""
    lists: list[Name] = []
    """Lists whose members the rule watches (any of them); empty means everyone."""
    category: Category = "stability"
    """Triage category; police answer political alerts first (NYT-17)."""
    action: Action = "visit"
    """What the police do to the persons of an alert (HRW-2: an alert becomes a mission)."""
    hours: tuple[Hour, Hour] | None = None
    """Hours of the day ``[from, to)`` during which an alert is raised (``[22, 6]`` wraps past
    midnight), judged at the alert's time; none: at any hour (NYT-2: a blank for *when*)."""
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = []
    """Weekdays (0 = Monday) on which an alert is raised, judged at the alert's time; empty:
    every day (NYT-2: a blank for *when*)."""
    scored_as: Literal["detection", "prediction"] | None = None
    """How the audit scores the rule: ``detection`` (its alert is the footprint of an act in
    progress: matched to an act within a day of it) or ``prediction`` (matched only to acts
    after it, within the audit's horizon); none: as its template does, an assumption about
    what each template's alert is a sign of (``custodiet.audit.sim.TEMPLATE_SCORING``,
    docs/metrics.md)."""

    @field_validator("hours")
    @classmethod
    def _window(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and value[0] % 24 == value[1] % 24 and value != (0, 24):
            raise ValueError("hours [from, to) must differ (use [0, 24] for the whole day)")
        return value


class Gathering(_Rule):
    """≥ k listed persons at one place (or places within r metres) within a window."""

    template: Literal["gathering"]
    """Selects this template."""
    k: Annotated[int, Field(ge=2)] = 2
    """Persons needed (NYT-3: two drug users; NYT-4: four protesters; NYT-5: more than three)."""
    place_kind: PlaceKind = "hotel"
    """Kind of place watched (NYT-3: hotel)."""
    radius_m: Annotated[float, Field(ge=0.0)] = 0.0
    """Places within this distance count as one (NYT-5: "the same or nearby hotels"; 0: the
    same place only, NYT-3)."""
    window_minutes: NonNegMinutes = 0
    """Stays closer than this in time count as together (0: present at once, as in NYT-3):
    assumption."""


class Near(_Rule):
    """A listed person within r metres of a place kind, optionally long or often."""

    template: Literal["near"]
    """Selects this template."""
    place_kind: PlaceKind = "school"
    """Kind of place (NYT-8: a school)."""
    radius_m: Annotated[float, Field(ge=0.0)] = 200.0
    """Distance counted as near: assumption."""
    min_minutes: NonNegMinutes = 0
    """A stay must last at least this long to count (0: any stay, NYT-8 "each time"):
    assumption."""
    min_times: Count = 1
    """Counting stays within ``window_minutes``; alert at this many (1: each time, NYT-8)."""
    window_minutes: NonNegMinutes = 1440
    """Look-back for ``min_times``: assumption, a day."""
    exclude_own: bool = True
    """Stays at the person's own recorded home, workplace or school do not count, so the rule
    fires on passing by (NYT-8: "gets near a school"; living next to one is not getting near):
    assumption."""


class Dwell(_Rule):
    """A listed person (or anyone) at a place kind longer than D minutes."""

    template: Literal["dwell"]
    """Selects this template."""
    place_kind: PlaceKind = "station"
    """Kind of place (NYT-15: a train station)."""
    min_minutes: Count = 120
    """Dwell that triggers: assumption."""


class Frequency(_Rule):
    """≥ n events of a kind in a window, optionally with ≥ m distinct counterparts."""

    template: Literal["frequency"]
    """Selects this template."""
    event: Literal["calls", "entries"] = "calls"
    """``calls`` (counterpart: the number called) or ``entries`` into places of ``place_kind``
    (counterpart: the persons present at the same time, NYT-14)."""
    place_kind: PlaceKind = "compound"
    """For ``entries``: the kind of place entered."""
    out_of_town: bool = False
    """For ``calls``: count only calls to out-of-town numbers (NYT-6)."""
    new_only: bool = False
    """For ``calls``: count only numbers the caller had not called before (NYT-6)."""
    counterpart: Literal["distinct", "same"] = "distinct"
    """``distinct``: ≥ n events with ≥ ``distinct`` different counterparts; ``same``: ≥ n
    calls to one number (NYT-6: "calling a new out-of-town number frequently"; calls only)."""
    n: Count = 3
    """Events needed in the window: assumption."""
    distinct: NonNegMinutes = 0
    """Distinct counterparts needed among them: assumption."""
    window_minutes: Count = 7 * 1440
    """Look-back window: assumption, a week."""

    @model_validator(mode="after")
    def _same_is_for_calls(self) -> Frequency:
        if self.counterpart == "same" and self.event != "calls":
            raise ValueError('counterpart = "same" counts calls to one number: needs '
                             'event = "calls"')
        return self


class Anomaly(_Rule):
    """A household's water or power above a baseline by a factor (NYT-10, HRW-1)."""

    template: Literal["anomaly"]
    """Selects this template."""
    meter: Literal["water", "power"] = "water"
    """Which meter."""
    baseline: Literal["own", "district"] = "district"
    """``own``: the household's mean over earlier days; ``district``: that day's mean in its
    district."""
    per_resident: bool = True
    """Divide readings by the household's registered residents first."""
    factor: Annotated[float, Field(gt=1.0)] = 2.0
    """Alert above this multiple of the baseline: assumption ("exceeded normal use")."""
    baseline_days: Count = 7
    """For ``own``: earlier days averaged (at least one needed): assumption, a week."""


class Absence(_Rule):
    """A listed person's phone off for longer than D minutes (NYT-12, HRW-1)."""

    template: Literal["absence"]
    """Selects this template."""
    min_minutes: Count = 240
    """Phone-off time that triggers: assumption."""


class Apart(_Rule):
    """Spouses together on less than a share of observed nights (NYT-13)."""

    template: Literal["apart"]
    """Selects this template."""
    max_share: Share = 0.3
    """Alert below this share of nights together: assumption."""
    window_days: Count = 7
    """Tumbling window of nights: assumption."""
    min_observed: Count = 3
    """Nights where both spouses were observed needed before judging: assumption."""
    night_minute: Annotated[int, Field(ge=0, lt=1440)] = 180
    """Minute after midnight that defines where a person spent the night: 03:00, assumption."""
    holiday_only: bool = False
    """Judge only the nights of the Spring Festival holiday (NYT-13: "had not spent the Spring
    Festival holiday together"): night *n* counts when day *n* is a holiday day of the public
    calendar (``world.spring_festival``, passed by the runner); other nights count neither as
    observed nor as together. Off: every night (NYT-13: "not often in the same place")."""


class Movement(_Rule):
    """A listed person moving around: many places or districts in a window, or leaving the
    home district (NYT-2: "when the person moves around")."""

    template: Literal["movement"]
    """Selects this template."""
    mode: Literal["places", "districts", "leaves_home"] = "districts"
    """``places`` / ``districts``: ≥ ``n`` distinct ones among the observed stays in the window;
    ``leaves_home``: a stay outside the recorded home district (out of the city included).
    NYT-2 names the blank, not its reading: which one is an assumption."""
    n: Annotated[int, Field(ge=2)] = 3
    """Distinct places or districts needed: assumption."""
    window_minutes: Count = 1440
    """Look-back for ``n``: assumption, a day."""


class Travel(_Rule):
    """A listed person buying tickets to a destination (NYT-11, NYT-12)."""

    template: Literal["travel"]
    """Selects this template."""
    destination: Literal["capital", "out_of_town", "any"] = "capital"
    """Kind of destination."""
    min_tickets: Count = 1
    """Tickets needed within the window (NYT-12: several at once)."""
    cash_only: bool = False
    """Count only cash tickets (NYT-12)."""
    window_minutes: Count = 1440
    """Look-back for ``min_tickets``: assumption, a day."""


class Checkpoint(_Rule):
    """A listed person's ID card read at a road checkpoint, optionally only on the road to one
    kind of destination (NYT-12: the road trips that leave no ticket)."""

    template: Literal["checkpoint"]
    """Selects this template."""
    destination: Literal["capital", "out_of_town", "any"] = "any"
    """Kind of destination whose road counts (as ``travel``'s); ``any``: every reading.
    Assumption (the reporting names no checkpoints)."""


class Score(_Rule):
    """A scorer's level at or above a threshold (NYT-11)."""

    template: Literal["score"]
    """Selects this template."""
    scorer: Name
    """The scorer's name."""
    min_level: Count = 2
    """Alert when a person's level first reaches this: assumption (NYT-11 names levels, not
    which one sends officers)."""


Rule = Annotated[
    Gathering | Near | Dwell | Frequency | Anomaly | Absence | Apart | Movement | Travel
    | Checkpoint | Score,
    Field(discriminator="template"),
]
TEMPLATES: tuple[str, ...] = tuple(
    get_args(model.model_fields["template"].annotation)[0]
    for model in get_args(get_args(Rule)[0]))
"""The templates of the ``Rule`` union (each has its watch module in ``watch/_templates/``)."""


__all__ = [
    "TEMPLATES", "Absence", "Anomaly", "Apart", "Checkpoint", "Dwell", "Frequency", "Gathering",
    "Movement", "Near", "Rule", "Score", "Travel",
]
