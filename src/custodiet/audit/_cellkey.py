"""Cell-key perturbation (the "cell key method" of statistical agencies' table builders): a
small bounded noise on every published count, the same for the same people in any output of
the same table, so that subtracting two outputs gives noisy counts, not one person.

Each row gets a fixed *record key*, a whole number in [0, 2^32): a keyed hash of the row's full
content (every column of the file, not only the audited ones, and its rank among identical
rows), keyed by a *table key* that is itself a hash of every row. A published count's *cell
key* is the sum of its rows' record keys modulo 2^32, and the perturbation table maps (cell
key, count) to a noise in {-2, ..., 2}. Rates are computed from the perturbed counts.

Why the table key: were record keys the same in every table holding a row, the counts of
the file and of the file minus one person would differ only where that person is (every other
count keeps its people, so its noise), and the counts that changed would name the person's
cells. Keyed by the whole table, every count of the second file gets fresh noise, while every
output of one table (other groupings, other thresholds, other flag rules, reruns) gives the
same count of the same people the same noise, so averaging outputs of one table gains nothing.

Why a publisher's secret: the table key is a function of the data alone, so someone holding
every row but one can compute it for each possible value of the missing row and keep the value
whose noise reproduces the published counts. With a secret (``--perturb-secret FILE`` or the
environment variable :data:`SECRET_VARIABLE`), the table key is an HMAC of the data's digest
under the secret; without the secret the noise cannot be recomputed. The secret is never
printed nor stored; the same secret must be used for every output of a table.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import duckdb
import numpy as np

from custodiet.audit import _metrics as mt

#: Noise values and their probabilities (assumption: a variance of 1.2 people and at most 2,
#: of the order agencies use for census table builders; mean zero, symmetric).
NOISE = np.array([-2, -1, 0, 1, 2], dtype=np.int64)
PROBABILITY = np.array([0.1, 0.2, 0.4, 0.2, 0.1])
KEY_SPACE = 2 ** 32
_VERSION = b"custodiet cell key v1"

#: SQL that hashes a row's full content, for ``copy_needed`` (the row is the alias ``t``).
ROW_HASH = "md5_number(to_json(t)::VARCHAR) AS __h"
#: The environment variable that may hold the publisher's secret (its text).
SECRET_VARIABLE = "CUSTODIET_PERTURB_SECRET"
#: The shortest secret accepted: a short one can be tried along with the missing row's values.
MIN_SECRET_BYTES = 16


def table_key(digest: bytes, secret: bytes = b"") -> str:
    """The table key from the data's digest: its SHA-256 without a secret (anyone holding the
    data can recompute it), an HMAC-SHA-256 under the publisher's secret with one."""
    if not secret:
        return hashlib.sha256(digest).hexdigest()
    return hmac.new(secret, digest, hashlib.sha256).hexdigest()


def add_record_keys(con: duckdb.DuckDBPyConnection, secret: bytes = b"") -> None:
    """Replace ``src``'s row hash ``__h`` by the record key ``__rk`` (see the module's text),
    under the publisher's ``secret`` when one is given. Identical rows are told apart by their
    rank among themselves, which is the same whatever the row order."""
    con.execute("CREATE OR REPLACE TABLE src AS SELECT * EXCLUDE (__h), "
                "md5_number(__h::VARCHAR || '#' || row_number() OVER (PARTITION BY __h)::VARCHAR)"
                " AS __g FROM src")
    lo, hi, n = con.execute(
        "SELECT bit_xor((__g % 18446744073709551616)::UBIGINT), "
        "bit_xor((__g // 18446744073709551616)::UBIGINT), count(*) FROM src").fetchone()
    digest = b"\0".join([_VERSION, b"", str(lo).encode(), str(hi).encode(), str(n).encode()])
    key = table_key(digest, secret)
    con.execute("CREATE OR REPLACE TABLE src AS SELECT * EXCLUDE (__g), "
                "(md5_number($k || __g::VARCHAR) % 4294967296)::BIGINT AS __rk FROM src",
                {"k": key})


