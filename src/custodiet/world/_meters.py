"""Household meters: daily water and power per household (the digital whistle's input).

A meter reads what the household really uses: every occupant at home that day, registered or
not, times the household's lasting use factor, the season, the weekday and daily noise. The
records know only the registered residents, so a crowded rental with unregistered occupants
uses more per *registered* resident than its look-alikes (NYT-10)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet.world._calendar import season, weekday
from custodiet.world._context import Day
from custodiet.world._day import City, Status

_WATER_PEAK_DOY = 196.0  # mid-July
_POWER_PEAK_DOY = 15.0  # mid-January (and, with two cycles a year, mid-July)


def occupants_present(city: City, status: Status) -> np.ndarray:
    """Occupants of each household at home on a day: registered residents neither away nor
    held, plus the unregistered occupants (who never travel in this model)."""
    people = city.people
    home = ~(status.away | status.detained)
    present = np.bincount(people.household, weights=home, minlength=people.n_households)
    return present + people.hh_unregistered


def meters(day: Day) -> None:
    """The behaviour: the day's ``utility`` table."""
    present = occupants_present(day.city, day.status)
    day.tables["utility"] = meter_readings(day.d, day.city, present,
                                           day.draws.generator("utility"))


def meter_readings(day: int, city: City, present: np.ndarray,
                   rng: np.random.Generator) -> pa.Table:
    """One reading per household (draws are per household, so they do not depend on anyone's
    behaviour): per-occupant use × occupants present × lasting factor × season × weekday ×
    log-normal daily noise. Big and heavy-using households are a crowded rental's look-alikes."""
    cfg = city.config
    beh = cfg.behaviour
    people = city.people
    h = people.n_households
    noise_w = rng.lognormal(0.0, beh.utility_noise_sd, h)
    noise_p = rng.lognormal(0.0, beh.utility_noise_sd, h)
    week = beh.weekend_use_factor if weekday(cfg.start_date, day) >= 5 else 1.0
    s_w = season(cfg.start_date, day, beh.water_seasonal_amplitude, _WATER_PEAK_DOY, 1)
    s_p = season(cfg.start_date, day, beh.power_seasonal_amplitude, _POWER_PEAK_DOY, 2)
    base = present.astype(np.float64) * week
    return pa.table({
        "household": np.arange(h, dtype=np.int64), "day": np.full(h, day, np.int32),
        "water": (beh.water_litres_per_person * s_w * base * people.hh_use[:, 0]
                  * noise_w).astype(np.float32),
        "power": (beh.power_kwh_per_person * s_p * base * people.hh_use[:, 1]
                  * noise_p).astype(np.float32),
    }, schema=schema.UTILITY)
