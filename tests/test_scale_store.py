"""The store's background appender: tables arrive whole and in order, an insert that fails is
reported to the caller, nothing is published after a failure, and DuckDB gets the memory the
simulation leaves."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from custodiet.store import RunWriter, open_run

SCHEMA = pa.schema([("person", pa.int64()), ("t", pa.int64()), ("kind", pa.string())])


def _batch(rng: np.random.Generator, rows: int) -> pa.Table:
    return pa.table({"person": rng.integers(0, 1 << 40, rows), "t": rng.integers(0, 99, rows),
                     "kind": np.array(["a", "bb", ""], object)[rng.integers(0, 3, rows)]},
                    schema=SCHEMA)


def test_many_appends_arrive_in_order(tmp_path) -> None:
    rng = np.random.default_rng(5)
    batches = {name: [_batch(rng, int(k)) for k in rng.integers(0, 3000, 25)]
               for name in ("one", "two")}
    with RunWriter(tmp_path / "run", schemas={"one": SCHEMA}) as w:
        for i in range(25):  # interleaved, and "two" is created on first use
            for name in ("one", "two"):
                w.append(name, batches[name][i])
        w.finish({"kind": "test"})
    with open_run(tmp_path / "run") as run:
        for name, parts in batches.items():
            assert run.table(name).equals(pa.concat_tables(parts).cast(run.table(name).schema))
            assert run.manifest["rows"][name] == sum(p.num_rows for p in parts)
        assert set(run.manifest["store_seconds"]) == {"inserting", "waited"}


def test_a_failed_insert_reaches_the_caller_and_nothing_is_published(tmp_path) -> None:
    rng = np.random.default_rng(1)
    wrong = pa.table({"person": pa.array([1, 2])})  # one column where the table has three
    with pytest.raises(Exception, match=r"(?i)column|insert|values"), \
            RunWriter(tmp_path / "run", schemas={"one": SCHEMA}) as w:
        w.append("one", _batch(rng, 10))
        w.append("one", wrong)
        for _ in range(50):
            w.append("one", _batch(rng, 10))
        w.finish({})
    assert not (tmp_path / "run").exists()
    assert list(tmp_path.iterdir()) == []  # the partial directory is gone too


def test_no_append_after_finish(tmp_path) -> None:
    with RunWriter(tmp_path / "run", schemas={"one": SCHEMA}) as w:
        w.finish({})
        with pytest.raises(RuntimeError, match="finished"):
            w.append("one", _batch(np.random.default_rng(0), 3))


def test_dictionary_columns_become_enums_and_read_back_as_strings(tmp_path) -> None:
    from custodiet._labels import encode

    labels = ("home", "it's", "x y")  # a quote and a space survive the ENUM's declaration
    rng = np.random.default_rng(3)
    codes = [rng.integers(-1, 3, 500) for _ in range(3)]
    coded = [pa.table({"person": np.arange(c.size), "kind": encode(c, labels)}) for c in codes]
    plain = pa.table({"person": [7], "kind": ["it's"]})  # strings into the ENUM column
    with RunWriter(tmp_path / "run", schemas={"t": SCHEMA.remove(1)}) as w:
        w.append("t", coded[0].slice(0, 0))  # an empty batch leaves the declared table
        for table in (*coded, plain):
            w.append("t", table)
        w.finish({"kind": "test"})
    expected = pa.concat_tables([t.cast(pa.schema([("person", pa.int64()), ("kind", pa.string())]))
                                 for t in (*coded, plain)])
    with open_run(tmp_path / "run") as run:
        assert run.con.execute("SELECT data_type FROM information_schema.columns "
                               "WHERE column_name = 'kind'").fetchone()[0].startswith("ENUM(")
        assert run.table("t").equals(expected)
        n = run.con.execute("SELECT count(*) FROM t WHERE kind = 'it''s'").fetchone()[0]
        assert n == sum(int((c == 1).sum()) for c in codes) + 1
        assert run.con.execute("SELECT count(*) FROM t WHERE kind = ''").fetchone()[0] == sum(
            int((c == -1).sum()) for c in codes)


def test_the_store_gets_what_memory_the_simulation_leaves(monkeypatch) -> None:
    """DuckDB's buffer pool is what is available beyond the simulation's estimate, between the
    floor and the cap, and ``CUSTODIET_MEMORY_LIMIT`` (DuckDB's own setting) wins."""
    from custodiet._memory import (
        STORE_MEMORY_CAP,
        STORE_MEMORY_FLOOR,
        run_bytes,
        store_memory_limit,
    )

    monkeypatch.delenv("CUSTODIET_MEMORY_LIMIT", raising=False)
    monkeypatch.setenv("CUSTODIET_MEMORY_AVAILABLE_GB", "0.5")
    assert store_memory_limit(1_000_000, watch=True) == STORE_MEMORY_FLOOR
    monkeypatch.setenv("CUSTODIET_MEMORY_AVAILABLE_GB", "18")
    left = 18 * 2**30 - run_bytes(14_000_000, watch=False)
    assert STORE_MEMORY_FLOOR < left < STORE_MEMORY_CAP
    assert store_memory_limit(14_000_000, watch=False) == left
    monkeypatch.setenv("CUSTODIET_MEMORY_AVAILABLE_GB", "64")
    assert store_memory_limit(14_000_000, watch=False) == STORE_MEMORY_CAP
    monkeypatch.setenv("CUSTODIET_MEMORY_LIMIT", "4GB")
    assert store_memory_limit(14_000_000, watch=False) is None


def test_the_writer_sets_the_store_memory_limit(tmp_path) -> None:
    with RunWriter(tmp_path / "run", schemas={}, memory_limit=3 * 2**29) as w:
        setting = w.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        w.finish({})
    assert setting == "1.5 GiB"
