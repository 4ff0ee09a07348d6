"""``--jobs`` and ``--cluster`` for the commands that run several simulations, and the memory
estimate printed (or the refusal raised) before any of them starts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from custodiet._executor import CLUSTER_ENV, JOBS_ENV, executing, settings
from custodiet.cli._args import positive_int


def add_execution_arguments(p: argparse.ArgumentParser) -> None:
    """The flags choosing where the simulations run."""
    p.add_argument("--jobs", type=positive_int, default=None, metavar="N",
                   help=f"simulations at once in local processes (default: ${JOBS_ENV} or every "
                   "core, as many as memory holds); 1 runs them one after another")
    p.add_argument("--cluster", default=None, metavar="ADDRESS",
                   help=f"a Dask scheduler (tcp://host:8786) to run the simulations on "
                   f"(default: ${CLUSTER_ENV}); the output directory must be shared")


@contextmanager
def execution(args: argparse.Namespace, *, people: int, watch: bool, runs: int
              ) -> Iterator[None]:
    """Print the memory estimate, refuse what cannot fit, and run the block with the chosen
    jobs or cluster."""
    from custodiet._memory import check, run_bytes

    jobs, cluster = settings(args.jobs, args.cluster, task_bytes=run_bytes(people, watch=watch))
    if cluster is None:
        est = check(people, watch=watch, jobs=min(jobs, runs))
        where = f"{min(jobs, runs)} at once" if jobs > 1 and runs > 1 else "one at a time"
        say = f"{runs} simulations, {where}; {est.describe()}"
    else:
        say = f"{runs} simulations on the Dask cluster at {cluster}"
    if not getattr(args, "quiet", False):  # --quiet: no progress, no estimate
        print(say, file=sys.stderr)
    with executing(jobs=jobs, cluster=cluster):
        yield
