"""Common random numbers per person: a person's draw for a decision on a day depends only on
(seed, day, decision, person), never on who else made that decision or in what order.

A decision's stream is keyed by a hash of its name (as Starsim seeds each distribution from
its name), never by its place in :data:`DECISIONS`: adding or removing a decision, or
reordering them, leaves every other stream's draws as they were; renaming one re-keys only
its own stream.

Two ways to get one, both keyed by (seed, day, decision):

- :meth:`Draws.uniform` (and its transforms): one whole-population array from a generator of
  its own, indexed by person id. The array's size is the population, so it is the same in
  every twin; it is the fast path for decisions everyone takes every day.
- :meth:`Draws.at`: a counter-based hash of (key, person, index) for a few persons, or for a
  person's ``index``-th draw of a decision they may take several times (a thief's thefts).
  Its cost is proportional to the persons asked for.

A stream that draws a fixed number of items in a fixed order whatever the state (the meters of
every household, the ordinary calls) is per-item already; :meth:`Draws.generator` gives it.
"""

from __future__ import annotations

import hashlib

import numpy as np

from custodiet.world._kernels import neighbour_of

DECISIONS: tuple[str, ...] = (
    # the day's slots and work
    "wake", "work_start", "after_work", "night_start", "errand_after_work", "errand_free",
    "illegal_work",
    # trips
    "petition", "trip", "trip_lead", "trip_minute", "trip_bought", "trip_capital", "trip_dest",
    "trip_evasive", "trip_cash", "trip_days", "trip_arrive", "trip_decoys", "trip_decoy_dest",
    "depart_dwell", "depart_station", "return_dwell", "return_station",
    # outings
    "outing", "outing_kind", "outing_place", "outing_minutes", "companion", "companion_pick",
    "protests", "protest", "protest_pick", "recruit", "recruit_pick", "recruit_place",
    "recruit_start", "recruit_minutes", "pickpocket", "pickpocket_start", "pickpocket_minutes",
    "thefts", "theft_minute", "burglary", "burglary_victim", "burglary_minutes",
    # nights
    "hotel", "hotel_pick", "apart_night", "drug_deal", "dealer_pick", "dealer_hotel",
    "dealer_works",
    # phones, calls, meters
    "phone_off", "phone_off_start", "phone_off_minutes", "calls", "drug_calls", "drug_call_minute",
    "drug_call_number", "utility",
    # police
    "chill", "custody_place",
    # road trips and checkpoints, the Spring Festival, school violence, grievance groups
    "trip_road", "checkpoint", "checkpoint_minute", "festival_go", "festival_minute",
    "festival_lead", "festival_dest", "festival_back", "festival_cash", "school_violence",
    "school_pick", "school_minutes", "group_events", "group_turnout",
)
"""Every decision a day may draw for, in any order (the registry: an unknown name is refused)."""


def stream_key(decision: str) -> int:
    """A decision's stream key: the first 8 bytes of the SHA-256 of its name (a name's, not a
    position's: Python's own ``hash`` of a string differs between processes)."""
    return int.from_bytes(hashlib.sha256(decision.encode("utf-8")).digest()[:8], "little")


def stream_keys(decisions: tuple[str, ...]) -> dict[str, int]:
    """Each decision's stream key; refuses two decisions with one key."""
    keys = {name: stream_key(name) for name in decisions}
    if len(set(keys.values())) != len(keys):
        raise ValueError("two decisions share a stream key: rename one")
    return keys


_KEY = stream_keys(DECISIONS)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_STEP = np.uint64(0xD1B54A32D192ED03)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / (1 << 53)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, in place on a uint64 array."""
    x ^= x >> np.uint64(30)
    x *= _M1
    x ^= x >> np.uint64(27)
    x *= _M2
    x ^= x >> np.uint64(31)
    return x


class Draws:
    """The random numbers of one day of one world (``n`` persons)."""

    def __init__(self, seed: int, day: int, n: int):
        self.seed, self.day, self.n = int(seed), int(day), int(n)

    def _sequence(self, decision: str, stage: int) -> np.random.SeedSequence:
        if decision not in _KEY:
            raise KeyError(f"unknown decision {decision!r}: name it in _crn.DECISIONS")
        return np.random.SeedSequence(self.seed, spawn_key=(stage, self.day, _KEY[decision]))

    def generator(self, decision: str) -> np.random.Generator:
        """A generator of its own for the decision (for state-independent streams)."""
        return np.random.default_rng(self._sequence(decision, 3))

    def uniform(self, decision: str) -> np.ndarray:
        """One uniform in [0, 1) per person, indexed by person id."""
        return self.generator(decision).random(self.n)

    def integers(self, decision: str, lo: int, hi: int) -> np.ndarray:
        """One integer in [lo, hi) per person."""
        u = self.uniform(decision)
        u *= hi - lo
        got = np.floor(u, out=u).astype(np.int64)
        got += lo
        return got

    def at(self, decision: str, persons: np.ndarray, index: np.ndarray | None = None
           ) -> np.ndarray:
        """Uniforms in [0, 1) for the given persons (and each one's ``index``-th draw)."""
        key = np.uint64(self._sequence(decision, 4).generate_state(1, np.uint64)[0])
        x = np.asarray(persons).astype(np.uint64) * _GOLDEN
        x += key
        _mix(x)
        if index is not None:
            x += np.asarray(index).astype(np.uint64) * _STEP
            _mix(x)
        return (x >> np.uint64(11)).astype(np.float64) * _TO_UNIT


def integers(u: np.ndarray, lo: int, hi: int | np.ndarray) -> np.ndarray:
    """Integers in [lo, hi) from uniforms."""
    return lo + np.floor(u * (np.asarray(hi) - lo)).astype(np.int64)


def pick(u: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """One element of ``ids`` per uniform, uniformly."""
    return ids[np.minimum(np.floor(u * ids.size).astype(np.int64), ids.size - 1)]


def exponential(u: np.ndarray, scale: float) -> np.ndarray:
    """Exponential variates with mean ``scale`` from uniforms (inverse CDF)."""
    return -np.log1p(-u) * scale


def geometric(u: np.ndarray, p: float) -> np.ndarray:
    """Geometric variates on 1, 2, … with success probability ``p`` (inverse CDF)."""
    if p >= 1.0:
        return np.ones(u.size, np.int64)
    return 1 + np.floor(np.log1p(-u) / np.log1p(-p)).astype(np.int64)


def poisson(u: np.ndarray, lam: np.ndarray | float) -> np.ndarray:
    """Poisson variates from uniforms (inverse CDF, one pass per count reached); each result
    depends only on its own uniform and mean."""
    lam = np.broadcast_to(np.asarray(lam, np.float64), u.shape)
    k = np.zeros(u.shape, np.int64)
    term = np.exp(-lam)
    cdf = term.copy()
    active = np.flatnonzero(u >= cdf)
    j = 0
    while active.size:
        j += 1
        term[active] *= lam[active] / j
        cdf[active] += term[active]
        k[active] = j
        # Stop where the tail is lost to rounding (cdf no longer grows).
        active = active[(u[active] >= cdf[active]) & (term[active] > 0)]
    return k


def neighbour(indptr: np.ndarray, neighbours: np.ndarray, persons: np.ndarray,
              u: np.ndarray) -> np.ndarray:
    """One tie of each person drawn with their uniform from CSR adjacency (-1 for none)."""
    return neighbour_of(indptr, neighbours, np.asarray(persons), np.asarray(u, np.float64))
