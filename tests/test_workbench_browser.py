"""The workbench in a real browser (Playwright driving Debian's Chromium; no browser download):
start ``custodiet workbench`` on a small city, change a blank, see the figures change and the
before/after table appear, with no console message; save the rules and run them with
``custodiet run``. A screenshot is kept under test-artifacts/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
BROWSER = next((b for b in (shutil.which(n) for n in ("chromium", "chromium-browser")) if b),
               None)
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="chromium is not installed; scripts/ensure-chromium.sh installs it "
    "(as root, with apt-get)")
RULE = "power_above_own_normal"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("workbench")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "custodiet", "workbench", "default", "--people", "3000",
         "--days", "4", "--seed", "1", "--port", "0", "--cache", str(tmp / "cache"),
         "--save-dir", str(tmp / "saved"), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
        url = match.group(0)
        import urllib.request

        for _ in range(100):  # the server starts listening just after it prints
            try:
                urllib.request.urlopen(url, timeout=5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url, tmp, env
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_edit_save_and_run(server) -> None:
    url, tmp, env = server
    messages: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: messages.append(f"error: {e}"))
        page.goto(url)
        unlabelled = page.evaluate("""[...document.querySelectorAll('input, select, button')]
            .filter(e => e.tagName !== 'BUTTON' && e.labels.length === 0).map(e => e.id)""")
        assert unlabelled == []
        assert page.locator(".answer[aria-live=polite]").count() == page.locator(
            "section.card").count()
        heading = page.get_by_role("heading", name=re.compile(RULE))
        card = page.locator("section.card", has=heading)
        index = card.get_attribute("id").removeprefix("card-")
        figure = card.locator('[data-figure="alerts_per_day"]')
        before = figure.inner_text()
        # a blank, found by its label as a screen reader would
        factor = card.get_by_label("Above this multiple of normal")
        factor.fill("4")
        factor.press("Tab")
        compare = card.locator("table.compare")
        compare.wait_for(timeout=20_000)
        assert "factor 2.0 → 4.0" in compare.locator("caption").inner_text()
        after = figure.inner_text()
        assert float(after) < float(before), (before, after)
        # an invalid value: the loader's message beside the field, the answer kept
        factor.fill("0.5")
        factor.press("Tab")
        error = card.locator(f"#c{index}-error-factor")
        error.wait_for(state="visible", timeout=20_000)
        assert error.inner_text() == "Input should be greater than 1"
        assert factor.get_attribute("aria-invalid") == "true"
        assert figure.inner_text() == after
        stale = card.locator("[data-stale]")  # and it says which value it is for
        stale.wait_for(state="visible", timeout=20_000)
        assert "factor = 4.0" in stale.inner_text()
        factor.fill("4")
        factor.press("Tab")
        error.wait_for(state="hidden", timeout=20_000)
        stale.wait_for(state="detached", timeout=20_000)
        card.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        card.screenshot(path=str(ARTIFACTS / "workbench.png"))
        # the tab keeps its own rules: its bare address again comes back to them, while
        # another tab starts from the scenario's
        tab = page.evaluate("document.body.dataset.tab")
        page.goto(url)
        page.wait_for_function(f"document.body.dataset.tab === {tab!r}")
        assert factor.input_value() == "4"
        other = browser.new_page()
        other.goto(url)
        assert other.evaluate("document.body.dataset.tab") != tab
        assert other.get_by_label("Above this multiple of normal").first.input_value() == "2.0"
        other.close()
        page.get_by_label("Save the rules as a scenario file").fill("bench-test.toml")
        page.get_by_role("button", name="Save").click()
        page.locator("#saved").wait_for(timeout=20_000)
        browser.close()
    assert messages == []
    saved = tmp / "saved" / "bench-test.toml"
    assert "factor = 4.0" in saved.read_text()
    run = subprocess.run(
        [sys.executable, "-m", "custodiet", "run", str(saved), "--out", str(tmp / "study"),
         "--removal-rates", "none", "--bootstrap", "0", "--quiet"],
        capture_output=True, text=True, env=env, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp / "study" / "report.html").is_file()


@pytest.mark.slow
def test_run_the_full_study_links_its_report(server) -> None:
    url, _, _ = server
    messages: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        page = browser.new_page()
        page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
        page.goto(url)
        page.get_by_role("button", name="Run the full study").click()
        page.locator("#study-progress").wait_for(timeout=20_000)
        page.locator("#study-report").wait_for(timeout=600_000)
        page.locator("#study-report").click()
        page.wait_for_load_state()
        assert page.title().startswith("Study of")
        browser.close()
    assert messages == []


@pytest.mark.slow
def test_a_duplicated_tab_gets_a_copy_of_the_rules_under_an_id_of_its_own(server) -> None:
    """Duplicating a browser tab copies its address and its sessionStorage: both pages held
    one tab id, and each edit of one changed the other's rules."""
    url, _, _ = server
    messages: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        context = browser.new_context()
        first = context.new_page()
        first.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
        first.goto(url)
        tab = first.evaluate("document.body.dataset.tab")
        card = first.locator("section.card",
                             has=first.get_by_role("heading", name=re.compile(RULE)))
        factor = card.get_by_label("Above this multiple of normal")
        factor.fill("4")
        factor.press("Tab")
        card.locator("table.compare").wait_for(timeout=20_000)
        time.sleep(0.5)  # the first page has kept its id
        # the duplicate: the same address, the same sessionStorage
        second = context.new_page()
        second.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
        second.add_init_script(  # what the browser copies, at the first load only
            "if (!sessionStorage.getItem('copied')) { sessionStorage.setItem('copied', '1'); "
            f"sessionStorage.setItem('custodiet-workbench-tab', {tab!r}); }}")
        second.goto(first.url)
        second.wait_for_url(lambda u: "/?s=" in u and f"s={tab}" not in u, timeout=20_000)
        second.wait_for_load_state()
        copy = second.evaluate("document.body.dataset.tab")
        assert second.evaluate("sessionStorage.getItem('custodiet-workbench-tab')") == copy
        assert f"s={copy}" in second.url
        twin = second.locator("section.card",
                              has=second.get_by_role("heading", name=re.compile(RULE)))
        twin_factor = twin.get_by_label("Above this multiple of normal")
        assert twin_factor.input_value() == "4"  # a copy of the first page's rules
        twin_factor.fill("3")
        twin_factor.press("Tab")
        twin.locator("table.compare caption").filter(has_text="4.0 → 3.0").wait_for(
            timeout=20_000)
        # the first page keeps its id and its rules; reloaded, it stays itself
        first.reload()
        assert first.evaluate("document.body.dataset.tab") == tab
        time.sleep(0.5)
        assert first.evaluate("document.body.dataset.tab") == tab
        assert factor.input_value() == "4"
        browser.close()
    assert messages == []
