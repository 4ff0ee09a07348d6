"""Save edits the scenario's own file in place: every comment (a built-in scenario quotes its
sources in them) and the order of its tables survive, and the file loads back to the edited
scenario. (Written with tomli_w, a saved built-in scenario lost all 57 comment lines.)"""

from __future__ import annotations

import pytest

from custodiet.scenario import parse_scenario
from custodiet.workbench import _engine as engine
from custodiet.workbench._scenarios import scenario_toml


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def _edited(name: str) -> tuple[engine.Scenario, str]:
    """``name`` at another size, one blank of its first gathering rule changed, a rule added
    and a new list: the kinds of change the workbench makes."""
    base, source = engine.load_with_source(name)
    assert source is not None
    rules = [r.model_dump(mode="json") for r in base.rules]
    g = next(i for i, r in enumerate(rules) if r["template"] == "gathering")
    rules[g] = {**rules[g], "k": rules[g]["k"] + 2,
                "lists": [*rules[g]["lists"], "added_list"]}
    rules.append({"template": "dwell", "name": "added_rule", "detects": ["pickpocket"],
                  "hours": [22, 6]})
    sc = engine.compose(base, rules, [{"name": "added_list", "attributes": ["drug_use"]}])
    return engine.sized(sc, people=3000, days=4, seed=1).model_copy(
        update={"name": "my-rules"}), source


@pytest.mark.parametrize("name", ["default", "nanning_hotels", "yitu_menu"])
def test_saving_an_edited_builtin_keeps_every_comment(name) -> None:
    scenario, source = _edited(name)
    text = scenario_toml(scenario, "Saved by custodiet workbench.", source)
    kept = _comments(text)
    assert kept[0] == "# Saved by custodiet workbench."
    assert kept[1:] == _comments(source)  # every comment line, in its order
    if name == "default":
        assert len(kept) - 1 == 57
    loaded = parse_scenario(text, source="saved.toml")
    assert loaded == scenario
    assert loaded.name == "my-rules" and loaded.world.people == 3000
    # the tables keep their order: the file's own rules first, the added one last
    names = [r.name for r in loaded.rules]
    assert names[:-1] == [r.name for r in engine.load(name).rules]
    assert names[-1] == "added_rule"
    assert text.index('name = "added_list"') > text.index("[[lists]]")


def test_an_unchanged_scenario_is_its_file_with_the_header() -> None:
    base, source = engine.load_with_source("default")
    assert scenario_toml(base, "", source) == source


def test_without_a_file_the_scenario_is_written_whole() -> None:
    scenario, _ = _edited("default")
    text = scenario_toml(scenario, "header")
    assert parse_scenario(text, source="saved.toml") == scenario
    assert _comments(text) == ["# header"]
