"""Place-based crime seen unevenly, and patrols sent by a hot-spot predictor.

Each cell's true incidents follow a self-exciting process (the ground truth, which patrols do
not change here: no deterrence). Victims report an incident with their district's *reporting
rate*; a patrolled cell also records a *discovery* share of the incidents nobody reported.
Recorded crime is reported plus discovered; the truth keeps every incident. Before the system
starts there are ``history_days`` of reported crime only (no hot-spot patrols yet); from then
on the predictor is refitted each morning on what it is fed, the ``k`` top cells are patrolled,
and what the patrols discover that day is fed back the next.

What the predictor is fed (``correction``):

- ``none``: every record (reported and discovered): the feedback loop;
- ``reported``: reported incidents only (Ensign et al. 2018's first remedy: discoveries, which
  exist only where patrols went, are not fed back);
- ``rescaled``: reported incidents divided by the district's reporting rate (Akpinar,
  De-Arteaga & Chouldechova 2021's correction, which needs the rates to be known);
- ``weighted``: reports plus each discovery divided by the probability that its cell was
  patrolled that day (Ensign et al.'s second remedy). It needs ``random_share`` > 0: that share
  of the ``k`` patrols goes to cells drawn at random among the others, so that every cell has a
  known, non-zero chance of a patrol (the top cells have probability 1; a zero-score cell that
  filled the top by a tie counts as 1 too, an approximation). Each cell's fed discoveries then
  equal, in expectation, what a patrol there every day would find, wherever patrols went.

Draws come from streams keyed by name (truth, reporting, discovery, ties, random), so the
variants of a city (another correction, no discovery) see the same incidents and the same
reports: the difference between them is an effect, not noise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from custodiet.places._grid import Grid
from custodiet.places._hawkes import HawkesParams, simulate
from custodiet.places._predictors import make_predictor, top_k

CORRECTIONS = ("none", "reported", "rescaled", "weighted")
#: Victim reporting rate when none is given: the same everywhere (assumption; the
#: differential-reporting study the issue cites contrasts districts at 0.3 and 0.7).
DEFAULT_REPORTING = 0.5
_STREAMS = {"truth": 1, "reporting": 2, "discovery": 3, "ties": 4, "random": 5}


@dataclass(frozen=True)
class PatrolConfig:
    """One city's setting. ``background``: true background incidents per cell per day;
    ``reporting``: per district (one value: every district)."""

    grid: Grid
    background: np.ndarray
    theta: float = 0.5
    """True branching ratio: each incident brings this many more nearby in time (assumption;
    Mohler et al. fit values of this order to burglary)."""
    omega: float = 0.2
    """True decay of the aftershocks per day (the issue's ω = 0.2, read as per day)."""
    reporting: np.ndarray = field(default_factory=lambda: np.array([DEFAULT_REPORTING]))
    discovery: float = 0.0
    """Share of the unreported incidents of a patrolled cell that the patrol records."""
    k: int = 50
    history_days: int = 365
    days: int = 60
    predictor: str = "hawkes"
    window: int = 365
    correction: str = "none"
    random_share: float = 0.0
    """Share of the ``k`` patrols sent to cells drawn at random outside the top cells."""

    def __post_init__(self) -> None:
        if self.correction not in CORRECTIONS:
            raise ValueError(f"correction must be one of {', '.join(CORRECTIONS)}")
        if not 0.0 <= self.random_share <= 1.0:
            raise ValueError("random_share must lie in [0, 1]")
        if self.correction == "weighted" and self.n_random == 0:
            raise ValueError("the weighted correction needs random patrols: a random_share "
                             "that sends at least one of the k patrols at random")
        if np.asarray(self.background).shape != (self.grid.n_cells,):
            raise ValueError("background needs one rate per cell")
        r = np.asarray(self.reporting, dtype=np.float64)
        if r.size not in (1, self.grid.n_districts) or (r <= 0).any() or (r > 1).any():
            raise ValueError("reporting: one rate in (0, 1], or one per district")
        if not 0.0 <= self.discovery <= 1.0:
            raise ValueError("discovery must lie in [0, 1]")
        if not 1 <= self.k <= self.grid.n_cells:
            raise ValueError("k must lie between 1 and the number of cells")

    @property
    def n_random(self) -> int:
        """Patrols a day sent at random (the rest go to the top cells)."""
        return round(self.random_share * self.k)

    @property
    def cell_reporting(self) -> np.ndarray:
        r = np.asarray(self.reporting, dtype=np.float64)
        return np.broadcast_to(r, (self.grid.n_districts,))[self.grid.district]

    def variant(self, **changes: object) -> PatrolConfig:
        return replace(self, **changes)


@dataclass(frozen=True)
class PatrolRun:
    """The system's days of one city: true, reported and discovered incidents and the
    patrolled cells (days × cells each)."""

    config: PatrolConfig
    seed: int
    true: np.ndarray
    reported: np.ndarray
    discovered: np.ndarray
    patrolled: np.ndarray

    @property
    def recorded(self) -> np.ndarray:
        return self.reported + self.discovered


@dataclass(frozen=True)
class Seen:
    """What the days hold before any patrol (days × cells each): the true incidents, those
    victims reported, the unreported ones a patrol would discover if it came, and the reports
    weighted by the inverse of their reporting probability (for ``rescaled``)."""

    true: np.ndarray
    reported: np.ndarray
    findable: np.ndarray
    rescaled: np.ndarray


def _rng(seed: int, stream: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_STREAMS[stream],)))


