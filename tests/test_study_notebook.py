"""What a notebook user gets from a study: ``to_pandas()`` and ``plot()`` of the headline
figures, ``by_group(..., as_pandas=True)`` with every missing value marked and explained, and
HTML for the study result and its run stores in Jupyter."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from custodiet.audit import AuditSpec, audit_file
from custodiet.audit.sim import FIGURES
from custodiet.report import headline_text
from custodiet.study._views import group_frame


def test_to_pandas_is_the_headline_with_its_intervals(study) -> None:
    df = study.to_pandas()
    names = [f.name for f in FIGURES if f.name in study.metrics.headline]
    assert list(df.index) == names
    for name in names:
        s = study.metrics.headline[name]
        row = df.loc[name]
        for col in ("mean", "low", "high", "city_min", "city_max"):
            want = getattr(s, col)
            assert (pd.isna(row[col]) if want is None else row[col] == want), (name, col)
        assert row["seeds_defined"] + row["undefined_seeds"] == len(study.seeds)
        assert row["seeds_defined"] == sum(v is not None for v in s.values)


def test_by_group_as_pandas_marks_and_explains_every_missing_value(study) -> None:
    for name, frame in study.groups.frames.items():
        df = study.by_group(name, as_pandas=True)
        assert len(df) == len(frame.keys)
        for g in range(len(frame.keys)):
            note = df["note"].iloc[g]
            for m in frame.metrics:
                e = frame.estimate(g, m)
                assert math.isnan(df[m].iloc[g]) == (e.value is None), (name, g, m)
                if e.value is None:
                    assert m in note and e.status in note
            for c in frame.count_names:
                assert pd.isna(df[c].iloc[g]) == (frame.count(g, c) is None)
    arrow = study.by_group("ethnicity")
    assert study.by_group("ethnicity", as_pandas=True)["ethnicity"].tolist() == \
        arrow.column("ethnicity").to_pylist()


def test_a_small_group_is_suppressed_with_the_reason(tmp_path: Path) -> None:
    rows = [f"{'big' if i < 200 else 'tiny'},{i % 10},{i % 3 == 0:d}" for i in range(205)]
    (tmp_path / "t.csv").write_text("g,s,y\n" + "\n".join(rows) + "\n")
    real = audit_file(AuditSpec(path=tmp_path / "t.csv", groups=["g"], label="y", score="s",
                                threshold=5.0, min_cell=10))
    frame = real.result.frames["g"]
    df = group_frame(frame, 10)
    tiny = df[df["g"] == "tiny"]
    if tiny.empty:  # a group below the cell size may be left out of the frame altogether
        assert frame.suppressed_groups == 1
        return
    assert tiny["flag_rate"].isna().all()
    assert "suppressed (fewer than 10 people" in tiny["note"].iloc[0]
    assert df[df["g"] == "big"]["note"].iloc[0] == ""


def test_plot_draws_each_headline_figure_in_its_units_panel(study) -> None:
    fig = study.plot()
    axes = fig.get_axes()
    units = [u for u in ("share", "count", "number")
             if any(f.unit == u and f.name in study.metrics.headline for f in FIGURES)]
    assert len(axes) == len(units)
    for ax, unit in zip(axes, units, strict=True):
        labels = [t.get_text() for t in ax.get_yticklabels()]
        want = [f.label for f in FIGURES if f.unit == unit and f.name in study.metrics.headline]
        assert labels == want[::-1]
    fig.savefig(Path(study.path).parent / "headline.png")


def test_the_result_and_its_runs_show_themselves_in_jupyter(study) -> None:
    html = study._repr_html_()
    assert f"{study.metrics.scenario.people:,} people" in html and "report.html" in html
    for f in FIGURES:
        s = study.metrics.spread(f.name)
        if f.printed and s is not None:
            assert headline_text(s, f.unit).replace("'", "&#x27;") in html
    run = study.store
    shown = run._repr_html_()
    for name in run.tables():
        assert f"<td style='text-align:left'>{name}</td><td>{run.rows(name):,}</td>" in shown
    assert repr(run).startswith("Run(") and "people=" in repr(run)
