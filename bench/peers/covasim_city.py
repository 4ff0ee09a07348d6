"""A Covasim peer for the speed comparison in ``bench/world.py --peers``: ``cv.Sim(pop_size=N,
n_days=D)`` with Covasim's defaults (a random population, its default contact layers and
infection model), built and run, nothing written.

Covasim pins its own dependencies, so it runs from a virtual environment of its own (``bench/
world.py --peers`` creates one); it is never imported by custodiet. It keeps no event log: it
steps its people's states day by day and records daily counts.

    python bench/peers/covasim_city.py --people 1000000 --days 7

Prints one JSON line: seconds of the import, of building the sim (``initialize``: the
population and its contact layers) and of running it, and the process's CPU seconds (user +
system, import included).
"""

from __future__ import annotations

import argparse
import json
import resource
import time

_started = time.perf_counter()


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run(people: int, days: int, seed: int = 1) -> dict[str, float]:
    """Import Covasim, build a sim of ``people`` for ``days`` and run it; timings."""
    t = time.perf_counter()
    import covasim as cv

    imported = time.perf_counter() - t
    t = time.perf_counter()
    sim = cv.Sim(pop_size=people, n_days=days, rand_seed=seed, verbose=0)
    sim.initialize()
    built = time.perf_counter() - t
    t = time.perf_counter()
    sim.run()
    ran = time.perf_counter() - t
    return {"people": people, "days": days, "version": cv.__version__, "import_s": imported,
            "build_s": built, "run_s": ran, "seconds": built + ran,
            "process_s": time.perf_counter() - _started, "cpu_s": _cpu_s(),
            "person_days_per_s": people * days / (built + ran)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(run(args.people, args.days, args.seed)))


if __name__ == "__main__":
    main()
