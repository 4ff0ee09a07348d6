"""What a notebook shows of a study: its headline figures as a pandas DataFrame and as a
figure, group metrics as a DataFrame whose withheld values are marked and explained, and the
HTML a study result shows itself as in Jupyter. pandas is imported only when
asked for (it is not needed to run a study)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from custodiet.audit import GroupFrame
from custodiet.audit.sim import FIGURES, StudyMetrics
from custodiet.report import PALETTE, esc, headline_text

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure as MplFigure


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:  # pragma: no cover - pandas comes with the dev extras
        from custodiet.errors import UserError

        raise UserError("needs pandas (pip install pandas)", field="to_pandas") from None
    return pandas


def headline_frame(metrics: StudyMetrics) -> pd.DataFrame:
    """One row per headline figure (indexed by its ``metrics.json`` name): label, unit, the
    mean over the seeds, the 95% interval of the mean, the range of the single cities, and
    how many seeds left it undefined."""
    rows = []
    for f in FIGURES:
        s = metrics.spread(f.name)
        if s is None:
            continue
        rows.append({"figure": f.name, "label": f.label, "unit": f.unit, "mean": s.mean,
                     "low": s.low, "high": s.high, "city_min": s.city_min,
                     "city_max": s.city_max, "seeds_defined": s.n,
                     "undefined_seeds": s.undefined_seeds})
    return _pandas().DataFrame(rows).set_index("figure")


def _note(frame: GroupFrame, g: int, min_cell: float) -> str:
    """Why a group's missing values are missing, one clause per reason."""
    by: dict[str, list[str]] = {}
    for m in frame.metrics:
        e = frame.estimate(g, m)
        if e.value is None:
            why = (f"suppressed (fewer than {min_cell:g} people in a cell it is built from)"
                   if e.status == "suppressed" else f"{e.status}: {e.reason or 'no value'}")
            by.setdefault(why, []).append(m)
    return "; ".join(f"{', '.join(ms)} {why}" for why, ms in by.items())


def group_frame(frame: GroupFrame, min_cell: float) -> pd.DataFrame:
    """One row per group: its columns, its counts (``<NA>`` where withheld), each metric
    (``NaN`` where not shown) and a ``note`` saying which values are missing and why."""
    pd = _pandas()
    rows = []
    for g, key in enumerate(frame.keys):
        row: dict[str, Any] = dict(zip(frame.grouping.cols, key, strict=True))
        for name in frame.count_names:
            row[name] = frame.count(g, name)
        for m in frame.metrics:
            row[m] = frame.estimate(g, m).value
        row["note"] = _note(frame, g, min_cell)
        rows.append(row)
    df = pd.DataFrame(rows)
    for name in frame.count_names:
        if name in df:
            df[name] = pd.array(df[name], dtype="Float64").round().astype("Int64")
    for m in frame.metrics:
        if m in df:
            df[m] = df[m].astype("float64")
    return df


#: The panels of a study's headline figure: (title, unit) in the order drawn.
_PANELS = (("Shares", "share"), ("Counts per city", "count"), ("Other figures", "number"))


def headline_plot(metrics: StudyMetrics) -> MplFigure:
    """The headline figures as dots with their 95% interval over the cities, one panel per
    unit (shares in percent, counts, other numbers), each with its own scale; a figure
    undefined in every seed is written out as such."""
    from matplotlib.figure import Figure  # not pyplot: Jupyter shows it once, as returned

    panels = []
    for title, unit in _PANELS:
        scale = 100.0 if unit == "share" else 1.0
        items = [(f.label, *(None if v is None else v * scale for v in (s.mean, s.low, s.high)))
                 for f in FIGURES if f.unit == unit
                 and (s := metrics.spread(f.name)) is not None]
        if items:
            panels.append((f"{title} (%)" if unit == "share" else title, items))
    heights = [0.6 + 0.28 * len(items) for _, items in panels] or [1.0]
    fig = Figure(figsize=(8.0, sum(heights) + 0.4), layout="constrained")
    axes = fig.subplots(len(heights), 1, squeeze=False,
                        gridspec_kw={"height_ratios": heights})
    for ax, (title, items) in zip(axes[:, 0], panels, strict=False):
        for y, (_, mean, low, high) in enumerate(reversed(items)):
            if mean is None:
                ax.text(0.02, y, "undefined in every seed", transform=ax.get_yaxis_transform(),
                        va="center", fontsize=8, color="#5a5a5a")
                continue
            if low is not None and high is not None:
                ax.plot([low, high], [y, y], color=PALETTE[0], lw=1.8)
            ax.plot([mean], [y], "o", color=PALETTE[0])
        ax.set_yticks(range(len(items)), [label for label, *_ in reversed(items)], fontsize=8)
        ax.set_title(title, fontsize=10, loc="left")
        ax.grid(axis="x", color="#dddddd")
    return fig


def study_html(path: str, metrics: StudyMetrics) -> str:
    """A study result as Jupyter shows it: what was run, its headline figures with their
    intervals, and where the report is."""
    sc = metrics.scenario
    rows = "".join(
        f"<tr><td style='text-align:left'>{esc(f.label)}</td>"
        f"<td style='text-align:left'>{esc(headline_text(s, f.unit))}</td></tr>"
        for f in FIGURES if f.printed and (s := metrics.spread(f.name)) is not None)
    seeds = ", ".join(str(s) for s in sc.seeds)
    return (f"<div><b>Study of {esc(sc.name)}</b>: {sc.people:,} people, {sc.days} days, "
            f"seeds {esc(seeds)}<br><small>{esc(path)} · report: "
            f"{esc(path)}/report.html</small>"
            f"<table><thead><tr><th style='text-align:left'>Figure</th>"
            f"<th style='text-align:left'>Mean (95% interval)</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")
