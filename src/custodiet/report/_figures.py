"""Figures for reports, made with matplotlib: small multiples with a colour-blind-safe palette
(Okabe and Ito), markers and line styles that survive greyscale print, exported as inline SVG
(text kept as text, ids made unique per figure) and as PNG."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure as MplFigure
from matplotlib.image import imsave
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator
from matplotlib.transforms import Bbox

#: Okabe & Ito (2008) colour-blind-safe palette; its yellow comes last, as it is faint on white.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000",
           "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))

_RC = {
    "font.family": "DejaVu Sans", "font.size": 9, "axes.titlesize": 10,
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
    "grid.color": "#dddddd", "grid.linewidth": 0.6, "axes.axisbelow": True,
    "svg.fonttype": "none", "legend.frameon": False, "figure.dpi": 100,
}

#: Salt of the ids the SVG backend hashes (clip boxes, markers, hatches): fixed, where
#: matplotlib's default draws a random one per id, so that a study's report and figures are
#: the same bytes each time they are written (ids are still unique: prefixed per figure).
SVG_SALT: str = "custodiet"

#: Longest label drawn in a figure; longer ones end with an ellipsis (a 100,000-character
#: group value used to hang the layout).
MAX_LABEL: int = 60
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def figure_text(text: str, limit: int = MAX_LABEL) -> str:
    """A group value as a figure may draw it: control characters written as escapes (an ESC
    made every SVG invalid XML), ``$`` kept literal (not mathtext), at most ``limit``
    characters."""
    s = _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), str(text))
    if len(s) > limit:
        s = s[:limit - 1] + "…"
    return s.replace("$", r"\$")


@dataclass(frozen=True)
class Bar:
    """One group's value in a panel: ``value`` None means not shown, with ``note`` saying why."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    note: str | None = None


def _tight(fig: MplFigure) -> Bbox:
    """The figure's tight bounding box, padded as ``bbox_inches="tight"`` pads it: computed
    once and shared by the SVG and the PNG, instead of one extra draw per file."""
    bbox = fig.get_tightbbox(fig.canvas.get_renderer())
    return bbox.padded(plt.rcParams["savefig.pad_inches"])


def _fixed(fig: MplFigure) -> None:
    """Tell ``savefig`` that the figure's layout is done: ``tight_layout`` leaves a placeholder
    layout engine behind, which does nothing but makes every ``savefig`` lay the whole figure
    out once more before drawing it (half the cost of writing the SVG and the PNG), although
    the box to save is given and nothing moves."""
    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        # None means "as the rcParams say": say no layout engine, whatever matplotlibrc says
        with plt.rc_context({"figure.autolayout": False,
                             "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)


def _svg(fig: MplFigure, name: str, bbox: Bbox | str = "tight") -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches=bbox)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    prefix = re.sub(r"[^A-Za-z0-9_-]", "_", name) + "-"
    text = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", text)
    text = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', text)
    return text


def export(fig: MplFigure, name: str, folder: Path | None = None) -> str:
    """The figure as inline SVG markup; also written as ``name.svg`` and ``name.png`` into
    ``folder`` when given. Closes the figure."""
    bbox = _tight(fig)
    _fixed(fig)
    # The text as text, not as glyph outlines: searchable, read by screen readers, and a
    # fraction of the size; ids hashed with a fixed salt, not a random one, so that the same
    # figure is the same markup. The SVG backend reads these settings when it saves, not when
    # the figure was drawn, so they are set here.
    with plt.rc_context({"svg.fonttype": _RC["svg.fonttype"], "svg.hashsalt": SVG_SALT}):
        svg = _svg(fig, name, bbox)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.svg").write_text(
            '<?xml version="1.0" encoding="utf-8"?>\n' + svg, encoding="utf-8")
        _png(fig, folder / f"{name}.png", bbox)
    plt.close(fig)
    return svg


#: PNG resolution of the figures written beside the report (dots per inch).
PNG_DPI: int = 150
#: Figures drawn but not yet compressed that a background writer holds at most (each a few MB).
MAX_PENDING: int = 4
_WRITER: ContextVar[tuple[ThreadPoolExecutor, list[Future[None]]] | None] = ContextVar(
    "custodiet_png_writer", default=None)


