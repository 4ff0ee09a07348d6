"""Where each person sleeps: home, a city hotel (guests, couples, drug deals), or a spouse's
home for couples who live apart."""

from __future__ import annotations

import numpy as np

from custodiet.world import _incidents as incidents
from custodiet.world._day import City
from custodiet.world._ledger import Ledger


def nights(city: City, free: np.ndarray, night_start: np.ndarray, p_deal: np.ndarray,
           ledger: Ledger, t0: int, rng: np.random.Generator) -> np.ndarray:
    """Each person's place for the night; drug deals (at the dealer's hotel) go to ``ledger``."""
    cfg, people, places = city.config, city.people, city.places
    n = people.n
    night = city.home.copy()
    hotels = places.ids("hotel")
    guest = free & (rng.random(n) < cfg.behaviour.hotel_night_rate)
    night[guest] = hotels[rng.integers(0, hotels.size, int(guest.sum()))]

    apart, sham = city.ties.apart, city.ties.sham
    if apart.size:
        rate = np.where(sham, cfg.behaviour.sham_night_together_rate,
                        cfg.behaviour.apart_night_together_rate)
        meet = free[apart[:, 0]] & free[apart[:, 1]] & (rng.random(sham.size) < rate)
        night[apart[meet, 1]] = city.home[apart[meet, 0]]

    incidents.drug_deals(city, free, p_deal, night, night_start, ledger, t0, rng)
    return night
