"""The figures a report writes are what matplotlib's own ``savefig`` draws of the same box,
byte for byte: ``export`` saves them more cheaply (no second layout of a figure already laid
out), and must not change a pixel or an SVG element on the way."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure as MplFigure
from matplotlib.image import imsave

from custodiet.report import Bar, _figures, bars, export, sweep
from custodiet.report._figures import _tight, png_in_background
from custodiet.report._study_figures import grouped_bars, lines, stacked, tradeoff

#: An id matplotlib's SVG backend makes by hashing what it names (a clip box, a marker, a
#: hatch, a path): the hash of a clip box's floats may move in their last bit with the order
#: of the computation, although the box written is the same to its last digit.
HASHED_ID = re.compile(r"(?<=[mph_])[0-9a-f]{10}\b")

FIGURES: dict[str, Callable[[], MplFigure]] = {
    # shared rows, a pass band and a log axis with its own ticks, a value written as a note
    "bars": lambda: bars([(f"panel {k}", [Bar("women", 1.4, 1.1, 1.9), Bar("men", 0.8),
                                          Bar("other", None, note="suppressed")])
                          for k in range(4)], title="Ratio", band=(0.8, 1.25),
                         reference_line=1.0, log=True),
    # a symlog axis (mathtext tick labels), hatching, a legend outside the axes
    "grouped": lambda: grouped_bars(["a", "b", "c"], [("flags", [1.0, 30.0, None]),
                                                      ("contacts", [0.5, 2.0, 400.0])],
                                    xlabel="per person", title="Burden", log=True),
    "lines": lambda: lines([("x", [1, 2, 3], [0.1, None, 0.3]), ("y", [1, 2, 3], [0.2, 0.1, 0.0])],
                           xlabel="day", ylabel="share", percent=True, title="Lines"),
    "stacked": lambda: stacked([1, 2, 3], [("a", [1, 2, 3]), ("b", [3, 2, 1])],
                               xlabel="day", ylabel="people"),
    "tradeoff": lambda: tradeoff([("rule", [0.1, 0.4], [0.9, 0.5], ["low", "high"])],
                                 xlabel="recall", ylabel="precision"),
    "sweep": lambda: sweep(np.linspace(0, 1, 5), [("precision", [("all", np.linspace(0, 1, 5))]),
                                                  ("recall", [("all", np.ones(5))])],
                           xlabel="threshold", chosen=0.5),
}


def _reference(fig: MplFigure, folder: Path, name: str) -> tuple[str, bytes]:
    """The figure saved by matplotlib's ``savefig`` alone, with the report's settings and the
    box ``export`` saves."""
    box, buf = _tight(fig), io.StringIO()
    with plt.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", bbox_inches=box, metadata={"Date": None, "Creator": None})
    fig.savefig(folder / f"{name}.png", format="png", dpi=150, bbox_inches=box,
                metadata={"Software": None})
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):], (folder / f"{name}.png").read_bytes()


def _ids_in_order(svg: str) -> str:
    """The SVG with each hashed id renamed by the order it first appears in."""
    seen: dict[str, str] = {}
    return HASHED_ID.sub(lambda m: seen.setdefault(m.group(0), f"id{len(seen)}"), svg)


@pytest.mark.parametrize("kind", sorted(FIGURES))
def test_export_writes_what_savefig_draws(kind: str, tmp_path: Path) -> None:
    svg_ref, png_ref = _reference(FIGURES[kind](), tmp_path, "reference")
    svg = export(FIGURES[kind](), "fig", tmp_path / "out")
    unprefixed = re.sub(r'(id="|#)fig-', r"\1", svg)
    assert len(HASHED_ID.findall(svg)) > 2  # the ids are compared by where they appear
    assert _ids_in_order(unprefixed) == _ids_in_order(svg_ref)
    assert (tmp_path / "out" / "fig.png").read_bytes() == png_ref
    assert (tmp_path / "out" / "fig.svg").read_text(encoding="utf-8").endswith(svg)
    assert not plt.get_fignums()  # every figure closed


def test_the_same_figure_is_the_same_markup() -> None:
    """A study's report is the same bytes each time it is written: no random ids."""
    first, second = (export(FIGURES["grouped"](), "same") for _ in range(2))
    assert len(HASHED_ID.findall(first)) > 2 and first == second


def test_pngs_compressed_in_the_background_are_the_same_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside ``png_in_background`` each PNG is compressed on a thread: the same bytes, every
    file written by the time the block ends."""
    kinds = sorted(FIGURES)
    for kind in kinds:
        export(FIGURES[kind](), kind, tmp_path / "direct")
    threads: list[str] = []

    def recorded(*args: Any, **kwargs: Any) -> None:
        threads.append(threading.current_thread().name)
        imsave(*args, **kwargs)

    monkeypatch.setattr(_figures, "imsave", recorded)
    with png_in_background():
        for kind in kinds:
            export(FIGURES[kind](), kind, tmp_path / "background")
    assert len(threads) == len(kinds) and all(t.startswith("custodiet-png") for t in threads)
    for kind in kinds:
        for ext in ("png", "svg"):
            direct = (tmp_path / "direct" / f"{kind}.{ext}").read_bytes()
            assert (tmp_path / "background" / f"{kind}.{ext}").read_bytes() == direct


def test_a_png_that_cannot_be_written_fails_the_block(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(_figures, "imsave", refuse)
    with pytest.raises(OSError, match="disk full"), png_in_background():
        export(FIGURES["stacked"](), "stacked", tmp_path)
