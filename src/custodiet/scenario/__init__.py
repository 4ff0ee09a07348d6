"""Scenario files: the TOML schema of a study, validated with pydantic, with clear errors."""

from custodiet.scenario._builtin import builtin_dir, builtin_scenarios
from custodiet.scenario._docs import parameter_source, source_kind
from custodiet.scenario._loader import load_scenario, parse_scenario, scenario_from_mapping
from custodiet.scenario._model import Scenario
from custodiet.scenario._world import WorldConfig

__all__ = [
    "Scenario", "WorldConfig", "builtin_dir", "builtin_scenarios", "load_scenario",
    "parameter_source", "parse_scenario", "scenario_from_mapping", "source_kind",
]