def _fed(cfg: PatrolConfig, seen: Seen, discovered: np.ndarray,
         t: int | slice = slice(None), chance: np.ndarray | None = None) -> np.ndarray:
    """What the predictor is fed on day(s) ``t`` under the configured correction;
    ``chance``: each cell's probability of a patrol that day (for ``weighted``)."""
    if cfg.correction == "reported":
        return seen.reported[t]
    if cfg.correction == "rescaled":
        return seen.rescaled[t]
    if cfg.correction == "weighted" and chance is not None:
        return seen.reported[t] + discovered[t] / np.maximum(chance, 1e-12)
    return seen.reported[t] + discovered[t]


def _send(cfg: PatrolConfig, scores: np.ndarray, ties: np.random.Generator,
          rand: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The day's patrolled cells (the top ``k - n_random`` and ``n_random`` drawn from the
    rest) and each cell's probability of a patrol."""
    n, m = cfg.grid.n_cells, cfg.n_random
    top = top_k(scores, cfg.k - m, ties) if cfg.k > m else np.zeros(0, np.int64)
    chance = np.zeros(n)
    chance[top] = 1.0
    if m == 0:
        return top, chance
    rest = np.setdiff1d(np.arange(n), top)
    drawn = rest[rand.choice(rest.size, size=m, replace=False)]
    chance[rest] = m / rest.size
    return np.sort(np.concatenate([top, drawn])), chance


def run_city(cfg: PatrolConfig, seed: int,
             on_day: Callable[[int], None] | None = None) -> PatrolRun:
    """One city under ``cfg``: ``history_days`` of reports, then ``days`` of patrols."""
    n = cfg.history_days + cfg.days
    truth = HawkesParams(np.asarray(cfg.background, dtype=np.float64), cfg.theta, cfg.omega)
    true = simulate(truth, n, _rng(seed, "truth"), burn_in=int(10 / max(cfg.omega, 0.01)))
    reported = _rng(seed, "reporting").binomial(true.astype(np.int64),
                                                cfg.cell_reporting).astype(np.float64)
    findable = _rng(seed, "discovery").binomial((true - reported).astype(np.int64),
                                                cfg.discovery).astype(np.float64)
    return patrol(cfg, seed, Seen(true, reported, findable, reported / cfg.cell_reporting),
                  on_day)


def patrol(cfg: PatrolConfig, seed: int, seen: Seen,
           on_day: Callable[[int], None] | None = None) -> PatrolRun:
    """The system over days already drawn: the first ``cfg.history_days`` are reports only;
    each later morning the predictor is refitted on what it is fed, the ``k`` top cells are
    patrolled, and what they discover that day is fed back the next."""
    h = cfg.history_days
    if seen.true.shape != (h + cfg.days, cfg.grid.n_cells):
        raise ValueError("the days drawn must be history_days + days by cells")
    ties, rand = _rng(seed, "ties"), _rng(seed, "random")
    patrolled = np.zeros((cfg.days, cfg.grid.n_cells), dtype=bool)
    discovered = np.zeros_like(seen.true, dtype=np.float64)
    fed = np.array(_fed(cfg, seen, discovered), copy=True)
    predictor = make_predictor(cfg.predictor, window=cfg.window) \
        if cfg.predictor != "retrospective" else make_predictor(cfg.predictor)
    for day in range(cfg.days):
        t = h + day
        cells, chance = _send(cfg, predictor.scores(fed[:t]), ties, rand)
        patrolled[day, cells] = True
        discovered[t, cells] = seen.findable[t, cells]
        fed[t] = _fed(cfg, seen, discovered, t, chance)
        if on_day is not None:
            on_day(day)
    return PatrolRun(cfg, seed, seen.true[h:], seen.reported[h:], discovered[h:], patrolled)


def run_cities(cfg: PatrolConfig, seeds: list[int],
               on_day: Callable[[int], None] | None = None) -> list[PatrolRun]:
    """The same setting in several cities (one seed each)."""
    return [run_city(cfg, seed, on_day) for seed in seeds]
