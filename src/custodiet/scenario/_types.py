"""Shared field types of the watch's scenario models: names, place and incident kinds, police
actions and triage categories, each derived from its one definition in ``custodiet.schema``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from custodiet.schema import INCIDENT_KINDS, PLACE_KINDS, POLICE_ACTION_NAMES

STRICT = ConfigDict(extra="forbid", validate_assignment=True, use_attribute_docstrings=True)
"""Every watch model's config: unknown keys are an error, values are validated on assignment too
(each module subclasses ``BaseModel`` with it, so linters see pydantic models)."""


Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
"""Names of lists, rules and scorers: lower-case identifiers (they appear in SQL and reports)."""
PlaceKind = Literal[PLACE_KINDS]  # type: ignore[valid-type]
"""A kind of place (``schema.PLACE_KINDS``)."""
IncidentKind = Literal[INCIDENT_KINDS]  # type: ignore[valid-type]
"""A kind of ground-truth incident (``schema.INCIDENT_KINDS``, from its incident table)."""
NonNegMinutes = Annotated[int, Field(ge=0)]
Hour = Annotated[int, Field(ge=0, le=24)]
Count = Annotated[int, Field(ge=1)]

ACTIONS: tuple[str, ...] = ("none", *POLICE_ACTION_NAMES)
"""What a rule may order: nothing, or one of ``schema.POLICE_ACTIONS``."""
CATEGORIES: tuple[str, ...] = ("political", "stability", "crime", "social")
"""Triage categories (NYT-17)."""
Action = Literal[ACTIONS]  # type: ignore[valid-type]
Category = Literal[CATEGORIES]  # type: ignore[valid-type]
