"""The audit report in a real headless browser: it loads offline with no console message (the
page's Content-Security-Policy would log any script or external load), every figure's SVG is in
the DOM, user strings are escaped, and a screenshot is kept under test-artifacts/."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from custodiet.cli import main

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
BROWSER = next((b for b in (shutil.which(n) for n in ("chromium", "chromium-browser")) if b),
               None)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="chromium is not installed; scripts/ensure-chromium.sh installs it "
    "(as root, with apt-get)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]
HOSTILE = "<script>alert(1)</script> & \"quoted\""


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    return subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    rng = np.random.default_rng(8)
    n = 3000
    grp = rng.choice(["north", "south", HOSTILE], n, p=[0.5, 0.3, 0.2])
    sex = rng.choice(["f", "m"], n)
    score = rng.integers(1, 11, n)
    label = (rng.random(n) < score / 12).astype(int)
    src = tmp / "scores.csv"
    rows = [f'"{g.replace(chr(34), chr(34) * 2)}",{s},{sc},{y}'
            for g, s, sc, y in zip(grp, sex, score, label, strict=True)]
    src.write_text("grp,sex,score,label\n" + "\n".join(rows) + "\n")
    out = tmp / "out"
    assert main(["audit", str(src), "--out", str(out), "--label", "label", "--score", "score",
                 "--threshold", "6", "--group", "grp", "--group", "sex", "--bootstrap", "50",
                 "--seed", "1"]) == 0
    return tmp, out


def test_report_loads_offline_with_every_figure(report):
    tmp, out = report
    page = (out / "report.html").resolve().as_uri()
    res = chromium(tmp, "--dump-dom", page)
    assert res.returncode == 0, res.stderr[-2000:]
    dom = res.stdout
    console = [ln for ln in res.stderr.splitlines() if ":CONSOLE" in ln]
    assert not console, console
    figures = sorted(p.stem for p in (out / "figures").glob("*.svg"))
    assert len(figures) >= 7
    for name in figures:
        m = re.search(rf'<figure id="fig-{re.escape(name)}"><svg', dom)
        assert m, f"figure {name} missing from the DOM"
    assert dom.count("<svg") == len(figures)
    assert "<script" not in dom.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom


def test_screenshot_kept_as_artifact(report):
    tmp, out = report
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "audit-report.png"
    shot.unlink(missing_ok=True)
    res = chromium(tmp, "--window-size=1100,3000", f"--screenshot={shot}",
                   (out / "report.html").resolve().as_uri())
    assert res.returncode == 0, res.stderr[-2000:]
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank one
