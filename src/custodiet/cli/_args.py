"""Argument types shared by sub-commands: each rejects bad values with one clear line."""

from __future__ import annotations

import argparse
from collections.abc import Callable

#: Upper bounds on the counts a user gives (assumptions: each is far above any use the
#: documentation describes, and low enough that a typo such as 1e8 is refused at once
#: instead of running for months or exhausting memory).
MAX_DAYS: int = 3660  # ten years of simulated days
MAX_SEEDS: int = 1000
MAX_RUNS: int = 1_000_000  # replication runs
MAX_REPLICATE_DAYS: int = 100_000
MAX_BOOTSTRAP: int = 100_000  # resamples (10,000 is ample for a 95 % percentile interval)


def _int_at_least(low: int, wording: str, high: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if len(text) > 30:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:30]!r}…")
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be {wording}, got {value}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high:,}, got {value:,}")
        return value

    parse.__doc__ = f"An integer that must be {wording}" + (
        f" and at most {high:,}." if high is not None else ".")
    return parse


positive_int = _int_at_least(1, "at least 1")
non_negative_int = _int_at_least(0, "0 or more")
day_count = _int_at_least(1, "at least 1", MAX_DAYS)
seed_count = _int_at_least(1, "at least 1", MAX_SEEDS)
run_count = _int_at_least(1, "at least 1", MAX_RUNS)
replicate_days = _int_at_least(1, "at least 1", MAX_REPLICATE_DAYS)
resamples = _int_at_least(0, "0 or more", MAX_BOOTSTRAP)
