"""``custodiet compare`` and ``sweep`` state a difference as a verdict only where its 95%
interval decides it, else "too little to tell" with about how many more seeds; ``compare``
says first what it compares. Hand-built metrics: every verdict is known in advance."""

from __future__ import annotations

import html
import json
import math
from typing import Any

import pytest

from custodiet.audit import Decision
from custodiet.audit.sim import REGISTRY, difference, summarise
from custodiet.report import headline_differences, sweep_differences, what_is_compared
from custodiet.report._compare_report import parameter_differences
from custodiet.report._differences import compared
from tests._typed import typed


def _study(seeds: list[int], people: int = 1000, **values: list[float]) -> Any:
    return typed({"scenario": {"name": "toy", "seeds": seeds, "people": people, "days": 5},
                  "headline": {k: summarise(v) for k, v in values.items()}})


def test_paired_difference_is_the_t_interval_of_the_seed_differences() -> None:
    q = difference([10, 20, 30], [12, 23, 31], paired=True)
    d = [2, 3, 1]
    half = 4.303 * 1.0 / math.sqrt(3)  # t(2) · sd / sqrt(n)
    assert q.estimate == pytest.approx(2.0) and q.n_cities == 3
    assert (q.low, q.high) == pytest.approx((2.0 - half, 2.0 + half))
    assert sum(d) / 3 == q.estimate


def test_welch_difference_for_other_seeds() -> None:
    q = difference([1.0, 2.0, 3.0], [5.0, 6.0, 7.0, 8.0], paired=False)
    va, vb = 1.0 / 3, (5 / 3) / 4
    df = (va + vb) ** 2 / (va ** 2 / 2 + vb ** 2 / 3)
    assert int(df) == 4
    half = 2.776 * math.sqrt(va + vb)
    assert q.estimate == pytest.approx(4.5)
    assert (q.low, q.high) == pytest.approx((4.5 - half, 4.5 + half))
    one = difference([1.0], [2.0], paired=False)
    assert one.estimate == 1.0 and math.isnan(one.low)


def test_compare_gives_a_verdict_only_where_the_interval_decides() -> None:
    a = _study([1, 2, 3], true_alerts=[10, 20, 30], innocents_flagged=[100, 110, 90],
               alerts=[50, 50, 50], precision=[0.1, 0.2, 0.3])
    b = _study([1, 2, 3], true_alerts=[12, 22.2, 31.8], innocents_flagged=[90, 130, 85],
               alerts=[50, 50, 50], precision=[0.1, 0.2, 0.3])
    said = {d.figure.name: d for d in headline_differences(a, b)}
    up = said["true_alerts"]
    assert up.verdict.decision is Decision.ABOVE
    assert up.words == "higher in B: +2 (95% interval +1.5 to +2.5)"
    open_ = said["innocents_flagged"]
    assert open_.verdict.decision is Decision.UNDECIDED
    assert open_.words.startswith("too little to tell: B \u2212 A = +1.7 (95% interval \u2212")
    assert "more seeds in each would decide it" in open_.words
    assert said["alerts"].words == "the same in every city compared"
    assert said["precision"].words == "the same in every city compared"


def test_an_undecided_difference_says_roughly_how_many_more_seeds() -> None:
    # differences 1, -0.5, 2: mean 5/6, sd sqrt(19/12) = 1.258; n cities decide it once
    # t(n-1) · sd / sqrt(n) < 5/6, i.e. t(n-1) / sqrt(n) < 0.662: n = 11 gives 2.228 / 3.317
    # = 0.672, n = 12 gives 2.201 / 3.464 = 0.635, so 12 cities: 9 more seeds (projecting with
    # the 3-city t of 4.303 would say about 41)
    a = _study([1, 2, 3], true_alerts=[10, 10, 10])
    b = _study([1, 2, 3], true_alerts=[11, 9.5, 12])
    (d,) = headline_differences(a, b)
    assert d.verdict.more_data == pytest.approx(12 / 3)
    assert "about 9 more seeds in each would decide it" in d.words


