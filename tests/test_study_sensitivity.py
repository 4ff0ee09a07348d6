"""Sensitivity analysis on a tiny city: a planted setting that drives the headline ranks first,
the design and break-even are what SALib and Bayes say, and bad ranges are user errors."""

from __future__ import annotations

import json

import pytest

from custodiet.cli import main
from custodiet.errors import UserError
from custodiet.study._sensitivity import parse_vary


def test_a_planted_setting_ranks_first(tmp_path, capsys) -> None:
    """The school rule flags listed people who come within a radius of a school, so the
    radius drives how many alerts there are; a rule that cannot fire in two days (spouses
    apart, judged over a week) has a setting that moves nothing."""
    out = tmp_path / "sens"
    assert main(["sensitivity", "default", "--out", str(out), "--people", "1500", "--days",
                 "2", "--samples", "3", "--quiet",
                 "--vary", "rules.mental_illness_near_school.radius_m=5:800",
                 "--vary", "rules.spouses_apart.max_share=0.05:0.3"]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["runs"] == 3 * (2 + 1)
    alerts = m["outputs"]["alerts"]["effects"]
    assert alerts[0]["setting"] == "rules.mental_illness_near_school.radius_m"
    assert alerts[0]["mu_star"] > 0 and alerts[1]["mu_star"] == 0
    assert (out / "figures" / "tornado-alerts.svg").is_file()
    assert "alerts: rules.mental_illness_near_school.radius_m" in capsys.readouterr().out


@pytest.mark.parametrize("text", ["x", "a=1", "a=2:1", "a=b:c", "=1:2"])
def test_bad_ranges_are_user_errors(text: str) -> None:
    with pytest.raises(UserError):
        parse_vary(text)


def test_unknown_setting_is_refused_before_any_run(tmp_path, capsys) -> None:
    out = tmp_path / "bad"
    assert main(["sensitivity", "default", "--out", str(out), "--vary", "world.nosuch=0:1",
                 "--quiet"]) == 2
    assert "world.nosuch" in capsys.readouterr().err and not out.exists()


def test_the_builtin_set_spans_half_to_twice_each_default() -> None:
    from custodiet.scenario import scenario_from_mapping
    from custodiet.study._overrides import with_changes
    from custodiet.study._sensitivity import BUILTIN_VARY, _value, parse_vary

    scenario = scenario_from_mapping({})
    varied = [parse_vary(v) for v in BUILTIN_VARY]
    assert len({v.path for v in varied}) == len(varied)
    for v in varied:
        default = scenario.model_dump()
        for key in v.path.split("."):
            default = default[key]
        assert v.low == pytest.approx(default / 2) and v.high == pytest.approx(default * 2)
        for x in (v.low, v.high):  # every end of the box is a valid scenario
            with_changes(scenario, {v.path: _value(scenario, v.path, x)})


def _effects(*rows: tuple[str, float, float]) -> list[dict]:
    return [{"setting": s, "mu_star": m, "mu_star_conf": c, "sigma": 0.0} for s, m, c in rows]


def test_the_answer_names_the_top_setting_and_whether_the_runs_tell_it_apart() -> None:
    """Apart when the top interval's low end clears the runner-up's high end, not otherwise;
    a figure nothing moved says so instead of naming a setting."""
    from custodiet.report._sweep_report import _sensitivity_answer

    apart = _sensitivity_answer("Precision", _effects(("a", 0.4, 0.05), ("b", 0.1, 0.05)),
                                "mu_star", "mu_star_conf", "μ*")
    assert apart.startswith("Of the settings varied, a moves 'Precision' most (μ* 0.4 ± 0.05)")
    assert "The next is b (0.1); the two are clearly apart." in apart
    close = _sensitivity_answer("Precision", _effects(("a", 0.4, 0.2), ("b", 0.3, 0.05)),
                                "mu_star", "mu_star_conf", "μ*")
    assert "cannot tell the two apart" in close
    still = _sensitivity_answer("Alerts", _effects(("a", 0.0, 0.0), ("b", 0.0, 0.0)),
                                "mu_star", "mu_star_conf", "μ*")
    assert still == "None of the varied settings moved 'Alerts' in these runs."


def test_each_effect_bar_carries_its_interval_clipped_at_zero() -> None:
    from custodiet.report._sweep_report import _effect_bar

    bar = _effect_bar(_effects(("a", 0.1, 0.3))[0], "mu_star", "mu_star_conf")
    assert (bar.value, bar.low, bar.high) == (0.1, 0.0, pytest.approx(0.4))


def test_break_even_reads_only_the_rates_of_the_kinds_a_rule_claims() -> None:
    """Bayes' odds: a run at rate r with precision p gives r (1 − p) / p; runs at p = 0 or 1
    give nothing, and a rate of a kind the rule does not claim gets no entry."""
    from types import SimpleNamespace

    import numpy as np

    from custodiet.study._break_even import break_even
    from custodiet.study._sensitivity import Vary

    varied = [Vary("world.incidents.drug_deal_rate", 0.01, 0.04),
              Vary("world.incidents.pickpocket_share", 0.0001, 0.0004)]
    xs = np.array([[0.01, 0.0001], [0.02, 0.0002], [0.04, 0.0004]])

    def run(p: float | None) -> SimpleNamespace:
        return SimpleNamespace(rules=[SimpleNamespace(rule="hotel", precision=p)])

    rows = break_even(varied, xs, [run(0.2), run(1.0), run(0.5)], {"hotel": ["drug_deal"]})
    assert rows == [{"rule": "hotel", "rates": [
        {"setting": "world.incidents.drug_deal_rate", "value": pytest.approx(0.04),
         "runs": 2, "status": "within"}]}]
    assert break_even(varied, xs, [run(0.0), run(None)], {"hotel": ["drug_deal"]}) == [
        {"rule": "hotel", "rates": [{"setting": "world.incidents.drug_deal_rate", "value": None,
                                     "runs": 0, "status": "undefined"}]}]


def test_a_probability_never_breaks_even_above_one() -> None:
    """A daily chance whose odds would ask for 1.26 gets no value: the rule is right half the
    time at no chance, and at a chance of 1 its precision is at most 1 / (1 + 1.26); a count
    (burglaries a day) has no bound and keeps its value, flagged as above the range varied."""
    from types import SimpleNamespace

    import numpy as np

    from custodiet.report._sweep_report import break_even_text
    from custodiet.study._break_even import break_even, setting_upper_bound
    from custodiet.study._sensitivity import Vary

    assert setting_upper_bound("world.incidents.petition_rate") == 1.0
    assert setting_upper_bound("world.incidents.dealer_share") == 1.0
    assert setting_upper_bound("world.incidents.burglary_rate") is None
    assert setting_upper_bound("rules.x.k") is None
    varied = [Vary("world.incidents.petition_rate", 0.005, 0.02)]
    # r (1 − p) / p = 0.0126 × 100 = 1.26 in every run (p = 1 / 101)
    xs = np.array([[0.0126], [0.0126]])
    audits = [SimpleNamespace(rules=[SimpleNamespace(rule="petition", precision=1 / 101)])] * 2
    (row,) = break_even(varied, xs, audits, {"petition": ["petition_trip"]})
    (entry,) = row["rates"]
    assert entry["value"] is None and entry["status"] == "unreachable"
    assert entry["max_precision"] == pytest.approx(1 / 2.26)
    assert break_even_text(entry) == ("none: no value up to 1 makes the rule right half the "
                                      "time (at 1, precision at most 44%)")
    from custodiet.study._break_even import rate_entry

    count = rate_entry("world.incidents.burglary_rate", 0.05, 0.2, [1.26, 1.3])
    assert count["value"] == pytest.approx(1.28) and count["status"] == "above"

