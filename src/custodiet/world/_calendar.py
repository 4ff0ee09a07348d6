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
