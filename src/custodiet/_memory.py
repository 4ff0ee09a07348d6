"""How much memory a simulated city needs, estimated before anything is allocated, so that a
population that cannot fit fails at once with the estimate instead of after minutes.

Measured with ``custodiet world --days 2`` (peak resident memory): 100,000 people 364 MB,
400,000 people 752 MB, i.e. about 1.3 KB a person over a base of about 230 MB. The estimate
rounds both up (assumption: headroom for the watch and the audit, which run beside it)."""

from __future__ import annotations

import os
import resource
from contextlib import suppress

#: Peak bytes per resident of a simulated city (measured 1.3 KB at 100k-400k; rounded up).
BYTES_PER_PERSON: int = 1_600
#: Peak bytes of everything that does not grow with the population (interpreter, engine).
BASE_BYTES: int = 300 * 1024**2


def estimate_bytes(people: int) -> int:
    """Estimated peak memory of simulating a city of ``people``."""
    return BASE_BYTES + BYTES_PER_PERSON * int(people)


def available_bytes() -> int | None:
    """Physical memory of the machine, or the address-space limit if lower (None: unknown)."""
    sizes = []
    with suppress(ValueError, OSError, AttributeError):
        sizes.append(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft not in (resource.RLIM_INFINITY, -1) and soft > 0:
        sizes.append(soft)
    return min(sizes) if sizes else None


def fits(people: int) -> tuple[bool, int, int | None]:
    """Whether a city of ``people`` fits in memory: (fits, estimate, available)."""
    need, have = estimate_bytes(people), available_bytes()
    return (have is None or need <= have), need, have


def gib(n: int) -> str:
    """Bytes as GiB (or MiB below one GiB), for messages."""
    return f"{n / 1024**3:,.1f} GiB" if n >= 1024**3 else f"{n / 1024**2:,.0f} MiB"
