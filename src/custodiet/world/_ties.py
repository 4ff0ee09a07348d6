"""Social ties as edge lists per layer (household, spouse, kin, friend, coworker), Covasim-style,
plus compressed adjacency for drawing whom a person calls or visits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from custodiet.scenario import WorldConfig
from custodiet.schema import TIE_KINDS
from custodiet.world._geography import Places
from custodiet.world._kernels import csr_fill
from custodiet.world._population import People
from custodiet.world._rng import setup_rng

TIE = {name: i for i, name in enumerate(TIE_KINDS)}


@dataclass
class Ties:
    """Undirected edges (``a < b``) with a kind code, and CSR adjacency over all of them."""

    a: np.ndarray
    b: np.ndarray
    kind: np.ndarray
    indptr: np.ndarray
    neighbours: np.ndarray
    friend_indptr: np.ndarray
    friends: np.ndarray
    spouse: np.ndarray
    """Each person's spouse (-1 if none)."""
    apart: np.ndarray
    """Couples living apart: one row per couple (person, spouse), person < spouse."""
    sham: np.ndarray
    """For each apart couple, whether the marriage is a sham (ground truth)."""

    def random_neighbour(self, rng: np.random.Generator, persons: np.ndarray,
                         friends_only: bool = False) -> np.ndarray:
        """One uniformly drawn tie of each person (-1 for a person with none)."""
        indptr, nb = (self.friend_indptr, self.friends) if friends_only else (
            self.indptr, self.neighbours)
        start = indptr[persons]
        deg = indptr[persons + 1] - start
        pick = start + np.floor(rng.random(persons.size) * deg).astype(np.int64)
        found = nb[np.minimum(pick, max(nb.size - 1, 0))].astype(np.int64)
        return np.where(deg > 0, found, -1)


#: Populations below this size keep adjacency keys and neighbours in int32.
_INT32_IDS = 2**31


def _household_pairs(people: People) -> tuple[np.ndarray, np.ndarray]:
    a_parts, b_parts = [], []
    for size in np.flatnonzero(np.bincount(people.hh_size)):
        if size < 2:
            continue
        starts = people.hh_start[people.hh_size == size]
        i, j = np.triu_indices(int(size), k=1)
        a_parts.append((starts[:, None] + i[None, :]).ravel())
        b_parts.append((starts[:, None] + j[None, :]).ravel())
    if not a_parts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(a_parts), np.concatenate(b_parts)


