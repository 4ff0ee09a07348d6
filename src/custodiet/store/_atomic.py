"""Atomic output directories: everything is written into a hidden temporary sibling, which is
renamed into place only when complete, so a failed or interrupted command leaves nothing that
looks finished. Every command that writes a directory (runs, reports, replications) uses this.

Outputs never destroy: a finished directory holds a marker file (:data:`MARKER`) listing the
files custodiet wrote, and ``--force`` replaces only a directory with that marker, never one
that holds an input or any file custodiet did not write there (a scenario or a CSV put into
it later); the final check and rename happen under a lock beside the destination, so of two
commands writing one destination at once, one publishes and the other stops with an error."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from custodiet.errors import UserError
from custodiet.store._names import printable

#: Written into every directory custodiet publishes; ``--force`` replaces only those.
MARKER = ".custodiet"
#: Suffixes of the temporary siblings (never a finished output).
PARTIAL_SUFFIXES = (".partial", ".old")


def is_partial(path: Path) -> bool:
    """Whether ``path`` is a temporary sibling left by an interrupted command."""
    return path.name.startswith(".") and path.name.endswith(PARTIAL_SUFFIXES)


def check_destination(out: str | Path, *, force: bool = False,
                      inputs: Iterable[str | Path | None] = ()) -> Path:
    """The one "may I replace this?" check of every command: refuse, before any work is done,
    a destination that exists (unless ``force``), that is not a directory custodiet wrote,
    that is or holds one of ``inputs`` (a scenario, a compared study, a table), or that holds
    a file custodiet did not write there."""
    out = Path(out)
    here = out.resolve()
    for item in inputs:
        if item is None or not os.path.lexists(item):  # a built-in scenario's name
            continue
        src = Path(item).resolve()
        if src == here or here in src.parents:
            what = "is" if src == here else "holds"
            raise UserError(f"{what} the input {printable(Path(item).name)}; nothing is "
                            "replaced: choose another --out", where=str(out))
    if out.exists() or out.is_symlink():
        if not force:
            raise UserError("already exists; choose another --out or pass --force",
                            where=str(out))
        if out.is_symlink() or not out.is_dir():
            raise UserError("exists and is not a directory custodiet wrote; --force replaces "
                            "only those", where=str(out))
        if not (out / MARKER).is_file():
            raise UserError("was not written by custodiet (no .custodiet marker); --force "
                            "replaces only directories custodiet wrote", where=str(out))
        foreign = _foreign_files(out)
        if foreign:
            more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
            raise UserError(f"holds {printable(foreign[0])}{more}, which custodiet did not write; "
                            "--force never deletes them: move them or choose another --out",
                            where=str(out))
    parent = here.parent
    if parent.exists() and not parent.is_dir():
        raise UserError("is not a directory", where=str(parent))
    return out


_MARKER_TEXT = "written by custodiet; --force may replace this directory\n"
_FILES = "files written:\n"


def _files(folder: Path) -> list[str]:
    """Every file and link under ``folder`` (not following links), relative, sorted."""
    out = []
    for root, dirs, files in os.walk(folder):
        base = Path(root).relative_to(folder)
        out += [str(base / f) for f in files]
        out += [str(base / d) for d in dirs if (Path(root) / d).is_symlink()]
    return sorted(x for x in out if x != MARKER)


def _foreign_files(out: Path) -> list[str]:
    """Files under ``out`` that its marker does not list (none for an older marker, which
    lists nothing)."""
    text = (out / MARKER).read_text(encoding="utf-8", errors="replace")
    if _FILES not in text:
        return []
    written = set(text.split(_FILES, 1)[1].splitlines())
    return [f for f in _files(out) if f not in written]


#: Temporary directories of this process not yet published: an interrupted command removes
#: them all (:func:`discard_partials`), wherever the interruption struck.
_LIVE: set[Path] = set()


def discard_partials() -> None:
    """Remove every temporary directory this process created and has not published."""
    while _LIVE:
        shutil.rmtree(_LIVE.pop(), ignore_errors=True)


def partial_directory(out: Path) -> Path:
    """A fresh hidden temporary directory beside ``out`` (missing parents are created)."""
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=parent))
        _LIVE.add(tmp)
        return tmp
    except OSError as err:
        raise UserError(f"cannot create the output: {err.strerror or err}",
                        where=str(out)) from None


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """An exclusive lock on ``.NAME.lock`` beside ``out`` (another holder: a user error)."""
    lock = out.resolve().parent / f".{out.name}.lock"
    fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno in (errno.EAGAIN, errno.EACCES):
                raise UserError("another command is publishing here right now",
                                where=str(out)) from None
            raise
        yield
    finally:
        os.close(fd)  # the (empty, hidden) lock file stays: removing it would race


def move_into_place(tmp: Path, out: Path, *, force: bool = True) -> Path:
    """Mark the finished ``tmp`` and rename it to ``out`` under a lock, replacing an existing
    ``out`` only now, and only when ``force`` and custodiet wrote it; otherwise (a directory
    appeared at ``out`` during the run) a user error, with ``out`` untouched."""
    (tmp / MARKER).write_text(_MARKER_TEXT + _FILES + "".join(f + "\n" for f in _files(tmp)),
                              encoding="utf-8")
    with _locked(out):
        if out.exists() or out.is_symlink():
            if not force:
                raise UserError("appeared while this command ran; nothing was replaced "
                                "(pass --force to replace it)", where=str(out))
            check_destination(out, force=True)
            trash = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old",
                                          dir=out.resolve().parent))
            trash.rmdir()
            out.rename(trash)
            tmp.rename(out)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            tmp.rename(out)
        _LIVE.discard(tmp)
    return out


def publish_directory(out: str | Path, fill: Callable[[Path], None], *,
                      force: bool = True) -> Path:
    """Call ``fill(tmp)`` on a temporary directory beside ``out``, then move it into place.

    If ``fill`` raises (or the command is interrupted or terminated), the temporary directory
    is removed and ``out`` is untouched. Callers check first (:func:`check_destination`)
    whether ``out`` may be replaced; ``force`` False refuses a directory that appeared since.
    """
    out = Path(out)
    tmp = partial_directory(out)
    try:
        fill(tmp)
        return move_into_place(tmp, out, force=force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        _LIVE.discard(tmp)
        raise
