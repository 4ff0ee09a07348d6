"""Scenario files: the TOML schema of a study, validated with pydantic, with clear errors."""

from custodiet.scenario._loader import load_scenario, parse_scenario, scenario_from_mapping
from custodiet.scenario._model import Scenario
from custodiet.scenario._world import WorldConfig

__all__ = ["Scenario", "WorldConfig", "load_scenario", "parse_scenario", "scenario_from_mapping"]
