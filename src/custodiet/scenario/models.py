"""The scenario's models, for the packages that build what a scenario describes: the watch's
sensors, lists, red list, scorers, response and audit settings, the rule templates, and the
world's deterrence settings. ``custodiet.scenario`` itself exports what a user loads and edits."""

from custodiet.scenario._hotspots import (
    HOTSPOT_CORRECTIONS,
    HOTSPOT_PREDICTORS,
    Hotspots,
    KindReporting,
    city_side_m,
)
from custodiet.scenario._rules import _Rule
from custodiet.scenario._watch import (
    ACTIONS,
    CATEGORIES,
    LIST_ATTRIBUTES,
    TEMPERAMENT_FEATURE,
    TEMPLATES,
    Absence,
    Anomaly,
    Apart,
    AuditConfig,
    Checklist,
    Checkpoint,
    Dwell,
    Frequency,
    Gathering,
    KeyList,
    Learned,
    Movement,
    Near,
    RedList,
    Response,
    Rule,
    Score,
    Scorer,
    Sensors,
    Travel,
    temperament_feature,
)
from custodiet.scenario._world import ACTS, Deterrence

#: The fields every rule has, whatever its template (name, detects, hours, weekdays …).
RULE_FIELDS: tuple[str, ...] = tuple(_Rule.model_fields)

__all__ = [
    "ACTIONS", "ACTS", "CATEGORIES", "HOTSPOT_CORRECTIONS", "HOTSPOT_PREDICTORS",
    "LIST_ATTRIBUTES", "RULE_FIELDS", "TEMPERAMENT_FEATURE", "TEMPLATES", "Absence", "Anomaly",
    "Apart", "AuditConfig", "Checklist", "Checkpoint", "Deterrence", "Dwell", "Frequency",
    "Gathering", "Hotspots", "KeyList", "KindReporting", "Learned", "Movement", "Near",
    "RedList", "Response", "Rule", "Score", "Scorer", "Sensors", "Travel", "city_side_m",
    "temperament_feature",
]
