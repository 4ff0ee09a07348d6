"""Argument types shared by sub-commands: each rejects bad values with one clear line."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def _int_at_least(low: int, wording: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be {wording}, got {value}")
        return value

    parse.__doc__ = f"An integer that must be {wording}."
    return parse


positive_int = _int_at_least(1, "at least 1")
non_negative_int = _int_at_least(0, "0 or more")
