"""The docs' pictures of a study's report (its first screen and its map of the city): linked
from the getting-started page with a caption, small, at the window they were taken in; and, in
the slow tier, the script that makes them runs."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
NAMES = ("report-first-screen.png", "map.png")
#: The most a picture may weigh (the docs site and the repository carry it).
MAX_BYTES = 300_000


def _size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


def _check(folder: Path) -> None:
    for name in NAMES:
        assert (folder / name).stat().st_size < MAX_BYTES, name
    assert _size(folder / "report-first-screen.png") == (1280, 800)  # the window
    width, height = _size(folder / "map.png")
    assert 600 < width <= 1280 and height > 300  # the map's figure, whole


def test_the_pictures_are_linked_with_a_caption_and_small() -> None:
    page = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    for name in NAMES:
        at = page.index(f"(img/{name})")
        assert page[at:at + 400].count("\n*") >= 1, f"no caption under {name}"
    assert "scripts/report_pictures.py" in page
    _check(IMG)


@pytest.mark.slow  # make demo's study (about 30 s) and a browser
def test_the_script_makes_the_pictures(tmp_path) -> None:
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("chromium is not installed; scripts/ensure-chromium.sh installs it")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "report_pictures.py"),
                           "--out", str(tmp_path)], capture_output=True, text=True,
                          timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    _check(tmp_path)
