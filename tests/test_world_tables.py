"""Every table of a world run has its declared schema, and runs are reproducible."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc

from custodiet import schema
from custodiet.store import Run, open_run
from custodiet.study._simulate import simulate_world
from custodiet.world._tables import LABEL_COLUMNS
from tests.conftest import busy_scenario


def test_every_table_has_its_schema(busy_run: Run) -> None:
    expected = {**schema.STATIC_TABLES, **schema.EVENT_TABLES}
    assert set(busy_run.tables()) == set(expected)
    for name, table_schema in expected.items():
        got = busy_run.table(name).schema
        assert got.names == table_schema.names, name
        assert [f.type for f in got] == [f.type for f in table_schema], name


def test_label_columns_are_stored_as_enums_and_compare_to_strings(busy_run: Run) -> None:
    for name, columns in LABEL_COLUMNS.items():
        types = dict(busy_run.con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = $t", {"t": name}).fetchall())
        for column in columns:
            assert types[column].startswith("ENUM("), (name, column, types[column])
    tied = busy_run.con.execute("SELECT count(*) FROM ties WHERE kind = 'spouse'").fetchone()[0]
    ties = busy_run.table("ties")
    assert tied == ties.filter(pc.equal(ties.column("kind"), "spouse")).num_rows > 0


def test_manifest_counts_rows_and_records_provenance(busy_run: Run) -> None:
    m = busy_run.manifest
    assert m["seed"] == 7 and m["people"] == 20_000 and m["days"] == 7
    assert m["scenario"]["world"]["incidents"]["petition_rate"] == 0.05
    for name, rows in m["rows"].items():
        assert busy_run.con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == rows
    assert {"numpy", "pyarrow", "duckdb", "pydantic", "python"} <= set(m["versions"])


def test_every_incident_kind_occurs_in_the_busy_city(busy_run: Run) -> None:
    kinds = {k for (k,) in busy_run.con.execute("SELECT DISTINCT kind FROM incidents").fetchall()}
    assert kinds == set(schema.INCIDENT_KINDS)


def _digests(path: Path) -> dict[str, str]:
    with open_run(path) as run:
        return {name: run.digest(name) for name in run.tables()}


def test_same_seed_gives_identical_tables_and_another_seed_does_not(tmp_path: Path) -> None:
    small = {"people": 3000, "days": 3}
    a = _digests(simulate_world(busy_scenario(seed=3, **small), tmp_path / "a"))
    b = _digests(simulate_world(busy_scenario(seed=3, **small), tmp_path / "b"))
    c = _digests(simulate_world(busy_scenario(seed=4, **small), tmp_path / "c"))
    assert a == b
    for name in ("persons", "stays", "calls", "utility"):
        assert a[name] != c[name], name
