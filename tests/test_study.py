"""A whole study (``custodiet.run`` / ``custodiet run``): metrics.json, intervals across seeds,
the result object, the run stores of every variant, the feedback sweep, and the compare and
sweep commands; bad arguments are one line, exit 2, nothing written."""

from __future__ import annotations

import json
import math

import pytest

from custodiet.audit.sim import StudyMetrics
from custodiet.cli import main
from custodiet.errors import UserError
from custodiet.report import clean
from tests.conftest import STUDY


def test_metrics_json_is_what_the_result_holds(study) -> None:
    on_disk = json.loads((study.path / "metrics.json").read_text())
    assert on_disk == json.loads(json.dumps(clean(study.metrics.to_dict())))
    assert StudyMetrics.from_dict(on_disk).to_dict() == on_disk  # read back, unchanged
    assert on_disk["scenario"]["seeds"] == [11, 12]
    assert {"headline", "seeds", "groups", "feedback_sweep"} <= set(on_disk)


def test_headline_interval_is_the_t_interval_over_seeds(study) -> None:
    e = study.metrics.headline["alerts"]
    a, b = e.values
    mean = (a + b) / 2
    sd = abs(a - b) / math.sqrt(2)
    assert e.mean == pytest.approx(mean)
    assert e.low == pytest.approx(max(mean - 12.706 * sd / math.sqrt(2), 0.0))
    assert e.high == pytest.approx(mean + 12.706 * sd / math.sqrt(2))
    for entry in study.metrics.headline.values():
        if entry.mean is not None and entry.low is not None:
            assert entry.low <= entry.mean <= entry.high


def test_headline_figures_agree_with_the_stores(study) -> None:
    for i, s in enumerate(study.seeds):
        head = {k: v.values[i] for k, v in study.metrics.headline.items()}
        with study.open("watch", s) as run:
            alerts, suppressed = run.con.execute(
                "SELECT count(*) FILTER (WHERE NOT suppressed_by_redlist), "
                "count(*) FILTER (WHERE suppressed_by_redlist) FROM alerts").fetchone()
            actions = run.con.execute("SELECT count(*) FROM actions").fetchone()[0]
            unlawful = run.con.execute("SELECT count(*) FROM incidents WHERE NOT lawful"
                                       ).fetchone()[0]
        with study.open("no_response", s) as twin:
            twin_unlawful = twin.con.execute("SELECT count(*) FROM incidents WHERE NOT lawful"
                                             ).fetchone()[0]
            assert twin.con.execute("SELECT count(*) FROM actions").fetchone()[0] == 0
        acts = [r.rule for r in study.metrics.null_world.rules if r.aim == "unlawful_act"]
        with study.open("null_world", s) as null:
            null_alerts = null.con.execute("SELECT count(*) FROM alerts WHERE NOT "
                                           "suppressed_by_redlist AND list_contains(?, rule)",
                                           [acts]).fetchone()[0]
        assert head["alerts"] == alerts and head["alerts_suppressed"] == suppressed
        assert head["police_actions"] == actions
        split = study.metrics.seeds[i]["twins"]["interception_by_kind"]
        elsewhere = sum(r["everyone_else"] for r in split if not r["lawful"])
        # parts are shares of incidents, each rounded to 1e-9 (``_split.DIGITS``)
        assert head["incidents_prevented"] + elsewhere == \
            pytest.approx(twin_unlawful - unlawful, abs=1e-6)
        assert head["null_world_alerts"] == null_alerts
        assert head["listed_by_contact_at_end"] <= head["listed_at_end"]


def test_each_seed_audited_beside_the_simulations_is_the_audit_after_them(study) -> None:
    """A study audits each seed's runs on the workers as soon as they are written; pooling
    what ``audit_study`` computes from the finished stores gives the same metrics."""
    from custodiet.study import audit_study
    from custodiet.study._plan import plan_study

    plan = plan_study(study.scenario, study.seeds, STUDY["removal_rates"])
    runs = {spec: study.path / spec.path for spec in plan}
    metrics, _, _ = audit_study(study.scenario, runs, bootstrap=STUDY["bootstrap"])
    seconds = dict(study.metrics.to_dict()["seconds"])
    assert set(seconds) == {"simulate", "audit", "audit_cpu", "report"}
    assert seconds["audit_cpu"] > 0
    pooled = {**metrics.to_dict(), "seconds": seconds}
    assert json.loads(json.dumps(clean(pooled))) == \
        json.loads((study.path / "metrics.json").read_text())


def test_result_object(study) -> None:
    assert study.alerts.num_rows == study.store.table("alerts").num_rows
    assert study.incidents.column_names[:2] == ["incident_id", "kind"]
    table = study.by_group("ethnicity")
    assert {"ethnicity", "flag_rate", "fpr", "contacts", "list_days",
            "contacts_low"} <= set(table.column_names)
    assert study.by_group(["ethnicity", "migrant"]).num_rows >= 2
    with pytest.raises(UserError):
        study.by_group("shoe_size")
    assert study.report.is_file()
    assert set(study.headline) >= {"alerts", "precision", "precision_true"}


