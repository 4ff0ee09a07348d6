"""The menu: every template's card round-trips through its form, invalid blanks get the scenario
loader's own message beside the field, a changed blank keeps the answer before it, Save writes
a scenario that loads back unchanged, and the app refuses requests from elsewhere."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from custodiet.errors import UserError
from custodiet.scenario import parse_scenario
from custodiet.workbench import _engine as engine
from custodiet.workbench._app import CSP, Workbench, create_app
from custodiet.workbench._form import field_of, rule_from_form, sections
from tests.test_workbench_engine import fresh_bench, small_city


def form_of(card, lists, scorers) -> list[tuple[str, str]]:
    """What a browser submits for a card as rendered (checkboxes: the checked ones)."""
    pairs = [("name", card.values["name"])]
    for section in sections(card.template, card.values, lists=lists, scorers=scorers):
        for f in section.fields:
            if f.kind == "checkboxes":
                pairs += [(f.name, v) for v in (f.value or [])]
            elif f.kind == "hours":
                pair = f.value or ["", ""]
                pairs += [("hours_from", str(pair[0])), ("hours_to", str(pair[1]))]
            elif f.kind == "checkbox":
                if f.value:
                    pairs.append((f.name, "on"))
            else:
                pairs.append((f.name, "" if f.value is None else str(f.value)))
    return pairs


def test_every_template_round_trips_through_its_form() -> None:
    from custodiet.workbench._bench import Card

    base = engine.load("default")
    lists = [x.name for x in base.lists]
    scorers = [s.name for s in base.scorers]
    rules = [r.model_dump(mode="json") for r in base.rules]
    used = {r["template"] for r in rules}
    # a rule of each template the scenario does not use, at the template's defaults, and one
    # with hours and weekdays set
    rules += [{"template": t, "name": f"extra_{t}", "detects": ["burglary"]}
              for t in engine.TEMPLATES if t not in used]
    rules.append({"template": "dwell", "name": "nightly", "detects": ["pickpocket"],
                  "hours": [22, 6], "weekdays": [5, 6]})
    full = engine.compose(base, rules)
    assert {r.template for r in full.rules} == set(engine.TEMPLATES)
    for i, rule in enumerate(full.rules):
        card = Card(rule.template, rule, rule.model_dump(mode="json"))
        data, attributes = rule_from_form(rule.template, form_of(card, lists, scorers))
        assert attributes == []
        again = engine.compose(base, [data if j == i else r.model_dump(mode="json")
                                      for j, r in enumerate(full.rules)])
        assert again.rules[i] == rule, rule.name


def _loader_message(toml_rule: str) -> UserError:
    text = f"""[[lists]]
name = "drug_users"
attributes = ["drug_use"]

