"""A scenario without any key-person list (megvii_station) opens in the workbench: the days'
(empty) memberships are computed once, as for any set of lists (they were skipped, since no
list looked like "already computed", and the first answer failed with an IndexError)."""

from __future__ import annotations

from custodiet.workbench import open_bench


def test_a_scenario_without_lists_is_answered(tmp_path) -> None:
    bench = open_bench("megvii_station", people=3000, days=3, seed=1, cache=tmp_path)
    assert not bench.scenario.lists
    answer = bench.cards[0].answer
    assert answer is not None and answer["metrics"]["alerts"] >= 0
    assert len(bench.city._members) == bench.city.days
