"""The run directory: ``run.duckdb`` with every table, and ``manifest.json``, written atomically."""

from custodiet.store._atomic import publish_directory
from custodiet.store._reader import Run, open_run
from custodiet.store._writer import DATABASE, MANIFEST, RunWriter, check_destination

__all__ = [
    "DATABASE", "MANIFEST", "Run", "RunWriter", "check_destination", "open_run",
    "publish_directory",
]
