"""The watch part of a scenario: sensors, key-person lists, red list, scorers, response, and the
references between them; the rules themselves are in ``scenario/_rules.py`` (re-exported here).

Defaults cite a source id of SOURCES.md or say plainly "assumption".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from custodiet.scenario._rules import (
    TEMPLATES,
    Absence,
    Anomaly,
    Apart,
    Checkpoint,
    Dwell,
    Frequency,
    Gathering,
    Movement,
    Near,
    Rule,
    Score,
    Travel,
)
from custodiet.scenario._types import (
    ACTIONS,
    CATEGORIES,
    STRICT,
    Action,
    Category,
    Count,
    IncidentKind,
    Name,
    NonNegMinutes,
    PlaceKind,
)
from custodiet.scenario._world import Share
from custodiet.schema import HISTORY_FLAGS, RECORD_LABELS


class _Strict(BaseModel):
    """Unknown keys are an error, values are validated on assignment too."""

    model_config = STRICT


#: Recorded attributes a key-person list can be defined by (NYT-1, MPS-1).
LIST_ATTRIBUTES: tuple[str, ...] = (
    *HISTORY_FLAGS, *RECORD_LABELS, "grievance", "migrant", "minority",
    "foreigner_without_permit",
    "idle_youth", "official", "everyone",
)
SCORER_FEATURES: tuple[str, ...] = (
    *[f"{h}" for h in HISTORY_FLAGS], "grievance", "fraud", "land_dispute", "tragedy",
    "low_ses", "migrant", "minority", "ties_to_petitioners", "past_trips", "phone_off",
    "past_alerts",
)
"""Inputs a scorer may weigh: recorded histories and grievances, status, ties to people with a
recorded petition history, observed capital tickets, observed phone-off spells, past alerts;
also ``temperament_LABEL`` (1 when an officer wrote LABEL, spaces as ``_``, into the person's
profile: NYT-11), for each of the world's ``history.temperament_labels``."""
TEMPERAMENT_FEATURE = "temperament_"


def temperament_feature(label: str) -> str:
    """A temperament label's scorer feature: ``short tempered`` → ``temperament_short_tempered``."""
    return TEMPERAMENT_FEATURE + label.replace(" ", "_")


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
    checkpoints: bool = True
    """ID cards read at road checkpoints on the way out of the city are observed: the road
    trips that leave no ticket (NYT-12: people who "regularly change vehicles") are seen on the
    routes that have one. Assumption: the reporting names no checkpoints; on by default since
    the world's checkpoints read ID cards for the police."""
    phone_location: bool = False
    """Phone location: every stay of every person is observed, as a telecom operator's cell
    records would allow, except while the person's phone is off (NYT-12: a petitioner turns
    his phone off; a camera may still see him). Assumption; off by default."""


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
    refit_days: Count = 1
    """Days between refits: the model is fitted on the first day it can be and then every
    ``refit_days`` days, and the last fit scores the days in between (training rows are still
    collected daily). 1: refit every day. Assumption: a cost bound, not a claim about any
    deployed system (NYT-11 does not say how often its models are retrained)."""

    @field_validator("features")
    @classmethod
    def _features(cls, value: list[str]) -> list[str]:
        _check_features(dict.fromkeys(value, 0.0))
        return value


def _check_features(value: dict[str, float]) -> dict[str, float]:
    import difflib

    for key in value:
        if key not in SCORER_FEATURES and not key.startswith(TEMPERAMENT_FEATURE):
            close = difflib.get_close_matches(key, SCORER_FEATURES, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"unknown feature {key!r}{hint}")
    return value


Scorer = Annotated[Checklist | Learned, Field(discriminator="kind")]


class Response(_Strict):
    """Triage and police response (NYT-17, HRW-2)."""

    capacity_per_100k: Annotated[float, Field(ge=0.0)] = 50.0
    """Persons the police can act on per day per 100,000 residents: assumption."""
    priority: list[Category] = [
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


def check_temperament_features(scorers: list, labels: Sequence[str]) -> None:
    """A scorer's ``temperament_*`` feature must name one of the world's temperament labels."""
    known = {temperament_feature(label): label for label in labels}
    for i, scorer in enumerate(scorers):
        field = "weights" if isinstance(scorer, Checklist) else "features"
        for key in getattr(scorer, field):
            if key.startswith(TEMPERAMENT_FEATURE) and key not in known:
                raise BadReference(("scorers", i, field), _unknown(
                    key, list(known), "temperament feature (world.history.temperament_labels)"))


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
    "ACTIONS", "CATEGORIES", "LIST_ATTRIBUTES", "TEMPLATES", "Absence", "Action", "Anomaly",
    "Apart", "AuditConfig", "BadReference", "Category", "Checklist", "Checkpoint", "Dwell",
    "Frequency",
    "Gathering", "IncidentKind", "KeyList", "Learned", "Movement", "Near", "PlaceKind",
    "RedList", "Response", "Rule", "Score", "Scorer", "Sensors", "Travel",
    "check_temperament_features", "temperament_feature",
]