def _csr(lo: np.ndarray, hi: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR adjacency of the undirected edges (lo, hi): each edge listed under both ends.

    Equal to a stable sort of ``src = lo ++ hi`` taking ``dst = hi ++ lo`` in that order (each
    person's neighbours in edge-list order), filled by a counting sort (:func:`._kernels.
    csr_fill`) without materialising ``src`` or the sort's order; the neighbours are int32
    when ids fit (4 bytes per directed edge).
    """
    key = np.int32 if n < _INT32_IDS else np.int64
    indptr = np.zeros(n + 1, np.int64)
    counts = np.bincount(lo, minlength=n)
    counts += np.bincount(hi, minlength=n)
    np.cumsum(counts, out=indptr[1:])
    del counts
    out = np.empty(2 * lo.size, key)
    csr_fill(lo, hi, indptr, out)
    return indptr, out


def _unique_pairs(pa_: np.ndarray, pb_: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct unordered pairs without self-pairs, sorted by (lo, hi)."""
    lo, hi = (np.minimum(pa_, pb_).astype(np.int64, copy=False),
              np.maximum(pa_, pb_).astype(np.int64, copy=False))
    keep = lo != hi
    key = lo[keep] * n + hi[keep]
    del lo, hi, keep
    key.sort()
    key = key[np.concatenate([[True], key[1:] != key[:-1]])]
    return key // n, key % n


def _ordered(pa_: np.ndarray, pb_: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (np.minimum(pa_, pb_).astype(np.int64, copy=False),
            np.maximum(pa_, pb_).astype(np.int64, copy=False))


def _couples(cfg: WorldConfig, people: People, rng: np.random.Generator
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Spouse pairs (co-resident and apart), each person's spouse, apart couples, shams."""
    beh = cfg.behaviour
    # Co-resident couples: the first two adults of a household of two or more.
    second = people.hh_start + 1
    has_two = people.hh_size >= 2
    adults = has_two.copy()
    adults[has_two] = (people.age[people.hh_start[has_two]] >= 20) & (
        people.age[second[has_two]] >= 20)
    married = adults & ~people.hh_crowded & (rng.random(people.n_households) < beh.married_share)
    ca, cb = people.hh_start[married], second[married]

    # Couples living apart: pairs of adults who live alone, ordinary or sham.
    alone = people.hh_start[(people.hh_size == 1) & (people.age[people.hh_start] >= 20)]
    alone = alone[~people.foreign[alone]]
    n_couples = ca.size
    n_apart = round(n_couples * beh.apart_couples_share)
    n_sham = round(n_couples * cfg.incidents.sham_marriage_share)
    k = min(n_apart + n_sham, alone.size // 2)
    chosen = rng.permutation(alone)[: 2 * k]
    pa_, pb_ = chosen[0::2], chosen[1::2]
    apart = np.stack([np.minimum(pa_, pb_), np.maximum(pa_, pb_)], axis=1)
    sham = np.zeros(k, bool)
    sham[: min(n_sham, k)] = True
    perm = rng.permutation(k)
    apart, sham = apart[perm], sham[perm]
    spouse = np.full(people.n, -1, np.int64)
    sa = np.concatenate([ca, apart[:, 0]])
    sb = np.concatenate([cb, apart[:, 1]])
    spouse[sa], spouse[sb] = sb, sa
    return np.stack(_ordered(sa, sb)), spouse, apart, sham


def _friends(cfg: WorldConfig, people: People, places: Places, rng: np.random.Generator
             ) -> tuple[np.ndarray, np.ndarray]:
    """Friendship stubs paired mostly within the home district (80%: assumption)."""
    n = people.n
    n_f = rng.poisson(cfg.behaviour.friends_mean / 2.0, n)
    fa = np.repeat(np.arange(n, dtype=np.int64), n_f)
    home_d = places.district[people.household]
    order = np.argsort(home_d, kind="stable")
    sd = home_d[order]
    n_d = int(sd.max()) + 1
    start = np.searchsorted(sd, np.arange(n_d))
    count = np.searchsorted(sd, np.arange(n_d), side="right") - start
    d = home_d[fa]
    local = order[np.minimum(start[d] + np.floor(rng.random(fa.size) * count[d]).astype(np.int64),
                             n - 1)]
    del d
    fb = np.where(rng.random(fa.size) < 0.8, local, rng.integers(0, n, fa.size))
    return fa, fb


def _coworkers(cfg: WorldConfig, people: People) -> list[tuple[np.ndarray, np.ndarray]]:
    """A ring within each workplace (persons sorted by workplace), one layer per offset."""
    workers = np.flatnonzero(people.employed & (people.work_place >= 0))
    workers = workers[np.argsort(people.work_place[workers], kind="stable")]
    wp = people.work_place[workers]
    out = []
    for off in range(1, cfg.behaviour.coworkers // 2 + 1):
        same = wp[off:] == wp[:-off]
        out.append(_ordered(workers[:-off][same], workers[off:][same]))
    return out


def build_ties(cfg: WorldConfig, people: People, places: Places, seed: int) -> Ties:
    """Draw every tie layer; couples living apart (ordinary and sham) are spouses in two homes.

    Each layer is put in canonical form (``a < b``; the randomly drawn kin and friend layers
    deduplicated) as soon as it is drawn, so at most one layer's raw draws are alive at a time.
    """
    beh = cfg.behaviour
    rng = setup_rng(seed, "ties")
    n = people.n
    layers: list[tuple[np.ndarray, np.ndarray, int]] = []
    # Household, spouse and coworker pairs are distinct by construction; the randomly drawn
    # layers (kin, friends) may draw a pair twice or a person with themself.
    layers.append((*_ordered(*_household_pairs(people)), TIE["household"]))
    pairs, spouse, apart, sham = _couples(cfg, people, rng)
    layers.append((pairs[0], pairs[1], TIE["spouse"]))
    del pairs

    # Kin: each household's head linked to a few other households' heads.
    heads = people.hh_start
    n_kin = rng.poisson(beh.kin_households / 2.0, heads.size)
    ka = np.repeat(heads, n_kin)
    kb = heads[rng.integers(0, heads.size, ka.size)]
    layers.append((*_unique_pairs(ka, kb, n), TIE["kin"]))
    del ka, kb
    layers.append((*_unique_pairs(*_friends(cfg, people, places, rng), n), TIE["friend"]))
    layers.extend((lo, hi, TIE["coworker"]) for lo, hi in _coworkers(cfg, people))

    sizes = [lo.size for lo, _, _ in layers]
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    lo, hi = np.empty(bounds[-1], np.int64), np.empty(bounds[-1], np.int64)
    kind = np.empty(bounds[-1], np.int8)
    friend = (0, 0)
    for i in range(len(layers)):
        la, lb, code = layers[i]
        layers[i] = (la[:0], lb[:0], code)  # drop the layer as soon as it is copied
        lo[bounds[i]:bounds[i + 1]], hi[bounds[i]:bounds[i + 1]] = la, lb
        kind[bounds[i]:bounds[i + 1]] = code
        if code == TIE["friend"]:
            friend = (int(bounds[i]), int(bounds[i + 1]))
        del la, lb
    del layers

    indptr, nbrs = _csr(lo, hi, n)
    # The friend layer is one contiguous block: its adjacency is built from views.
    f_indptr, f_nbrs = _csr(lo[friend[0]:friend[1]], hi[friend[0]:friend[1]], n)
    if n < _INT32_IDS:  # kept for the static table only: half the bytes while the days run
        lo, hi = lo.astype(np.int32), hi.astype(np.int32)
    return Ties(a=lo, b=hi, kind=kind, indptr=indptr, neighbours=nbrs, friend_indptr=f_indptr,
                friends=f_nbrs, spouse=spouse, apart=apart, sham=sham)
