"""Figures for the replications: colour-blind-safe (Okabe–Ito), readable in greyscale print.

Each figure is written as SVG (vector, for print) and PNG (200 dpi, for screens).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from custodiet.replicate._attention import AttentionResult, delta
from custodiet.replicate._urn import UrnResult

#: Okabe and Ito (2008), "Color Universal Design": distinguishable with every common colour
#: vision deficiency.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
             "#000000")
_MARKERS = ("o", "s", "^", "D", "v")
_LINES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)))


def _formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "font.size": 10, "axes.titlesize": 10, "axes.labelsize": 10, "legend.fontsize": 9,
        "xtick.labelsize": 9, "ytick.labelsize": 9, "svg.fonttype": "none",
        "axes.spines.top": False, "axes.spines.right": False,
        "svg.hashsalt": "custodiet",  # stable ids: the same run gives the same SVG
    })
    return plt


def _save(fig, out_dir: Path, stem: str) -> list[str]:
    names = []
    for ext, kwargs in (("svg", {"metadata": {"Date": None}}),
                        ("png", {"dpi": 200, "metadata": {"Software": None}})):
        name = f"{stem}.{ext}"
        fig.savefig(out_dir / name, bbox_inches="tight", **kwargs)
        names.append(name)
    return names


def ensign_figure(results: dict[tuple[str, str], UrnResult], cases: list[tuple[str, str]],
                  variants: list[tuple[str, str]], out_dir: Path) -> list[str]:
    """Share of A in the urn over the days: median, 25–75% and 5–95% bands, per case × variant."""
    plt = _pyplot()
    fig, axes = plt.subplots(len(cases), len(variants), figsize=(2.55 * len(variants),
                             2.2 * len(cases)), sharex=True, sharey=True, squeeze=False)
    blue, vermillion, grey = OKABE_ITO[0], OKABE_ITO[1], "#555555"
    for row, (case, _) in enumerate(cases):
        for col, (variant, variant_title) in enumerate(variants):
            ax = axes[row, col]
            result = results[case, variant]
            share = result.share
            stride = max(1, (share.shape[0] - 1) // 500)  # ≤ ~500 points a curve keeps SVG small
            days = np.arange(share.shape[0])[::stride]
            share = share[::stride]
            q = np.quantile(share, [0.05, 0.25, 0.5, 0.75, 0.95], axis=1)
            ax.fill_between(days, q[0], q[4], color=blue, alpha=0.18, linewidth=0,
                            label="5–95% of runs")
            ax.fill_between(days, q[1], q[3], color=blue, alpha=0.40, linewidth=0,
                            label="25–75% of runs")
            ax.plot(days, q[2], color=blue, linewidth=1.6, label="median run")
            true = result.config.true_share
            ax.axhline(true, color=vermillion, linestyle="--", linewidth=1.3,
                       label="λA/(λA+λB)")
            limit = result.config.model_limit()
            if limit is not None and abs(limit - true) > 1e-9 and limit < 0.999:
                ax.axhline(limit, color=grey, linestyle=":", linewidth=1.3,
                           label="limit of the model")
            ax.set_ylim(0.0, 1.0)
            ax.set_xlim(0, days[-1])
            ax.grid(True, color="#dddddd", linewidth=0.6)
            if row == 0:
                ax.set_title(variant_title, fontweight="bold")
            if col == 0:
                ax.set_ylabel("share of A in the urn")
            if row == len(cases) - 1:
                ax.set_xlabel("day")
    handles, labels = [], []
    for ax in axes.flat:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False,
               bbox_to_anchor=(0.5, -0.02))
    first = next(iter(results.values())).share
    fig.suptitle("Runaway feedback in the Pólya urn (Ensign et al. 2018), "
                 f"{first.shape[1]} runs × {first.shape[0] - 1} days", fontweight="bold")
    fig.tight_layout(rect=(0.035, 0.04, 1, 1))
    for row, (_, case_title) in enumerate(cases):
        box = axes[row, 0].get_position()
        fig.text(0.004, (box.y0 + box.y1) / 2, case_title.replace(", ", "\n"), rotation=90,
                 ha="left", va="center", fontweight="bold", multialignment="center")
    names = _save(fig, out_dir, "ensign2018")
    plt.close(fig)
    return names


def damour_figure(results: dict[tuple[str, float], AttentionResult],
                  agents: list[tuple[str, str]], out_dir: Path) -> list[str]:
    """Total discovered and missed incidents and Δ against the dynamic factor, per agent."""
    plt = _pyplot()
    FuncFormatter = _formatter()  # noqa: N806 (a class, imported late with matplotlib)
    dynamics = sorted({d for _, d in results})
    fig, axes = plt.subplots(1, 3, figsize=(12.5, 3.9))
    panels = (("discovered", "incidents discovered (total per run)"),
              ("missed", "incidents missed (total per run)"),
              ("delta", "Δ: largest gap in discovered / occurred"))
    x = np.arange(len(dynamics))
    for i, (name, label) in enumerate(agents):
        colour, marker, line = OKABE_ITO[i % 8], _MARKERS[i % 5], _LINES[i % 5]
        for ax, (metric, _) in zip(axes, panels, strict=True):
            values, errors = [], []
            for d in dynamics:
                r = results[name, d]
                if metric == "delta":
                    values.append(delta(r))
                    errors.append(0.0)
                else:
                    totals = (r.discovered if metric == "discovered" else r.missed).sum(axis=1)
                    values.append(totals.mean())
                    errors.append(1.96 * totals.std(ddof=1) / np.sqrt(totals.size)
                                  if totals.size > 1 else 0.0)
            ax.errorbar(x + (i - 2) * 0.06, values, yerr=errors, color=colour, marker=marker,
                        linestyle=line, linewidth=1.4, markersize=5, capsize=2, label=label)
    for ax, (metric, title) in zip(axes, panels, strict=True):
        ax.set_xticks(x, [f"{d:g}" for d in dynamics])
        ax.set_xlabel("dynamic factor d")
        ax.set_title(title, fontweight="bold")
        ax.grid(True, color="#dddddd", linewidth=0.6)
        if metric != "delta":
            ax.set_yscale("log")
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
            ax.yaxis.set_minor_formatter(FuncFormatter(
                lambda v, _: f"{v:,.0f}" if str(round(v))[0] in "25" else ""))
    runs = next(iter(results.values())).occurred.shape[0]
    days = next(iter(results.values())).mean_allocation.shape[0]
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False,
               bbox_to_anchor=(0.5, -0.04))
    fig.suptitle(f"Attention allocation (D'Amour et al. 2020), {runs} runs × {days} days; "
                 "bars: 95% intervals of the mean", fontweight="bold")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    names = _save(fig, out_dir, "damour2020")
    plt.close(fig)
    return names