def test_every_variant_and_removal_rate_has_a_store(study) -> None:
    for s in study.seeds:
        for name in ("watch", "no_response", "no_redlist", "null_world", "no_system", "removal-0",
                     "removal-0.2"):
            manifest = json.loads((study.run_path(name, s) / "manifest.json").read_text())
            assert manifest["seed"] == s


def test_every_rule_shows_lift_and_the_listed_categories_are_default_groups(study) -> None:
    m = study.metrics
    assert [r.rule for r in m.rules] == sorted(r.name for r in study.scenario.rules)
    for r in m.rules:
        assert r.with_chance and {"lift", "chance_precision", "precision_low",
                                  "precision_high"} <= set(r.to_dict())
        if r.alerts:
            assert r.precision_low <= r.precision <= r.precision_high
    assert {"mental_illness_recorded", "petition_history_recorded", "drug_use_recorded",
            "foreign"} <= set(m.scenario.categories) <= set(m.groups["groupings"])
    assert sum(s.alerts for s in m.systems) == sum(r.alerts for r in m.rules)
    w = m.workload
    assert w.answered == sum(c.answered for c in w.by_category) <= w.candidates
    assert w.answered == sum(h for h in m.headline["police_actions"].values)


def test_everyone_else_part_of_every_twin_difference_is_zero(study) -> None:
    """With per-person common random numbers, people out of reach of what a twin changed live
    the same days: for every kind and seed, interception and deterrence differences among
    everyone else are exactly zero (and the headline's prevented counts leave nothing out)."""
    for seed in study.metrics.seeds:
        twins = seed["twins"]
        for part in ("interception_by_kind", "deterrence_by_kind"):
            assert twins[part], part
            for row in twins[part]:
                assert row["everyone_else"] == 0, (seed["seed"], part, row)
                # two parts, each a sum of shares rounded to 1e-9 (``_split.DIGITS``)
                assert row["other"] - row["base"] == \
                    pytest.approx(row["touched"] + row["spillover"], abs=1e-9 + 1e-12)
    for name in ("prevented_everyone_else", "deterred_everyone_else"):
        assert study.metrics.headline[name].values == [0, 0]


def test_the_null_world_has_nothing_unlawful_and_no_response(study) -> None:
    for s in study.seeds:
        with study.open("null_world", s) as null:
            assert null.con.execute("SELECT count(*) FROM incidents WHERE NOT lawful AND "
                                    "kind <> 'crowded_rental'").fetchone()[0] == 0
            assert null.con.execute("SELECT count(*) FROM actions").fetchone()[0] == 0


def test_removal_shrinks_lists(study) -> None:
    rates = {r.removal_rate: r for r in study.metrics.feedback_sweep.rates}
    # 0.2 a day for 5 days leaves about 0.8^5 ≈ a third of the day-0 members
    assert rates[0.2].listed_at_end.mean < 0.6 * rates[0.0].listed_at_end.mean
    for r in rates.values():
        comp = r.composition_at_end["ethnicity"]
        assert sum(comp.values()) == pytest.approx(1.0)


def test_report_has_every_figure_as_svg_and_png(study) -> None:
    html = (study.path / "report.html").read_text()
    svgs = sorted(p.stem for p in (study.path / "figures").glob("*.svg"))
    pngs = sorted(p.stem for p in (study.path / "figures").glob("*.png"))
    assert svgs == pngs and len(svgs) >= 15
    for name in svgs:
        assert f'<figure id="fig-{name}"><svg' in html
    for needed in ("alerts-by-rule", "list-size", "removal-sweep", "twins-incidents",
                   "twins-precision", "contact-listed-alerts", "lift-by-rule",
                   "burden-by-category", "lists-by-category"):
        assert needed in svgs
    # the four questions, in order, each opening with its answer
    at = [html.index(f"<h2>{q}</h2>") for q in (
        "Does it work?", "Whom does it burden?", "What does the red list hide?",
        "Can anyone know whether it predicted right?")]
    assert at == sorted(at)
    for start in at:
        assert html[start:].split("</h2>", 1)[1].lstrip().startswith('<p class="answer">')
    assert "<script" not in html.lower()
    assert "Assumptions and scenario" in html and "source:" in html


