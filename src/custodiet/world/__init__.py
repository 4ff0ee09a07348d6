"""The synthetic city: population, geography, ties, daily behaviour and ground truth."""

from custodiet.world._deterrence import CAUSES, EXPOSURE_CAUSES
from custodiet.world._geography import square_of
from custodiet.world._null import (
    acts_null_changes,
    strict_null_changes,
    unlawful_null_changes,
)
from custodiet.world._world import INTERVENTION_ACTIONS, World

__all__ = ["CAUSES", "EXPOSURE_CAUSES", "INTERVENTION_ACTIONS", "World", "acts_null_changes",
           "square_of", "strict_null_changes", "unlawful_null_changes"]
