"""The synthetic city: population, geography, ties, daily behaviour and ground truth."""

from custodiet.world._world import INTERVENTION_ACTIONS, World

__all__ = ["INTERVENTION_ACTIONS", "World"]
