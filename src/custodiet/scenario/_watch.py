"""The watch part of a scenario: sensors, key-person lists, red list, rules, scorers, response.

Every rule is a tagged table (``template = "gathering"`` …) validated against its template's
own fields, and declares which incident kinds it claims to detect (the audit scores it against
those). Defaults cite a source id of SOURCES.md or say plainly "assumption".
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from custodiet.scenario._world import Share
from custodiet.schema import HISTORY_FLAGS, INCIDENT_KINDS, PLACE_KINDS


class _Strict(BaseModel):
    """Unknown keys are an error, values are validated on assignment too."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True,
                              use_attribute_docstrings=True)


Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
"""Names of lists, rules and scorers: lower-case identifiers (they appear in SQL and reports)."""
PlaceKind = Literal[
    "home", "work", "school", "hotel", "park", "station", "bar", "language_school",
    "compound", "government", "police", "capital", "out_of_town",
]
IncidentKind = Literal[
    "petition_trip", "protest", "drug_deal", "pickpocket", "illegal_work", "pyramid_recruit",
    "sham_marriage", "burglary", "crowded_rental",
]
NonNegMinutes = Annotated[int, Field(ge=0)]
Hour = Annotated[int, Field(ge=0, le=24)]
Count = Annotated[int, Field(ge=1)]

#: Recorded attributes a key-person list can be defined by (NYT-1, MPS-1).
LIST_ATTRIBUTES: tuple[str, ...] = (
    *HISTORY_FLAGS, "grievance", "migrant", "minority", "foreigner_without_permit",
    "idle_youth", "official", "everyone",
)
ACTIONS: tuple[str, ...] = ("none", "visit", "block_travel", "detain")
CATEGORIES: tuple[str, ...] = ("political", "stability", "crime", "social")
SCORER_FEATURES: tuple[str, ...] = (
    *[f"{h}" for h in HISTORY_FLAGS], "grievance", "fraud", "land_dispute", "tragedy",
    "low_ses", "migrant", "minority", "ties_to_petitioners", "past_trips", "phone_off",
    "past_alerts",
)
"""Inputs a scorer may weigh: recorded histories and grievances, status, ties to people with a
recorded petition history, observed capital tickets, observed phone-off spells, past alerts."""

assert set(PlaceKind.__args__) == set(PLACE_KINDS)  # type: ignore[attr-defined]
assert set(IncidentKind.__args__) == set(INCIDENT_KINDS)  # type: ignore[attr-defined]


class Sensors(_Strict):
    """What the watch can observe. An event no sensor observes does not exist for the watch."""

    camera_coverage: dict[PlaceKind, Share] = {
        "station": 1.0, "government": 1.0, "police": 1.0, "school": 0.6, "park": 0.5,
        "compound": 0.6, "bar": 0.4, "language_school": 0.4, "hotel": 0.5, "work": 0.1,
    }
    """Share of places of each kind with a camera (a stay there is observed); kinds not named
    have none. Assumption (NYT-7: a county bought 439 cameras in 2018)."""
    district_coverage: dict[str, Annotated[float, Field(ge=0.0)]] = {}
    """Per district id (as a string): a factor on every camera share there, e.g. more cameras in
    an enclave. Default: none, the same everywhere (assumption)."""
    home_camera_lists: list[Name] = []
    """Lists whose members' homes get a camera at the start (NYT-7: nine of 439 cameras outside
    the homes of people with mental illness)."""
    home_camera_share: Share = 1.0
    """Share of those homes that get one: assumption."""
    hotel_registry: bool = True
    """Hotel check-ins are ID-registered, so every hotel stay is observed (NYT-3, NYT-5)."""
    tickets: bool = True
    """Ticket sales are ID-registered and complete (NYT-11, NYT-12)."""
    telecom: bool = True
    """Call records and phone-off spells are observed (NYT-6, NYT-12)."""
    meters: bool = True
    """Household water and power readings are observed (NYT-10)."""
    phone_location: bool = False
    """Phone location: every stay of every person is observed, as a telecom operator's cell
    records would allow (assumption; off by default)."""


