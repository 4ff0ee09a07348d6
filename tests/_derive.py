"""An attacker for ``metrics.json``: every published count and rate as a linear equation over
the finest cells (people per combination of group values, score value, label), solved exactly
in modular arithmetic, and every small count that the equations determine.

Independent of ``custodiet.audit._disclosure``: it reads only the published JSON and the raw
table (for the true values and the cells' layout)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

SLOTS = {"n": (0, 1, 2, 3), "flagged": (2, 3), "positives": (1, 3), "negatives": (0, 2),
         "tp": (3,), "fp": (2,), "fn": (1,), "tn": (0,), "unflagged": (0,)}
RATES = {"flag_rate": ((2, 3), (0, 1, 2, 3)), "base_rate": ((1, 3), (0, 1, 2, 3)),
         "tpr": ((3,), (1, 3)), "fpr": ((2,), (0, 2)), "fnr": ((1,), (1, 3)),
         "ppv": ((3,), (2, 3))}
SLOTS_UNLABELLED = {"n": (0, 1), "flagged": (1,), "unflagged": (0,)}
RATES_UNLABELLED = {"flag_rate": ((1,), (0, 1))}


def _primes() -> list[int]:
    def prime(n: int) -> bool:
        return all(n % d for d in range(2, int(n ** 0.5) + 1))
    out, n = [], (1 << 20) - 1
    while len(out) < 2:
        if prime(n):
            out.append(n)
        n -= 2
    return out


PRIMES = _primes()


class Cells:
    """The finest cells of a table: combination of group values x score value x flag x label,
    and how many people are in each (the truth, for checking what is derived)."""

    def __init__(self, groups: dict[str, np.ndarray], score: np.ndarray | None,
                 flagged: np.ndarray, label: np.ndarray | None, weight: np.ndarray):
        self.cols = list(groups)
        keys = list(zip(*[groups[c].astype(str) for c in self.cols], strict=True))
        self.combos = sorted(set(keys))
        cidx = {k: i for i, k in enumerate(self.combos)}
        self.values = np.unique(score) if score is not None else np.zeros(1)
        b = np.searchsorted(self.values, score) if score is not None else np.zeros(len(keys), int)
        y = label.astype(int) if label is not None else np.zeros(len(keys), int)
        self.labelled = label is not None
        self.shape = (len(self.combos), len(self.values), 2, 2)
        self.x = np.zeros(self.shape)
        np.add.at(self.x, (np.array([cidx[k] for k in keys]), b, flagged.astype(int), y), weight)
        self.x = self.x.ravel()
        self.total = float(weight.sum())

    def group(self, spec: dict[str, str]) -> np.ndarray:
        idx = [self.cols.index(c) for c in spec]
        return np.array([all(k[i] == v for i, v in zip(idx, spec.values(), strict=True))
                         for k in self.combos])

    def vec(self, s: np.ndarray, score_ok: np.ndarray, f_ok: tuple[int, ...] = (0, 1),
            y_ok: tuple[int, ...] = (0, 1)) -> np.ndarray:
        out = np.zeros(self.shape, dtype=bool)
        out[np.ix_(s, score_ok, np.isin([0, 1], f_ok), np.isin([0, 1], y_ok))] = True
        return out.ravel()

    def slots(self, s: np.ndarray, slots: tuple[int, ...]) -> np.ndarray:
        out = np.zeros(len(self.x), dtype=bool)
        everything = np.ones(len(self.values), bool)
        for slot in slots:
            f, y = (slot // 2, slot % 2) if self.labelled else (slot, 0)
            out |= self.vec(s, everything, (f,), (y,))
        return out


def equations(metrics: dict, cells: Cells) -> tuple[list[np.ndarray], list[Fraction]]:
    """Rows ``a`` (rational coefficients) and right-hand sides for everything published."""
    rows: list[np.ndarray] = []
    rhs: list[Fraction] = []
    slots = SLOTS if cells.labelled else SLOTS_UNLABELLED
    rates = RATES if cells.labelled else RATES_UNLABELLED
    limit = int(cells.total) + 1

    def count(v: np.ndarray, value: float) -> None:
        rows.append(v.astype(object) * Fraction(1))
        rhs.append(Fraction(value).limit_denominator(limit))

    def rate(num: np.ndarray, den: np.ndarray, value: float | None) -> None:
        if value is None:  # undefined: the denominator is 0
            count(den, 0.0)
            return
        r = Fraction(value).limit_denominator(limit)
        rows.append(num.astype(object) * Fraction(1) - den.astype(object) * r)
        rhs.append(Fraction(0))

    everyone = np.ones(len(cells.combos), bool)
    count(cells.slots(everyone, slots["n"]), metrics["input"]["people"])
    info = metrics["input"]
    cut = info.get("threshold") if info.get("threshold") is not None else info.get("cutoff")
    if cut is not None:  # the rule is public: nobody below the cut is flagged, nobody above not
        below = cells.values < cut
        count(cells.vec(everyone, below, (1,)), 0.0)
        count(cells.vec(everyone, ~below, (0,)), 0.0)
    entries = [({}, metrics["overall"])]
    for g in metrics["groupings"].values():
        entries += [(e["group"], e) for e in g["groups"]]
    for spec, e in entries:
        s = cells.group(spec) if spec else everyone
        for name, v in e["counts"].items():
            if v is not None:
                count(cells.slots(s, slots[name]), v)
        for name, m in e["metrics"].items():
            if m["status"] == "ok" or m["status"] == "undefined":
                num, den = rates[name]
                rate(cells.slots(s, num), cells.slots(s, den), m["value"])
    sw = metrics.get("threshold_sweep")
    if sw:
        _sweep_equations(sw, cells, rate)
    return rows, rhs


def _sweep_equations(sw: dict, cells: Cells, rate) -> None:
    everyone = np.ones(len(cells.combos), bool)
    entries = [({}, sw["overall"])] + [(e["group"], e) for g in sw["groupings"].values()
                                        for e in g]
    for spec, e in entries:
        s = cells.group(spec) if spec else everyone
        for k, t in enumerate(sw["thresholds"]):
            above = cells.values >= t
            alls = np.ones(len(cells.values), bool)
            for name, num, den in (
                    ("flag_rate", cells.vec(s, above), cells.vec(s, alls)),
                    ("fpr", cells.vec(s, above, y_ok=(0,)), cells.vec(s, alls, y_ok=(0,))),
                    ("fnr", cells.vec(s, ~above, y_ok=(1,)), cells.vec(s, alls, y_ok=(1,)))):
                if name in e and e[name][k] is not None:
                    rate(num, den, e[name][k])


def _mod(x: Fraction, p: int) -> int:
    return x.numerator % p * pow(x.denominator % p, p - 2, p) % p


def rref(rows: list[np.ndarray], rhs: list[Fraction], p: int) -> tuple[np.ndarray, list[int]]:
    """Reduced row echelon form of ``[A | b]`` modulo ``p`` and its pivot columns."""
    m = np.array([[_mod(v, p) for v in r] + [_mod(b, p)] for r, b in zip(rows, rhs,
                                                                           strict=True)],
                 dtype=np.int64)
    pivots: list[int] = []
    r = 0
    for c in range(m.shape[1] - 1):
        nz = np.flatnonzero(m[r:, c]) + r
        if len(nz) == 0:
            continue
        m[[r, nz[0]]] = m[[nz[0], r]]
        m[r] = m[r] * pow(int(m[r, c]), p - 2, p) % p
        col = m[:, c].copy()
        col[r] = 0
        m = (m - (col[:, None] * m[r][None, :]) % p) % p
        pivots.append(c)
        r += 1
        if r == m.shape[0]:
            break
    return m[:r], pivots


def determined(cands: np.ndarray, m: np.ndarray, pivots: list[int], p: int) -> np.ndarray:
    """Which 0/1 candidate rows are linear combinations of the equations (mod ``p``)."""
    a = m[:, :-1].astype(np.float64)
    coef = cands[:, pivots].astype(np.float64)
    # p < 2**20: every product is below 2**40 and a sum of them below 2**53, so the float
    # matrix product is exact
    red = (cands.astype(np.int64) - np.rint(coef @ a).astype(np.int64)) % p
    return ~red.any(axis=1)


def _kernel(r: np.ndarray, p: int) -> np.ndarray:
    """A basis (rows) of the 0/1-searchable kernel {l : l @ r = 0 (mod p)} of ``r`` (t, U):
    each basis row has a 1 at its own free coordinate and 0 at the others, so a kernel vector
    is fixed by its values there."""
    m = r.T.copy() % p  # (U, t): columns are the t unknown coefficients
    pivots: list[int] = []
    row = 0
    for c in range(m.shape[1]):
        nz = np.flatnonzero(m[row:, c]) + row
        if len(nz) == 0:
            continue
        m[[row, nz[0]]] = m[[nz[0], row]]
        m[row] = m[row] * pow(int(m[row, c]), p - 2, p) % p
        col = m[:, c].copy()
        col[row] = 0
        m = (m - (col[:, None] * m[row][None, :]) % p) % p
        pivots.append(c)
        row += 1
        if row == m.shape[0]:
            break
    free = [c for c in range(m.shape[1]) if c not in pivots]
    out = np.zeros((len(free), m.shape[1]), dtype=np.int64)
    for k, f in enumerate(free):
        out[k, f] = 1
        for i, pc in enumerate(pivots):
            out[k, pc] = (-m[i, f]) % p
    return out


def _unions(cells: Cells, w: np.ndarray, x4: np.ndarray, min_cell: float,
            eqs: list[tuple[np.ndarray, list[int], int]]) -> list[np.ndarray]:
    """Every union of combinations whose count in outcome cells ``w`` is small and determined
    (modulo either prime: a count determined over the rationals is determined modulo both)."""
    per = x4 @ w.astype(float)
    inside = np.flatnonzero(per < min_cell)
    if not ((per[inside] > 1e-9).any()):
        return []
    found = None
    for m, piv, p in eqs:
        vecs = np.zeros((len(inside), len(cells.x)), dtype=np.int64)
        for k, c in enumerate(inside):
            s = np.zeros(len(cells.combos), bool)
            s[c] = True
            vecs[k] = np.outer(s, w).ravel()
        a = m[:, :-1].astype(np.float64)
        red = (vecs - np.rint(vecs[:, piv].astype(np.float64) @ a).astype(np.int64)) % p
        kern = _kernel(red, p)
        d = len(kern)
        assert d <= 16, f"a kernel of dimension {d} is too large to enumerate"
        lam = (np.arange(1, 2 ** d)[:, None] >> np.arange(d)) & 1
        pts = lam @ kern % p
        ok = np.all(pts <= 1, axis=1)
        mine = {tuple(pt) for pt in pts[ok] if 1e-9 < pt @ per[inside] < min_cell}
        found = mine if found is None else found | mine  # determined modulo either prime
    out = []
    for pt in sorted(found or ()):
        s = np.zeros(len(cells.combos), bool)
        s[inside[np.array(pt, bool)]] = True
        out.append(s)
    return out


#: Up to this many score values, every set of them is searched (2^8 - 1 sets), not only runs
#: of consecutive values: a union of separate score bands (1-2 with 7-8) is a count too.
MAX_SUBSET_VALUES = 8


def score_sets(n_v: int) -> list[np.ndarray]:
    """The sets of score values searched: every non-empty subset when there are at most
    ``MAX_SUBSET_VALUES``, else every run of consecutive values."""
    if n_v <= MAX_SUBSET_VALUES:
        bits = (np.arange(1, 2 ** n_v)[:, None] >> np.arange(n_v)) & 1
        return list(bits.astype(bool))
    out = []
    for lo in range(n_v):
        for hi in range(lo + 1, n_v + 1):
            ok = np.zeros(n_v, bool)
            ok[lo:hi] = True
            out.append(ok)
    return out


def _outcome(ok: np.ndarray, fs: tuple[int, ...], yv: tuple[int, ...]) -> np.ndarray:
    out = np.zeros((len(ok), 2, 2), bool)
    out[np.ix_(ok, np.isin([0, 1], fs), np.isin([0, 1], yv))] = True
    return out


def leaks(metrics: dict, cells: Cells, min_cell: float) -> list[tuple[float, str]]:
    """Every count below ``min_cell`` (and above 0) that the published output determines."""
    rows, rhs = equations(metrics, cells)
    truth = cells.x
    a = np.array([[float(v) for v in r] for r in rows])
    b = np.array([float(v) for v in rhs])
    assert np.allclose(a @ truth, b, atol=1e-6), "the equations do not describe the output"
    n_v = len(cells.values)
    ys = ((0,), (1,), (0, 1)) if cells.labelled else ((0,),)
    x4 = truth.reshape(len(cells.combos), -1)
    eqs = [(*rref(rows, rhs, p), p) for p in PRIMES]
    cand, label = [], []
    for fs in ((0,), (1,), (0, 1)):
        for yv in ys:
            for ok in score_sets(n_v):
                w = _outcome(ok, fs, yv).ravel()
                for s in _unions(cells, w, x4, min_cell, eqs):
                    who = [c for c, k in zip(cells.combos, s, strict=True) if k]
                    label.append((float(s @ x4 @ w),
                                  f"{who} score {cells.values[ok].tolist()} f{fs} y{yv}"))
    for i in np.flatnonzero(truth > 1e-9):
        if truth[i] < min_cell:
            v = np.zeros(len(truth), bool)
            v[i] = True
            cand.append(v)
            label.append((float(truth[i]), f"cell {np.unravel_index(i, cells.shape)}"))
    n_unions = len(label) - len(cand)
    if not cand:
        return label
    c = np.array(cand)
    found = np.zeros(len(c), bool)
    for m, piv, p in eqs:
        found |= determined(c, m, piv, p)
    return label[:n_unions] + [label[n_unions + i] for i in np.flatnonzero(found)]