[[rules]]
name = "r"
template = "gathering"
detects = ["drug_deal"]
lists = ["drug_users"]
{toml_rule}
"""
    with pytest.raises(UserError) as err:
        parse_scenario(text, source="x.toml")
    return err.value


@pytest.mark.parametrize(("blank", "typed", "toml"), [
    ("k", "1", "k = 1"),
    ("radius_m", "-5", "radius_m = -5.0"),
    ("window_minutes", "soon", 'window_minutes = "soon"'),
])
def test_an_invalid_blank_gets_the_loaders_message_beside_it(blank, typed, toml) -> None:
    bench = fresh_bench()
    index = next(i for i, c in enumerate(bench.cards) if c.template == "gathering")
    card = bench.cards[index]
    before = card.rule
    pairs = [(k, typed if k == blank else v)
             for k, v in form_of(card, bench.list_names, bench.scorer_names)]
    edited = bench.edit(index, pairs)
    expected = _loader_message(toml)
    assert expected.field.endswith(blank)
    assert edited.errors == {blank: expected.message}
    assert edited.rule == before  # the last valid rule is kept
    assert edited.values[blank] == typed  # and what was typed stays in the field


def test_bad_hours_get_the_loaders_message_beside_them() -> None:
    bench = fresh_bench()
    card = bench.cards[0]
    pairs = [(k, v) for k, v in form_of(card, bench.list_names, bench.scorer_names)
             if not k.startswith("hours_")] + [("hours_from", "3"), ("hours_to", "3")]
    edited = bench.edit(0, pairs)
    assert edited.errors == {"hours": "hours [from, to) must differ (use [0, 24] for the "
                                      "whole day)"}
    pairs[-1] = ("hours_to", "25")
    assert bench.edit(0, pairs).errors == {"hours": "Input should be less than or equal to 24"}


def test_an_unknown_list_is_named_on_the_lists_field() -> None:
    bench = fresh_bench()
    card = bench.cards[0]
    pairs = [*form_of(card, bench.list_names, bench.scorer_names), ("lists", "petitionrs")]
    edited = bench.edit(0, pairs)
    assert "lists" in edited.errors
    assert "did you mean 'petitioners'" in edited.errors["lists"]


def test_field_of_maps_loader_locations() -> None:
    assert field_of("rules[3].k", 3) == "k"
    assert field_of("rules.3.k", 3) == "k"
    assert field_of("lists[9].attributes", 3) == "new_list"
    assert field_of("rules[2].k", 3) == ""
    assert field_of(None, 0) == ""


def test_changing_a_blank_keeps_the_answer_before() -> None:
    bench = fresh_bench()
    index = next(i for i, c in enumerate(bench.cards) if c.rule.name == "power_above_own_normal")
    bench.answer(index)
    first = bench.cards[index].answer
    pairs = [(k, "4.0" if k == "factor" else v) for k, v in
             form_of(bench.cards[index], bench.list_names, bench.scorer_names)]
    card = bench.edit(index, pairs)
    assert card.changed == [("factor", 2.0, 4.0)]
    assert card.before is first
    assert card.answer["metrics"]["alerts"] <= first["metrics"]["alerts"]
    assert card.answer["metrics"]["alerts"] < first["metrics"]["alerts"], \
        "a factor of 4 should raise fewer alerts than 2 on this city"
    # the same values again: nothing changed, nothing recomputed
    again = bench.edit(index, pairs)
    assert again.answer is card.answer


def test_saved_rules_load_back_unchanged(tmp_path) -> None:
    bench = fresh_bench()
    index = next(i for i, c in enumerate(bench.cards) if c.template == "gathering")
    pairs = [(k, "3" if k == "k" else v) for k, v in
             form_of(bench.cards[index], bench.list_names, bench.scorer_names)]
    pairs.append(("new_list", "hiv"))
    bench.edit(index, pairs)
    text = bench.toml()
    loaded = parse_scenario(text, source="saved.toml")
    assert loaded == bench.scenario
    assert loaded.rules[index].k == 3
    assert loaded.response.enabled  # the scenario's own police response, not the city's
    assert loaded.world.people == 3000


def open_tab(c: TestClient, wb: Workbench):
    """A new tab as a browser opens one: the bare address sends it to a tab of its own."""
    first = c.get("/", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/?s=")
    tab_id = first.headers["location"].removeprefix("/?s=")
    return tab_id, wb.tabs.get(tab_id)


class _Client:
    """A test client at one tab: paths get the tab's ``?s=ID``, ``wb.bench`` is its bench."""

    def __init__(self, c: TestClient, wb: Workbench):
        self.c, self.wb = c, wb
        self.tab_id, self.tab = open_tab(c, wb)

    def url(self, path: str) -> str:
        return f"{path}{'&' if '?' in path else '?'}s={self.tab_id}"

    def get(self, path: str, **kw):
        return self.c.get(self.url(path), **kw)

    def post(self, path: str, **kw):
        return self.c.post(self.url(path), **kw)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("app")
    _, _, cache = small_city()
    bench = fresh_bench()
    bench.source = engine.load_with_source("default")[1]  # as the workbench opens it
    bench.answer_all()
    wb = Workbench(bench, save_dir=tmp / "saved", study_dir=cache / "studies")
    with TestClient(create_app(wb), base_url="http://127.0.0.1:8765") as c:
        yield c, wb


@pytest.fixture(scope="module")
def client(app):
    c, wb = app
    yield _Client(c, wb), wb