class KeyList(_Strict):
    """A key-person list defined by recorded attributes (NYT-1, MPS-1)."""

    name: Name
    """The list's name, used by rules and sensors."""
    attributes: list[str] = []
    """Recorded attributes that put a person on the list (any of them): a recorded history
    (mental_illness, drug_use, criminal_record, petition_history, protest_history, hiv),
    grievance, migrant, minority, foreigner_without_permit, idle_youth (16-25, no school, no
    known work), official, everyone."""
    from_contacts: bool = False
    """A police action on a person puts them on this list (NYT-19: labels, then measures)."""
    removal_rate: Share = 0.0
    """Daily chance a member is removed: near zero, people "are rarely removed" (NYT-1)."""

    @field_validator("attributes")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        for attr in value:
            if attr not in LIST_ATTRIBUTES:
                import difflib

                close = difflib.get_close_matches(attr, LIST_ATTRIBUTES, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ValueError(f"unknown attribute {attr!r}{hint}")
        return value


class RedList(_Strict):
    """People the system must ignore (NYT-16); every suppression is logged for the audit."""

    enabled: bool = True
    """Whether alerts involving red-listed people are suppressed (NYT-16)."""
    officials: bool = True
    """Government officials are red-listed (NYT-16: in Guangdong, for officials)."""
    lists: list[Name] = []
    """Further lists whose members are red-listed: assumption, none."""


class _Rule(_Strict):
    name: Name
    """The rule's name (alerts carry it)."""
    detects: list[IncidentKind] = Field(min_length=1)
    """Incident kinds the rule claims to detect; the audit scores it against these."""
    lists: list[Name] = []
    """Lists whose members the rule watches (any of them); empty means everyone."""
    category: Literal["political", "stability", "crime", "social"] = "stability"
    """Triage category; police answer political alerts first (NYT-17)."""
    action: Literal["none", "visit", "block_travel", "detain"] = "visit"
    """What the police do to the persons of an alert (HRW-2: an alert becomes a mission)."""
    hours: tuple[Hour, Hour] | None = None
    """Hours of the day ``[from, to)`` during which an alert is raised (``[22, 6]`` wraps past
    midnight), judged at the alert's time; none: at any hour (NYT-2: a blank for *when*)."""
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = []
    """Weekdays (0 = Monday) on which an alert is raised, judged at the alert's time; empty:
    every day (NYT-2: a blank for *when*)."""

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
    Gathering | Near | Dwell | Frequency | Anomaly | Absence | Apart | Movement | Travel | Score,
    Field(discriminator="template"),
]
TEMPLATES: tuple[str, ...] = tuple(
    get_args(model.model_fields["template"].annotation)[0]
    for model in get_args(get_args(Rule)[0]))
"""The templates of the ``Rule`` union (each has its watch module in ``watch/_templates/``)."""


class Checklist(_Strict):
    """A weighted checklist with levels, like the Tianjin petitioner model (NYT-11)."""

    kind: Literal["checklist"]
    """Selects this kind of scorer."""
    name: Name
    """The scorer's name."""
    weights: dict[str, float] = {
        "petition_history": 3.0, "ties_to_petitioners": 1.0, "past_trips": 2.0,
        "tragedy": 2.0, "low_ses": 1.0,
    }
    """Points per feature (NYT-11: past petitions, relationships, past trips, "a major tragedy",
    "low social status"); values are assumptions."""
    levels: list[float] = [2.0, 4.0, 6.0]
    """Score thresholds of levels 1, 2, 3 …: assumption."""

    @field_validator("weights")
    @classmethod
    def _features(cls, value: dict[str, float]) -> dict[str, float]:
        return _check_features(value)


