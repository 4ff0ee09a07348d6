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
    apart, judged over a week) has a setting that moves nothing. Two independent designs, each
    trajectory on its own city; the terminal prints numbers, not only names."""
    out = tmp_path / "sens"
    assert main(["sensitivity", "default", "--out", str(out), "--people", "1500", "--days",
                 "2", "--samples", "3", "--quiet",
                 "--vary", "rules.mental_illness_near_school.radius_m=5:800",
                 "--vary", "rules.spouses_apart.max_share=0.05:0.3"]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["runs"] == 2 * 3 * (2 + 1) and m["replicates"] == 2
    alerts = m["outputs"]["alerts"]["effects"]
    assert alerts[0]["setting"] == "rules.mental_illness_near_school.radius_m"
    assert alerts[0]["mu_star"] > 0 and alerts[1]["mu_star"] == 0
    assert len(alerts[0]["per_design"]) == 2
    assert (out / "figures" / "tornado-alerts.svg").is_file()
    printed = capsys.readouterr().out
    line = next(x for x in printed.splitlines() if x.startswith("alerts "))
    assert f"rules.mental_illness_near_school.radius_m {alerts[0]['mu_star']:.3g} ± " in line


def test_sobol_needs_a_power_of_two_before_anything_runs(tmp_path, capsys) -> None:
    out = tmp_path / "s"
    assert main(["sensitivity", "default", "--out", str(out), "--method", "sobol",
                 "--samples", "3", "--quiet"]) == 2
    assert "power of 2" in capsys.readouterr().err and not out.exists()


def test_each_trajectory_runs_on_its_own_city() -> None:
    from custodiet.study._sensitivity import point_seeds

    assert point_seeds(9, 2, "morris", 7).tolist() == [7, 7, 7, 8, 8, 8, 9, 9, 9]
    assert point_seeds(8, 2, "sobol", 0).tolist() == [0, 0, 0, 0, 1, 1, 1, 1]


def test_designs_combine_into_an_interval_that_covers_each() -> None:
    """The combined μ* is the designs' mean; its interval reaches every design's μ*; the top
    two agree when both designs name the same two, and a figure undefined everywhere says so
    rather than that nothing moved it."""
    from custodiet.report._sweep_report import _sensitivity_answer, stability_sentences
    from custodiet.study._sensitivity_combine import combine, stability

    def rep(a: float, b: float, c: float, defined: int = 4) -> dict:
        eff = _effects(("a", a, 0.01), ("b", b, 0.01), ("c", c, 0.01))
        return {"precision": {"values": [0.1] * 4, "defined_runs": defined, "effects": eff},
                "innocents_per_true_alert": {"values": [None] * 4, "defined_runs": 0,
                                             "effects": _effects(("a", 0, 0), ("b", 0, 0),
                                                                 ("c", 0, 0))}}

    reps = [rep(0.4, 0.2, 0.0), rep(0.2, 0.3, 0.1)]
    out = combine(reps, "mu_star")
    top = out["precision"]["effects"][0]
    assert top["setting"] == "a" and top["mu_star"] == pytest.approx(0.3)
    assert top["mu_star_conf"] == pytest.approx(0.1)  # reaches 0.4 and 0.2
    assert out["innocents_per_true_alert"]["undefined"]
    st = stability(reps, "mu_star")
    assert st["precision"] == {"status": "agree", "top_two": [["a", "b"], ["b", "a"]],
                               "same_order": False}
    assert st["innocents_per_true_alert"] == {"status": "undefined"}
    assert stability([rep(0.4, 0.2, 0.0), rep(0.4, 0.0, 0.2)], "mu_star")["precision"][
        "status"] == "disagree"
    text = stability_sentences(st)
    assert text[0].startswith("The top two drivers of 'Precision") and "agree" in text[0]
    assert "undefined in every run" in text[1]
    assert "cannot say what moves it" in _sensitivity_answer(
        "Precision", out["innocents_per_true_alert"]["effects"], "mu_star", "mu_star_conf",
        "μ*", undefined=True)


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
    """Every built-in range is half to twice its default, capped at 1 for a share, except the
    few listed with an explicit range; every end of the box is a valid scenario."""
    from custodiet.study import resolve_scenario
    from custodiet.study._break_even import setting_upper_bound
    from custodiet.study._overrides import with_changes
    from custodiet.study._sensitivity import BUILTIN_EXPLICIT, BUILTIN_VARY, _value, parse_vary

    scenario, _ = resolve_scenario("default")
    varied = [parse_vary(v) for v in BUILTIN_VARY]
    assert len({v.path for v in varied}) == len(varied) >= 25
    explicit = {parse_vary(v).path for v in BUILTIN_EXPLICIT}
    for v in varied:
        default = scenario.model_dump()
        for key in v.path.split("."):
            default = (next(i for i in default if i.get("name") == key)
                       if isinstance(default, list) else default[key])
        if v.path not in explicit:
            cap = setting_upper_bound(v.path) or (
                1.0 if v.path.startswith("sensors.camera_coverage") else float("inf"))
            assert v.low == pytest.approx(default / 2), v.path
            assert v.high == pytest.approx(min(default * 2, cap)), v.path
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



def test_a_point_and_its_twins_are_audited_as_one_bundle(tmp_path) -> None:
    """With twins, each design point's runs carry their variants and share the point's group,
    so the study's own plan → stores → audit path audits them together: the audit of a point
    reads its twins (deterrence against its no-system twin, alerts against its null world)."""
    import numpy as np

    from custodiet.scenario import builtin_scenarios, load_scenario
    from custodiet.study import Variant, audit_stores, execute, plan_points, sized
    from custodiet.study._sensitivity import Vary

    sc = sized(load_scenario(builtin_scenarios()["default"]), people=600, days=1, seed=3)
    varied = [Vary("response.chill", 0.25, 1.0)]
    plan = plan_points(sc, varied, np.array([[0.5], [1.0]]), twins=True)
    assert [(s.group, s.variant) for s in plan] == [
        (str(i), v) for i in range(2) for v in (Variant.WATCH, Variant.NO_RESPONSE,
                                                 Variant.NO_SYSTEM, Variant.NULL_WORLD)]
    first = [s for s in plan if s.group == "0"]
    audits = audit_stores(execute(first, tmp_path))
    assert [k.group for k in audits] == ["0"]
    audit = next(iter(audits.values()))
    assert audit.twins is not None and audit.twins.deterrence_by_kind is not None
    assert audit.twins.null_world_alerts_by_rule
