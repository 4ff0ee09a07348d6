"""Replications of published feedback-loop results: Ensign et al. (2018), D'Amour et al. (2020),
and, in the city's grid of hot spots, Akpinar et al. (2021) and Ensign et al. again; beside them
``hotspots_city``, the hot-spot predictor over the synthetic city's own crime.

A lab is trusted when it reproduces what others published; these models are small enough to
reproduce exactly, and their tests pin down the published behaviour.
"""

from custodiet.replicate._attention import (
    Agent,
    AttentionConfig,
    AttentionResult,
    allocations,
    delta,
    delta_per_run,
    greedy_allocation,
    simulate_attention,
)
from custodiet.replicate._damour import AGENTS, DYNAMICS, damour_report, run_damour
from custodiet.replicate._ensign import CASES, VARIANTS, config_for, ensign_report, run_ensign
from custodiet.replicate._hotspots import (
    HOTSPOT_DEFAULTS,
    HOTSPOT_PEOPLE,
    REPORTING,
    hotspots_report,
    run_hotspots,
)
from custodiet.replicate._places import places_report, run_places
from custodiet.replicate._poisson import censored_poisson_mle, poisson_pmf, poisson_sf
from custodiet.replicate._run import DEFAULTS, REPLICATIONS, replicate, total_days
from custodiet.replicate._urn import UrnConfig, UrnResult, simulate_urn

__all__ = [
    "AGENTS",
    "CASES",
    "DEFAULTS",
    "DYNAMICS",
    "HOTSPOT_DEFAULTS",
    "HOTSPOT_PEOPLE",
    "REPLICATIONS",
    "REPORTING",
    "VARIANTS",
    "Agent",
    "AttentionConfig",
    "AttentionResult",
    "UrnConfig",
    "UrnResult",
    "allocations",
    "censored_poisson_mle",
    "config_for",
    "damour_report",
    "delta",
    "delta_per_run",
    "ensign_report",
    "greedy_allocation",
    "hotspots_report",
    "places_report",
    "poisson_pmf",
    "poisson_sf",
    "replicate",
    "run_damour",
    "run_ensign",
    "run_hotspots",
    "run_places",
    "simulate_attention",
    "simulate_urn",
    "total_days",
]
