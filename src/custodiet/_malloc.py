"""Keeping freed memory for reuse: the world frees and allocates the same big arrays every day.

By default glibc's allocator serves big allocations (at first every one of 128 KiB or more, and
always those above 32 MiB) with a fresh ``mmap`` and hands each back with ``munmap`` when freed,
so each day's schedule, stays and calls are faulted in again page by page (and zeroed by the
kernel): at 3M people that was 12.7 of 36.5 CPU seconds of a week in system time. With
:func:`keep_freed_memory` every allocation comes from the heap and what is freed stays there for
the next day (measured at 3M × 7, the world alone: 28.4 → 21.4 CPU s for the days, system time
12.7 → 3.1 s, peak resident 2,096 → 2,250 MiB; see docs/scale.md).

It is a process-wide setting of glibc (``mallopt``), made once when a world is built; elsewhere
(macOS, musl) it does nothing. ``CUSTODIET_MALLOC=system`` keeps the allocator's defaults.
"""

from __future__ import annotations

import ctypes
import os
import sys

from custodiet.errors import UserError

#: Environment variable: ``keep`` (the default) or ``system`` (glibc's own behaviour).
MALLOC_ENV = "CUSTODIET_MALLOC"
CHOICES = ("keep", "system")
_M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
_M_MMAP_MAX = -4
#: Free memory at the top of the heap kept before any is returned to the system (2 GiB - 1:
#: the largest value ``mallopt`` takes).
TRIM_THRESHOLD = 2**31 - 1

_applied: bool | None = None


def malloc_choice() -> str:
    """``CUSTODIET_MALLOC`` (``keep`` when unset); any other value is refused, naming it."""
    text = os.environ.get(MALLOC_ENV, "").strip().lower() or "keep"
    if text not in CHOICES:
        raise UserError(f"must be one of {', '.join(CHOICES)}, got {text!r}", field=MALLOC_ENV)
    return text


def keep_freed_memory() -> bool:
    """Make glibc serve big allocations from the heap and keep freed memory (once per
    process); whether the setting is in force."""
    global _applied
    if _applied is None:
        _applied = malloc_choice() == "keep" and _mallopt()
    return _applied


def release_freed_memory() -> None:
    """Hand what is freed back to the system now (glibc's ``malloc_trim``): for a process that
    built a city for others and goes on with other work (the study's own process, which
    prepares shared cities before the runs)."""
    if _applied:
        trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
        if trim is not None:
            trim.argtypes = [ctypes.c_size_t]
            trim(0)


def _mallopt() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_MAX, 0)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
