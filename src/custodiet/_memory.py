"""How much memory a simulation needs, measured rather than guessed, so a run that cannot fit
is refused with the estimate before any work (and a process pool runs no more simulations at
once than memory holds).

The per-person figures are peak resident memory measured by ``bench/scale.py`` (a city alone)
and ``custodiet run`` (a city and its watch) on a 2-core, 24 GiB machine; see docs/scale.md.
Days add little: events are streamed into the store a day at a time.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

from custodiet.errors import UserError

#: Interpreter, numpy, DuckDB, pyarrow and scikit-learn loaded, before any city, plus what a
#: busy machine adds: the line through a fresh process's peaks of ``custodiet world`` × 2 days
#: meets zero people at about 350 MiB, but at 300k people the peak ranged 490-680 MiB between
#: runs of one build (more of the day's tables wait for the store when the cores are busy), so
#: the base carries that 190 MiB spread (measured, 2026-12-02). numba's compiler and the
#: world's compiled kernels add about 130 MiB to every simulating process (300k × 2 days:
#: 772-780 MiB, measured 2026-12-05), which the base now carries too.
BASE_BYTES = 670 * 2**20
#: Peak bytes per resident of a city streamed into its store: people, places, ties and
#: adjacency, a day's working arrays, the tables waiting for the store and the store's buffer
#: pool, which grows with the days up to its cap. Measured peaks since freed memory is kept for
#: the next day (``_malloc``), on 2026-12-02: 1,334-1,342 MiB at 1M × 7, 3,229 MiB at 3M × 7
#: (940 bytes a person above the base), 12,692 MiB at 13.9M × 7 (919) and 14.26 GiB at
#: 13.9M × 30 with the 4 GiB buffer pool (1,064); the figure carries about 8% above the
#: highest. tests/test_scale_memory.py checks the estimate stays above a fresh process's peak.
WORLD_BYTES_PER_PERSON = 1_150
#: Extra peak bytes per resident when the watch runs over the city (its static tables, lists,
#: scorer features and rule windows; measured peaks of ``run default``: 1,054 MiB at 200k × 7,
#: i.e. 2,740 bytes a person above base and city, the audit's own memory included; 3.0 GB at
#: 1M × 7, i.e. 1,700).
WATCH_BYTES_PER_PERSON = 2_000
#: Address space a process reserves beyond what it touches (thread stacks, allocator arenas,
#: DuckDB's reservations): an address-space limit (``ulimit -v``) leaves this much less
#: (measured: 3.3 GiB at 14M × 7, which failed under a 16 GiB limit at 12.6 GiB resident).
ADDRESS_SPACE_OVERHEAD = 3584 * 2**20


#: The least buffer pool a run store's DuckDB gets (inserting a day's tables needs a few hundred
#: MiB of blocks; below this it would spill to disk all the time).
STORE_MEMORY_FLOOR = 2**30
#: The most it gets: DuckDB keeps the blocks it wrote cached up to its limit, so a larger pool
#: only raises the peak (a Tianjin month with 8.6 GiB peaked at 19.1 GiB resident); 4 GiB ran
#: the Tianjin week and month at full speed (measured, 2026-12-02).
STORE_MEMORY_CAP = 4 * 2**30


@dataclass(frozen=True)
class Estimate:
    """Peak memory of ``jobs`` simulations at once against what the machine has free."""

    per_run: int
    jobs: int
    available: int | None

    @property
    def total(self) -> int:
        return self.per_run * self.jobs

    @property
    def fits(self) -> bool:
        return self.available is None or self.total <= self.available

    def describe(self) -> str:
        """One line: the estimate, and the memory available."""
        runs = f" × {self.jobs} at once = {_gb(self.total)}" if self.jobs > 1 else ""
        free = f"; {_gb(self.available)} available" if self.available is not None else ""
        return f"memory estimate {_gb(self.per_run)} per simulation{runs}{free}"


def _gb(n: int | None) -> str:
    return f"{(n or 0) / 2**30:.1f} GiB"


def run_bytes(people: int, *, watch: bool) -> int:
    """Estimated peak resident bytes of one simulation of ``people`` residents."""
    per = WORLD_BYTES_PER_PERSON + (WATCH_BYTES_PER_PERSON if watch else 0)
    return BASE_BYTES + per * int(people)


def available_bytes() -> int | None:
    """Memory this process may still use: the least of the system's available memory, the
    cgroup's limit and the address-space limit (less what a process reserves untouched)."""
    limits = []
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                limits.append(int(line.split()[1]) * 1024)
    cgroup = Path("/sys/fs/cgroup/memory.max")
    if cgroup.is_file():
        text = cgroup.read_text().strip()
        current = Path("/sys/fs/cgroup/memory.current")
        if text.isdigit() and current.is_file():
            limits.append(int(text) - int(current.read_text().strip()))
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        limits.append(soft - ADDRESS_SPACE_OVERHEAD)
    env = os.environ.get("CUSTODIET_MEMORY_AVAILABLE_GB", "").strip()
    if env:
        limits.append(int(float(env) * 2**30))
    return max(0, min(limits)) if limits else None


