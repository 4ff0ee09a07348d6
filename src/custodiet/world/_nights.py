"""Where each person sleeps: home, a city hotel (guests, couples, drug deals), or a spouse's
home for couples who live apart."""

from __future__ import annotations

import numpy as np

from custodiet.world._context import Day
from custodiet.world._day import NIGHT, pick_place
from custodiet.world._incidents import drug_deals


def nights(day: Day) -> None:
    """The behaviour: each person's place for the night (the schedule's night slot); drug
    deals (at the dealer's hotel) go to the ledger. During the Spring Festival ordinary apart
    couples are mostly together."""
    city, draws, free = day.city, day.draws, day.status.free
    beh = city.config.behaviour
    night = city.home.copy()
    guest = np.flatnonzero(free & (draws.uniform("hotel") < beh.hotel_night_rate))
    night[guest] = pick_place(city.places, "hotel", draws.at("hotel_pick", guest))

    apart, sham = city.ties.apart, city.ties.sham
    if apart.size:
        ordinary = (beh.festival_night_together_rate if day.festival
                    else beh.apart_night_together_rate)
        rate = np.where(sham, beh.sham_night_together_rate, ordinary)
        together = draws.at("apart_night", apart[:, 0]) < rate
        meet = free[apart[:, 0]] & free[apart[:, 1]] & together
        night[apart[meet, 1]] = city.home[apart[meet, 0]]

    drug_deals(day, night)
    day.plan.place[:, NIGHT] = night
