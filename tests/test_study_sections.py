"""Every registered pooled section, run unasked: on an empty study, one seed, several seeds
and a seed whose optional parts are missing, it pools to its declared type, names figures
that are in the registry and a question the report asks, serialises to plain JSON and reads
back unchanged; the whole study's metrics round-trip through ``from_dict``."""

from __future__ import annotations

import dataclasses
import json
import typing

import pytest

from custodiet.audit.sim import (
    ALL_RULES,
    QUESTIONS,
    REGISTRY,
    SECTION_MODULES,
    SECTIONS,
    WORKS,
    CategoryBurden,
    Lift,
    RuleFigures,
    SectionModule,
    StudyInfo,
    StudyMetrics,
    SystemFigures,
    Workload,
    WorkloadCategory,
    pool_study,
)
from custodiet.audit.sim._sections import Row
from tests.test_study_results import hand_built


def _rule(name: str, alerts: int, true: int) -> RuleFigures:
    return RuleFigures(alerts=alerts, alerts_per_day=alerts / 5, suppressed=1, true_alerts=true,
                       precision=true / alerts if alerts else None, persons_flagged=alerts,
                       innocents_flagged=alerts - true,
                       innocents_per_true_alert=(alerts - true) / true if true else None,
                       innocents_per_day=(alerts - true) / 5, guilty_named_share=None,
                       lawful_alerts=0, lawful_share=0.0 if alerts else None,
                       status_alerts=0, status_precision=None,
                       status_persons_flagged=0, rule=name)


def _seed(seed: int, scale: int) -> object:
    rules = [_rule("a", 10 * scale, scale), _rule("b", 0, 0)]
    return hand_built(
        seed=seed, rules=rules,
        lift=[Lift("a", 10 * scale, 0.1, 20, 0.05, 2.0, None, None, None),
              Lift("b", 0, None, 0, None, None, None, None, None)],
        systems=[SystemFigures(**{k: v for k, v in dataclasses.asdict(
            _rule("x", 10 * scale, scale)).items() if k != "rule"}, system="s",
            rules=["a", "b"])],
        sections={"workload": Workload(5, 1, 5, 8 * scale, 6 * scale, 0.75, 2.5,
                                       [WorkloadCategory("c", 8 * scale, 6 * scale, 0.75,
                                                         2.5)])},
        burden_by_system=[CategoryBurden(ALL_RULES, "foreign", 20, 4 * scale, 980, 30),
                          CategoryBurden("s", "foreign", 20, 3 * scale, 980, 0)])


STUDIES = {
    "empty": [],
    "one seed": [_seed(1, 1)],
    "several seeds": [_seed(1, 1), _seed(2, 3), _seed(3, 2)],
    "optional parts missing": [hand_built(seed=5, lists=None, redlist=None, twins=None,
                                          list_days_per_person=None)],
}


def _hints() -> dict[str, object]:
    return typing.get_type_hints(StudyMetrics)


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.key)
def test_section_declares_a_field_a_question_and_registered_figures(section) -> None:
    assert section.key in _hints(), section.key
    assert section.question in QUESTIONS
    assert set(section.figures) <= set(REGISTRY)
    assert section.doc


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.key)
@pytest.mark.parametrize("study", STUDIES, ids=str)
def test_section_pools_serialises_and_reads_back(section, study) -> None:
    pooled = section.pool(STUDIES[study])
    metrics = StudyMetrics(StudyInfo("t"), **{section.key: pooled})
    part = json.loads(json.dumps(metrics.to_dict()))[section.key]  # plain JSON
    again = StudyMetrics.from_dict({"scenario": {"name": "t"}, section.key: part})
    assert getattr(again, section.key) == pooled


@pytest.mark.parametrize("study", STUDIES, ids=str)
def test_the_whole_study_round_trips(study) -> None:
    audits = STUDIES[study]
    m = pool_study(StudyInfo("t", seeds=[a.seed for a in audits]), audits, groups={}, runs={})
    data = json.loads(json.dumps(m.to_dict()))
    assert StudyMetrics.from_dict(data) == m
    modules = {s.key for s in SECTION_MODULES}
    assert set(data) - modules == set(_hints()) - {"feedback_sweep", "seconds", "sections"}
    assert set(data) & modules == set(m.sections)  # a section is absent when not computed


def test_pooled_rules_add_up_over_seeds() -> None:
    m = pool_study(StudyInfo("t"), STUDIES["several seeds"], groups={}, runs={})
    a = next(r for r in m.rules if r.rule == "a")
    assert (a.alerts, a.true_alerts) == (60, 6) and a.precision == pytest.approx(0.1)
    assert a.chance_precision == pytest.approx(0.05) and a.lift == pytest.approx(2.0)
    assert m.workload is not None and m.workload.candidates == 48
    assert [s.system for s in m.systems] == ["s"] and m.systems[0].alerts == 60
    assert m.redlist is not None and m.redlist.redlisted_persons == 3 * 23


def test_an_unknown_part_is_refused() -> None:
    with pytest.raises(TypeError, match="surplus"):
        StudyMetrics.from_dict({"scenario": {"name": "t"}, "surplus": 1})


def test_every_section_has_a_view_under_a_question() -> None:
    from custodiet.report._study_views import VIEWS

    assert {v.key for v in VIEWS} == {s.key for s in SECTIONS}
    assert all(v.question in QUESTIONS for v in VIEWS)


