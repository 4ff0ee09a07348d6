"""A prepared city's replay kept beside its run store: what the watch observed each day, the
static relations it read and the red list, as Arrow IPC files written then renamed, so a
later workbench over the same city starts without replaying the watch."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow.feather as feather

from custodiet.watch import OBSERVED, Observations


def replay_dir(path: Path) -> Path:
    """Where the replay of the run store at ``path`` is kept."""
    return path.with_name(path.name + ".replay")


def save_replay(path: Path, seen: Observations) -> None:
    """Keep the replay beside the run store (Arrow IPC files, written then renamed)."""
    observed, relations, scores, redlisted = seen.days, seen.relations, seen.scores, \
        seen.redlisted
    final = replay_dir(path)
    tmp = final.with_name(final.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for d, tables in enumerate(observed):
        for name, table in tables.items():
            feather.write_feather(table, tmp / f"observed-{d}-{name}.arrow")
        feather.write_feather(scores[d], tmp / f"scores-{d}.arrow")
    for name, table in relations.items():
        feather.write_feather(table, tmp / f"{name}.arrow")
    np.save(tmp / "redlisted.npy", redlisted)
    shutil.rmtree(final, ignore_errors=True)
    tmp.rename(final)


def load_replay(path: Path, days: int, static: Sequence[str]) -> Observations | None:
    """The replay kept for ``path``, or None when it is missing or incomplete."""
    where = replay_dir(path)
    needed = [f"{name}.arrow" for name in static] + ["redlisted.npy"]
    if not all((where / name).is_file() for name in needed):
        return None
    observed = [{name: feather.read_table(where / f"observed-{d}-{name}.arrow")
                 for name in OBSERVED} for d in range(days)]
    scores = [feather.read_table(where / f"scores-{d}.arrow") for d in range(days)]
    relations = {name: feather.read_table(where / f"{name}.arrow") for name in static}
    return Observations(observed, relations, scores, np.load(where / "redlisted.npy"))