@contextmanager
def png_in_background() -> Iterator[None]:
    """Within it, :func:`export` draws each PNG at once but compresses and writes it on a
    thread (zlib, in Pillow, releases the GIL: a second core does it while the next figure is
    drawn); on leaving, every file is written, or the first error raised."""
    pending: list[Future[None]] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="custodiet-png") as pool:
        token = _WRITER.set((pool, pending))
        try:
            yield
        finally:
            _WRITER.reset(token)
    for done in pending:
        done.result()


class _Pixels:
    """A file to which ``savefig(format="rgba")`` writes the drawn canvas: kept as an array of
    rows × columns × RGBA, as the PNG writer gets it."""

    rgba: np.ndarray | None = None
    writes: int = 0

    def seek(self, *args: Any) -> int:
        return 0

    def write(self, data: Any) -> int:
        self.writes += 1
        self.rgba = np.array(data, dtype=np.uint8, copy=True)
        return self.rgba.nbytes


def _png(fig: MplFigure, path: Path, bbox: Bbox) -> None:
    """Write the figure as a PNG: the same bytes as ``savefig(path, format="png")``, which
    draws the canvas and hands its RGBA buffer to :func:`matplotlib.image.imsave`; inside
    :func:`png_in_background`, that last step (the compression) runs on its thread."""
    writer, rgba = _WRITER.get(), None
    if writer is not None:
        pixels = _Pixels()
        fig.savefig(pixels, format="rgba", dpi=PNG_DPI, bbox_inches=bbox)
        # the canvas's buffer in one piece, rows × columns × RGBA (else: savefig writes it)
        if pixels.writes == 1 and pixels.rgba is not None and pixels.rgba.ndim == 3 \
                and pixels.rgba.shape[2] == 4:
            rgba = pixels.rgba
    if writer is None or rgba is None:
        fig.savefig(path, format="png", dpi=PNG_DPI, bbox_inches=bbox,
                    metadata={"Software": None})
        return
    pool, pending = writer
    while sum(not f.done() for f in pending) >= MAX_PENDING:
        next(f for f in pending if not f.done()).result()
    pending.append(pool.submit(
        imsave, path, memoryview(rgba), format="png", origin="upper",
        dpi=PNG_DPI, metadata={"Software": None}))


def bars(panels: Sequence[tuple[str, Sequence[Bar]]], *, title: str | None = None,
         xlabel: str = "", reference_line: float | None = None,
         band: tuple[float, float] | None = None, log: bool = False) -> MplFigure:
    """Horizontal dot-and-interval panels, one per (panel title, bars); the groups share the
    vertical axis. ``band`` shades a pass band; values not shown are written out as notes."""
    with plt.rc_context(_RC):
        labels = [figure_text(b.label) for b in panels[0][1]] if panels else []
        # few groups: panels in a grid; many: one row, so the figure stays a page tall
        ncols = len(panels) if len(labels) > 12 else min(len(panels),
                                                          2 if len(panels) == 4 else 3)
        nrows = -(-len(panels) // ncols)
        row_h = 0.75 + 0.27 * max(len(labels), 1)
        fig, axes = plt.subplots(nrows, ncols, figsize=(9.0, row_h * nrows + 0.3),
                                 sharey=True, squeeze=False)
        flat = list(axes.ravel())
        for ax in flat[len(panels):]:
            ax.set_visible(False)
        y = np.arange(len(labels))[::-1]
        for k, (ax, (ptitle, items)) in enumerate(zip(flat, panels, strict=False)):
            colour = PALETTE[k % len(PALETTE)]
            vals = [b.value for b in items if b.value is not None]
            if band is not None:
                ax.axvspan(band[0], band[1], color="#e5e5e5", zorder=0, lw=0)
            if reference_line is not None:
                ax.axvline(reference_line, color="#555555", lw=0.8)
            for yi, b in zip(y, items, strict=True):
                if b.value is None:
                    continue
                if b.low is not None and b.high is not None:
                    ax.plot([b.low, b.high], [yi, yi], color=colour, lw=1.8,
                            solid_capstyle="butt")
                ax.plot([b.value], [yi], marker=MARKERS[k % len(MARKERS)], color=colour,
                        markersize=6, markeredgewidth=0.6,
                        # the palette's yellow vanishes on white and on the grey band
                        markeredgecolor="#333333" if colour == "#F0E442" else "white",
                        linestyle="none")
            lo_lim, hi_lim = _limits(items, vals, band, reference_line, log)
            if log:
                ax.set_xscale("log")
                ticks = [t for t in _log_ticks(hi_lim / lo_lim) if lo_lim <= t <= hi_lim]
                ax.xaxis.set_major_locator(FixedLocator(ticks))
                ax.xaxis.set_major_formatter(FixedFormatter([f"{t:g}" for t in ticks]))
                ax.xaxis.set_minor_locator(NullLocator())
            ax.set_xlim(lo_lim, hi_lim)
            for yi, b in zip(y, items, strict=True):
                if b.value is None:
                    ax.text(0.01, yi, b.note or "n/a", transform=ax.get_yaxis_transform(),
                            va="center", ha="left", fontsize=7.5, color="#666666",
                            style="italic")
            ax.set_title(ptitle)
            ax.set_xlabel(xlabel)
            ax.grid(axis="y", visible=False)
            ax.tick_params(axis="y", labelleft=k % ncols == 0)
        flat[0].set_yticks(y, labels)  # shared by every panel
        flat[0].set_ylim(-0.7, len(labels) - 0.3)
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontsize=11, fontweight="bold")
        fig.tight_layout()
        return fig