@pytest.mark.parametrize("study", STUDIES, ids=str)
def test_every_view_renders_every_study(study) -> None:
    from custodiet.report import Report
    from custodiet.report._study_views import VIEWS

    audits = STUDIES[study]
    m = pool_study(StudyInfo("t", seeds=[a.seed for a in audits], days=5), audits,
                   groups={}, runs={})
    first = audits[0] if audits else hand_built()
    report = Report("t")
    for view in VIEWS:
        view.render(report.section(view.key), m, first, None)
    if study == "several seeds":  # the rules' and the systems' tables are there
        tables = [b for sec in report.sections for b in sec.blocks if hasattr(b, "rows")]
        assert any(r[0] == "a" and r[1] == "60" for t in tables for r in t.rows)


def test_compare_reads_metrics_json_typed_and_refuses_another_shape(tmp_path) -> None:
    from custodiet.cli._compare import load_metrics
    from custodiet.errors import UserError

    m = pool_study(StudyInfo("t", seeds=[1]), STUDIES["one seed"], groups={}, runs={})
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    (good / "metrics.json").write_text(json.dumps(m.to_dict()))
    assert load_metrics(str(good)) == m
    (bad / "metrics.json").write_text(json.dumps({**m.to_dict(), "surplus": 1}))
    with pytest.raises(UserError, match="shape"):
        load_metrics(str(bad))


@pytest.mark.parametrize("section", SECTION_MODULES, ids=lambda s: s.key)
def test_each_section_module_declares_a_new_key_and_a_question(section) -> None:
    assert section.key not in _hints() and section.key not in {s.key for s in SECTIONS}
    assert section.question in QUESTIONS and section.doc
    for study in STUDIES.values():
        pooled = section.pool([None for _ in study])  # seeds that did not compute it
        assert pooled is None or isinstance(pooled, section.pooled)


@dataclasses.dataclass(frozen=True)
class _Count(Row):
    alerts: int


@dataclasses.dataclass(frozen=True)
class _Total(Row):
    alerts: int
    seeds: int


def _toy() -> SectionModule:
    """A section written as one module: each seed's alert count, summed over the seeds."""
    def pool(rows):
        got = [r for r in rows if r is not None]
        return _Total(sum(r.alerts for r in got), len(got)) if got else None

    def render(sec, pooled) -> None:
        sec.facts([("toy alerts", "not computed" if pooled is None else pooled.alerts)])
    return SectionModule("toy", WORKS, "each seed's alerts, summed", lambda runs, sc, seed:
                         _Count(runs.watch.execute("SELECT count(*) FROM alerts").fetchone()[0]),
                         pool, _Total, render)


def test_a_section_module_is_computed_pooled_written_read_back_and_rendered(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Registered as one module and nothing else, a section reaches each seed's audit and
    metrics, the study's metrics.json (at its top level) and back, and the report."""
    from custodiet.audit.sim import _registry, _study_metrics
    from custodiet.engine import connect
    from custodiet.report import Report, _study_views

    toy = _toy()
    for module in (_registry, _study_metrics, _study_views):
        monkeypatch.setattr(module, "SECTION_MODULES", (toy,))
    monkeypatch.setattr(_registry, "_audit_sections", lambda runs, sc, seed: hand_built(seed=seed))
    audits = []
    for seed, alerts in ((1, 3), (2, 4)):
        con = connect()
        con.execute(f"CREATE TABLE alerts AS SELECT range AS alert_id FROM range({alerts})")
        audits.append(_registry.audit_seed({"watch": con}, None, seed=seed))
    assert audits[1].sections == {"toy": _Count(4)} and audits[1].metrics["toy"] == {"alerts": 4}
    m = pool_study(StudyInfo("t", seeds=[1, 2]), audits, groups={}, runs={})
    assert m.sections == {"toy": _Total(7, 2)}
    data = json.loads(json.dumps(m.to_dict()))
    assert data["toy"] == {"alerts": 7, "seeds": 2} and "sections" not in data
    assert StudyMetrics.from_dict(data) == m
    report = Report("t")
    sec = report.section(WORKS)
    _study_views.render_views(sec, WORKS, m, audits[0], None)
    assert any("toy alerts" in b and "<dd>7</dd>" in b for b in sec.blocks if isinstance(b, str))


def test_a_workload_category_nobody_answered_says_so_instead_of_undefined() -> None:
    """The mean delay of a category with no alert answered has no value: the table says
    "none answered", never "undefined"."""
    from custodiet.audit.sim import CategoryWorkload, PooledWorkload
    from custodiet.audit.sim._section_modules.workload import SECTION
    from custodiet.report import Report

    w = PooledWorkload(candidates=17, answered=4, answered_share=4 / 17, unanswered=13,
                       mean_delay_hours=2.5, capacity_per_day=10, days_at_capacity=7, days=7,
                       by_category=[
                           CategoryWorkload(10, 4, 0.4, 6, 2.5, category="crime"),
                           CategoryWorkload(7, 0, 0.0, 7, None, category="social")])
    sec = Report("t").section("workload")
    SECTION.render(sec, w)
    html = sec.render()
    assert "none answered" in html and "undefined" not in html
    assert "2.5" in html
