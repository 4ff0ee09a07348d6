"""The held rows a numpy rule reads, filtered once per held chunk (``HeldRows``): the cache never
answers for a chunk or a condition it was not made for."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from custodiet.watch._templates._select import HeldRows


def _day(values: list[int]) -> pa.Table:
    return pa.table({"person": pa.array(values, pa.int64())})


def _brute(table: pa.Table, persons: np.ndarray) -> list[int]:
    return [p for p in table.column("person").to_pylist() if p in set(persons.tolist())]


def test_each_chunk_judged_once_and_again_for_another_condition() -> None:
    judged: list[int] = []

    def condition(batch: pa.RecordBatch, persons: np.ndarray) -> np.ndarray:
        judged.append(batch.num_rows)
        return np.isin(batch.column("person").to_numpy(), persons)

    rows = HeldRows(condition)
    days = [_day([1, 2, 3]), _day([2, 4]), _day([5, 1, 1, 6])]
    listed = np.array([1, 2])
    held = pa.concat_tables(days[:2])
    assert rows(held, listed).column("person").to_pylist() == _brute(held, listed)
    assert judged == [3, 2]
    held = pa.concat_tables(days[1:])  # a day dropped, a day received: only the new one judged
    assert rows(held, listed).column("person").to_pylist() == _brute(held, listed)
    assert judged == [3, 2, 4]
    other = np.array([4, 6])  # another list: every chunk judged again
    assert rows(held, other).column("person").to_pylist() == _brute(held, other)
    assert judged == [3, 2, 4, 2, 4]


def test_slices_of_one_buffer_are_told_apart() -> None:
    rows = HeldRows(lambda batch, persons: np.isin(batch.column("person").to_numpy(), persons))
    table = _day([1, 2, 1, 2])
    listed = np.array([1])
    for a, b in ((0, 2), (1, 2), (2, 2), (1, 3)):
        part = table.slice(a, b)
        assert rows(part, listed).column("person").to_pylist() == _brute(part, listed)
