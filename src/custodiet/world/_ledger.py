"""The world's ledger of numbered events: incidents and tickets get ids that run on across days,
and each day's are gathered as columns and handed out as one Arrow table."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from custodiet import schema

_LAWFUL = {k.kind: k.lawful for k in schema.INCIDENT_TABLE}


class Ledger:
    """Collects a day's incidents and tickets; :meth:`take_incidents` and :meth:`take_tickets`
    return them as tables and start the next day empty."""

    def __init__(self) -> None:
        self._next_incident = 0
        self._next_ticket = 0
        self._incidents: list[pa.Table] = []
        self._tickets: list[tuple[np.ndarray, ...]] = []

    def incidents(self, kind: str, persons: np.ndarray | tuple[np.ndarray, np.ndarray],
                  t: np.ndarray, place: np.ndarray) -> None:
        """Record incidents of one kind; ``persons`` is an (incidents, k) array, or a flat array
        of participants with each incident's size."""
        if isinstance(persons, np.ndarray):
            count = persons.shape[0]
            offsets = np.arange(0, persons.size + 1, max(persons.shape[1], 1), dtype=np.int32)
            flat = persons.reshape(-1).astype(np.int64)
        else:
            flat, sizes = persons[0].astype(np.int64), persons[1]
            count = sizes.size
            offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int32)
        if kind not in _LAWFUL:
            raise ValueError(f"unknown incident kind {kind!r}: declare it in schema.INCIDENT_TABLE")
        if count == 0:
            return
        ids = np.arange(self._next_incident, self._next_incident + count, dtype=np.int64)
        self._next_incident += count
        self._incidents.append(pa.table({
            "incident_id": ids, "kind": pa.array(np.full(count, kind, object), pa.string()),
            "persons": pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat, pa.int64())),
            "t": np.asarray(t, np.int64), "place": np.asarray(place, np.int64),
            "lawful": np.full(count, _LAWFUL[kind]),
        }, schema=schema.INCIDENTS))

    def tickets(self, person: np.ndarray, t: np.ndarray, destination: np.ndarray,
                depart: np.ndarray, cash: np.ndarray) -> None:
        """Record tickets bought (numbered when the day's table is taken)."""
        self._tickets.append((person, t, destination, depart, cash))

    def take_incidents(self) -> pa.Table:
        """The day's incidents, in the order recorded."""
        parts, self._incidents = self._incidents, []
        return pa.concat_tables(parts) if parts else schema.INCIDENTS.empty_table()

    def take_tickets(self) -> pa.Table:
        """The day's tickets, numbered on from the previous day's."""
        parts, self._tickets = self._tickets, []
        if not parts:
            return schema.TICKETS.empty_table()
        cols = [np.concatenate([p[i] for p in parts]) for i in range(5)]
        ids = np.arange(self._next_ticket, self._next_ticket + cols[0].size, dtype=np.int64)
        self._next_ticket += cols[0].size
        return pa.table({"ticket_id": ids, "person": cols[0], "t": cols[1],
                         "destination": cols[2], "depart": cols[3], "cash": cols[4]},
                        schema=schema.TICKETS)
