"""Common random numbers per person: a person's draws depend only on (seed, day, decision,
person), so in a twin run a person whose own state and whose ties' states no action changed
lives exactly the same days.

The people an action can reach, by construction of the world:

- S, whose state an action changed: the persons acted on, those told they are watched
  (``World.expose``), and the ties of anyone visited (deterred by a tie's visit);
- their ties N(S), whom someone in S may take along on an outing, or whose evening together
  (a couple living apart) depends on them;
- Co(S), who did something together with someone in S in either run (a deal needs its dealer).

Everyone else must live the same days: the same stays, the same calls, and every incident none
of whose participants (in either run) is in S happens identically in both runs.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from custodiet.scenario import WorldConfig, builtin_scenarios, load_scenario
from custodiet.schema import MINUTES_PER_DAY
from custodiet.store import open_run
from custodiet.study._simulate import simulate
from custodiet.study._variants import no_response, with_seed
from custodiet.world import World, _crn
from custodiet.world._crn import DECISIONS, Draws, exponential, geometric, poisson, stream_keys

Incident = tuple[str, int, int, tuple[int, ...]]


# ---------------------------------------------------------------- the primitives
def test_a_persons_draw_does_not_depend_on_who_else_is_asked() -> None:
    draws = Draws(5, 3, 1000)
    everyone = draws.at("trip_lead", np.arange(1000))
    some = np.array([999, 4, 500, 4])
    assert np.array_equal(Draws(5, 3, 1000).at("trip_lead", some), everyone[some])
    assert np.array_equal(draws.uniform("outing"), Draws(5, 3, 1000).uniform("outing"))
    assert not np.array_equal(everyone, Draws(5, 4, 1000).at("trip_lead", np.arange(1000)))
    assert not np.array_equal(everyone, draws.at("trip_minute", np.arange(1000)))
    assert not np.array_equal(draws.at("thefts", some, np.zeros(4)),
                              draws.at("thefts", some, np.ones(4)))


def _every_stream(seed: int = 5, day: int = 3, n: int = 300) -> dict[str, np.ndarray]:
    """Every decision's draws on one day: its population array, its hashed uniforms for a few
    persons (a second draw each too) and its own generator's first numbers."""
    draws, some = Draws(seed, day, n), np.array([0, 7, 299, 7])
    return {name: np.concatenate([draws.uniform(name), draws.at(name, some),
                                  draws.at(name, some, np.ones(4)),
                                  draws.generator(name).random(5)])
            for name in DECISIONS}


def test_adding_or_reordering_decisions_rekeys_no_other_stream(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A stream is keyed by its decision's name: a decision added first (every position after
    it moves) or the registry reversed leaves every other decision's draws unchanged."""
    before = _every_stream()
    for registry in (("a_new_decision", *DECISIONS), DECISIONS[::-1]):
        monkeypatch.setattr(_crn, "DECISIONS", registry)
        monkeypatch.setattr(_crn, "_KEY", stream_keys(registry))
        after = _every_stream()
        assert all(np.array_equal(after[name], before[name]) for name in DECISIONS)
    monkeypatch.setattr(_crn, "DECISIONS", ("a_new_decision", *DECISIONS))
    monkeypatch.setattr(_crn, "_KEY", stream_keys(_crn.DECISIONS))
    new = Draws(5, 3, 300).uniform("a_new_decision")
    assert not any(np.array_equal(new, b[:300]) for b in before.values())
    with pytest.raises(KeyError, match="unknown decision"):
        Draws(5, 3, 300).uniform("never_named")


