"""custodiet: rebuild predictive surveillance systems over synthetic cities, and audit them."""

from custodiet.scenario import Scenario, WorldConfig, load_scenario

__version__ = "0.1.0"

__all__ = ["Scenario", "WorldConfig", "__version__", "load_scenario"]
