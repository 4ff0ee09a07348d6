"""The run directory: ``run.duckdb`` with every table, and ``manifest.json``, written atomically."""

from custodiet.store._atomic import (
    MARKER,
    check_destination,
    discard_partials,
    is_partial,
    publish_directory,
)
from custodiet.store._reader import Run, open_run
from custodiet.store._writer import DATABASE, MANIFEST, RunWriter

__all__ = [
    "DATABASE", "MANIFEST", "MARKER", "Run", "RunWriter", "check_destination", "discard_partials",
    "is_partial",
    "open_run", "publish_directory",
]
