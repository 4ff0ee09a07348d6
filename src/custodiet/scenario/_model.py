"""The whole scenario: a study's world and (in later layers) its watch, as one validated model."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from custodiet.scenario._watch import (
    AuditConfig,
    KeyList,
    RedList,
    Response,
    Rule,
    Scorer,
    Sensors,
    check_watch_references,
)
from custodiet.scenario._world import WorldConfig


class Scenario(BaseModel):
    """A validated scenario file; unknown keys anywhere are an error."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    name: str = "custom"
    """Short name, shown in reports."""
    description: str = ""
    """What this scenario encodes, in a sentence or two."""
    sources: list[str] = []
    """Ids of the entries of SOURCES.md that this scenario encodes (e.g. ``NYT-3``)."""
    seed: Annotated[int, Field(ge=0)] = 0
    """Root seed of the run; every random draw derives from it."""
    world: WorldConfig = WorldConfig()
    sensors: Sensors = Sensors()
    lists: list[KeyList] = []
    redlist: RedList = RedList()
    rules: list[Rule] = []
    scorers: list[Scorer] = []
    response: Response = Response()
    audit: AuditConfig = AuditConfig()

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        check_watch_references(self.lists, self.rules, self.scorers, self.sensors, self.redlist)
        return self