class Learned(_Strict):
    """A model trained on recorded outcomes of earlier days (NYT-11: data "will be used to train
    machine-learning models")."""

    kind: Literal["learned"]
    """Selects this kind of scorer."""
    name: Name
    """The scorer's name."""
    features: list[str] = [
        "petition_history", "grievance", "tragedy", "low_ses", "ties_to_petitioners",
        "past_trips", "phone_off",
    ]
    """Inputs (see the checklist's features)."""
    label: Literal["capital_trip"] = "capital_trip"
    """Outcome learned: an observed ticket to the capital on the next day."""
    levels: list[Share] = [0.01, 0.05, 0.2]
    """Predicted probabilities of levels 1, 2, 3 …: assumption."""
    max_train_rows: Count = 200_000
    """Rows sampled per day for training (all positives kept): assumption, bounds the cost."""
    train_days: Count = 28
    """Days of training rows kept (a sliding window, so memory does not grow with the run):
    assumption."""

    @field_validator("features")
    @classmethod
    def _features(cls, value: list[str]) -> list[str]:
        _check_features(dict.fromkeys(value, 0.0))
        return value


def _check_features(value: dict[str, float]) -> dict[str, float]:
    import difflib

    for key in value:
        if key not in SCORER_FEATURES:
            close = difflib.get_close_matches(key, SCORER_FEATURES, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"unknown feature {key!r}{hint}")
    return value


Scorer = Annotated[Checklist | Learned, Field(discriminator="kind")]


class Response(_Strict):
    """Triage and police response (NYT-17, HRW-2)."""

    capacity_per_100k: Annotated[float, Field(ge=0.0)] = 50.0
    """Persons the police can act on per day per 100,000 residents: assumption."""
    priority: list[Literal["political", "stability", "crime", "social"]] = [
        "political", "stability", "crime", "social"]
    """Order categories are answered in: political first (NYT-17)."""
    chill: Share = 0.5
    """A visit drops a pending intent with this probability: assumption."""
    block_days: Count = 7
    """A travel block lasts this many days: assumption."""
    detain_days: Count = 1
    """A detention lasts this many days: assumption."""
    enabled: bool = True
    """Whether actions are applied to the world at all (off: a watch that only watches)."""


class AuditConfig(_Strict):
    """How the audit matches alerts with incidents."""

    horizon_minutes: NonNegMinutes = 3 * 1440
    """An alert matches an incident within this many minutes either side: assumption (a
    ticket is bought 1-3 days ahead)."""
    groups: list[str] = ["ethnicity", "migrant", "ses", "sex"]
    """Columns of ``persons`` the burden is broken down by."""


class BadReference(Exception):  # noqa: N818 - not a ValueError, so pydantic lets it through
    """A name that refers to nothing; ``loc`` is where, like a pydantic error location."""

    def __init__(self, loc: tuple[str | int, ...], message: str):
        self.loc = loc
        self.message = message
        super().__init__(message)


def _unknown(name: str, known: list[str], what: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown {what} {name!r}{hint}"


def check_watch_references(lists: list[KeyList], rules: list, scorers: list,
                           sensors: Sensors, redlist: RedList) -> None:
    """Names used by rules, sensors and the red list must exist; names must be unique."""
    list_names = [x.name for x in lists]
    scorer_names = [s.name for s in scorers]
    for what, names in (("lists", list_names), ("rules", [r.name for r in rules]),
                        ("scorers", scorer_names)):
        for i, name in enumerate(names):
            if name in names[:i]:
                raise BadReference((what, i, "name"), f"duplicate name {name!r}")
    for i, rule in enumerate(rules):
        for name in rule.lists:
            if name not in list_names:
                raise BadReference(("rules", i, "lists"), _unknown(name, list_names, "list"))
        if isinstance(rule, Score) and rule.scorer not in scorer_names:
            raise BadReference(("rules", i, "scorer"),
                               _unknown(rule.scorer, scorer_names, "scorer"))
    for loc, names in ((("sensors", "home_camera_lists"), sensors.home_camera_lists),
                       (("redlist", "lists"), redlist.lists)):
        for name in names:
            if name not in list_names:
                raise BadReference(loc, _unknown(name, list_names, "list"))


__all__ = [
    "ACTIONS", "CATEGORIES", "LIST_ATTRIBUTES", "TEMPLATES", "Absence", "Anomaly", "Apart",
    "AuditConfig", "BadReference", "Checklist", "Dwell", "Frequency", "Gathering", "KeyList",
    "Learned", "Movement", "Near", "RedList", "Response", "Rule", "Score", "Scorer", "Sensors",
    "Travel",
]
