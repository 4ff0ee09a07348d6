"""Place-based predictive policing: hot-spot predictors over the city's grid of cells (a
self-exciting point process fitted by EM, and the baselines it is compared with), the patrols
they send, and the crime those patrols see."""

from custodiet.places._audit import Figure, areas, audit, crime_share, hit_rates, patrol_share
from custodiet.places._audit import growth as audit_growth
from custodiet.places._audit import over_policing as audit_over_policing
from custodiet.places._grid import DEFAULT_CELL_M, Grid, grid, grid_of_city
from custodiet.places._hawkes import (
    HawkesFit,
    HawkesParams,
    fit,
    intensity,
    loglik,
    simulate,
    standard_errors,
)
from custodiet.places._patrol import (
    CORRECTIONS,
    DEFAULT_REPORTING,
    PatrolConfig,
    PatrolRun,
    run_cities,
    run_city,
)
from custodiet.places._predictors import (
    PREDICTORS,
    MovingAverage,
    Predictor,
    Retrospective,
    SelfExciting,
    make_predictor,
    top_k,
)
from custodiet.places._settings import (
    BACKGROUND,
    CITY_PEOPLE,
    SPREAD,
    city_grid,
    differential_reporting,
    discovery_feedback,
    mirrored_background,
)

__all__ = [
    "BACKGROUND",
    "CITY_PEOPLE",
    "CORRECTIONS",
    "DEFAULT_CELL_M",
    "DEFAULT_REPORTING",
    "PREDICTORS",
    "SPREAD",
    "Figure",
    "Grid",
    "HawkesFit",
    "HawkesParams",
    "MovingAverage",
    "PatrolConfig",
    "PatrolRun",
    "Predictor",
    "Retrospective",
    "SelfExciting",
    "areas",
    "audit",
    "audit_growth",
    "audit_over_policing",
    "city_grid",
    "crime_share",
    "differential_reporting",
    "discovery_feedback",
    "fit",
    "grid",
    "grid_of_city",
    "hit_rates",
    "intensity",
    "loglik",
    "make_predictor",
    "mirrored_background",
    "patrol_share",
    "run_cities",
    "run_city",
    "simulate",
    "standard_errors",
    "top_k",
]