def noise(keys: np.ndarray, people: np.ndarray) -> np.ndarray:
    """The perturbation table: each count's noise from its cell key and its size. Empty counts
    stay 0; a count of n >= 1 never falls below 1 (the noise is drawn from the table's values
    of at least 1 - n, renormalised), so zero always means nobody."""
    u = (np.asarray(keys, dtype=np.float64) % KEY_SPACE + 0.5) / KEY_SPACE
    n = np.asarray(people, dtype=np.float64)
    out = np.zeros(len(u), dtype=np.int64)
    for floor in range(int(NOISE.min()), 1):  # -2, -1, 0: the lowest noise allowed
        sel = (n > 0) & (np.maximum(1 - np.ceil(n), NOISE.min()) == floor)
        if not sel.any():
            continue
        ok = floor <= NOISE
        cdf = np.cumsum(PROBABILITY[ok]) / PROBABILITY[ok].sum()
        idx = np.minimum(np.searchsorted(cdf, u[sel], side="right"), ok.sum() - 1)
        out[sel] = NOISE[ok][idx]
    return out


def noise_summary() -> dict[str, Any]:
    """JSON form of the method, for ``metrics.json``."""
    var = float((PROBABILITY * NOISE.astype(float) ** 2).sum())
    return {"method": "cell key: each count plus a noise in {-2..2} fixed by the sum of its "
                      "rows' keyed record keys (mod 2^32); rates from the perturbed counts",
            "max_noise": int(np.abs(NOISE).max()), "noise_variance": round(var, 6)}


def perturb(model: Any, cells_keys: np.ndarray, weighted: np.ndarray, frames: dict[str, Any],
            sweep: Any) -> int:
    """Perturb (in place) every published count of ``frames`` and every published rate of
    ``frames`` and ``sweep``, from the counts (functionals) of ``model`` (a disclosure model:
    each count a set of atoms). ``cells_keys`` and ``weighted`` are the joint cells' key sums
    and weighted counts. Returns how many values were perturbed."""
    shape = model.x.shape
    xk = np.zeros(shape, dtype=np.int64)
    np.add.at(xk, (model.u, model.atom_of), np.asarray(cells_keys, dtype=np.int64))
    xw = np.zeros(shape)
    np.add.at(xw, (model.u, model.atom_of), weighted)
    # sums of at most 4,000 keys below 2^32: exact in float64
    key = (model.matrix @ (xk % KEY_SPACE).ravel().astype(np.float64)) % KEY_SPACE
    w = model.matrix @ xw.ravel()
    people = model.values
    scale = np.divide(w, people, out=np.zeros_like(w), where=people > 0)
    noisy = w + noise(key, people) * scale
    done = 0
    for ref, fs in model.items:
        kind, name = ref[0], ref[1]
        if kind == "sweep":
            sf = sweep.overall if name == "" else sweep.frames[name]
            idx = (ref[2], ref[3], ref[4])
            if sf.status[idx] == mt.OK:
                sf.values[idx] = _rate(noisy[fs[0]], noisy[fs[1]])
                done += 1
            continue
        fr = frames[name]
        idx = (ref[2], ref[3])
        if kind == "count" and fr.count_status[idx] == mt.OK:
            fr.counts[idx] = noisy[fs[0]]
            done += 1
        elif kind == "rate" and fr.status[idx] == mt.OK:
            new = _rate(noisy[fs[0]], noisy[fs[1]])
            shift = new - fr.values[idx]
            fr.values[idx] = new
            for bound in (fr.low, fr.high):  # an interval moves with its value
                if bound is not None:
                    bound[idx] = min(1.0, max(0.0, bound[idx] + shift))
            done += 1
    return done


def _rate(num: float, den: float) -> float:
    """A rate from perturbed counts, within [0, 1] (a numerator's noise can exceed its
    denominator's)."""
    return float(min(1.0, max(0.0, num / den))) if den > 0 else float("nan")
