"""The study report in a real headless browser: it loads offline with no console message, every
figure's SVG is in the DOM, and a screenshot is kept under test-artifacts/."""

from __future__ import annotations

import re

import pytest

from tests.test_report_browser import ARTIFACTS, BROWSER, chromium

pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="chromium is not installed; scripts/ensure-chromium.sh installs it "
    "(as root, with apt-get)")


def test_study_report_renders_every_figure(study, tmp_path) -> None:
    page = study.report.resolve().as_uri()
    res = chromium(tmp_path, "--dump-dom", page)
    assert res.returncode == 0, res.stderr[-2000:]
    console = [ln for ln in res.stderr.splitlines() if ":CONSOLE" in ln]
    assert not console, console
    dom = res.stdout
    figures = sorted(p.stem for p in (study.path / "figures").glob("*.svg"))
    for name in figures:
        assert re.search(rf'<figure id="fig-{re.escape(name)}"><svg', dom), name
    assert dom.count("<svg") == len(figures)


def test_study_screenshot_kept_as_artifact(study, tmp_path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "study-report.png"
    shot.unlink(missing_ok=True)
    res = chromium(tmp_path, "--window-size=1100,4000", f"--screenshot={shot}",
                   study.report.resolve().as_uri())
    assert res.returncode == 0, res.stderr[-2000:]
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000
