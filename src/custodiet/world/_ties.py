"""Social ties as edge lists per layer (household, spouse, kin, friend, coworker), Covasim-style,
plus compressed adjacency for drawing whom a person calls or visits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from custodiet.scenario import WorldConfig
from custodiet.schema import TIE_KINDS
from custodiet.world._geography import Places
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
        return np.where(deg > 0, nb[np.minimum(pick, max(nb.size - 1, 0))], -1)


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


def _csr(a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    src = np.concatenate([a, b])
    dst = np.concatenate([b, a])
    # int32 keys sort faster; not stable, but deterministic: the same input, the same order.
    order = np.argsort(src.astype(np.int32) if n < 2**31 else src)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst[order]


def build_ties(cfg: WorldConfig, people: People, places: Places, seed: int) -> Ties:
    """Draw every tie layer; couples living apart (ordinary and sham) are spouses in two homes."""
    beh = cfg.behaviour
    rng = setup_rng(seed, "ties")
    n = people.n
    parts: list[tuple[np.ndarray, np.ndarray, int]] = []

    parts.append((*_household_pairs(people), TIE["household"]))

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
    spouse = np.full(n, -1, np.int64)
    sa = np.concatenate([ca, apart[:, 0]])
    sb = np.concatenate([cb, apart[:, 1]])
    spouse[sa], spouse[sb] = sb, sa
    parts.append((sa, sb, TIE["spouse"]))

    # Kin: each household's head linked to a few other households' heads.
    heads = people.hh_start
    n_kin = rng.poisson(beh.kin_households / 2.0, heads.size)
    ka = np.repeat(heads, n_kin)
    kb = heads[rng.integers(0, heads.size, ka.size)]
    parts.append((ka, kb, TIE["kin"]))

    # Friends: stubs paired mostly within the home district (80%: assumption).
    n_f = rng.poisson(beh.friends_mean / 2.0, n)
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
    fb = np.where(rng.random(fa.size) < 0.8, local, rng.integers(0, n, fa.size))
    parts.append((fa, fb, TIE["friend"]))

    # Coworkers: a ring within each workplace (persons sorted by workplace).
    workers = np.flatnonzero(people.employed & (people.work_place >= 0))
    workers = workers[np.argsort(people.work_place[workers], kind="stable")]
    wp = people.work_place[workers]
    for off in range(1, beh.coworkers // 2 + 1):
        same = wp[off:] == wp[:-off]
        parts.append((workers[:-off][same], workers[off:][same], TIE["coworker"]))

    # Household, spouse and coworker pairs are distinct by construction; the randomly drawn
    # layers (kin, friends) may draw a pair twice or a person with themself.
    los, his, kinds = [], [], []
    for pa_, pb_, code in parts:
        lo, hi = np.minimum(pa_, pb_).astype(np.int64), np.maximum(pa_, pb_).astype(np.int64)
        if code in (TIE["kin"], TIE["friend"]):
            keep = lo != hi
            key = np.sort(lo[keep] * n + hi[keep])
            key = key[np.concatenate([[True], key[1:] != key[:-1]])]
            lo, hi = key // n, key % n
        los.append(lo)
        his.append(hi)
        kinds.append(np.full(lo.size, code, np.int8))
    lo, hi, kind = np.concatenate(los), np.concatenate(his), np.concatenate(kinds)

    indptr, nbrs = _csr(lo, hi, n)
    is_friend = kind == TIE["friend"]
    f_indptr, f_nbrs = _csr(lo[is_friend], hi[is_friend], n)
    return Ties(a=lo, b=hi, kind=kind, indptr=indptr, neighbours=nbrs, friend_indptr=f_indptr,
                friends=f_nbrs, spouse=spouse, apart=apart, sham=sham)
