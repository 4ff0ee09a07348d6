"""Atomic output directories: everything is written into a hidden temporary sibling, which is
renamed into place only when complete, so a failed or interrupted command leaves nothing that
looks finished. Every command that writes a directory (runs, reports, replications) uses this."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def partial_directory(out: Path) -> Path:
    """A fresh hidden temporary directory beside ``out`` (missing parents are created)."""
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=parent))


def move_into_place(tmp: Path, out: Path) -> Path:
    """Rename the finished ``tmp`` to ``out``, replacing an existing ``out`` only now."""
    if out.exists():
        trash = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old",
                                      dir=out.resolve().parent))
        trash.rmdir()
        out.rename(trash)
        tmp.rename(out)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        tmp.rename(out)
    return out


def publish_directory(out: str | Path, fill: Callable[[Path], None]) -> Path:
    """Call ``fill(tmp)`` on a temporary directory beside ``out``, then move it into place.

    If ``fill`` raises, the temporary directory is removed and ``out`` is untouched. Callers
    check first (:func:`custodiet.store.check_destination`) whether ``out`` may be replaced.
    """
    out = Path(out)
    tmp = partial_directory(out)
    try:
        fill(tmp)
        return move_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
