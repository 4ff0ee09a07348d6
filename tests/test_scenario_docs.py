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


def test_the_counts_at_the_top_are_the_rows_below() -> None:
    """Each row is sorted into one kind by its text; the counts printed at the top add up to
    the rows, the five sizes and layout choices are the structural ones, and every cited or
    bounded row names what it rests on (a quotation, or a source with its year)."""
    import re

    from custodiet.scenario._docs import source_counts, source_kind

    rows = parameter_rows(WorldConfig, "world.")
    counts = source_counts(WorldConfig, "world.")
    assert sum(counts.values()) == len(rows)
    assert {n for n, _, t in rows if source_kind(t) == "structural"} == _STRUCTURAL
    assert counts["cited"] + counts["bounded"] >= 30
    for name, _default, text in rows:
        if source_kind(text) in ("cited", "bounded"):
            assert '"' in text or re.search(r"\b(19|20)\d\d\b", text), f"{name}: {text!r}"
    head = parameter_markdown(WorldConfig, title="t", prefix="world.").splitlines()[4]
    assert f"{counts['bounded']} bounded" in head and f"{counts['assumed']} assumed" in head
    assert source_kind("A floor. Bounded: at least 3; assumption inside it.") == "bounded"
    assert source_kind("Days simulated (structural: a size).") == "structural"
    assert source_kind("Mean friends: assumption.") == "assumed"
