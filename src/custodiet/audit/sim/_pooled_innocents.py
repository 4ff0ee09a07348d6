"""Innocents per true alert over every city with its interval from the bootstrap nested by
city and person: for the rules claiming wrongdoing together, for each rule and for each
system, from the rows each city kept of the people its rules flagged."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from custodiet.audit import ClusteredSample
from custodiet.audit.sim._study import SeedAudit

#: Bootstrap replicates of the clustered intervals of every pooled figure (precision, lift,
#: innocents per true alert; assumption: enough for the 2.5% and 97.5% quantiles to be
#: stable to about a percentage point).
INTERVAL_REPLICATES = 1000


def counted(pooled: dict[str, Any]) -> tuple[int, int]:
    """The counts a pooled row's innocents per true alert divides (innocents, true alerts)."""
    return int(pooled["innocents_flagged"]), int(pooled["true_alerts"])


def innocents_interval(audits: Sequence[SeedAudit], *, seed: int = 0,
                       rules: set[str] | None = None,
                       expected: tuple[int, int] | None = None) -> dict[str, Any]:
    """Innocents per true alert over every city with its interval from the bootstrap nested
    by city and person (:class:`custodiet.audit.ClusteredSample`): one row per person flagged,
    1 if innocent over the true alerts first naming them, so Σ num / Σ den is the pooled
    figure exactly. Without ``rules``: the rules claiming wrongdoing (``SeedAudit.innocents``);
    with them: those rules' rows (``SeedAudit.rule_innocents``) added up person by person.
    ``expected`` (innocents, true alerts) is the pooled figure's own count: rows that do not
    add up to it give no interval rather than an interval around another figure. Empty when a
    seed kept no rows or no alert was true."""
    parts = [(a.seed, _flagged(a, rules)) for a in audits]
    if not parts or any(t is None for _, t in parts):
        return {}
    return _interval(parts, expected=expected, seed=seed)


def innocents_rows_interval(rows: Sequence[tuple[int, pa.Table]], *, seed: int = 0,
                            expected: tuple[int, int] | None = None) -> dict[str, Any]:
    """:func:`innocents_interval` from each city's rows as ``innocent_rows`` gives them
    (seed, table): the workbench's one rule over one city. Empty when no alert was true or the
    rows do not add up to ``expected`` (innocents, true alerts)."""
    parts = [(s, tuple(t[c].to_numpy(zero_copy_only=False).astype(np.int64)
                       for c in ("person", "innocent", "true_alerts"))) for s, t in rows]
    return _interval(parts, expected=expected, seed=seed) if parts else {}


def _interval(parts: Sequence[tuple[int, tuple[np.ndarray, ...]]], *,
              expected: tuple[int, int] | None, seed: int) -> dict[str, Any]:
    """Innocents per true alert with its interval, from each city's flagged people (seed;
    person, innocent, true alerts)."""
    city = np.concatenate([np.full(t[0].size, s, np.int64) for s, t in parts])
    person, innocent, true = (np.concatenate([t[i] for _, t in parts]) for i in range(3))
    if not true.sum() or (expected is not None and
                          (int(innocent.sum()), int(true.sum())) != expected):
        return {}
    sample = ClusteredSample.from_arrays(
        city, person, innocent.astype(np.float64), true.astype(np.float64),
        cities=np.asarray([s for s, _ in parts], np.int64))
    # innocents per true alert can pass 1 however the rows fall: never capped as a share
    r = sample.ratio(replicates=INTERVAL_REPLICATES, seed=seed, proportion=False)
    return {"innocents_per_true_alert_low": finite(r.low),
            "innocents_per_true_alert_high": finite(r.high)}


def innocents_per_day_interval(audits: Sequence[SeedAudit], *, expected: float | None,
                               seed: int = 0) -> dict[str, Any]:
    """Innocent people flagged per day by the rules claiming wrongdoing, a mean per city, with
    its interval from the bootstrap nested by city and person: one row per person flagged,
    the days they were named while innocent, resampled as a mean per city over every city
    (``ClusteredSample.per_city``: the residents never flagged count 0; none flagged gives
    the one-sided Poisson bound), over the days watched. ``expected`` is the pooled figure:
    rows that do not add up to it give no interval. Empty when a seed kept no rows, or the
    cities were watched for different numbers of days."""
    days = {a.days for a in audits}
    if not audits or len(days) != 1 or None in days or expected is None or \
            any(a.innocents is None or "innocent_days" not in a.innocents.column_names
                for a in audits):
        return {}
    (watched,) = days
    city = np.concatenate([np.full(a.innocents.num_rows, a.seed, np.int64) for a in audits])
    person, innocent_days = (
        np.concatenate([a.innocents[c].to_numpy(zero_copy_only=False) for a in audits])
        for c in ("person", "innocent_days"))
    if not math.isclose(innocent_days.sum() / len(audits) / watched, expected,
                        rel_tol=1e-9, abs_tol=1e-12):
        return {}
    sample = ClusteredSample.from_arrays(city, person, innocent_days.astype(np.float64),
                                         cities=np.asarray([a.seed for a in audits], np.int64))
    r = sample.per_city(replicates=INTERVAL_REPLICATES, seed=seed)
    return {"innocents_per_day_low": finite(r.low / watched),
            "innocents_per_day_high": finite(r.high / watched)}


def _flagged(audit: SeedAudit, rules: set[str] | None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """One city's flagged people (person, innocent, true alerts) for ``rules`` (None: the
    rules claiming wrongdoing); a person flagged by several of them is innocent only when
    innocent under each, and the true alerts first naming them add up."""
    table = audit.innocents if rules is None else audit.rule_innocents
    if table is None:
        return None
    if rules is not None:
        table = table.filter(pc.is_in(table["rule"],
                                              value_set=pa.array(sorted(rules), pa.string())))
    person = table["person"].to_numpy(zero_copy_only=False)
    innocent = table["innocent"].to_numpy(zero_copy_only=False).astype(np.int64)
    true = table["true_alerts"].to_numpy(zero_copy_only=False)
    if rules is None or len(rules) == 1:
        return person, innocent, true
    people, at = np.unique(person, return_inverse=True)
    every = np.ones(people.size, np.int64)
    np.minimum.at(every, at, innocent)
    return people, every, np.bincount(at, weights=true, minlength=people.size).astype(np.int64)


def finite(value: float) -> float | None:
    return value if math.isfinite(value) else None
