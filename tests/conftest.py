"""Shared fixtures: small simulated cities written to run directories once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodiet.scenario import Scenario, scenario_from_mapping
from custodiet.store import Run, open_run
from custodiet.study._simulate import simulate_world

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

#: Incident rates raised so that every kind of incident occurs in a small city.
BUSY_WORLD = {
    "people": 20_000,
    "days": 7,
    "population": {"foreign_share": 0.01},
    "incidents": {
        "protest_rate_per_100k": 10.0, "pickpocket_share": 0.002, "burglar_share": 0.002,
        "recruiter_share": 0.001, "dealer_share": 0.001, "sham_marriage_share": 0.02,
        "petition_rate": 0.05,
    },
}


def busy_scenario(seed: int = 7, **world: object) -> Scenario:
    """A small city where every incident kind happens within a week."""
    return scenario_from_mapping({"seed": seed, "world": {**BUSY_WORLD, **world}})


@pytest.fixture(scope="session")
def busy_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    out = tmp_path_factory.mktemp("runs") / "busy"
    simulate_world(busy_scenario(), out)
    return open_run(out)


#: The study every study test shares: the default scenario on a small city, two seeds.
STUDY = {"people": 6000, "days": 5, "seed": 11, "seeds": 2, "bootstrap": 50,
         "removal_rates": (0.0, 0.2)}


@pytest.fixture(scope="session")
def study(tmp_path_factory: pytest.TempPathFactory):
    """``custodiet.run`` of the default scenario (every variant, two seeds, a removal sweep)."""
    import custodiet

    out = tmp_path_factory.mktemp("study") / "default"
    return custodiet.run("default", out, **STUDY)