def _log_ticks(span: float) -> tuple[float, ...]:
    """Ratio ticks that stay legible whatever the range of the axis."""
    if span <= 6:
        return (0.25, 0.5, 0.8, 1.0, 1.25, 2.0, 4.0)
    if span <= 40:
        return (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0)
    return (1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0, 1000.0)


def _limits(items: Sequence[Bar], vals: list[float], band: tuple[float, float] | None,
            ref: float | None, log: bool) -> tuple[float, float]:
    pts = list(vals)
    pts += [b.low for b in items if b.low is not None and b.value is not None]
    pts += [b.high for b in items if b.high is not None and b.value is not None]
    if band:
        pts += list(band)
    if ref is not None:
        pts.append(ref)
    if log:
        pts = [p for p in pts if p > 0] or [1.0]
        return min(min(pts) / 1.15, 0.7), max(max(pts) * 1.15, 1.4)
    hi = max(pts) if pts else 1.0
    return 0.0, max(hi * 1.08, 0.05)


def sweep(thresholds: np.ndarray, panels: Sequence[tuple[str, Sequence[tuple[str, np.ndarray]]]],
          *, xlabel: str, chosen: float | None = None, title: str | None = None) -> MplFigure:
    """Line panels over thresholds, one line per group (NaN leaves a gap), one panel per
    metric; ``chosen`` marks the threshold in use."""
    with plt.rc_context(_RC):
        fig, axes = plt.subplots(1, len(panels), figsize=(9.0, 3.2),
                                 squeeze=False, sharex=True)
        for ax, (ptitle, lines) in zip(axes[0], panels, strict=True):
            for i, (label, values) in enumerate(lines):
                ax.plot(thresholds, values, color=PALETTE[i % len(PALETTE)],
                        linestyle=LINESTYLES[i % len(LINESTYLES)],
                        marker=MARKERS[i % len(MARKERS)] if len(thresholds) <= 25 else None,
                        markersize=3.5, lw=1.4, label=figure_text(label))
            if chosen is not None:
                ax.axvline(chosen, color="#555555", lw=0.8, linestyle=":")
            ax.set_ylim(-0.02, 1.02)
            ax.set_title(ptitle)
            ax.set_xlabel(xlabel)
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 4),
                   bbox_to_anchor=(0.5, -0.02 - 0.045 * ((len(labels) - 1) // 4)))
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontsize=11, fontweight="bold")
        fig.tight_layout(rect=(0, 0.08 + 0.05 * ((len(labels) - 1) // 4), 1, 1))
        return fig
