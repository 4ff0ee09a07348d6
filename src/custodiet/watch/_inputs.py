"""The watch's input gate: which tables it may read, with which columns, and never ground truth.

Observed event tables carry one extra column, ``seen_day``: the day the watch received the row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyarrow as pa

from custodiet import schema
from custodiet.engine import Session

_SEEN = pa.field("seen_day", pa.int32())

OBSERVED: dict[str, pa.Schema] = {
    name: schema.EVENT_TABLES[name].append(_SEEN)
    for name in ("stays", "calls", "utility", "tickets", "phone_off", "checkpoints")
}
"""Event tables as the watch holds them."""

HOMES = pa.schema([("household", pa.int64()), ("home_place", pa.int64()),
                   ("district", pa.int32()), ("residents", pa.int64()),
                   ("persons", pa.list_(pa.int64()))])
RECORDS = pa.schema([("person", pa.int64()), ("home_place", pa.int64()),
                     ("work_place", pa.int64()), ("district", pa.int32())])
"""Each person's recorded home, workplace or school (-1: none known) and home district."""
MEMBER_HOMES = pa.schema([("list", pa.string()), ("household", pa.int64())])
SPOUSES = pa.schema([("a", pa.int64()), ("b", pa.int64())])
MEMBERS = pa.schema([("list", pa.string()), ("person", pa.int64())])
SCORES = pa.schema([("scorer", pa.string()), ("person", pa.int64()), ("level", pa.int32()),
                    ("prev_level", pa.int32())])

RELATIONS: dict[str, pa.Schema] = {
    **OBSERVED, "places": schema.PLACES, "homes": HOMES, "member_homes": MEMBER_HOMES,
    "records": RECORDS,
    "spouses": SPOUSES,
    "members": MEMBERS, "scores": SCORES,
}
"""Every relation a compiled rule may read."""


class TruthLeak(RuntimeError):  # noqa: N818 - the name says what happened
    """Ground truth was handed to the watch."""


def refuse_truth(tables: Mapping[str, object]) -> None:
    """Raise :class:`TruthLeak` if any ground-truth table is among ``tables``."""
    leaked = sorted(set(tables) & schema.TRUTH_TABLES)
    if leaked:
        raise TruthLeak(f"the watch must never read ground truth, got {', '.join(leaked)}")


#: The relations that change from day to day beside the observed events.
PER_DAY = ("members", "member_homes", "scores")
#: The relations the watch registers that are the same every day (places, homes, records …):
#: registered once, when the watch is built.
STATIC_RELATIONS = tuple(n for n in RELATIONS if n not in OBSERVED and n not in PER_DAY)
#: The relations the watch registers again each day: the events it holds, the lists, scores.
DAILY_RELATIONS = (*OBSERVED, *PER_DAY)


def register(session: Session, tables: Mapping[str, pa.Table],
             names: Iterable[str] | None = None) -> None:
    """Register ``tables`` (missing relations as empty tables) in ``session`` by name: every
    relation of ``RELATIONS``, or only those in ``names``."""
    refuse_truth(tables)
    wanted = RELATIONS if names is None else {name: RELATIONS[name] for name in names}
    for name, sch in wanted.items():
        table = tables.get(name)
        if table is None:
            table = sch.empty_table()
        session.register(name, table)
