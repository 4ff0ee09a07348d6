"""The Arrow schemas of every table custodiet writes: the contract between the layers.

Ids are dense int64, times are minutes since the simulation's start (int64), days are int32.
Ground truth lives in ``person_truth`` and ``incidents`` only; the watch may read every other
table (through its sensors) but never those two.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

MINUTES_PER_DAY = 1440

#: Phone numbers: a person's number is their ``person_id``; numbers outside the city start here.
OUT_OF_TOWN_NUMBER_BASE = 1 << 40

PLACE_KINDS: tuple[str, ...] = (
    "home", "work", "school", "hotel", "park", "station", "bar", "language_school",
    "compound", "government", "police", "capital", "out_of_town",
)
#: Places outside the city: time away is a stay at one of these (x, y are NaN, district -1).
OUT_OF_CITY_KINDS: tuple[str, ...] = ("capital", "out_of_town")
TIE_KINDS: tuple[str, ...] = ("household", "spouse", "kin", "friend", "coworker")
HISTORY_FLAGS: tuple[str, ...] = (
    "mental_illness", "drug_use", "criminal_record", "petition_history", "protest_history", "hiv",
)
GRIEVANCES: tuple[str, ...] = ("fraud", "land_dispute", "tragedy")


@dataclass(frozen=True)
class IncidentKind:
    """One kind of ground-truth incident: the single place a kind is declared."""

    kind: str
    lawful: bool
    """A lawful act (the watch may still target it)."""
    standing: bool
    """A standing state, not an act: recorded once at t = 0 and true all along."""
    footprint: str
    """What it leaves in the event tables the watch can see."""
    removed_by: tuple[str, ...]
    """World parameters (dotted, under ``world``) that, set to zero (or false), remove the kind
    without changing who lives in the city; the null worlds set them."""


INCIDENT_TABLE: tuple[IncidentKind, ...] = (
    IncidentKind("petition_trip", True, False,
                 "a ticket to the capital (evasive: cash, decoys, phone off) and a stay there",
                 ("incidents.petition_rate",)),
    IncidentKind("protest", True, False, "a group of stays at one park at one time",
                 ("incidents.protest_rate_per_100k",)),
    IncidentKind("drug_deal", False, False,
                 "a user and a dealer at one hotel for the night; calls to new out-of-town numbers",
                 ("incidents.drug_deal_rate", "incidents.dealer_share")),
    IncidentKind("pickpocket", False, False, "long stays at a station without a ticket",
                 ("incidents.pickpocket_share",)),
    IncidentKind("illegal_work", False, False,
                 "a foreigner without a permit at a language school or bar on weekdays",
                 ("incidents.illegal_work_share",)),
    IncidentKind("pyramid_recruit", False, False,
                 "a recruiter and a new companion at a compound neither lives in",
                 ("incidents.recruiter_share",)),
    IncidentKind("sham_marriage", False, True,
                 "spouses who live apart and seldom spend a night together",
                 ("incidents.sham_marriages",)),
    IncidentKind("burglary", False, False, "a short stay at a stranger's home",
                 ("incidents.burglar_share",)),
    IncidentKind("crowded_rental", False, True,
                 "a household's water and power far above its registered size",
                 ("incidents.crowded_rentals_unlawful",)),
)
"""Every incident kind; the enum, the lawful and standing sets and the null world derive from it."""

INCIDENT_KINDS: tuple[str, ...] = tuple(k.kind for k in INCIDENT_TABLE)
#: Incidents that are lawful acts (the watch may still target them).
LAWFUL_INCIDENT_KINDS: frozenset[str] = frozenset(k.kind for k in INCIDENT_TABLE if k.lawful)
#: Incidents that are standing states, not acts: recorded once at t = 0, true all along.
STANDING_INCIDENT_KINDS: frozenset[str] = frozenset(k.kind for k in INCIDENT_TABLE if k.standing)


@dataclass(frozen=True)
class PoliceAction:
    """One police action the watch can order and the world applies."""

    name: str
    effect: str
    """What it does to the person acted on."""
    lasts: str | None
    """The ``response`` parameter (days) it lasts for, or None when it has no duration."""


POLICE_ACTIONS: tuple[PoliceAction, ...] = (
    PoliceAction("visit", "with probability chill a pending petition trip is dropped and the "
                 "appetite for every incident multiplied by 1 - chill", None),
    PoliceAction("block_travel", "pending trips cancelled, no ticket sold until it ends",
                 "block_days"),
    PoliceAction("detain", "held at a police station until it ends, pending trips cancelled, "
                 "brought back from the capital", "detain_days"),
)
"""Every police action, in the order the watch applies them."""
#: The names of :data:`POLICE_ACTIONS`.
POLICE_ACTION_NAMES: tuple[str, ...] = tuple(a.name for a in POLICE_ACTIONS)
ROLES: tuple[str, ...] = ("", "pickpocket", "dealer", "recruiter", "burglar", "illegal_worker")

_str = pa.string()
_i64 = pa.int64()

PERSONS = pa.schema(
    [
        ("person_id", _i64), ("household_id", _i64), ("home_place", _i64), ("district", pa.int32()),
        ("age", pa.int16()), ("sex", _str), ("ethnicity", _str), ("migrant", pa.bool_()),
        ("foreign", pa.bool_()), ("work_permit", pa.bool_()), ("ses", _str),
        ("work_place", _i64), ("student", pa.bool_()), ("official", pa.bool_()),
        *[(f"{h}_recorded", pa.bool_()) for h in HISTORY_FLAGS],
        ("grievance_recorded", _str),
    ]
)
"""What records hold about a person: demographics and *recorded* histories."""

PERSON_TRUTH = pa.schema(
    [
        ("person_id", _i64),
        *[(h, pa.bool_()) for h in HISTORY_FLAGS],
        ("grievance", _str), ("role", _str),
    ]
)
"""Ground truth about a person: true histories, grievance, and any illicit role."""

PLACES = pa.schema(
    [
        ("place_id", _i64), ("kind", _str), ("x", pa.float64()), ("y", pa.float64()),
        ("district", pa.int32()), ("compound", _i64),
    ]
)
"""Every place; ``compound`` is the residential compound of a home (-1 elsewhere)."""

TIES = pa.schema([("a", _i64), ("b", _i64), ("kind", _str)])
"""Undirected social ties, one row per pair and kind, ``a < b``."""

STAYS = pa.schema([("person", _i64), ("place", _i64), ("start", _i64), ("end", _i64)])
"""Where everyone was: a person's stays tile the horizon without overlap or gap."""

