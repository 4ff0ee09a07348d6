"""Disclosure control for a real-data audit, as statistical agencies do it: primary suppression
of every value built from a small count, then complementary (secondary) suppression until no
small count can be derived from what is published, by any linear combination of the published
counts and rates, within a table, across groupings and intersections, from the totals and from
the threshold sweep.

The attacker modelled here is stronger than a reader of the output: every published rate is
taken to reveal its numerator, its denominator and their difference as counts. Every count
published (or so revealed) is a linear equation over the *atoms*: people per (combination of
all group values, score interval, flagged, label). A count of a set of atoms is derivable when
its indicator vector lies in the row space of those equations; the loop below hides, for each
derivable small count, the smallest published count its derivation uses, until none is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from custodiet._interrupt import check as check_interrupt
from custodiet.audit import _metrics as mt
from custodiet.audit._cellkey import noise_summary
from custodiet.audit._cellkey import perturb as perturb_counts
from custodiet.audit._cells import Cells, Grouping
from custodiet.audit._derivable import derivable_small, outcome_family
from custodiet.audit._frame import AuditResult, GroupFrame
from custodiet.audit._sweep import Grid, Sweep, SweepFrame
from custodiet.audit._unlisted import listed_values, merge_unlisted
from custodiet.errors import UserError

#: Share of withheld values from which the report warns that suppression is heavy.
HEAVY_SHARE: float = 0.25
#: At most this many sweep thresholds are published on real data (evenly spaced over the
#: score's grid; assumption: enough to read a trade-off, few enough to protect small groups).
MAX_PROTECTED_THRESHOLDS: int = 20
#: Bound on combinations x score intervals x flagged x label, the unknowns of the check: sweep
#: thresholds are thinned to stay within it.
MAX_UNKNOWNS: int = 1200
#: Above this many unknowns even after thinning the audit is refused rather than published
#: unchecked (assumption: the check's memory and time grow with the square of the unknowns;
#: 10,000 rows in 1,000 groups used to run out of memory at 6.3 GB).
MAX_CHECKED_UNKNOWNS: int = 4000
_MAX_ROUNDS = 500


@dataclass
class Joint:
    """People per (combination of group values, score bucket, flagged, label): the finest
    table everything published is a sum of."""

    cells: Cells
    bucket: np.ndarray
    grid: Grid | None = None
    cut: float | None = None  # the flag rule's cut-off on the score; None for a flag column


@dataclass
class Disclosure:
    """What suppression withheld: values hidden because they are built from a small count
    (primary), values hidden so that those cannot be derived (secondary), and sweep
    thresholds left out so that no score interval of a published group is small."""

    min_cell: float
    values: int
    primary: int
    secondary: int
    thresholds_dropped: int
    thresholds: int
    perturbed: int | None = None  # values given cell-key noise; None when off
    secret: bool = False  # the perturbation's table key carries a publisher's secret

    @property
    def withheld_share(self) -> float:
        """Share of the values that are not published."""
        return (self.primary + self.secondary) / self.values if self.values else 0.0

    @property
    def heavy(self) -> bool:
        """Whether so much is withheld that the report should say so up front."""
        return self.withheld_share >= HEAVY_SHARE

    def to_dict(self) -> dict[str, Any]:
        """JSON form, with the method in one sentence."""
        return {"min_cell": self.min_cell, "values": self.values, "primary": self.primary,
                "secondary": self.secondary, "withheld_share": round(self.withheld_share, 4),
                "heavy": self.heavy, "sweep_thresholds_dropped": self.thresholds_dropped,
                "method": "primary suppression of counts below min_cell and of every value "
                          "built from one; complementary suppression until no such count is "
                          "a linear combination of the published counts and rates",
                **({} if self.perturbed is None else
                   {"perturbation": {**noise_summary(), "values": self.perturbed,
                                     "publisher_secret": self.secret}})}


class _Model:
    """Atoms, the published items and the counts (functionals) each reveals."""

    def __init__(self, joint: Joint, bounds: np.ndarray, labelled: bool,
                 listed: dict[str, set[Any]] | None = None):
        c = joint.cells
        codes = c.codes if listed is None else merge_unlisted(c, listed)
        combos, self.u = np.unique(codes, axis=0, return_inverse=True)
        self.u = self.u.reshape(-1)
        self.combos = combos
        self.keys = [tuple(c.levels[j][combos[i, j]] for j in range(combos.shape[1]))
                     for i in range(len(combos))]
        self.cols = c.group_cols
        n_b = len(joint.grid.thresholds) if joint.grid is not None else 1
        interval = np.searchsorted(bounds, np.arange(n_b), side="right") - 1
        if joint.cut is not None and joint.grid is not None:
            below, above = joint.grid.flag_possible(joint.cut)
        else:
            below = above = np.ones(n_b, bool)
        ys = (0, 1) if labelled else (0,)
        atoms = [(i, f, y) for i in range(len(bounds)) for f in (0, 1) for y in ys
                 if (below if f == 0 else above)[interval == i].any()]
        self.atoms = np.array(atoms, dtype=np.int64).reshape(-1, 3)
        index = {a: k for k, a in enumerate(atoms)}
        y = c.label.astype(int) if labelled else np.zeros(len(c.count), int)
        a = np.array([index[(int(interval[b]), int(f), int(v))] for b, f, v in
                      zip(joint.bucket, c.flagged, y, strict=True)], dtype=np.int64)
        self.x = np.zeros((len(combos), len(atoms)))
        np.add.at(self.x, (self.u, a), c.people)  # people, never weights
        self.atom_of = a
        self.bounds = bounds
        self.labelled = labelled
        self.funcs: dict[tuple[bytes, bytes], int] = {}
        self.vecs: list[tuple[np.ndarray, np.ndarray]] = []
        self.items: list[tuple[Any, list[int]]] = []
        self.off: set[int] = set()  # items already withheld before this step

    def mask(self, cols: tuple[str, ...], key: tuple[str, ...]) -> np.ndarray:
        """Combinations of group values that belong to the group ``key`` of grouping ``cols``."""
        pos = [self.cols.index(col) for col in cols]
        return np.array([tuple(k[p] for p in pos) == key for k in self.keys], dtype=bool)

    def slots(self, slots: tuple[int, ...]) -> np.ndarray:
        """Atoms whose confusion slot (2 f + y with a label, f without) is one of ``slots``."""
        s = 2 * self.atoms[:, 1] + self.atoms[:, 2] if self.labelled else self.atoms[:, 1]
        return np.isin(s, slots)

    def func(self, s: np.ndarray, w: np.ndarray) -> int:
        """The id of the count of the people in combinations ``s`` and atoms ``w``."""
        key = (np.packbits(s).tobytes(), np.packbits(w).tobytes())
        if key not in self.funcs:
            self.funcs[key] = len(self.vecs)
            self.vecs.append((s.copy(), w.copy()))
        return self.funcs[key]

    def freeze(self) -> None:
        """Every count's vector, value and group size as arrays, once all are known."""
        self.matrix = np.array([self.vector(f) for f in range(len(self.vecs))]).reshape(
            len(self.vecs), -1)
        self.values = np.array([self.value(f) for f in range(len(self.vecs))])
        self.sizes = np.array([float(self.x[s].sum()) for s, _ in self.vecs])

    def value(self, f: int) -> float:
        s, w = self.vecs[f]
        return float(self.x[s][:, w].sum())

    def vector(self, f: int) -> np.ndarray:
        s, w = self.vecs[f]
        return np.outer(s, w).ravel().astype(np.float64)