def test_two_cities_one_more_seed_decides() -> None:
    # differences 3, 5: mean 4, sd sqrt(2), the 2-city interval ±12.7; with a third city at
    # the same spread t(2) · sqrt(2) / sqrt(3) = 4.303 · 0.8165 = 3.51 < 4: one more seed
    q = difference([10, 20], [13, 25], paired=True)
    assert q.df == 1 and (q.low, q.high) == pytest.approx((4 - 12.706, 4 + 12.706))
    d = headline_differences(_study([1, 2], true_alerts=[10, 20]),
                             _study([1, 2], true_alerts=[13, 25]))[0]
    assert d.verdict.more_data == pytest.approx(3 / 2)
    assert d.words.endswith("about 1 more seed in each would decide it")


def test_the_same_difference_in_two_cities_is_no_verdict() -> None:
    q = difference([10, 20], [11, 21], paired=True)
    assert q.estimate == 1 and math.isnan(q.low) and math.isnan(q.high)
    d = headline_differences(_study([1, 2], true_alerts=[10, 20]),
                             _study([1, 2], true_alerts=[11, 21]))[0]
    assert not d.verdict.decided
    assert d.words == ("the same in every city compared (B \u2212 A = +1 in each), too few "
                       "cities to tell")
    welch = difference([5.0, 5.0], [6.0, 6.0, 6.0], paired=False)
    assert math.isnan(welch.low)
    three = difference([10, 20, 30], [11, 21, 31], paired=True)
    assert (three.low, three.high) == (1.0, 1.0)


def test_one_city_gives_no_verdict() -> None:
    a, b = _study([1], true_alerts=[10]), _study([1], true_alerts=[30])
    (d,) = headline_differences(a, b)
    assert not d.verdict.decided
    assert d.words.startswith("B \u2212 A = +20 from one city: no interval, so no verdict")


def test_a_figure_only_one_study_has_is_undefined_not_a_difference() -> None:
    a, b = _study([1, 2], true_alerts=[1, 2]), _study([1, 2], precision=[0.1, 0.2])
    words = {d.figure.name: d.words for d in headline_differences(a, b)}
    assert words == {"true_alerts": "undefined in one of the two: nothing to compare",
                     "precision": "undefined in one of the two: nothing to compare"}


def test_shares_differ_in_percentage_points() -> None:
    a = _study([1, 2, 3], precision=[0.10, 0.11, 0.12])
    b = _study([1, 2, 3], precision=[0.20, 0.21, 0.23])
    (d,) = headline_differences(a, b)
    assert d.words.startswith("higher in B: +10.3 percentage points (95% interval +")


def test_compare_says_what_it_compares() -> None:
    a, b = _study([1, 2], people=1000), _study([3, 4, 5], people=20_000)
    lines = what_is_compared(a, b, ["x", "y"], params=(
        {"seed": 1, "world": {"people": 1000}, "rules": [{"name": "r", "k": 4}]},
        {"seed": 3, "world": {"people": 20_000}, "rules": [{"name": "r", "k": 2},
                                                           {"name": "s", "k": 1}]}))
    assert lines[0] == "A (x): scenario toy, 1,000 people \u00d7 5 days, 2 seeds (1, 2)"
    assert lines[1] == "B (y): scenario toy, 20,000 people \u00d7 5 days, 3 seeds (3, 4, 5)"
    assert "Welch" in lines[2]
    assert lines[3] == ("Parameters that differ (3): rules[r].k: 4 \u2192 2; rules[s].k: absent "
                        "\u2192 1; world.people: 1000 \u2192 20000.")
    same = what_is_compared(a, a, ["x", "x"], params=({"seed": 1}, {"seed": 2}))
    assert same[2] == ("Both ran the same seeds: each difference is taken seed by seed (the "
                       "same seed in A and in B is the same city under the same settings), "
                       "with a 95% t interval over the seeds.")
    assert same[3].startswith("Parameters: the same")
    unknown = what_is_compared(a, b, ["x", "y"])
    assert unknown[3].startswith("Parameters: not compared")
    assert parameter_differences(None, {}) is None


def test_pairing_by_seed_says_it_is_not_the_same_city_when_settings_differ() -> None:
    a, b = _study([1, 2], people=1000), _study([1, 2], people=20_000)
    lines = what_is_compared(a, b, ["x", "y"], params=({"seed": 1}, {"seed": 1}))
    assert "seed by seed" in lines[2] and "not the same city" in lines[2]
    assert "is the same city" not in lines[2]
    world = what_is_compared(a, a, ["x", "y"], params=({"world": {"k": 1}}, {"world": {"k": 2}}))
    assert "not the same city" in world[2]
    unknown = what_is_compared(a, a, ["x", "y"])
    assert "the same city only if the settings are the same, which could not be checked" \
        in unknown[2]