def test_compare_prints_and_writes_a_diff(study, tmp_path, capsys) -> None:
    out = tmp_path / "cmp"
    assert main(["compare", str(study.path), str(study.path), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "B − A: the same in every city compared" in text
    assert "Parameters: the same in both" in text
    assert (out / "report.html").is_file() and (out / "figures" / "compare-diff.svg").is_file()


def test_run_command_end_to_end(tmp_path, capsys) -> None:
    out = tmp_path / "tiny"
    assert main(["run", "default", "--out", str(out), "--people", "2000", "--days", "2",
                 "--removal-rates", "none", "--bootstrap", "0", "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "In a synthetic city of 2,000 people" in text
    assert f"wrote {out}\n" in text and "the report: open it in a web browser" in text
    metrics = json.loads((out / "metrics.json").read_text())
    assert "feedback_sweep" not in metrics
    from custodiet.audit.sim import FIGURES, StudyMetrics
    from custodiet.report import figure_text

    typed = StudyMetrics.from_dict(metrics)
    for f in FIGURES:  # the printout is the registry's printed figures, labelled from it
        if f.printed and f.name in metrics["headline"]:
            assert f"  {f.label}: {figure_text(typed, f)}" in text


def test_sweep_command(tmp_path, capsys) -> None:
    out = tmp_path / "sweep"
    assert main(["sweep", "default", "--set", "rules.drug_users_same_hotel.k=2,3",
                 "--out", str(out), "--people", "3000", "--days", "2", "--quiet"]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert [p["value"] for p in m["points"]] == [2, 3]
    assert m["scope"] == "rule drug_users_same_hotel"
    # needing three together can only lower the rule's alerts (same seed, same city)
    a2, a3 = (p["alerts"]["mean"] for p in m["points"])
    assert a3 <= a2
    assert (out / "figures" / "sweep-tradeoff.png").is_file()
    assert "rules.drug_users_same_hotel.k = 2" in capsys.readouterr().out


@pytest.mark.parametrize("argv, needle", [
    (["run", "nosuch", "--out", "{o}"], "nosuch"),
    (["run", "default", "--out", "{o}", "--people", "0"], "--people"),
    (["run", "default", "--out", "{o}", "--seeds", "0"], "--seeds"),
    (["run", "default", "--out", "{o}", "--removal-rates", "2"], "removal rate"),
    (["run", "{bad}", "--out", "{o}"], "bad.toml"),
    (["sweep", "default", "--out", "{o}", "--set", "rules.nosuch.k=2,3"], "nosuch"),
    (["sweep", "default", "--out", "{o}", "--set", "rules.drug_users_same_hotel.k=1,2"],
     "k"),
    (["sweep", "default", "--out", "{o}", "--set", "k"], "PATH=V1"),
    (["compare", "{o}", "{o}"], "not a study directory"),
])
def test_bad_arguments_one_line_exit_2_nothing_written(argv, needle, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[rules]]\nname = "r"\ntemplate = "gathering"\n'
                   'detects = ["drug_deal"]\nk = "many"\n')
    out = tmp_path / "out"
    argv = [a.format(o=out, bad=bad) for a in argv]
    with pytest.raises(SystemExit) as exc:
        raise SystemExit(main(argv))
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err, err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.toml"]


def test_existing_out_is_refused(tmp_path, capsys) -> None:
    out = tmp_path / "there"
    out.mkdir()
    (out / "keep").write_text("x")
    assert main(["run", "default", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "keep").read_text() == "x"


def test_study_is_deterministic_in_its_seed(study, tmp_path) -> None:
    import custodiet

    again = custodiet.run("default", tmp_path / "again", **{**STUDY, "seeds": 1,
                                                            "removal_rates": ()})
    first = {k: v.values[0] for k, v in study.metrics.headline.items()}
    for k, v in again.metrics.headline.items():
        assert v.values[0] == first[k], k


def test_twins_share_every_draw_until_the_first_intervention(study) -> None:
    s = study.seeds[0]
    with study.open("watch", s) as run, study.open("no_response", s) as twin:
        first = run.con.execute("SELECT min(t) FROM actions").fetchone()[0]
        assert first is not None
        # an action's t is when it takes effect: the start of the day after the alert
        assert first % 1440 == 0
        cut = first

        def rows(con, sql):  # type: ignore[no-untyped-def]
            return con.execute(sql, [cut]).fetchall()

        for sql in ('SELECT * FROM stays WHERE "end" <= ? ORDER BY ALL',
                    "SELECT * FROM calls WHERE t < ? ORDER BY ALL",
                    "SELECT * FROM tickets WHERE t < ? ORDER BY ALL",
                    "SELECT kind, persons, t, place FROM incidents WHERE t < ? ORDER BY ALL"):
            a, b = rows(run.con, sql), rows(twin.con, sql)
            assert a and a == b, sql
        # That the response then changes the world is checked where it must (a block, a
        # detention, a full chill: tests/test_world_interventions.py); in this tiny city the
        # first visits (chill 0.5) may fall on people who planned no lawful act at all.


def test_user_strings_are_escaped_in_the_report(tmp_path) -> None:
    from custodiet.scenario import builtin_scenarios

    hostile = '<script>alert(1)</script> & "quoted"'
    text = builtin_scenarios()["tianjin_petitioners"].read_text()
    text = text.replace('name = "tianjin_petitioners"', f"name = '{hostile}'", 1)
    src = tmp_path / "hostile.toml"
    src.write_text(text)
    out = tmp_path / "out"
    assert main(["run", str(src), "--out", str(out), "--people", "2000", "--days", "2",
                 "--removal-rates", "none", "--bootstrap", "0", "--quiet"]) == 0
    html = (out / "report.html").read_text()
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;" in html
