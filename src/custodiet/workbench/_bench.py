"""The workbench's state: the city (simulated once) and one card per rule, each edit answered
by recompiling that one rule and auditing its alerts over the cached days."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from custodiet.workbench import _engine as engine
from custodiet.workbench._answer import rule_answer
from custodiet.workbench._form import field_of, new_list_name, rule_from_form
from custodiet.workbench._hotspots import hotspot_card


@dataclass
class Card:
    """One rule being edited: its last valid rule, the values as typed, errors by field, the
    answer to the last valid rule and, after a change of a blank, the answer before it."""

    template: str
    rule: Any
    values: dict[str, Any]
    new_list: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    answer: dict[str, Any] | None = None
    before: dict[str, Any] | None = None
    changed: list[tuple[str, Any, Any]] = field(default_factory=list)
    seconds: float = 0.0
    answered: int = 0  # answers given so far (the address of the answer's map changes with it)

    @property
    def stale(self) -> str:
        """While a field holds an invalid value, what the answer shown is for instead (the
        last valid value of each such field); empty when the answer is for what is typed."""
        if not self.errors:
            return ""
        valid = self.rule.model_dump(mode="json")
        parts = [f"{k} = {_shown(valid[k])}" for k in self.errors if k in valid]
        return (f"The answer below is for {', '.join(parts) or 'the last valid rule'}, the "
                "last valid value, not for what the field now holds.")


def _shown(value: Any) -> str:
    """A rule's value as the form shows it (a list as [a, b])."""
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _diff(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    return [(k, old.get(k), new.get(k)) for k in new if old.get(k) != new.get(k)]


class Bench:
    """Cards over a :class:`~custodiet.workbench._engine.City`; ``scenario`` is the scenario as
    written (with its police response: what Save writes; the city is its no-response twin).
    ``source`` is the text of the scenario's file, if any (Save edits it in place, keeping
    its comments). Safe to use from several request threads (one answer at a time, across
    every fork: they share the city, whose lists each answer sets)."""

    def __init__(self, city: engine.City, scenario: engine.Scenario | None = None, *,
                 threads: int = 2, limit: int | None = None, source: str | None = None):
        self.city = city
        self.base = scenario or city.scenario
        self.source = source
        self.threads = threads
        self.limit = limit  # the most cards :meth:`add` allows (None: no limit)
        self.lock = threading.RLock()
        self.cards = [Card(r.template, r, r.model_dump(mode="json")) for r in self.base.rules]
        self.scenario = self.base
        self.hotspot = hotspot_card(self.base)  # the [hotspots] predictor's card, if any

    def fork(self, *, limit: int | None = None) -> Bench:
        """Another bench over the same city and lock with a copy of these cards and their
        answers (a browser tab's own; nothing is answered again)."""
        other = copy.copy(self)
        other.cards = copy.deepcopy(self.cards)
        other.hotspot = copy.deepcopy(self.hotspot)
        other.limit = limit
        return other

    # ------------------------------------------------------------------ composition
    def _new_lists(self, cards: Sequence[Card]) -> list[dict[str, Any]]:
        return [{"name": new_list_name(c.rule.name), "attributes": list(c.new_list)}
                for c in cards if c.new_list]

    def compose(self, cards: Sequence[Card]) -> engine.Scenario:
        """The scenario the cards describe (the base with their rules and new lists)."""
        return engine.compose(self.base, [c.rule.model_dump(mode="json") for c in cards],
                              self._new_lists(cards))

    @property
    def list_names(self) -> list[str]:
        """The lists a card may watch: the scenario's own."""
        return [x.name for x in self.base.lists]

    @property
    def scorer_names(self) -> list[str]:
        return [s.name for s in self.base.scorers]

    # ------------------------------------------------------------------ answers
    def answer(self, index: int) -> Card:
        """Compute (or recompute) card ``index``'s answer for its current rule."""
        with self.lock:
            card = self.cards[index]
            started = time.perf_counter()
            self.city.set_lists(self.scenario.lists)
            rule = self.scenario.rules[index]
            alerts = engine.run_alerts(self.city, rule, self.scenario.rules,
                                       threads=self.threads)
            card.answer = rule_answer(self.city, rule, alerts)
            card.answered += 1
            card.seconds = time.perf_counter() - started
            return card

    def answer_all(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Answer every card (at start)."""
        for i in range(len(self.cards)):
            self.answer(i)
            if progress:
                progress(i + 1, len(self.cards))
        if self.hotspot is not None:
            from custodiet.workbench._hotspots import answer

            answer(self)

    def reset(self) -> None:
        """Start again from the scenario's own rules (every edit and added rule dropped), each
        answered again."""
        with self.lock:
            self.cards = [Card(r.template, r, r.model_dump(mode="json"))
                          for r in self.base.rules]
            self.scenario = self.base
        self.answer_all()

    def edit(self, index: int, form: Sequence[tuple[str, str]]) -> Card:
        """Apply a submitted card: validate the whole scenario with the card's rule in it; on
        an error keep the last valid rule and record the loader's message by field; otherwise
        answer the new rule, keeping the previous answer as *before* when a blank changed."""
        with self.lock:
            card = self.cards[index]
            rule, attributes = rule_from_form(card.template, form)
            card.values = {**rule, "new_list": attributes}
            data = [c.rule.model_dump(mode="json") for c in self.cards]
            data[index] = rule
            lists = self._new_lists(self.cards[:index] + self.cards[index + 1:])
            if attributes:
                lists.append({"name": new_list_name(rule["name"]), "attributes": attributes})
            try:
                scenario = engine.compose(self.base, data, lists)
            except engine.UserError as err:
                card.errors = {field_of(err.field, index): err.message}
                return card
            card.errors = {}
            old = card.rule.model_dump(mode="json")
            new_rule = scenario.rules[index]
            changed = _diff({**old, "new_list": card.new_list},
                            {**new_rule.model_dump(mode="json"), "new_list": attributes})
            card.rule, card.new_list = new_rule, attributes
            self.scenario = scenario
            if changed:
                card.before, card.changed = card.answer, changed
                self.answer(index)
            return card

    def add(self, template: str) -> int:
        """A new card of ``template`` with the template's defaults, watching nobody in
        particular until a list is chosen; returns its index."""
        with self.lock:
            models = engine.rule_models()
            if template not in models:
                raise engine.UserError(f"unknown template {template!r}", field="template")
            if self.limit is not None and len(self.cards) >= self.limit:
                raise engine.UserError(f"at most {self.limit} rules at once; start again "
                                       "from the scenario's rules", field="template")
            taken = {c.rule.name for c in self.cards}
            n = 1
            while f"new_{template}_{n}" in taken:
                n += 1
            data: dict[str, Any] = {"template": template, "name": f"new_{template}_{n}",
                                    "detects": ["drug_deal"]}
            if template == "score":
                if not self.scorer_names:
                    raise engine.UserError("the scenario has no scorer", field="template")
                data["scorer"] = self.scorer_names[0]
            rules = [*(c.rule.model_dump(mode="json") for c in self.cards), data]
            scenario = engine.compose(self.base, rules, self._new_lists(self.cards))
            rule = scenario.rules[-1]
            self.cards.append(Card(template, rule, rule.model_dump(mode="json")))
            self.scenario = scenario
            self.answer(len(self.cards) - 1)
            return len(self.cards) - 1

    def toml(self, name: str | None = None) -> str:
        """The cards as a scenario file ``custodiet run`` accepts unchanged; ``name`` (the
        saved file's stem) names the scenario, so a saved file is never taken for the
        built-in scenario it started from."""
        w = self.base.world
        header = (f"Saved by custodiet workbench from scenario {self.base.name!r} "
                  f"({w.people:,} people, {w.days} days, seed {self.base.seed}).\n"
                  "The workbench ran the city without police response; this file keeps the "
                  "scenario's own.")
        scenario = self.scenario if name is None else \
            self.scenario.model_copy(update={"name": name})
        return engine.scenario_toml(scenario, header, self.source)
