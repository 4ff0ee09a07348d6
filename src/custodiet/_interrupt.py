"""A termination asked for by a signal, remembered: DuckDB, when a signal's handler raises
while it runs a query, turns the exception into its own ``Query interrupted`` error or clears
it, so the request is also checked between days (:func:`check`) and recognised in whatever
error comes out of the interrupted call (:func:`requested`)."""

from __future__ import annotations


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every partial output is cleaned up the same way."""


_requested = False


def request() -> None:
    """Remember that the process was asked to terminate, and raise :class:`Terminated`."""
    global _requested
    _requested = True
    raise Terminated()


def requested() -> bool:
    """Whether a termination was asked for (and perhaps swallowed by a library)."""
    return _requested


def check() -> None:
    """Raise :class:`Terminated` if a termination was asked for: called between days, where
    nothing is half-done."""
    if _requested:
        raise Terminated()
