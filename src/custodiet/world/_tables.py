"""The city's static tables as Arrow: what records hold (``persons``) apart from ground truth
(``person_truth``), plus ``places`` and ``ties``."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from custodiet import schema
from custodiet.world._geography import Places
from custodiet.world._population import ROLE, SES_LABELS, People
from custodiet.world._ties import Ties


def _labels(codes: np.ndarray, labels: tuple[str, ...] | list[str]) -> pa.Array:
    """Strings from small integer codes (-1 → ""), via a dictionary decode (no Python loop)."""
    dictionary = pa.array(["", *labels], pa.string())
    indices = pa.array(np.asarray(codes, np.int32) + 1, pa.int32())
    return pa.DictionaryArray.from_arrays(indices, dictionary).cast(pa.string())


def static_tables(people: People, places: Places, ties: Ties, grievance_group: np.ndarray,
                  temperament_labels: list[str]) -> dict[str, pa.Table]:
    """Build ``persons``, ``person_truth``, ``places`` and ``ties``."""
    n = people.n
    illegal = people.role == ROLE["illegal_worker"]
    persons = {
        "person_id": np.arange(n, dtype=np.int64),
        "household_id": people.household,
        "home_place": people.household,
        "district": places.district[people.household],
        "age": people.age,
        "sex": _labels(people.male.astype(np.int8), ["F", "M"]),
        "ethnicity": _labels(people.minority.astype(np.int8), ["majority", "minority"]),
        "migrant": people.migrant,
        "foreign": people.foreign,
        "work_permit": people.work_permit,
        "ses": _labels(people.ses, SES_LABELS),
        # Records know no workplace for someone who works illegally.
        "work_place": np.where(illegal, -1, people.work_place),
        "student": people.student,
        "official": people.official,
        **{f"{h}_recorded": people.recorded[h] for h in schema.HISTORY_FLAGS},
        "grievance_recorded": _labels(np.where(people.grievance_recorded, people.grievance, -1),
                                      schema.GRIEVANCES),
        **{f"{label}_recorded": people.labels[label] for label in schema.RECORD_LABELS},
        "temperament": _labels(people.temperament, temperament_labels),
    }
    truth = {
        "person_id": np.arange(n, dtype=np.int64),
        **{h: people.history[h] for h in schema.HISTORY_FLAGS},
        "grievance": _labels(people.grievance, schema.GRIEVANCES),
        "role": _labels(people.role.astype(np.int32) - 1, schema.ROLES[1:]),
        "grievance_group": grievance_group,
    }
    place_table = {
        "place_id": np.arange(places.n, dtype=np.int64),
        "kind": _labels(places.kind, schema.PLACE_KINDS),
        "x": places.x, "y": places.y, "district": places.district, "compound": places.compound,
    }
    tie_table = {"a": ties.a, "b": ties.b, "kind": _labels(ties.kind, schema.TIE_KINDS)}
    return {
        "persons": pa.table(persons, schema=schema.PERSONS),
        "person_truth": pa.table(truth, schema=schema.PERSON_TRUTH),
        "places": pa.table(place_table, schema=schema.PLACES),
        "ties": pa.table(tie_table, schema=schema.TIES),
    }
