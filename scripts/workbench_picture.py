"""The README's picture of the workbench, made again: start ``custodiet workbench`` on the default
scenario at its default size (20,000 people × 7 days, seed 0), lower the digital whistle's
factor (rule ``power_above_own_normal``) from 2 to 1.5 in Debian's Chromium driven by
Playwright, and screenshot the rule's card (its answer's map of the city included). The
figures the card shows are written beside the picture (``workbench.figures.json``), so the
text describing the picture can be checked against it and a test can tell when the picture
is stale.

    python scripts/workbench_picture.py [--out docs/img] [--cache DIR]

Needs chromium (``scripts/ensure-chromium.sh``) and playwright (no browser download: it drives
the system's chromium)."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULE = "power_above_own_normal"
FACTOR_LABEL = "Above this multiple of normal"
NEW_FACTOR = "1.5"


def start(cache: Path) -> tuple[subprocess.Popen, str]:
    """``custodiet workbench`` on the default scenario, and its address once it answers."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "custodiet", "workbench", "default", "--port", "0",
         "--cache", str(cache / "cache"), "--save-dir", str(cache / "saved"), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not match:
        proc.kill()
        raise SystemExit(f"the workbench did not start: {line}{proc.stderr.read()}")
    for _ in range(100):
        try:
            urllib.request.urlopen(match.group(0), timeout=5).close()
            break
        except OSError:
            time.sleep(0.1)
    return proc, match.group(0)


def figures(card) -> dict[str, object]:
    """What the card shows: each headline figure, and the before/after table."""
    shown = {f.get_attribute("data-figure"): " ".join(f.inner_text().split())
             for f in card.locator("[data-figure]").all()}
    table = card.locator("table.compare")
    rows = [[" ".join(c.inner_text().split()) for c in r.locator("th, td").all()]
            for r in table.locator("tr").all()]
    return {"rule": RULE, "change": " ".join(table.locator("caption").inner_text().split()),
            "figures": shown, "before_after": rows}


def picture(url: str, out: Path) -> dict[str, object]:
    """Lower the factor in the browser, screenshot the card into ``out``; the figures shown."""
    from playwright.sync_api import sync_playwright

    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser_path is None:
        raise SystemExit("chromium is not installed; scripts/ensure-chromium.sh installs it")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(url)
        card = page.locator("section.card",
                            has=page.get_by_role("heading", name=re.compile(RULE)))
        factor = card.get_by_label(FACTOR_LABEL)
        factor.fill(NEW_FACTOR)
        factor.press("Tab")
        card.locator("table.compare").wait_for(timeout=120_000)
        page.locator("body").click(position={"x": 1, "y": 1})  # no focus ring in the picture
        drawn = card.locator("figure.map img")
        drawn.scroll_into_view_if_needed()  # the map is drawn when it comes into view
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=drawn.element_handle(), timeout=120_000)
        card.scroll_into_view_if_needed()
        out.mkdir(parents=True, exist_ok=True)
        card.screenshot(path=str(out / "workbench.png"))
        shown = figures(card)
        browser.close()
    return shown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--cache", type=Path, default=None,
                        help="where the city is kept (default: a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="custodiet-picture-") as tmp:
        proc, url = start(args.cache or Path(tmp))
        try:
            shown = picture(url, args.out)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    (args.out / "workbench.figures.json").write_text(json.dumps(shown, indent=1) + "\n")
    print(json.dumps(shown, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
