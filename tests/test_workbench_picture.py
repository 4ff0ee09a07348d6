"""The README's picture of the workbench: the sentence under it states the figures the
picture shows (kept beside it by the script that makes it), and, in the slow tier, the
script run again shows the same figures, so a picture left stale by a change to the model
fails here."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
FIGURES = json.loads((IMG / "workbench.figures.json").read_text())


def _row(name: str) -> list[str]:
    return next(r[1:] for r in FIGURES["before_after"] if r[0] == name)


@pytest.mark.parametrize("page", ["README.md", "docs/workbench.md"])
def test_the_caption_states_what_the_picture_shows(page) -> None:
    text = " ".join((ROOT / page).read_text().split())
    before, after = _row("Alerts per day")
    flagged = _row("People flagged")
    true = re.match(r"(\d[\d,]*) true alerts?", FIGURES["figures"]["innocents"])
    assert true, FIGURES["figures"]["innocents"]
    assert FIGURES["change"].endswith("factor 2.0 → 1.5")
    sentence = (f"factor lowered from 2 to 1.5 on the default city (20,000 people × 7 days): "
                f"{before} → {after} alerts a day and {flagged[0]} → {flagged[1]} people "
                f"flagged, with {true.group(1)} true alerts")
    assert sentence in text


def test_the_picture_is_the_scripts() -> None:
    data = (IMG / "workbench.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 1000 and height > 1000  # the whole card at a 1,280-pixel window


@pytest.mark.slow  # about a minute: the default city simulated and a browser started
def test_the_picture_is_not_stale(tmp_path) -> None:
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("chromium is not installed; scripts/ensure-chromium.sh installs it")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "workbench_picture.py"),
                           "--out", str(tmp_path)], capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    fresh = json.loads((tmp_path / "workbench.figures.json").read_text())
    assert fresh == FIGURES, "the picture is stale: run python scripts/workbench_picture.py"
