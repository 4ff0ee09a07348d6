"""What each answer rests on: the assumptions named with their status in the parameter
registry, the measured movement read from a sensitivity result, Bayes' rule for a rate twice
or half as common, and a clear error for a file that is not a sensitivity result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from custodiet.audit.sim import BURDENS, HIDES, WORKS
from custodiet.cli import main
from custodiet.errors import UserError
from custodiet.report._rests_on import deterrence_rests_on, rests_on_lines, rests_on_text
from custodiet.scenario import parameter_source
from custodiet.study import (
    builtin_measured,
    load_measured,
    precision_at,
    resolve_scenario,
    rests_on,
)
from custodiet.study._rests_on import measured_from
from tests._typed import typed


def _metrics(name: str = "default", precision: float = 0.2, innocents: float = 4.0) -> Any:
    return typed({"scenario": {"name": name, "seeds": [1, 2]},
                  "wrongdoing": {"alerts": 100, "true_alerts": 20, "precision": precision},
                  "headline": {"innocents_per_true_alert": {"mean": innocents}}})


def _sensitivity(scenario: str = "default", status: str = "disagree") -> dict[str, Any]:
    eff = [{"setting": "world.incidents.pickpocket_share", "mu_star": 0.031,
            "mu_star_conf": 0.012, "sigma": 0.02},
           {"setting": "world.behaviour.household_use_sd", "mu_star": 0.05,
            "mu_star_conf": 0.01, "sigma": 0.03},
           {"setting": "world.history.temperament_fill_rate", "mu_star": 0.0,
            "mu_star_conf": 0.0, "sigma": 0.0}]
    return {"scenario": {"name": scenario, "people": 20000, "days": 7, "seed": 1},
            "method": "morris",
            "varied": [{"path": "world.incidents.pickpocket_share", "low": 0.0001,
                        "high": 0.0004},
                       {"path": "world.behaviour.household_use_sd", "low": 0.15, "high": 0.6}],
            "outputs": {"precision": {"values": [0.1], "defined_runs": 1, "effects": eff},
                        "unlawful_deterred": {"values": [], "defined_runs": 0,
                                              "undefined": True, "effects": []}},
            "stability": {"precision": {"status": status}}}


def test_precision_at_scales_the_odds_by_the_factor() -> None:
    # odds 0.25 at p = 0.2: four times as common gives odds 1, precision one half.
    assert precision_at(0.2, 4.0) == pytest.approx(0.5)
    assert precision_at(0.2, 1.0) == pytest.approx(0.2)
    assert precision_at(0.2, 2.0) == pytest.approx(0.4 / 1.2)
    assert precision_at(0.0, 2.0) == 0.0 and precision_at(1.0, 0.5) == 1.0
    with pytest.raises(ValueError):
        precision_at(1.5, 2.0)


def test_status_is_read_from_the_registry() -> None:
    assert parameter_source("world.population.male_share")[0] == "cited"
    assert parameter_source("world.incidents.pickpocket_share")[0] == "bounded"
    assert parameter_source("world.deterrence.unlawful.gate_camera")[0] == "assumed"
    assert parameter_source("world.history.recording_rate.drug_use")[0] == "assumed"
    assert parameter_source("rules.x.k") is None


def test_a_measured_result_ranks_the_two_settings_that_move_precision_most() -> None:
    sc, _ = resolve_scenario("default")
    r = rests_on(_metrics(), sc, measured_from(_sensitivity(), "FILE.json"))
    text = rests_on_text(WORKS, r, "default")
    assert text is not None
    first, second = text.index("household_use_sd"), text.index("pickpocket_share")
    assert first < second and "temperament" not in text
    assert "`world.behaviour.household_use_sd` (assumed, 0.3 here)" in text
    assert "`world.incidents.pickpocket_share` (bounded, 0.0002 here)" in text
    assert "across 0.15 to 0.6 the figure moves by about 5 ± 1 percentage points" in text
    assert "measured by FILE.json (20,000 people × 7 days)" in text
    assert "do not agree on which two settings lead, so this order is not stable" in text
    # Bayes: odds 0.25 doubled is 0.5, precision 1/3; halved 0.125, 1/9; innocents halve.
    assert "were twice as common, precision would be about 33.3%" in text
    assert "and 2.0 innocent people per true alert; half as common, 11.1%." in text


def test_another_scenario_s_result_says_so_and_stable_drivers_say_so() -> None:
    sc, _ = resolve_scenario("default")
    r = rests_on(_metrics(), sc, measured_from(_sensitivity("other", "agree"), "F"))
    text = rests_on_text(WORKS, r, "default") or ""
    assert "on scenario other, not this one" in text
    assert "the same two lead in every independent design" in text


def test_without_a_measurement_the_assumptions_are_named_without_a_range() -> None:
    sc, _ = resolve_scenario("nanning_hotels")
    r = rests_on(_metrics("no shipped result", precision=0.0), sc)
    assert r.measured is None
    works = rests_on_text(WORKS, r, "x") or ""
    assert works.startswith("Rests on the base rates of the unlawful acts its rules claim:")
    assert "`world.incidents.drug_deal_rate` (assumed" in works
    assert "No sensitivity result measured" in works and "percentage points" not in works
    assert "Bayes" not in works  # a precision of 0 says nothing by odds
    burden = rests_on_text(BURDENS, r, "x") or ""
    assert "`world.history.recording_rate` (assumed" in burden
    assert "`world.population.official_share` (cited, 0.005 here)" in (
        rests_on_text(HIDES, r, "x") or "")


def test_deterrence_names_the_camera_multipliers_and_the_sweep_of_its_own_scenario() -> None:
    sc, _ = resolve_scenario("default")
    data = {**_sensitivity(), "deterrence_sweep": {
        "setting": "world.deterrence.unlawful.gate_camera", "source": "S",
        "points": [{"value": 1.0, "unlawful_deterred": 3.0, "precision": 0.065},
                   {"value": 0.7, "unlawful_deterred": 12.5, "precision": 0.049}]}}
    r = rests_on(_metrics(), sc, measured_from(data, "F"))
    text = deterrence_rests_on(r, "default") or ""
    assert ("a camera at the compound's gate multiplies unlawful acts by 0.7 and petitions "
            "and protests by 0.8 (`world.deterrence.unlawful.gate_camera`, "
            "`world.deterrence.lawful.gate_camera`, both assumed)") in text
    assert "a camera at one's own home multiplies unlawful acts by 0.7 and petitions" in text
    assert "unlawful acts deterred per city were 3 at 1, 12.5 at 0.7;" in text
    assert "claim wrongdoing, 6.5% at 1, 4.9% at 0.7 (deterred acts" in text
    assert "swept" not in (deterrence_rests_on(r, "another") or "")


def test_the_terminal_lines_name_each_question() -> None:
    sc, _ = resolve_scenario("default")
    m = _metrics()
    lines = rests_on_lines(m, rests_on(m, sc, measured_from(_sensitivity(), "F")))
    assert lines[0].startswith(f"{WORKS} Rests most on")
    assert any(line.startswith(BURDENS) for line in lines)


def test_the_summary_shipped_for_default_carries_the_measured_gate_camera_sweep() -> None:
    shipped = builtin_measured("default")
    assert shipped is not None and shipped.scenario == "default"
    assert shipped.sweep_setting == "world.deterrence.unlawful.gate_camera"
    by_value = {p.value: p.unlawful_deterred for p in shipped.sweep}
    assert by_value[1.0] < by_value[0.7] < by_value[0.5]  # more deterrence, more deterred
    assert builtin_measured("nanning_hotels") is None
    sc, _ = resolve_scenario("default")
    r = rests_on(_metrics(), sc)
    assert r.measured is shipped or r.measured == shipped
    said = deterrence_rests_on(r, "default") or ""
    assert f"unlawful acts deterred per city were {by_value[1.0]:g} at 1," in said
    # the shipped design's top drivers of precision, with their measured movement
    works = rests_on_text(WORKS, r, "default") or ""
    top = [e["setting"] for e in shipped.effects["precision"][:2]]
    assert works.startswith("Rests most on") and all(f"`{t}`" in works for t in top)
    assert "percentage points of precision (Morris μ*)" in works
    assert "custodiet sensitivity default" in shipped.source


def test_a_file_that_is_no_sensitivity_result_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": 1,\n oops}')
    with pytest.raises(UserError) as err:
        load_measured(bad)
    assert "bad.json:2" in str(err.value)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"scenario": {"name": "x"}}))
    with pytest.raises(UserError, match="not a result of custodiet sensitivity"):
        load_measured(other)
    with pytest.raises(UserError, match="cannot read it"):
        load_measured(tmp_path / "missing.json")


def test_the_run_command_refuses_a_bad_file_before_simulating(tmp_path: Path,
                                                              capsys: Any) -> None:
    bad = tmp_path / "s.json"
    bad.write_text("[]")
    rc = main(["run", "default", "--people", "500", "--days", "1", "--quiet",
               "--sensitivity", str(bad), "--out", str(tmp_path / "o")])
    assert rc == 2 and not (tmp_path / "o").exists()
    assert "s.json" in capsys.readouterr().err
