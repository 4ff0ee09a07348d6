"""The --until-stable rule with a fake batch runner: it stops when every answer is decided or
narrow enough, or at the budget, says why, and its seeds are the first k of any longer run."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest

from custodiet.audit import LIFT, Interval, Verdict, decide
from custodiet.errors import UserError
from custodiet.study import Budget, Stop, run_until


class Fake:
    """Pooled answers whose intervals narrow as 1/√seeds around fixed estimates; each seed
    takes ``minutes`` on a fake clock."""

    def __init__(self, estimates: dict[str, float], half: float = 1.5, minutes: float = 1.0):
        self.estimates, self.half, self.minutes = estimates, half, minutes
        self.calls: list[list[int]] = []
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def __call__(self, seeds: Sequence[int]) -> dict[str, Verdict]:
        self.calls.append(list(seeds))
        self.now += 60.0 * self.minutes * len(seeds)
        n = sum(len(c) for c in self.calls)
        h = self.half / math.sqrt(n)
        return {name: decide(Interval(e, e - h, e + h, 0.95, n, 100 * n, 300 * n, "fake", 1.0),
                             LIFT) for name, e in self.estimates.items()}


def test_stops_when_every_answer_is_decided():
    """Lift 1.5 with half-width 1.5/√n: decided once 1.5/√n < 0.5, n > 9: at 10 seeds, the
    fifth batch of two."""
    fake = Fake({"Does it work?": 1.5, "Who carries it?": 3.0})
    result = run_until(fake, seed=7, budget=Budget(max_seeds=20), clock=fake.clock)
    assert result.stop is Stop.STABLE and result.open == ()
    assert result.seeds == tuple(range(7, 17))
    assert fake.calls == [[7, 8], [9, 10], [11, 12], [13, 14], [15, 16]]
    assert result.sentence == ("Stopped after 10 seeds (seeds 7 to 16) in 5 batches: every "
                               "answer is decided or its interval as narrow as asked.")


def test_the_first_seeds_are_the_same_wherever_it_stops():
    short_fake, long_fake = Fake({"a": 1.1}), Fake({"a": 1.1})
    short = run_until(short_fake, seed=1, budget=Budget(max_seeds=5), clock=short_fake.clock)
    long = run_until(long_fake, seed=1, budget=Budget(max_seeds=20), clock=long_fake.clock)
    assert short.seeds == (1, 2, 3, 4, 5) == long.seeds[:5]
    assert short.batches == ((1, 2), (3, 4), (5,))  # the last batch cut to the budget
    assert short.stop is Stop.MAX_SEEDS and long.stop is Stop.MAX_SEEDS


def test_an_answer_on_its_threshold_runs_to_the_budget_and_says_so():
    fake = Fake({"Does it work?": 1.0})
    result = run_until(fake, seed=1, budget=Budget(max_seeds=6), clock=fake.clock)
    assert result.stop is Stop.MAX_SEEDS and result.open == ("Does it work?",)
    assert result.sentence.startswith("Stopped after 6 seeds (seeds 1 to 6) in 3 batches: "
                                      "the budget of 6 seeds is spent. Still open: "
                                      "Does it work?: too close to call")


def test_an_open_answer_says_how_many_seeds_would_decide_it():
    """Lift 1.2 at 4 seeds: half-width 0.75, 0.2 from 1: (0.75/0.2)² = 14.1 times 4 seeds."""
    fake = Fake({"a": 1.2})
    result = run_until(fake, seed=1, budget=Budget(max_seeds=4), clock=fake.clock)
    assert "it would take about 14× as many alerts (about 57 seeds at this rate)" in (
        result.sentence)


def test_a_narrow_enough_interval_settles_an_undecided_answer():
    """Width 2 × 1.5/√n ≤ 1.0 once n ≥ 9: 10 seeds (batches of 2)."""
    fake = Fake({"a": 1.0, "b": 1.0})
    result = run_until(fake, seed=1, budget=Budget(max_seeds=40), width={"a": 1.0, "b": 1.5},
                       clock=fake.clock)
    assert result.stop is Stop.STABLE and len(result.seeds) == 10
    fake = Fake({"a": 1.0})
    assert len(run_until(fake, seed=1, width=1.5, clock=fake.clock).seeds) == 4


def test_minutes_budget_starts_no_batch_that_would_overrun():
    """A seed takes a minute: 2 + 2 seeds end at minute 4; two more would end at 6 > 5."""
    fake = Fake({"a": 1.0})
    result = run_until(fake, seed=1, budget=Budget(max_seeds=40, max_minutes=5),
                       clock=fake.clock)
    assert result.stop is Stop.MAX_MINUTES and result.seeds == (1, 2, 3, 4)
    assert "the next batch would run past the 5-minute budget" in result.sentence


def test_an_absent_answer_stays_open():
    def runner(seeds: Sequence[int]) -> dict[str, Verdict]:
        return {"a": decide(None, LIFT, absent="no alerts yet")}

    result = run_until(runner, seed=1, budget=Budget(max_seeds=3))
    assert result.stop is Stop.MAX_SEEDS and "a: no alerts yet" in result.sentence


@pytest.mark.parametrize("budget", [Budget(max_seeds=0), Budget(first=0), Budget(batch=0),
                                    Budget(max_minutes=0)])
def test_a_budget_that_cannot_run_is_a_user_error(budget: Budget):
    with pytest.raises(UserError):
        run_until(lambda seeds: {}, seed=1, budget=budget)


def test_a_study_run_until_stable_stops_and_names_its_seeds(tmp_path) -> None:
    """End to end on a tiny city: batches of two seeds, a budget of four; the metrics and the
    report say which seeds were used and why it stopped, and the seeds are the first ones."""
    import custodiet

    result = custodiet.run("default", tmp_path / "s", people=1500, days=3, seed=5,
                           removal_rates=(), bootstrap=20, jobs=1,
                           until=Budget(max_seeds=4, first=2, batch=2))
    stopped = result.metrics.scenario.stopped
    seeds = result.metrics.scenario.seeds
    assert seeds in ([5, 6], [5, 6, 7, 8])
    assert stopped.startswith(f"Stopped after {len(seeds)} seeds (seeds 5 to {seeds[-1]})")
    assert "Why these seeds" in result.report.read_text()
    assert stopped in result.report.read_text()