def test_page_has_a_strict_policy_and_labels(client) -> None:
    c, _ = client
    page = c.get("/")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CSP
    assert "'unsafe-inline'" not in CSP and "default-src 'none'" in CSP
    html = page.text
    assert "<script src=\"/static/workbench.js\"" in html and "<script>" not in html
    assert html.count('aria-live="polite"') == len(c.tab.bench.cards)
    assert 'for="c0-name"' in html and "<legend>Blacklist type</legend>" in html
    assert c.get("/static/workbench.js").status_code == 200


def test_requests_from_elsewhere_are_refused(client) -> None:
    c, _ = client
    assert c.get("/", headers={"host": "evil.example"}).status_code == 403
    refused = c.post("/save", data={"filename": "x.toml"},
                     headers={"origin": "http://evil.example"})
    assert refused.status_code == 403


def test_a_fetched_edit_returns_the_card_with_the_message(client) -> None:
    c, _ = client
    card = c.tab.bench.cards[0]
    pairs = [(k, "0" if k == "min_level" else v)
             for k, v in form_of(card, c.tab.bench.list_names, c.tab.bench.scorer_names)]
    response = c.post("/card/0", content=urlencode(pairs),
                      headers={"x-requested-with": "fetch",
                               "content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Input should be greater than or equal to 1" in response.text
    assert 'aria-invalid="true"' in response.text


def test_save_writes_a_file_and_refuses_odd_names(client) -> None:
    c, wb = client
    assert c.post("/save", data={"filename": "../x.toml"}).status_code == 400
    ok = c.post("/save", data={"filename": "mine.toml"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == c.url("/") + "#saved"
    text = (wb.save_dir / "mine.toml").read_text()
    saved = parse_scenario(text)
    source = c.tab.bench.source
    assert [x for x in source.splitlines() if x.startswith("#")] == \
        [x for x in text.splitlines() if x.startswith("#")][2:]  # the file's own comments
    assert saved.name == "mine"  # named after its file, never the built-in it started from
    assert saved == c.tab.bench.scenario.model_copy(update={"name": "mine"})


def test_without_the_script_an_edit_comes_back_to_the_page(client) -> None:
    c, _ = client
    card = c.tab.bench.cards[1]
    pairs = form_of(card, c.tab.bench.list_names, c.tab.bench.scorer_names)
    response = c.post("/card/1", content=urlencode(pairs), follow_redirects=False,
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 303
    assert response.headers["location"] == c.url("/") + "#card-1"


def test_save_never_replaces_a_foreign_file_nor_follows_a_planted_link(client) -> None:
    """Save used to overwrite any .toml in its folder, write through a link planted at its
    temporary name, and accept a name with a trailing newline."""
    c, wb = client
    wb.save_dir.mkdir(parents=True, exist_ok=True)
    theirs = wb.save_dir / "theirs.toml"
    theirs.write_text("# someone's scenario\n")
    target = wb.save_dir.parent / "outside.txt"
    target.write_text("untouched\n")
    (wb.save_dir / ".toml.tmp").symlink_to(target)
    (wb.save_dir / "own.toml.tmp").symlink_to(target)
    assert c.post("/save", data={"filename": "theirs.toml"}).status_code == 400
    assert theirs.read_text() == "# someone's scenario\n"
    assert c.post("/save", data={"filename": "own.toml\n"}).status_code == 400
    for _ in range(2):  # saving again over its own file is allowed
        ok = c.post("/save", data={"filename": "own.toml"}, follow_redirects=False)
        assert ok.status_code == 303
    assert target.read_text() == "untouched\n"
    assert parse_scenario((wb.save_dir / "own.toml").read_text()) == \
        c.tab.bench.scenario.model_copy(update={"name": "own"})


def test_a_huge_post_is_refused_without_reading_it(client) -> None:
    """A 200 MB post was read whole (the server grew from 237 MB to 1.68 GB)."""
    c, _ = client
    big = c.post("/save", content=b"filename=" + b"x" * 2_000_000,
                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413
    assert c.get("/").status_code == 200


def test_names_become_paths_only_through_the_path_name_rule(tmp_path) -> None:
    """A scenario named "../../x" kept its cached city outside --cache; "My Study" broke the
    study's file name."""
    from custodiet.store import is_path_name, path_name

    sc = fresh_bench().scenario.model_copy(update={"name": "../../x"})
    path = engine.cache_path(sc, tmp_path / "cache")
    assert path.parent == tmp_path / "cache"
    for name in ("../../x", "My Study", "a\nb", "\x1b[31m", "", "." * 3, "é" * 200):
        assert is_path_name(path_name(name))


def test_the_answer_says_what_it_is_for_while_a_field_is_invalid() -> None:
    from custodiet.workbench._app import environment

    bench = fresh_bench()
    index = next(i for i, c in enumerate(bench.cards) if c.template == "gathering")
    bench.answer(index)
    card = bench.cards[index]
    k = card.rule.k
    form = form_of(card, bench.list_names, bench.scorer_names)
    edited = bench.edit(index, [(n, "1" if n == "k" else v) for n, v in form])
    note = (f"The answer below is for k = {k}, the last valid value, not for what the field "
            "now holds.")
    assert edited.stale == note
    html = environment().get_template("_answer.html").render(card=edited, i=index)
    assert f'<p class="stale" data-stale>{note}</p>' in html
    assert bench.edit(index, form).stale == ""  # a valid value again: the answer is for it


def test_help_texts_show_no_markup() -> None:
    from custodiet.workbench._form import plain

    assert plain("a blank for *when*; ``[from, to)``; 2 * 3") == \
        "a blank for when; [from, to); 2 * 3"
    bench = fresh_bench()
    for card in bench.cards:
        for section in sections(card.template, card.values, lists=bench.list_names,
                                scorers=bench.scorer_names):
            for f in section.fields:
                assert "``" not in f.help and "*when*" not in f.help, f.name


def test_reset_starts_again_from_the_scenarios_rules(client) -> None:
    c, wb = client
    from custodiet.workbench._bench import Card

    rule = c.tab.bench.cards[0].rule  # its last valid rule (an earlier test left a typo typed)
    base = c.tab.bench.base
    card = Card(c.tab.bench.cards[0].template, rule, rule.model_dump(mode="json"))
    form = form_of(card, c.tab.bench.list_names, c.tab.bench.scorer_names)
    edited = c.tab.bench.edit(0, [(k, "edited_rule" if k == "name" else v) for k, v in form])
    assert not edited.errors, edited.errors
    assert c.tab.bench.scenario != base
    page = c.get("/")
    assert f'action="/reset?s={c.tab_id}"' in page.text
    done = c.post("/reset", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == c.url("/")
    bench = c.tab.bench
    assert bench.scenario == base
    assert [k.rule for k in bench.cards] == list(base.rules)
    assert all(k.answer is not None and not k.errors for k in bench.cards)
    assert [k.answer for k in bench.cards] == [k.answer for k in wb.origin.cards]


def _edit(c: _Client, index: int, blank: str, value: str) -> None:
    """Post card ``index`` of ``c``'s tab with ``blank`` set to ``value``, as the page does."""
    bench = c.tab.bench
    pairs = [(k, value if k == blank else v)
             for k, v in form_of(bench.cards[index], bench.list_names, bench.scorer_names)]
    done = c.post(f"/card/{index}", content=urlencode(pairs), follow_redirects=False,
                  headers={"content-type": "application/x-www-form-urlencoded"})
    assert done.status_code == 303, done.text[-500:]
    assert not bench.cards[index].errors, bench.cards[index].errors


def test_two_tabs_editing_different_blanks_do_not_see_each_others_edits(app) -> None:
    """Every tab and every reload used to share one bench."""
    c, wb = app
    one, two = _Client(c, wb), _Client(c, wb)
    assert one.tab_id != two.tab_id and one.tab is not two.tab
    cards = wb.origin.cards
    g = next(i for i, k in enumerate(cards) if k.template == "gathering")
    p = next(i for i, k in enumerate(cards) if k.template == "anomaly")
    k0, f0 = cards[g].rule.k, cards[p].rule.factor
    _edit(one, g, "k", str(k0 + 1))
    _edit(two, p, "factor", str(f0 * 2))
    assert (one.tab.bench.cards[g].rule.k, one.tab.bench.cards[p].rule.factor) == (k0 + 1, f0)
    assert (two.tab.bench.cards[g].rule.k, two.tab.bench.cards[p].rule.factor) == (k0, f0 * 2)
    assert (cards[g].rule.k, cards[p].rule.factor) == (k0, f0)  # the start, untouched
    # what each tab's page shows (a reload of the same address keeps the tab's edits)
    k_field = f'id="c{g}-k" name="k"'
    page_one, page_two = one.get("/").text, two.get("/").text
    assert re.search(k_field + r'[^>]*value="' + str(k0 + 1) + '"', page_one)
    assert re.search(k_field + r'[^>]*value="' + str(k0) + '"', page_two)
    assert one.tab.bench.cards[p].changed == [] and two.tab.bench.cards[g].changed == []
    # each saves its own rules, and may not replace the file the other saved
    assert one.post("/save", data={"filename": "tab-one.toml"},
                    follow_redirects=False).status_code == 303
    assert two.post("/save", data={"filename": "tab-one.toml"}).status_code == 400
    saved = parse_scenario((wb.save_dir / "tab-one.toml").read_text())
    assert saved.rules[g].k == k0 + 1 and saved.rules[p].factor == f0


def test_tabs_held_and_rules_per_tab_are_bounded(tmp_path) -> None:
    """A client opening tabs or adding rules cannot grow the server without bound; a tab no
    longer held comes back as a fresh tab that says so, its edit not applied."""
    from custodiet.workbench._tabs import MAX_CARDS

    bench = fresh_bench()
    bench.answer_all()
    wb = Workbench(bench, save_dir=tmp_path / "saved", study_dir=tmp_path / "studies",
                   max_tabs=3)
    with TestClient(create_app(wb), base_url="http://127.0.0.1:8765") as c:
        first = _Client(c, wb)
        for _ in range(5):
            _Client(c, wb)
        assert len(wb.tabs) == 3 and wb.tabs.get(first.tab_id) is None
        lost = first.post("/reset", follow_redirects=False)
        assert lost.status_code == 303 and first.tab_id not in lost.headers["location"]
        page = c.get(lost.headers["location"])
        assert 'id="lost"' in page.text and "keeps the 3 tabs used last" in page.text
        assert c.get("/?s=../../etc", follow_redirects=False).status_code == 303
        tab = _Client(c, wb)
        tab.tab.bench.cards = tab.tab.bench.cards * (MAX_CARDS // len(bench.cards) + 1)
        refused = tab.post("/add", data={"template": "gathering"})
        assert refused.status_code == 400 and f"at most {MAX_CARDS} rules" in refused.text


def test_a_copy_of_a_tab_holds_its_rules_under_an_id_of_its_own(app) -> None:
    """What a duplicated browser tab asks for (/copy) when the tab it copies is still open."""
    c, wb = app
    one = _Client(c, wb)
    g = next(i for i, k in enumerate(wb.origin.cards) if k.template == "gathering")
    k0 = wb.origin.cards[g].rule.k
    _edit(one, g, "k", str(k0 + 1))
    assert one.post("/save", data={"filename": "copied-from.toml"},
                    follow_redirects=False).status_code == 303
    moved = one.get("/copy", follow_redirects=False)
    assert moved.status_code == 303
    copy_id = moved.headers["location"].removeprefix("/?s=")
    copy = wb.tabs.get(copy_id)
    assert copy_id != one.tab_id and copy is not None and copy.bench is not one.tab.bench
    assert copy.bench.cards[g].rule.k == k0 + 1  # the rules as they were in the tab copied
    assert copy.bench.cards[g].answer == one.tab.bench.cards[g].answer
    assert copy.saved is None and copy.study is None  # its Save may not replace the file
    two = _Client(c, wb)
    two.tab_id, two.tab = copy_id, copy
    _edit(two, g, "k", str(k0 + 2))
    assert one.tab.bench.cards[g].rule.k == k0 + 1
    lost = c.get("/copy?s=" + "y" * 22, follow_redirects=False)  # a tab no longer held
    assert lost.status_code == 303 and wb.tabs.get(
        lost.headers["location"].removeprefix("/?s=")).lost