def test_the_sweep_says_where_it_falls_back_to_welch() -> None:
    from custodiet.report._html import Report
    from custodiet.report._sweep_report import _differences_section

    def section(points: list[dict[str, Any]]) -> str:
        report = Report("t")
        _differences_section(report, {"setting": "rules.r.k", "scope": "rule r",
                                      "points": points})
        return html.unescape(" ".join(b for s in report.sections for b in s.blocks
                                      if isinstance(b, str)))

    paired = [_point(2, alerts=[100, 120, 110]), _point(3, alerts=[60, 70, 65])]
    assert "seed by seed" in section(paired) and "Welch" not in section(paired)
    short = [_point(2, alerts=[100, 120, 110]), _point(3, alerts=[60, 70]),
             _point(4, alerts=[50, 55, 52])]
    said = section(short)
    assert ("Where a value ran a different number of seeds than the first (3), its "
            "differences are of the two means over the cities instead, with Welch's 95% "
            "interval.") in said
    ((_, row3), (_, row4)) = sweep_differences({"points": short})[:2]
    assert not row3[0].paired and row4[0].paired


def test_compare_cli_prints_what_and_verdicts(tmp_path, capsys) -> None:
    from custodiet.cli import main

    dirs = []
    for name, values in (("a", [10, 20, 30]), ("b", [12, 23, 31])):
        d = tmp_path / name
        d.mkdir()
        m = _study([1, 2, 3], true_alerts=values)  # differences 2, 3, 1: undecided
        (d / "metrics.json").write_text(json.dumps(m.to_dict()))
        dirs.append(str(d))
    out = tmp_path / "cmp"
    assert main(["compare", *dirs, "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"A ({dirs[0]}): scenario toy, 1,000 people")
    assert "Parameters: not compared" in text
    assert "B \u2212 A: too little to tell: B \u2212 A = +2 (95% interval \u22120.5 to +4.5); " \
        "about 1 more seed in each would decide it" in text
    written = json.loads((out / "metrics.json").read_text())
    assert written["differences"]["true_alerts"]["verdict"] == "undecided"


def _point(value: Any, **figures: list[float]) -> dict[str, Any]:
    return {"value": value, **{k: summarise(v) for k, v in figures.items()}}


def test_sweep_states_each_change_from_the_first_value_with_the_same_gate() -> None:
    metrics = {"setting": "rules.r.k", "scope": "rule r", "points": [
        _point(2, alerts=[100, 120, 110], true_alerts=[5, 6, 7], precision=[0.05, 0.05, 0.06],
               innocents_flagged=[90, 100, 95]),
        _point(3, alerts=[60, 70, 65], true_alerts=[5, 7, 6], precision=[0.08, 0.1, 0.09],
               innocents_flagged=[50, 60, 55])]}
    ((value, row),) = sweep_differences(metrics)
    assert value == 3
    words = {d.figure.name: d.words for d in row}
    assert words["alerts"].startswith("lower than at 2: \u221245 (95% interval")
    assert words["true_alerts"].startswith("too little to tell: the change from 2 = 0 (")
    assert words["innocents_flagged"].startswith("lower than at 2")
    assert sweep_differences({**metrics, "points": metrics["points"][:1]}) == []


def test_compared_reads_the_registry_unit() -> None:
    a, b = summarise([1.0, 2.0]), summarise([1.0, 2.0])
    from custodiet.audit.sim import Spread

    d = compared(REGISTRY["alerts"], Spread(**a), Spread(**b), paired=True)
    assert d.words == ("the same in every city compared (B \u2212 A = 0 in each), too few "
                       "cities to tell")


def test_a_metrics_file_with_a_huge_number_is_said_plainly(tmp_path, capsys) -> None:
    """A number of 50,000 digits: one line in the user's words, not Python's advice."""
    from custodiet.cli import main

    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "metrics.json").write_text(
            '{"headline": {"alerts": {"mean": ' + "9" * 50_000 + "}}}")
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert "it holds a number of more than 4,300 digits" in err
    assert "set_int_max_str_digits" not in err and len(err.strip().splitlines()) == 1