def store_memory_limit(people: int, *, watch: bool) -> int | None:
    """Bytes for the buffer pool of a simulation's store: what is available beyond the
    simulation's own estimate, between :data:`STORE_MEMORY_FLOOR` and :data:`STORE_MEMORY_CAP`.
    DuckDB's default, 80% of the machine's memory, ignores an address-space or cgroup limit and
    the city beside it (a 14M city hit DuckDB's out-of-memory error under a 20 GiB
    address-space cap). None (DuckDB's default) when nothing is known, or when
    ``CUSTODIET_MEMORY_LIMIT`` says what to use."""
    if (os.environ.get("CUSTODIET_MEMORY_LIMIT") or "").strip():
        return None
    available = available_bytes()
    if available is None:
        return None
    return max(STORE_MEMORY_FLOOR,
               min(STORE_MEMORY_CAP, available - run_bytes(people, watch=watch)))


def estimate(people: int, *, watch: bool, jobs: int = 1) -> Estimate:
    """The estimate for ``jobs`` simulations of ``people`` residents at once."""
    return Estimate(run_bytes(people, watch=watch), max(1, jobs), available_bytes())


def jobs_that_fit(people: int, *, watch: bool, wanted: int) -> int:
    """How many of ``wanted`` simulations fit in memory at once (at least 1)."""
    e = estimate(people, watch=watch)
    if e.available is None:
        return wanted
    return max(1, min(wanted, e.available // max(e.per_run, 1)))


def check(people: int, *, watch: bool, jobs: int = 1) -> Estimate:
    """The estimate, or a user error quoting it when the simulations cannot fit."""
    e = estimate(people, watch=watch, jobs=jobs)
    if not e.fits:
        hint = (" run fewer at once (--jobs)" if jobs > 1 and estimate(
            people, watch=watch).fits else " use fewer --people or a larger machine")
        raise UserError(f"{people:,} people do not fit: {e.describe()};{hint}",
                        field="--people")
    return e


def physical_bytes() -> int | None:
    """The machine's physical memory (None: unknown): the ceiling no city may exceed."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def fits(people: int) -> tuple[bool, int, int | None]:
    """Whether a city of ``people`` could fit on this machine at all: (fits, estimate, physical
    memory). Checked when a scenario is validated, so an impossible size fails before any work;
    :func:`check` then weighs a run against the memory free when it starts."""
    need, have = run_bytes(people, watch=False), physical_bytes()
    return (have is None or need <= have), need, have


def gib(n: int) -> str:
    """Bytes as GiB (or MiB below one GiB), for messages."""
    return f"{n / 1024**3:,.1f} GiB" if n >= 1024**3 else f"{n / 1024**2:,.0f} MiB"