def test_adding_or_reordering_city_modules_rekeys_no_other_stream(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The city-building streams are keyed by module name too: a module added first or the
    registry reversed leaves every module's draws, and so the city built, as they were."""
    from custodiet.world import _rng
    from custodiet.world._geography import build_places
    from custodiet.world._population import build_people

    cfg = WorldConfig(people=2000, days=1)

    def streams() -> dict[str, np.ndarray]:
        out = {name: _rng.setup_rng(9, name).random(5) for name in _rng.MODULES}
        places, _ = build_places(cfg, build_people(cfg, 9), 9)
        out["city"] = np.concatenate([places.x, places.y, places.district])
        return out
    before = streams()
    for registry in (("a_new_module", *_rng.MODULES), _rng.MODULES[::-1]):
        monkeypatch.setattr(_rng, "MODULES", registry)
        monkeypatch.setattr(_rng, "_KEY", stream_keys(registry))
        after = streams()
        assert all(np.array_equal(after[k], v, equal_nan=True) for k, v in before.items())
    monkeypatch.setattr(_rng, "_KEY", stream_keys(("a_new_module", *_rng.MODULES)))
    new = _rng.setup_rng(9, "a_new_module").random(5)
    assert not any(np.array_equal(new, v) for v in before.values())
    with pytest.raises(KeyError, match="unknown module"):
        _rng.setup_rng(9, "never_named")


def test_two_decisions_with_one_stream_key_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(set(stream_keys(DECISIONS).values())) == len(DECISIONS)
    monkeypatch.setattr(_crn, "stream_key", lambda name: 1)
    with pytest.raises(ValueError, match="share a stream key"):
        stream_keys(("wake", "outing"))


def test_the_hashed_uniforms_are_uniform_and_independent() -> None:
    u = Draws(1, 0, 0).at("outing", np.arange(200_000))
    # Mean and variance of U(0, 1) within 5 standard errors; neighbours uncorrelated.
    assert abs(u.mean() - 0.5) < 5 * np.sqrt(1 / 12 / u.size)
    assert abs(u.var() - 1 / 12) < 5 * np.sqrt(1 / 180 / u.size)
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 5 / np.sqrt(u.size)
    counts = np.bincount(np.floor(u * 20).astype(int), minlength=20)
    expected = u.size / 20
    assert ((counts - expected) ** 2 / expected).sum() < 43.8  # chi-square, 19 df, p = 0.001


@pytest.mark.parametrize("lam", [0.3, 3.0, 25.0])
def test_inverse_cdf_poisson_has_its_mean_and_variance(lam: float) -> None:
    k = poisson(Draws(2, 0, 0).at("calls", np.arange(100_000)), lam)
    se = np.sqrt(lam / k.size)
    assert abs(k.mean() - lam) < 5 * se
    assert abs(k.var() / lam - 1) < 5 * np.sqrt(2 / k.size) * (1 + 1 / np.sqrt(lam))


def test_inverse_cdf_geometric_and_exponential_have_their_means() -> None:
    u = Draws(3, 0, 0).at("trip_days", np.arange(100_000))
    g = geometric(u, 1 / 3)
    assert g.min() == 1 and abs(g.mean() - 3) < 5 * np.sqrt(6 / g.size)
    e = exponential(u, 30.0)
    assert abs(e.mean() - 30) < 5 * 30 / np.sqrt(e.size)


# ---------------------------------------------------------------- the invariant
def _neighbours(mask: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.zeros(mask.size, bool)
    out[b[mask[a]]] = True
    out[a[mask[b]]] = True
    return out


def _incidents(table: pa.Table) -> list[Incident]:
    return [(k, t, p, tuple(sorted(ps))) for k, t, p, ps in zip(
        *(table[c].to_pylist() for c in ("kind", "t", "place", "persons")), strict=True)]


def assert_same_lives(n: int, ties: pa.Table, changed: np.ndarray, visited: np.ndarray,
                      runs: list[dict[str, pa.Table]]) -> int:
    """Assert the invariant for two runs of one city; returns how many persons it covered."""
    a, b = ties["a"].to_numpy(), ties["b"].to_numpy()
    state = changed | _neighbours(visited, a, b)
    reached = state | _neighbours(state, a, b)
    incidents = [_incidents(run["incidents"]) for run in runs]
    for run in incidents:
        for *_, persons in run:
            if state[list(persons)].any():
                reached[list(persons)] = True
    untouched = ~reached
    by_key = [{}, {}]
    for keyed, run in zip(by_key, incidents, strict=True):
        for kind, t, place, persons in run:
            keyed.setdefault((kind, t, place), []).append(persons)
    for key in set(by_key[0]) | set(by_key[1]):
        groups = [sorted(k.get(key, [])) for k in by_key]
        if not state[[p for g in groups for ps in g for p in ps]].any():
            assert groups[0] == groups[1], key
    for table, who in (("stays", "person"), ("calls", "caller")):
        rows = []
        for run in runs:
            t = run[table]
            keep = untouched[t[who].to_numpy()]
            rows.append(Counter(zip(*(t[c].to_numpy()[keep].tolist() for c in t.column_names),
                                    strict=True)))
        assert rows[0] == rows[1], table
    assert untouched.sum() > n / 2  # most of the city is covered
    return int(untouched.sum())


# ---------------------------------------------------------------- twins in process
CFG = WorldConfig.model_validate({
    "people": 6000, "days": 6, "history": {"grievance_share": 0.1},
    "incidents": {"petition_rate": 0.1, "recruiter_share": 0.002, "dealer_share": 0.002,
                  "pickpocket_share": 0.002, "burglar_share": 0.002,
                  "protest_rate_per_100k": 20.0},
})


def _steps(world: World, act: bool) -> dict[str, pa.Table]:
    out: dict[str, list[pa.Table]] = {}
    rng = np.random.default_rng(0)
    while not world.finished:
        for name, table in world.step().items():
            out.setdefault(name, []).append(table)
        if act and not world.finished:
            t = world.day * MINUTES_PER_DAY
            for action in ("visit", "block_travel", "detain"):
                world.intervene(rng.choice(world.people.n, 4, replace=False), action, t,
                                chill=0.5, until=t + MINUTES_PER_DAY)
            world.expose(rng.choice(world.people.n, 10, replace=False), "listed", t)
            world.expose(rng.choice(world.people.n, 10, replace=False), "camera", t,
                         until=t + 2 * MINUTES_PER_DAY)
    return {name: pa.concat_tables(parts) for name, parts in out.items()}


def _exposed(cfg: WorldConfig) -> tuple[np.ndarray, np.ndarray]:
    """Replays ``_steps``'s choices of persons: acted on or exposed."""
    rng = np.random.default_rng(0)
    changed, visited = np.zeros(cfg.people, bool), np.zeros(cfg.people, bool)
    for _ in range(cfg.days - 1):
        for action in ("visit", "block_travel", "detain"):
            who = rng.choice(cfg.people, 4, replace=False)
            changed[who] = True
            visited[who] |= action == "visit"
        changed[rng.choice(cfg.people, 10, replace=False)] = True
        changed[rng.choice(cfg.people, 10, replace=False)] = True
    return changed, visited


@pytest.mark.parametrize("seed", [1, 2])
def test_in_a_twin_world_everyone_out_of_reach_lives_the_same_days(seed: int) -> None:
    plain, acted = World(CFG, seed), World(CFG, seed)
    runs = [_steps(plain, act=False), _steps(acted, act=True)]
    changed, visited = _exposed(CFG)
    assert not runs[0]["stays"].equals(runs[1]["stays"])  # the actions did change something
    assert_same_lives(CFG.people, plain.static_tables()["ties"], changed, visited, runs)


# ---------------------------------------------------------------- twins through the runner
def _run_tables(path: Path) -> tuple[dict[str, pa.Table], pa.Table, int]:
    with open_run(path) as run:
        tables = {name: run.con.execute(f'SELECT * FROM "{name}"').to_arrow_table()
                  for name in ("stays", "calls", "incidents", "interventions")}
        ties = run.con.execute("SELECT a, b FROM ties").to_arrow_table()
        n = run.con.execute("SELECT count(*) FROM persons").fetchone()[0]
    return tables, ties, n


def _watch_and_no_response(seed: int, tmp_path: Path) -> None:
    scenario = load_scenario(builtin_scenarios()["default"])
    scenario = with_seed(scenario.model_copy(update={"world": scenario.world.model_copy(
        update={"people": 20_000, "days": 7})}), seed)
    watch, ties, n = _run_tables(simulate(scenario, tmp_path / "watch"))
    twin, _, _ = _run_tables(simulate(no_response(scenario), tmp_path / "twin"))
    assert twin["interventions"].num_rows == 0
    log = watch["interventions"]
    assert log.num_rows > 0, "the watch acted on nobody: nothing to test"
    acted = np.zeros(n, bool)
    acted[log["person"].to_numpy()] = True
    visited = np.zeros(n, bool)
    visited[log.filter(pa.compute.equal(log["action"], "visit"))["person"].to_numpy()] = True
    assert_same_lives(n, ties, acted, visited, [watch, twin])


@pytest.mark.parametrize("seed", [1, 2])
def test_the_default_watch_and_its_no_response_twin_differ_only_within_reach(
        seed: int, tmp_path: Path) -> None:
    _watch_and_no_response(seed, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_the_default_twins_differ_only_within_reach_for_more_seeds(seed: int,
                                                                    tmp_path: Path) -> None:
    _watch_and_no_response(seed, tmp_path)
