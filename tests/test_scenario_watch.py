"""The watch part of a scenario: valid files load, bad rule fields are named with file:line."""

from __future__ import annotations

import pytest

from custodiet.errors import UserError
from custodiet.scenario import parse_scenario
from custodiet.scenario._watch import Gathering, Near

BASE = """\
name = "t"

[[lists]]
name = "drug"
attributes = ["drug_use"]

[[rules]]
name = "hotel"
template = "gathering"
detects = ["drug_deal"]
lists = ["drug"]
k = 2

[[rules]]
name = "school"
template = "near"
detects = ["burglary"]
radius_m = 300
"""


def _error(text: str) -> str:
    with pytest.raises(UserError) as info:
        parse_scenario(text, source="s.toml")
    return info.value.format()


def test_valid_rules_parse_into_their_template() -> None:
    scenario = parse_scenario(BASE)
    assert isinstance(scenario.rules[0], Gathering)
    assert isinstance(scenario.rules[1], Near)
    assert scenario.rules[1].radius_m == 300


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("radius_m = 300", "radius = 300",
         "s.toml:18: rules[1].radius: unknown field; did you mean 'radius_m'?"),
        ("radius_m = 300", "radius_m = -1",
         "s.toml:18: rules[1].radius_m: Input should be greater than or equal to 0"),
        ('template = "near"', 'template = "nera"',
         "s.toml:16: rules[1].template: unknown template 'nera'; did you mean 'near'?"),
        ('detects = ["burglary"]', 'detects = ["burglar"]',
         "s.toml:17: rules[1].detects[0]: unknown value 'burglar'; did you mean 'burglary'?"),
        ('lists = ["drug"]', 'lists = ["drugs"]',
         "s.toml:11: rules[0].lists: unknown list 'drugs'; did you mean 'drug'?"),
        ('attributes = ["drug_use"]', 'attributes = ["drug_us"]',
         "s.toml:5: lists[0].attributes: unknown attribute 'drug_us'; did you mean 'drug_use'?"),
        ('name = "school"', 'name = "hotel"', "s.toml:15: rules[1].name: duplicate name 'hotel'"),
        ("k = 2", "k = 1", "s.toml:12: rules[0].k: Input should be greater than or equal to 2"),
    ],
)
def test_bad_rule_fields_name_file_line_field_and_suggest(old: str, new: str,
                                                          expected: str) -> None:
    assert old in BASE
    assert _error(BASE.replace(old, new)) == expected


def test_a_rule_must_declare_what_it_detects() -> None:
    assert _error(BASE.replace('detects = ["burglary"]\n', "")).startswith(
        "s.toml:14: rules[1].detects: Field required")


def test_unknown_scorer_and_feature() -> None:
    text = BASE + """
[[rules]]
name = "risk"
template = "score"
detects = ["petition_trip"]
scorer = "tianjn"

[[scorers]]
kind = "checklist"
name = "tianjin"
"""
    assert _error(text) == "s.toml:24: rules[2].scorer: unknown scorer 'tianjn'; " \
                           "did you mean 'tianjin'?"
    bad = text.replace('"tianjn"', '"tianjin"') + 'weights = { past_trip = 1.0 }\n'
    assert "scorers[0].weights: unknown feature 'past_trip'; did you mean 'past_trips'?" \
        in _error(bad)
