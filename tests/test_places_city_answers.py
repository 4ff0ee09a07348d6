"""The four questions for the hot-spot predictor over the city's own crime: each sentence states
a verdict only when its interval decides it, on hand-built figures (decided above, below,
undecided, a lower bound only) and on a real audit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from custodiet.audit import Interval
from custodiet.places import PatrolConfig, PatrolRun, city_answers, grid, records_over_truth
from custodiet.places._audit import _figure


def fig(name: str, est: float, low: float, high: float) -> dict:
    i = Interval(est, low, high, 0.95, 3, 60, 60, "test", 1.0)
    return _figure(name, i, f"{name} above", f"{name} below").as_dict()


def result(**over: tuple[float, float, float]) -> dict:
    """An audit result whose figures are undecided unless given in ``over``."""
    names = ["hit_rate_over_chance", "hit_rate_over_oracle", "recorded_hit_rate_over_true"]
    for area in ("district 0", "district 1", "minority enclave", "migrant enclave"):
        names += [f"patrols_over_crime[{area}]", f"patrol_share_growth[{area}]",
                  f"crime_share_growth[{area}]", f"recorded_over_true_crime[{area}]"]
    figures = {n: fig(n, *over.get(n, (1.1, 0.8, 1.5))) for n in names}
    twin = {n: fig(n, 1.05, 0.7, 1.6) for n in names}
    return {"settings": {"k": 5, "cells": 64, "system_days": 7, "cities": 3},
            "recorded": {"true": 100.0, "reported": 40.0, "discovered": 10.0},
            "figures": figures, "twins": {"reported_only": twin, "no_discovery": twin}}


def test_undecided_figures_state_no_verdict():
    answers = city_answers(result())
    assert "0 of 2 districts." in answers["burdens"]
    assert "minority enclave: too few city-days to tell" in answers["burdens"]
    for text in answers.values():
        assert " above" not in text and " below" not in text
    assert "too few city-days to tell" in answers["works"]
    assert "Where the records put the crime" not in answers["knowable"]


def test_decided_figures_are_said_with_their_interval():
    answers = city_answers(result(**{
        "hit_rate_over_chance": (3.0, 2.0, 4.5),
        "hit_rate_over_oracle": (0.6, 0.5, 0.7),
        "patrols_over_crime[district 1]": (2.0, 1.3, 3.1),
        "patrols_over_crime[migrant enclave]": (4.0, 2.5, math.inf),
        "patrol_share_growth[district 1]": (1.4, 1.1, 1.8),
        "recorded_hit_rate_over_true": (1.5, 1.2, 1.9),
        "recorded_over_true_crime[district 1]": (1.6, 1.2, 2.0),
    }))
    assert "hit_rate_over_chance above: 3.00× (95% interval 2.00× to 4.50×)" in answers["works"]
    assert "hit_rate_over_oracle below: 0.60×" in answers["works"]
    burdens = answers["burdens"]
    assert "1 of 2 districts: patrols_over_crime[district 1] above: 2.00×" in burdens
    assert "patrols_over_crime[migrant enclave] above: 4.00× (95% interval 2.50× or more)" \
        in burdens
    assert "patrols_over_crime[district 0] above" not in burdens
    assert "patrol_share_growth[district 1] above" in burdens
    assert "recorded_hit_rate_over_true above: 1.50×" in answers["knowable"]
    assert "recorded_over_true_crime[district 1] above" in answers["knowable"]


def test_growth_is_not_called_runaway_when_crime_grew_too():
    answers = city_answers(result(**{
        "patrol_share_growth[district 1]": (1.4, 1.1, 1.8),
        "crime_share_growth[district 1]": (1.4, 1.1, 1.8),
    }))
    assert "not shown to have grown" not in answers["burdens"]


def test_the_red_list_question_says_none_applies():
    assert city_answers(result())["hides"].startswith("None applies")


def test_records_flatter_the_patrols_when_only_patrols_discover():
    g = grid(4, 2)
    rng = np.random.default_rng(0)
    days, cells = 40, g.n_cells
    true = rng.poisson(2.0, (days, cells)).astype(float)
    patrolled = np.zeros((days, cells), bool)
    patrolled[:, :4] = True
    reported = np.floor(true / 2)
    discovered = np.where(patrolled, true - reported, 0.0)
    run = PatrolRun(PatrolConfig(g, np.ones(cells), k=4), 0, true, reported, discovered,
                    patrolled)
    f = records_over_truth([run], replicates=300)
    assert f.verdict.decision.value == "above"
    share = lambda c: (c * patrolled).sum() / c.sum()  # noqa: E731
    assert f.interval.estimate == pytest.approx(share(reported + discovered) / share(true))


def test_random_patrols_are_said():
    r = result()
    assert "the predictor's 5 of 64 cells" in city_answers(r)["works"]
    r["settings"]["random_share"] = 0.25
    assert "5 of 64 cells (25% of them drawn at random)" in city_answers(r)["works"]