CALLS = pa.schema([("caller", _i64), ("callee", _i64), ("t", _i64), ("out_of_town", pa.bool_())])
UTILITY = pa.schema(
    [("household", _i64), ("day", pa.int32()), ("water", pa.float32()), ("power", pa.float32())]
)
"""Daily meter readings per household: water in litres, power in kWh."""

TICKETS = pa.schema(
    [
        ("ticket_id", _i64), ("person", _i64), ("t", _i64), ("destination", _i64),
        ("depart", _i64), ("cash", pa.bool_()),
    ]
)
"""Travel tickets (ID-registered): bought at ``t`` for a departure at ``depart``."""

PHONE_OFF = pa.schema([("person", _i64), ("start", _i64), ("end", _i64)])

INCIDENTS = pa.schema(
    [
        ("incident_id", _i64), ("kind", _str), ("persons", pa.list_(_i64)), ("t", _i64),
        ("place", _i64), ("lawful", pa.bool_()),
    ]
)
"""Ground truth: what really happened, with who took part."""

INTERVENTIONS = pa.schema(
    [("person", _i64), ("t", _i64), ("action", _str), ("prevented", _str)]
)
"""The world's log of police actions applied to it and the incident kind each one prevented
("" when it prevented nothing)."""

ALERTS = pa.schema(
    [
        ("alert_id", _i64), ("rule", _str), ("t", _i64), ("persons", pa.list_(_i64)),
        ("place", _i64), ("suppressed_by_redlist", pa.bool_()),
    ]
)
ACTIONS = pa.schema(
    [
        ("action_id", _i64), ("alert_id", _i64), ("kind", _str), ("person", _i64), ("t", _i64),
        ("effect", _str),
    ]
)

#: Static tables, written once per run.
STATIC_TABLES: dict[str, pa.Schema] = {
    "persons": PERSONS, "person_truth": PERSON_TRUTH, "places": PLACES, "ties": TIES,
}
#: Event tables, appended day by day.
EVENT_TABLES: dict[str, pa.Schema] = {
    "stays": STAYS, "calls": CALLS, "utility": UTILITY, "tickets": TICKETS,
    "phone_off": PHONE_OFF, "incidents": INCIDENTS, "interventions": INTERVENTIONS,
}
#: Tables only ground truth may hold: never handed to the watch.
TRUTH_TABLES: frozenset[str] = frozenset({"person_truth", "incidents", "interventions"})
WATCH_TABLES: dict[str, pa.Schema] = {"alerts": ALERTS, "actions": ACTIONS}
ALL_TABLES: dict[str, pa.Schema] = {**STATIC_TABLES, **EVENT_TABLES, **WATCH_TABLES}