def retained_thresholds(joint: Joint, sweep: Sweep, min_cell: float, combos: int) -> np.ndarray:
    """Threshold indices kept in the sweep. At most ``MAX_PROTECTED_THRESHOLDS`` evenly spaced
    ones are candidates (fewer when there are many group combinations, to bound the work);
    from the lowest up, a candidate is kept when, in the whole table and for each label, the
    people between it and the last kept one, and those at or above it, are none or at least
    ``min_cell``. Each group's points are then suppressed where they must be."""
    n_b = len(sweep.thresholds)
    cap = max(2, min(MAX_PROTECTED_THRESHOLDS, MAX_UNKNOWNS // max(1, 4 * combos)))
    cands = np.unique(np.linspace(0, n_b - 1, min(cap, n_b)).round().astype(np.int64))
    h = _label_histograms(joint, sweep)
    h = h[:2 if joint.cells.label is not None else 1]  # the whole table's rows come first
    tail = np.flip(np.cumsum(np.flip(h, axis=1), axis=1), axis=1)
    cum = np.cumsum(h, axis=1)
    kept, last = [0], 0
    for t in cands[cands > 0]:
        seg = cum[:, t - 1] - (cum[:, last - 1] if last else 0)
        if not (mt.small(seg, min_cell).any() or mt.small(tail[:, t], min_cell).any()):
            kept.append(int(t))
            last = int(t)
    return np.array(kept, dtype=np.int64)


def _label_histograms(joint: Joint, sweep: Sweep) -> np.ndarray:
    """People per score bucket, one row per (published sweep group, label)."""
    c = joint.cells
    n_b = len(sweep.thresholds)
    y = c.label.astype(int) if c.label is not None else np.zeros(len(c.count), int)
    hist = []
    pos_of = {col: i for i, col in enumerate(c.group_cols)}
    for fr in [sweep.overall, *sweep.frames.values()]:
        pos = [pos_of[col] for col in fr.grouping.cols]
        for key in fr.keys:
            inside = np.ones(len(c.count), bool)
            for p, v in zip(pos, key, strict=True):
                inside &= np.asarray(c.levels[p], dtype=object)[c.codes[:, p]] == v
            for lab in sorted(set(y.tolist())):
                sel = inside & (y == lab)
                hist.append(np.bincount(joint.bucket[sel], weights=c.people[sel],
                                        minlength=n_b))
    return np.array(hist).reshape(-1, n_b)


def _frame_items(m: _Model, name: str, frame: GroupFrame) -> None:
    counts = mt.count_defs(m.labelled)
    for g, key in enumerate(frame.keys):
        s = m.mask(frame.grouping.cols, key) if frame.grouping.cols else np.ones(len(m.keys), bool)
        for j, cname in enumerate(frame.count_names):
            m.items.append((("count", name, g, j), [m.func(s, m.slots(counts[cname]))]))
        for j, d in enumerate(frame.defs):
            if d.value is not None:
                continue
            num, den = m.slots(d.numerator), m.slots(d.denominator)
            fs = [m.func(s, num), m.func(s, den), m.func(s, den & ~num)]
            m.items.append((("rate", name, g, j), fs))


def _sweep_items(m: _Model, name: str, frame: SweepFrame, kept: np.ndarray) -> None:
    lab = m.atoms[:, 2]
    start = m.bounds[m.atoms[:, 0]]
    for g, key in enumerate(frame.keys):
        s = m.mask(frame.grouping.cols, key) if frame.grouping.cols else np.ones(len(m.keys), bool)
        for k, bt in enumerate(kept):
            above = start >= bt
            for j, metric in enumerate(frame.metrics):
                if metric == "flag_rate":
                    num, den = above, np.ones(len(lab), bool)
                elif metric == "fpr":
                    num, den = above & (lab == 0), lab == 0
                else:  # fnr
                    num, den = ~above & (lab == 1), lab == 1
                fs = [m.func(s, num), m.func(s, den), m.func(s, den & ~num)]
                m.items.append((("sweep", name, g, k, j), fs))


def _row_space(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An orthonormal basis (columns) of the row space of ``a`` and its eigenvalues in
    ``a.T @ a``: an eigendecomposition of the small square matrix instead of an SVD of ``a``."""
    lam, vec = np.linalg.eigh(a.T @ a)
    keep = lam > max(lam.max(), 1.0) * 1e-11
    return vec[:, keep], lam[keep]


def _hide(m: _Model, hidden: set[int], fixed: set[int], outcomes: np.ndarray,
          min_cell: float) -> bool:
    """One round: hide, for each derivable small count, the smallest published count that its
    derivation uses. False when nothing small is derivable any more."""
    live = [(ref, fs) for i, (ref, fs) in enumerate(m.items)
            if i not in m.off and not hidden.intersection(fs)]
    published = sorted({f for _, fs in live for f in fs} | fixed)
    a = m.matrix[published]
    basis, lam = _row_space(a)
    cand = derivable_small(m.x, outcomes, basis, min_cell)
    if len(cand) == 0:
        return False
    proj = cand @ basis
    # the least-norm combination of published counts giving each derivable small count
    coef = a @ (basis @ (proj / lam).T)  # (P, found)
    cost = _costs(m, live, published)
    movable = np.array([f not in fixed for f in published])
    before = len(hidden)
    for col in coef.T:
        used = (np.abs(col) > 1e-7) & movable
        if used.any():  # else a multiple of the total, which is not small
            hidden.add(published[int(np.flatnonzero(used)[np.argmin(cost[used])])])
    return len(hidden) > before


def _costs(m: _Model, live: list[tuple[Any, list[int]]], published: list[int]) -> np.ndarray:
    """Which published count to hide first: one of the smallest group (so that suppression
    gathers in the groups already hit instead of spreading over large ones); within a group,
    one only the sweep reveals before a table value; then the smallest (the classical choice
    of a complementary cell)."""
    in_table = np.zeros(len(m.vecs), bool)
    in_table[[f for ref, fs in live if ref[0] != "sweep" for f in fs]] = True
    total = max(float(m.x.sum()), 1.0)
    p = np.asarray(published)
    return 4.0 * m.sizes[p] / total + in_table[p] + m.values[p] / total / 4.0


def protect(result: AuditResult, sweep: Sweep | None, joint: Joint, *,
            min_cell: float, perturb: bool = False, secret: bool = False) -> Disclosure:
    """Suppress (in place) every value of ``result`` and ``sweep`` from which a count below
    ``min_cell`` could be derived; drop sweep thresholds that would isolate a small interval.
    With ``perturb`` (the joint cells carry record keys), every published count then gets its
    cell-key noise and every published rate is recomputed from perturbed counts; ``secret``
    records whether the record keys were made under a publisher's secret."""
    n_thr = dropped = 0
    kept = np.zeros(1, np.int64)
    if sweep is not None and joint.grid is not None:
        combos = len(np.unique(joint.cells.codes, axis=0))
        kept = retained_thresholds(joint, sweep, min_cell, combos)
        n_thr, dropped = len(sweep.thresholds), len(sweep.thresholds) - len(kept)
        _slice_sweep(sweep, kept)
    bounds = kept
    if joint.cut is not None and joint.grid is not None:
        b_cut = int(np.searchsorted(joint.grid.thresholds, joint.cut, side="left"))
        bounds = np.union1d(kept, [b_cut]) if b_cut < len(joint.grid.thresholds) else kept
    published = [*result.frames.values(), *(sweep.frames.values() if sweep else [])]
    m = _Model(joint, bounds.astype(np.int64), result.labelled, listed_values(published))
    _check_size(m)
    frames = {"": result.overall_frame, **result.frames}
    for name, fr in frames.items():
        _frame_items(m, name, fr)
    if sweep is not None:
        sframes = {"": sweep.overall, **sweep.frames}
        for name, sf in sframes.items():
            _sweep_items(m, name, sf, kept)
    m.off = {i for i, (ref, _) in enumerate(m.items) if _withheld(frames, sweep, ref)}
    everyone = m.func(np.ones(len(m.keys), bool), np.ones(len(m.atoms), bool))
    m.freeze()
    fixed = {everyone}
    small = set(np.flatnonzero(mt.small(m.values, min_cell)).tolist())
    hidden = set(small) - fixed
    outcomes = outcome_family(m.atoms, len(m.bounds), m.labelled)
    rounds = 0
    # small matrices: one BLAS thread is fastest, and far faster on a busy machine
    with threadpool_limits(limits=1):
        while _hide(m, hidden, fixed, outcomes, min_cell):
            check_interrupt()  # a SIGTERM between rounds ends the audit here
            rounds += 1
            if rounds > _MAX_ROUNDS:  # never publish unchecked: withhold everything instead
                hidden = set(range(len(m.vecs))) - fixed
                break
    out = _apply(m, frames, sweep, hidden, small, min_cell, n_thr, dropped)
    if perturb:
        if joint.cells.keys is None:
            raise ValueError("perturbation needs the cells' record keys")
        out.perturbed = perturb_counts(m, joint.cells.keys, joint.cells.count, frames, sweep)
        out.secret = secret
    return out


def _check_size(m: _Model) -> None:
    """Refuse, in seconds and before any large matrix exists, a check too large to run."""
    unknowns = len(m.keys) * len(m.atoms)
    if unknowns > MAX_CHECKED_UNKNOWNS:
        raise UserError(
            f"disclosure control would have to check {len(m.keys):,} combinations of group "
            f"values x {len(m.atoms)} outcome cells ({unknowns:,} unknowns, more than "
            f"{MAX_CHECKED_UNKNOWNS:,}); group by fewer or coarser columns (fewer distinct "
            "values)", field="--group")


def _slice_sweep(sweep: Sweep, kept: np.ndarray) -> None:
    sweep.thresholds = sweep.thresholds[kept]
    for sf in (sweep.overall, *sweep.frames.values()):
        sf.values = sf.values[:, kept]
        sf.status = sf.status[:, kept]


def _apply(m: _Model, frames: dict[str, GroupFrame], sweep: Sweep | None, hidden: set[int],
           small: set[int], min_cell: float, n_thr: int, dropped: int) -> Disclosure:
    values = primary = secondary = 0
    for i, (ref, fs) in enumerate(m.items):
        values += 1
        status, idx = _status(frames, sweep, ref)
        if i in m.off or small.intersection(fs):
            primary += 1
            status[idx] = mt.SUPPRESSED
        elif hidden.intersection(fs):
            secondary += 1
            status[idx] = mt.SUPPRESSED
    for fr in frames.values():
        fr._ratio.clear()
    return Disclosure(min_cell, values, primary, secondary, dropped, n_thr)


def _status(frames: dict[str, GroupFrame], sweep: Sweep | None, ref: tuple[Any, ...]
            ) -> tuple[np.ndarray, tuple[int, ...]]:
    """The status array an item's value lives in, and its index there."""
    kind, name = ref[0], ref[1]
    if kind == "count":
        return frames[name].count_status, (ref[2], ref[3])
    if kind == "rate":
        return frames[name].status, (ref[2], ref[3])
    assert sweep is not None
    sf = sweep.overall if name == "" else sweep.frames[name]
    return sf.status, (ref[2], ref[3], ref[4])


def _withheld(frames: dict[str, GroupFrame], sweep: Sweep | None, ref: tuple[Any, ...]) -> bool:
    status, idx = _status(frames, sweep, ref)
    return bool(status[idx] == mt.SUPPRESSED)


def joint_cells(cells: Cells, bucket: np.ndarray, grid: Grid | None, cut: float | None) -> Joint:
    """A :class:`Joint` from aggregated cells and each cell's score bucket."""
    return Joint(cells, np.asarray(bucket, dtype=np.int64), grid, cut)


__all__ = ["Disclosure", "Grouping", "Joint", "joint_cells", "protect"]
