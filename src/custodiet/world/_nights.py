"""Where each person sleeps: home, a city hotel (guests, couples, drug deals), or a spouse's
home for couples who live apart."""

from __future__ import annotations

import numpy as np

from custodiet.world import _incidents as incidents
from custodiet.world._crn import Draws
from custodiet.world._day import Appetite, City, pick_place
from custodiet.world._ledger import Ledger


def nights(city: City, free: np.ndarray, night_start: np.ndarray, appetite: Appetite,
           ledger: Ledger, t0: int, draws: Draws) -> np.ndarray:
    """Each person's place for the night; drug deals (at the dealer's hotel) go to ``ledger``."""
    beh = city.config.behaviour
    night = city.home.copy()
    guest = np.flatnonzero(free & (draws.uniform("hotel") < beh.hotel_night_rate))
    night[guest] = pick_place(city.places, "hotel", draws.at("hotel_pick", guest))

    apart, sham = city.ties.apart, city.ties.sham
    if apart.size:
        rate = np.where(sham, beh.sham_night_together_rate, beh.apart_night_together_rate)
        together = draws.at("apart_night", apart[:, 0]) < rate
        meet = free[apart[:, 0]] & free[apart[:, 1]] & together
        night[apart[meet, 1]] = city.home[apart[meet, 0]]

    incidents.drug_deals(city, free, appetite, night, night_start, ledger, t0, draws)
    return night
