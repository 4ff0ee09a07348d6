"""Place-based predictive policing: hot-spot predictors over the city's grid of cells (a
self-exciting point process fitted by EM, and the baselines it is compared with), the patrols
they send, and the crime those patrols see."""

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
from custodiet.places._predictors import (
    PREDICTORS,
    MovingAverage,
    Predictor,
    Retrospective,
    SelfExciting,
    make_predictor,
    top_k,
)

__all__ = [
    "DEFAULT_CELL_M",
    "PREDICTORS",
    "Grid",
    "HawkesFit",
    "HawkesParams",
    "MovingAverage",
    "Predictor",
    "Retrospective",
    "SelfExciting",
    "fit",
    "grid",
    "grid_of_city",
    "intensity",
    "loglik",
    "make_predictor",
    "simulate",
    "standard_errors",
    "top_k",
]
