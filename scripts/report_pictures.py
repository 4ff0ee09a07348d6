"""Pictures of a study's report for the docs, made again: the report's first screen and its map
of the city, in Debian's Chromium driven by Playwright at a 1,280 × 800 window. The report is
``make demo``'s (``custodiet run default --people 20000 --days 7 --seed 1``), run here into a
temporary folder unless ``--study`` names a finished one (``runs/demo`` after ``make demo``).

    python scripts/report_pictures.py [--study runs/demo] [--out docs/img]

Writes ``report-first-screen.png`` and ``map.png`` into ``--out``. Needs chromium
(``scripts/ensure-chromium.sh``) and playwright (no browser download: it drives the system's
chromium)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: ``make demo``'s study (the Makefile's demo recipe), without its --out.
DEMO = ("run", "default", "--people", "20000", "--days", "7", "--seed", "1")
VIEWPORT = {"width": 1280, "height": 800}
#: The map's figure in the report (``custodiet.report`` names it ``fig-<name>``).
MAP = "#fig-city-map"


def study(out: Path) -> Path:
    """``make demo``'s study, run into ``out``; its report."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-m", "custodiet", *DEMO, "--out", str(out),
                           "--quiet"], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the study failed:\n{done.stderr[-2000:]}")
    return out / "report.html"


def pictures(report: Path, out: Path) -> list[Path]:
    """The report's first screen and its map, as PNG files in ``out``."""
    from playwright.sync_api import sync_playwright

    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser_path is None:
        raise SystemExit("chromium is not installed; scripts/ensure-chromium.sh installs it")
    out.mkdir(parents=True, exist_ok=True)
    first, drawn = out / "report-first-screen.png", out / "map.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(report.resolve().as_uri())
        page.screenshot(path=str(first))
        figure = page.locator(MAP)
        figure.scroll_into_view_if_needed()
        figure.screenshot(path=str(drawn))
        browser.close()
    return [first, drawn]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--study", type=Path, default=None,
                        help="a finished study's folder (default: run make demo's study)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="custodiet-pictures-") as tmp:
        report = args.study / "report.html" if args.study else study(Path(tmp) / "demo")
        if not report.is_file():
            raise SystemExit(f"{report}: no report there")
        for path in pictures(report, args.out):
            print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
