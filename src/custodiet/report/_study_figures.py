"""Figures of a study report: series over the days, stacked composition, grouped bars and a
trade-off curve, in the same colour-blind-safe style as the audit figures (Okabe–Ito colours,
and markers or hatching so that greyscale print still tells the series apart)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure as MplFigure

from custodiet.report._figures import _RC, LINESTYLES, MARKERS, PALETTE

_HATCH = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")


def _legend(ax: plt.Axes, n: int) -> None:
    if n > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7.5)


def lines(series: Sequence[tuple[str, Sequence[float], Sequence[float | None]]], *,
          xlabel: str, ylabel: str, title: str | None = None, percent: bool = False
          ) -> MplFigure:
    """One line per (label, x, y); None leaves a gap."""
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(9.0, 3.4))
        for i, (label, x, y) in enumerate(series):
            yv = np.array([np.nan if v is None else v for v in y], dtype=float)
            ax.plot(list(x), yv * (100 if percent else 1), color=PALETTE[i % len(PALETTE)],
                    linestyle=LINESTYLES[i % len(LINESTYLES)], marker=MARKERS[i % len(MARKERS)],
                    markersize=3.5, lw=1.3, label=label)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel + (" (%)" if percent else ""))
        ax.set_ylim(bottom=0)
        if title:
            ax.set_title(title, loc="left")
        _legend(ax, len(series))
        fig.tight_layout()
        return fig


def stacked(x: Sequence[float], layers: Sequence[tuple[str, Sequence[float]]], *,
            xlabel: str, ylabel: str, title: str | None = None) -> MplFigure:
    """Stacked areas (hatched) for the parts of a whole over ``x``."""
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(9.0, 3.4))
        base = np.zeros(len(x))
        for i, (label, values) in enumerate(layers):
            v = np.asarray(values, dtype=float)
            ax.fill_between(list(x), base, base + v, color=PALETTE[i % len(PALETTE)],
                            alpha=0.85, hatch=_HATCH[i % len(_HATCH)], edgecolor="white",
                            lw=0.4, label=label, step="mid")
            base = base + v
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title, loc="left")
        _legend(ax, len(layers))
        fig.tight_layout()
        return fig


def grouped_bars(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
                 *, xlabel: str, title: str | None = None, log: bool = False) -> MplFigure:
    """Horizontal bars, one cluster per category, one hatched colour per series."""
    with plt.rc_context(_RC):
        n, k = len(categories), max(len(series), 1)
        fig, ax = plt.subplots(figsize=(9.0, 0.9 + 0.22 * n * k + 0.25 * n))
        height = 0.8 / k
        y = np.arange(n)[::-1]
        for i, (label, values) in enumerate(series):
            v = np.array([np.nan if x is None else x for x in values], dtype=float)
            ax.barh(y + (k / 2 - i - 0.5) * height, np.nan_to_num(v), height=height,
                    color=PALETTE[i % len(PALETTE)], hatch=_HATCH[i % len(_HATCH)],
                    edgecolor="white", lw=0.4, label=label)
        ax.set_yticks(y, list(categories))
        ax.grid(axis="y", visible=False)
        if log:
            ax.set_xscale("symlog", linthresh=1.0)
        ax.set_xlabel(xlabel)
        if title:
            ax.set_title(title, loc="left")
        _legend(ax, len(series))
        fig.tight_layout()
        return fig


def tradeoff(curves: Sequence[tuple[str, Sequence[float], Sequence[float], Sequence[str]]], *,
             xlabel: str, ylabel: str, title: str | None = None) -> MplFigure:
    """One curve per (label, x, y, point labels): each point is one setting, annotated."""
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(7.5, 4.2))
        for i, (label, x, y, names) in enumerate(curves):
            ax.plot(list(x), list(y), color=PALETTE[i % len(PALETTE)],
                    linestyle=LINESTYLES[i % len(LINESTYLES)], marker=MARKERS[i % len(MARKERS)],
                    markersize=6, lw=1.4, label=label)
            for xi, yi, name in zip(x, y, names, strict=True):
                ax.annotate(name, (xi, yi), textcoords="offset points", xytext=(5, 4),
                            fontsize=8)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        if title:
            ax.set_title(title, loc="left")
        _legend(ax, len(curves))
        fig.tight_layout()
        return fig
