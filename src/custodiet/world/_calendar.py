"""The calendar a run lives in: the date of each simulated day, its weekday and its season."""

from __future__ import annotations

import datetime as dt

import numpy as np

_YEAR = 365.25


def date_of(start: dt.date, day: int) -> dt.date:
    """The calendar date of simulated day ``day``."""
    return start + dt.timedelta(days=int(day))


def weekday(start: dt.date, day: int) -> int:
    """Weekday of simulated day ``day`` (0 = Monday)."""
    return date_of(start, day).weekday()


def season(start: dt.date, day: int, amplitude: float, peak_doy: float, cycles: int) -> float:
    """A seasonal factor ``1 + amplitude cos(2π cycles (doy - peak) / year)``."""
    doy = date_of(start, day).timetuple().tm_yday
    return float(1.0 + amplitude * np.cos(2.0 * np.pi * cycles * (doy - peak_doy) / _YEAR))


def festival_day(start: dt.date, day: int, festival: tuple[dt.date, dt.date]) -> bool:
    """Whether simulated day ``day`` falls in the Spring Festival holiday."""
    return festival[0] <= date_of(start, day) <= festival[1]


def days_until(start: dt.date, day: int, when: dt.date) -> int:
    """Days from simulated day ``day`` to the date ``when`` (negative once it has passed)."""
    return (when - date_of(start, day)).days
