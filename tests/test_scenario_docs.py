"""Every world parameter documents its source, and the parameter reference is up to date."""

from __future__ import annotations

from pathlib import Path

from custodiet.scenario._docs import parameter_markdown, parameter_rows
from custodiet.scenario._world import WorldConfig

#: Sizes and layout choices of a run, not empirical claims: no source to cite.
_STRUCTURAL = {"world.people", "world.days", "world.start_date",
               "world.geography.districts_per_side", "world.geography.out_of_town_destinations"}


def test_every_empirical_default_cites_a_source_or_says_assumption() -> None:
    for name, _default, text in parameter_rows(WorldConfig, "world."):
        assert text, f"{name} has no description"
        if name in _STRUCTURAL:
            continue
        cited = any(word in text.lower() for word in ("assumption", "census", "20", "19"))
        assert cited, f"{name}: neither a source nor 'assumption': {text!r}"


def test_parameter_reference_matches_the_models() -> None:
    path = Path(__file__).resolve().parents[1] / "docs" / "world-parameters.md"
    expected = parameter_markdown(WorldConfig, title="World parameters", prefix="world.")
    assert path.read_text() == expected, "regenerate: python -m custodiet.scenario.params"
