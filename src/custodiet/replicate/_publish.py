"""Writing an output directory atomically: fill a hidden temporary sibling, then rename it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def publish_directory(out: str | Path, fill: Callable[[Path], None], *,
                      force: bool = False) -> Path:
    """Call ``fill(tmp)`` on a fresh temporary directory beside ``out``, then rename it to ``out``.

    Missing parent directories are created. If ``fill`` raises, the temporary directory is
    removed and ``out`` is untouched. With ``force`` an existing ``out`` is replaced only after
    the new one is complete.
    """
    out = Path(out)
    out.resolve().parent.mkdir(parents=True, exist_ok=True)  # as the run store does
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial",
                                dir=out.resolve().parent))
    try:
        fill(tmp)
        if out.exists() and force:
            trash = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old",
                                          dir=out.resolve().parent))
            trash.rmdir()
            out.rename(trash)
            tmp.rename(out)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
