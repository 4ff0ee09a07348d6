"""The city's static tables as Arrow: what records hold (``persons``) apart from ground truth
(``person_truth``), plus ``places`` and ``ties``; label columns as dictionary codes for the
store (:mod:`custodiet._labels`), or as the schema's plain strings."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet._labels import decoded, encode, encoded_schema
from custodiet.world._geography import Places
from custodiet.world._population import ROLE, SES_LABELS, People
from custodiet.world._ties import Ties

#: The label columns of each static table, written as dictionary codes (DuckDB ENUMs).
LABEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "persons": ("sex", "ethnicity", "ses", "grievance_recorded", "temperament"),
    "person_truth": ("grievance", "role"),
    "places": ("kind",),
    "ties": ("kind",),
}
_SCHEMAS = {name: encoded_schema(schema.STATIC_TABLES[name], cols)
            for name, cols in LABEL_COLUMNS.items()}


def static_tables(people: People, places: Places, ties: Ties, grievance_group: np.ndarray,
                  temperament_labels: list[str], *, encoded: bool = False
                  ) -> dict[str, pa.Table]:
    """Build ``persons``, ``person_truth``, ``places`` and ``ties``: label columns as
    dictionary codes when ``encoded``, else as the schema's strings."""
    n = people.n
    illegal = people.role == ROLE["illegal_worker"]
    persons = {
        "person_id": np.arange(n, dtype=np.int64),
        "household_id": people.household,
        "home_place": people.household,
        "district": places.district[people.household],
        "age": people.age,
        "sex": encode(people.male.astype(np.int8), ["F", "M"]),
        "ethnicity": encode(people.minority.astype(np.int8), ["majority", "minority"]),
        "migrant": people.migrant,
        "foreign": people.foreign,
        "work_permit": people.work_permit,
        "ses": encode(people.ses, SES_LABELS),
        # Records know no workplace for someone who works illegally.
        "work_place": np.where(illegal, -1, people.work_place),
        "student": people.student,
        "official": people.official,
        **{f"{h}_recorded": people.recorded[h] for h in schema.HISTORY_FLAGS},
        "grievance_recorded": encode(np.where(people.grievance_recorded, people.grievance, -1),
                                      schema.GRIEVANCES),
        **{f"{label}_recorded": people.labels[label] for label in schema.RECORD_LABELS},
        "temperament": encode(people.temperament, temperament_labels),
    }
    truth = {
        "person_id": np.arange(n, dtype=np.int64),
        **{h: people.history[h] for h in schema.HISTORY_FLAGS},
        "grievance": encode(people.grievance, schema.GRIEVANCES),
        "role": encode(people.role.astype(np.int32) - 1, schema.ROLES[1:]),
        "grievance_group": grievance_group,
    }
    place_table = {
        "place_id": np.arange(places.n, dtype=np.int64),
        "kind": encode(places.kind, schema.PLACE_KINDS),
        "x": places.x, "y": places.y, "district": places.district, "compound": places.compound,
    }
    tie_table = {"a": ties.a, "b": ties.b, "kind": encode(ties.kind, schema.TIE_KINDS)}
    tables = {
        "persons": pa.table(persons, schema=_SCHEMAS["persons"]),
        "person_truth": pa.table(truth, schema=_SCHEMAS["person_truth"]),
        "places": pa.table(place_table, schema=_SCHEMAS["places"]),
        "ties": pa.table(tie_table, schema=_SCHEMAS["ties"]),
    }
    return tables if encoded else {name: decoded(t) for name, t in tables.items()}
