"""The run directory: ``run.duckdb`` with every table, and ``manifest.json``, written atomically."""

from custodiet.store._atomic import (
    MARKER,
    check_destination,
    discard_partials,
    is_partial,
    publish_directory,
)
from custodiet.store._names import (
    PATH_NAME_RULE,
    check_path_name,
    is_path_name,
    path_name,
    printable,
)
from custodiet.store._reader import Run, open_run
from custodiet.store._writer import DATABASE, MANIFEST, RunWriter

__all__ = [
    "DATABASE", "MANIFEST", "MARKER", "PATH_NAME_RULE", "Run", "RunWriter", "check_destination",
    "check_path_name", "discard_partials", "is_partial", "is_path_name", "open_run",
    "path_name", "printable", "publish_directory",
]
