"""How being watched lowers the rate of each act: the world's ``[world.deterrence]`` section."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from custodiet.scenario._fields import STRICT, Share
from custodiet.schema import INCIDENT_TABLE


class _Strict(BaseModel):
    """Unknown keys are an error, values are validated on assignment too."""

    model_config = STRICT

ACTS: tuple[str, ...] = tuple(k.kind for k in INCIDENT_TABLE if not k.standing)
LAWFUL_ACTS: tuple[str, ...] = tuple(k.kind for k in INCIDENT_TABLE if k.lawful)


class CauseMultipliers(_Strict):
    """Multipliers on a person's daily rate of an act while they know or believe they are
    watched, one per cause (1 = no effect, 0 = the act stops); causes that hold together
    multiply. ``listed``: on a list whose existence they know of; ``camera``: a camera placed at
    their own home; ``gate_camera``: a camera at the gate of their compound (all three told to
    the world by the runner); ``visited``: visited by the police in the last
    ``visit_memory_days`` (on top of the visit's chill); ``tie_visited``: someone they are tied
    to was visited then."""

    listed: Share = 1.0
    camera: Share = 1.0
    gate_camera: Share = 1.0
    visited: Share = 1.0
    tie_visited: Share = 1.0


class LawfulDeterrence(CauseMultipliers):
    """Petition trips and protests: the acts the police answer first (NYT-17), so those who
    commit them have most reason to believe they are watched."""

    listed: Share = 0.6
    """Known to be on a list: petitions and protests fall to 60%. Assumption (NYT-17: political
    warnings come first; NYT-18: nobody can check how many acts a watch prevented)."""
    camera: Share = 0.8
    """A camera placed at their own home: 80%. Assumption (NYT-18)."""
    gate_camera: Share = 0.8
    """A camera at their compound's gate: 80%, as a camera at home. Assumption: nothing read
    tells the two apart; most residents live behind a gate with a camera, so this one number
    carries most of the deterrence answer: sweep it."""
    visited: Share = 0.3
    """Visited in the last ``visit_memory_days``: 30%, on top of the visit's chill. Assumption
    (NYT-17, NYT-18)."""
    tie_visited: Share = 0.7
    """Someone they are tied to was visited: 70%. Assumption (NYT-18)."""


class UnlawfulDeterrence(CauseMultipliers):
    """Every other act: drug deals, thefts, burglaries, illegal work, recruiting."""

    listed: Share = 0.8
    """Known to be on a list: 80%. Assumption (NYT-18)."""
    camera: Share = 0.7
    """A camera placed at their own home: 70% (a camera deters crime near home more than it
    deters petitioning in the capital). Assumption (NYT-18)."""
    gate_camera: Share = 0.7
    """A camera at their compound's gate: 70%, as a camera at home. Assumption: nothing read
    tells the two apart; most residents live behind a gate with a camera, so this one number
    carries most of the deterrence answer: sweep it."""
    visited: Share = 0.5
    """Visited in the last ``visit_memory_days``: 50%. Assumption (NYT-18)."""
    tie_visited: Share = 0.9
    """Someone they are tied to was visited: 90%. Assumption (NYT-18)."""


class Deterrence(_Strict):
    """How being watched, or believing so, lowers the rate of each act (NYT-17, NYT-18).

    Police give priority to political warnings (NYT-17), and an intervention before the act
    makes the prediction uncheckable (NYT-18): how many acts surveillance deters is exactly what
    its promoters claim and nobody has measured, so every number here is an assumption to sweep.
    """

    lawful: LawfulDeterrence = LawfulDeterrence()
    unlawful: UnlawfulDeterrence = UnlawfulDeterrence()
    by_act: dict[str, CauseMultipliers] = {}
    """Per act (an incident kind that is not a standing state), multipliers replacing the
    lawful or unlawful ones, e.g. ``{drug_deal = {camera = 0.5}}``. Default: none (assumption:
    acts of one kind of lawfulness are deterred alike)."""
    visit_memory_days: Annotated[int, Field(ge=0)] = 30
    """A visit deters the visited and their ties for this many days: assumption."""

    @model_validator(mode="after")
    def _valid(self) -> Deterrence:
        for key in self.by_act:
            if key not in ACTS:
                raise ValueError(f"by_act has {key!r}, not an act; expected one of {ACTS}")
        return self

    def of(self, act: str) -> CauseMultipliers:
        """The multipliers that apply to ``act``."""
        if act in self.by_act:
            return self.by_act[act]
        return self.lawful if act in LAWFUL_ACTS else self.unlawful
