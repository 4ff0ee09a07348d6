"""Every time the README states is measured. Each timing phrase ("about 30 s", "under 1 s",
"45 s of CPU") belongs to the command on its line of a shell block (or to the command below a
comment line holding it); the README walked at full size, every command as written and in its
order, measures each, and the stated figure must lie within a factor of 2 of the measured
one, either way ("under X": measured at most 2 X; "of CPU": the processes' CPU time, not the
wall time). A timing in prose names the command that measures it here, or why none can;
a new timing that is neither fails the main tier.

Why 2: it is the issue's own tolerance for the README's figures ("a test that each claim is
within 2× of what the README walk-through test measures"), wide enough for what a busy 2-core
machine does to one wall time (``mkdocs build`` measured 3.1 s and then 5.0 s a few seconds
later at a load of 5 to 6; the README's figures were measured at loads of 0.3 to 2.4), and
narrow enough to catch a figure left from before a change that halved or doubled a command's
time. A machine whose load average exceeds twice its cores before or after a command
measures the queue, not the command: a command measured slower than stated then skips, with
the figures, instead of failing; one measured faster than stated fails whatever the load (a
load slows a command, never speeds it)."""

from __future__ import annotations

import os
import re
import resource
import shlex
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
TOLERANCE = 2.0
PHRASE = re.compile(r"\b(?:(about|under)\s+)?(\d+(?:\.\d+)?)\s*(s|min|minutes|seconds)\b"
                    r"(\s+of CPU)?", re.IGNORECASE)
UNITS = {"s": 1.0, "seconds": 1.0, "min": 60.0, "minutes": 60.0}
DATA = {"compas-scores-two-years.csv": SHARED_DATA / "compas" / "compas-scores-two-years.csv",
        "treemap_ssl_groups.csv": SHARED_DATA / "chicago_ssl" / "treemap_ssl_groups.csv"}

#: Timings in the README no walk here can measure, each with why.
NOT_MEASURED = {
    "(about 2 min the first time)": "installs the package and its dependencies from the "
    "network into a fresh .venv",
    "(about 12 min on 2 cores, set-up included)": "make test runs this suite; measured by hand "
    "in a fresh clone",
    "(about 11 min on 2 cores once set up)": "make test runs this suite; measured by hand",
    "ran in about 3 minutes": "a Tianjin-sized city needs 12 to 15 GiB of memory; "
    "docs/scale.md records the runs, bench/scale.py measures them",
    "in about 9 minutes": "a Tianjin-sized month: as above",
}
#: Timings in prose, and the command whose measure they state.
PROSE = {
    "About 5 s for 1000 runs": "custodiet replicate ensign2018 --out runs/ensign2018",
    "About 130 s for 1000 runs": "custodiet replicate damour2020 --out runs/damour2020",
    "(3 cities of 100,000 × 28 days, about 10 s)":
        "custodiet replicate hotspots_city --out runs/hotspots_city",
}


@dataclass(frozen=True)
class Claim:
    """One stated time: where it is, what it says and the command it is the time of ("" in
    prose); ``what`` is the measure it states (wall, cpu, or the workbench's edit)."""

    line: int
    context: str
    phrase: str
    seconds: float
    under: bool
    what: str
    command: str

    def holds(self, measured: float) -> bool:
        if self.under:
            return measured <= TOLERANCE * self.seconds
        return self.seconds / TOLERANCE <= measured <= TOLERANCE * self.seconds


def _claims_in(text: str, line: int, command: str) -> list[Claim]:
    out = []
    for m in PHRASE.finditer(text):
        what = "cpu" if m.group(4) else "wall"
        if command.startswith("custodiet workbench") and "answers in" in text[:m.start()][-20:]:
            what = "edit"
        out.append(Claim(line, text, " ".join(m.group(0).split()),
                         float(m.group(2)) * UNITS[m.group(3).lower()],
                         (m.group(1) or "").lower() == "under", what, command))
    return out


def _shell(block: list[tuple[int, str]]) -> list[Claim]:
    """A shell block's claims, each attached to its command (continuations joined)."""
    out: list[Claim] = []
    above: list[tuple[int, str]] = []
    joined: list[tuple[int, str]] = []
    for n, text in block:
        if joined and joined[-1][1].endswith("\\"):
            joined[-1] = (joined[-1][0], joined[-1][1][:-1] + " " + text.strip())
        else:
            joined.append((n, text.strip()))
    for n, text in joined:
        if not text:
            continue
        if text.startswith("#"):
            above.append((n, text))
            continue
        command, _, comment = text.partition(" #")
        command = " ".join(command.split())
        for m, note in above:
            out += _claims_in(note, m, command)
        out += _claims_in(comment, n, command)
        above = []
    return out


def claims(text: str | None = None) -> list[Claim]:
    """Every timing phrase of the README: in shell blocks attached to a command, elsewhere
    (prose, other blocks) by paragraph with no command."""
    lines = (README.read_text(encoding="utf-8") if text is None else text).splitlines()
    out: list[Claim] = []
    fence: str | None = None
    block: list[tuple[int, str]] = []
    paragraph: list[tuple[int, str]] = []

    def prose() -> None:
        if paragraph:
            out.extend(_claims_in(" ".join(t.strip() for _, t in paragraph), paragraph[0][0],
                                  ""))
            paragraph.clear()

    for n, line in enumerate(lines, 1):
        if line.startswith("```"):
            prose()
            if fence is None:
                fence, block = line[3:].strip(), []
            else:
                out += _shell(block) if fence == "" else []
                fence = None
        elif fence == "":
            block.append((n, line))
        elif fence is None and not line.strip():
            prose()
        else:  # prose, or a line of a block in another language
            paragraph.append((n, line))
    prose()
    return out


def _excused(claim: Claim) -> str | None:
    for snippet, why in NOT_MEASURED.items():
        if snippet in claim.context and claim.phrase in snippet:
            return why
    return None


def _prose_command(claim: Claim) -> str | None:
    for snippet, command in PROSE.items():
        if snippet in claim.context and claim.phrase in snippet:
            return command
    return None


def _makefile_recipe(target: str, word: str) -> str:
    """The line of ``target``'s recipe in the Makefile that holds ``word``."""
    recipe = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert recipe, f"no {target} in the Makefile"
    return next(x.strip() for x in recipe.group(1).splitlines() if word in x)


def measured_command(claim: Claim) -> str | None:
    """The command the walk measures for ``claim``: its own, make's recipe for it, the one its
    prose names; None when it is excused."""
    if _excused(claim):
        return None
    command = claim.command or _prose_command(claim) or ""
    if command == "make demo":  # the study the demo runs (its set-up is excused)
        return "custodiet " + _makefile_recipe("demo", "custodiet").split("custodiet ", 1)[1]
    if command == "make docs":
        return _makefile_recipe("docs", "mkdocs build")
    return command if command.startswith("custodiet ") else None


# ------------------------------------------------------------------ main tier
def test_every_timing_phrase_is_found():
    """The scan attaches every timing phrase of the README, none missed."""
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert len(claims()) == len(PHRASE.findall(text))
    assert len(claims()) >= 20


def test_every_timing_is_measured_by_the_walk_or_excused():
    unmeasured = [f"line {c.line}: {c.phrase!r} ({c.command or c.context[:80]})"
                  for c in claims() if measured_command(c) is None and not _excused(c)]
    assert not unmeasured, ("a timing no walk measures; attach it to a command or say why "
                            "in NOT_MEASURED: " + "; ".join(unmeasured))
    for table in (NOT_MEASURED, PROSE):  # no stale entry
        for snippet in table:
            assert sum(snippet in c.context and c.phrase in snippet for c in claims()) == 1, \
                snippet


def test_claims_are_parsed_as_written():
    text = ("```\n# a note (about 10 s)\ncustodiet a \\\n  --x 1  # (under 1 s; 45 s of CPU)\n"
            "custodiet workbench  # starts in about 30 s; an edit answers in under 1 s\n```\n"
            "Prose about\n2 min here.\n")
    found = [(c.line, c.phrase, c.seconds, c.under, c.what, c.command) for c in claims(text)]
    assert found == [
        (2, "about 10 s", 10.0, False, "wall", "custodiet a --x 1"),
        (3, "under 1 s", 1.0, True, "wall", "custodiet a --x 1"),
        (3, "45 s of CPU", 45.0, False, "cpu", "custodiet a --x 1"),
        (5, "about 30 s", 30.0, False, "wall", "custodiet workbench"),
        (5, "under 1 s", 1.0, True, "edit", "custodiet workbench"),
        (7, "about 2 min", 120.0, False, "wall", ""),
    ]
    about = claims("```\nx  # (about 30 s)\n```\n")[0]
    assert about.holds(15.0) and about.holds(60.0)
    assert not about.holds(14.9) and not about.holds(60.1)
    under = claims("```\nx  # (under 1 s)\n```\n")[0]
    assert under.holds(0.01) and under.holds(2.0) and not under.holds(2.01)


# ------------------------------------------------------------------ the walk (slow tier)
def _overloaded() -> str:
    """Why this machine cannot time a command now ("" when it can)."""
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    return f"load average {load:.1f} on {cores} cores" if load > 2 * cores else ""


class _Walk:
    """The README's commands run as a user runs them, in a folder of their own."""

    def __init__(self, where: Path):
        self.where = where
        self.env = {**os.environ, "PYTHONPATH": str(ROOT / "src"),
                    "XDG_CACHE_HOME": str(where / ".cache"), "NO_MKDOCS_2_WARNING": "1"}
        for name in ("CUSTODIET_JOBS", "CUSTODIET_CLUSTER"):
            self.env.pop(name, None)
        self.busy: dict[str, str] = {}  # command: the load it was measured under, if too high

    def note(self, command: str) -> None:
        """Keep the load before and after a command when it is too high to time it."""
        if why := _overloaded():
            self.busy.setdefault(command, why)

    def argv(self, command: str) -> tuple[list[str], Path]:
        if command.startswith("custodiet "):
            return [sys.executable, "-m", "custodiet", *shlex.split(command)[1:]], self.where
        words = [w for w in shlex.split(command) if "=" not in w.partition("/")[0]]
        assert words[0].endswith("/mkdocs"), command
        return [sys.executable, "-m", "mkdocs", *words[1:], "--site-dir",
                str(self.where / "site")], ROOT

    def time(self, command: str) -> dict[str, float]:
        """Wall and CPU seconds of ``command`` (its processes' own and their children's)."""
        self.note(command)
        argv, cwd = self.argv(command)
        cpu = _children_cpu()
        started = time.perf_counter()
        done = subprocess.run(argv, cwd=cwd, env=self.env, capture_output=True, text=True,
                              timeout=1800, check=False)
        wall = time.perf_counter() - started
        assert done.returncode == 0, f"{command}\n{done.stderr[-2000:]}"
        self.note(command)
        return {"wall": wall, "cpu": _children_cpu() - cpu}

    def workbench(self, command: str) -> dict[str, float]:
        """Until the page answers, then one edit of the README's picture (the digital
        whistle's factor 2 → 1.5 → 2 → 1.5: the median of three answers)."""
        self.note(command)
        argv, cwd = self.argv(command)
        argv += ["--port", "0", "--quiet"]
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            url = re.search(r"http://127\.0\.0\.1:\d+/", proc.stdout.readline())
            assert url, proc.stderr.read()[-2000:]
            while True:  # the address is printed just before the server listens
                try:
                    urllib.request.urlopen(url.group(0), timeout=120).close()
                    break
                except OSError:
                    assert proc.poll() is None, proc.stderr.read()[-2000:]
                    time.sleep(0.05)
            wall = time.perf_counter() - started
        finally:
            proc.terminate()
            proc.wait(timeout=60)
        edit = _edit_seconds(self.where / ".cache")
        self.note(command)
        return {"wall": wall, "edit": edit}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _edit_seconds(cache: Path) -> float:
    from custodiet.workbench import open_bench
    from tests.test_workbench_form import form_of

    bench = open_bench("default", cache=cache / "custodiet" / "workbench", answer=False)
    i = [c.rule.name for c in bench.cards].index("power_above_own_normal")
    bench.answer(i)
    took = []
    for factor in ("1.5", "2.0", "1.5"):
        form = [(k, factor if k == "factor" else v) for k, v in
                form_of(bench.cards[i], bench.list_names, bench.scorer_names)]
        started = time.perf_counter()
        bench.edit(i, form)
        took.append(time.perf_counter() - started)
        assert not bench.cards[i].errors and bench.cards[i].changed
    return sorted(took)[1]


def _prepare(where: Path) -> None:
    """The README's my-study.toml as written, and the real tables under the names it uses."""
    from tests.test_readme import blocks

    toml = next(b for b in blocks("toml") if b.startswith("# my-study.toml"))
    (where / "my-study.toml").write_text(toml)
    for name, path in DATA.items():
        (where / name).symlink_to(path)


@pytest.mark.slow  # the README at full size: about 20 minutes on a quiet 2-core machine
@pytest.mark.timeout(5400)
@pytest.mark.skipif(not all(p.exists() for p in DATA.values()), reason="shared data absent")
def test_the_readme_timings_hold(tmp_path):
    if why := _overloaded():
        pytest.skip(f"{why}: a wall time measured now times the queue, not the command")
    _prepare(tmp_path)
    walk = _Walk(tmp_path)
    order: list[str] = []
    for claim in claims():
        command = measured_command(claim)
        if command is not None and command not in order:
            order.append(command)
    measured = {}
    for c in order:  # each measure printed as it comes (-s shows them)
        measured[c] = walk.workbench(c) if c.startswith("custodiet workbench") else walk.time(c)
        print(f"measured {measured[c]} (load {os.getloadavg()[0]:.1f}): {c[:70]}", flush=True)
    rows, wrong, queued = [], [], []
    for claim in claims():
        command = measured_command(claim)
        if command is None:
            continue
        value = measured[command][claim.what]
        rows.append(f"line {claim.line}: {claim.phrase!r} ({claim.what}) measured "
                    f"{value:.1f} s: {command[:70]}")
        if claim.holds(value):
            continue
        # a load can make a command slower, never faster than it is
        if value > claim.seconds and command in walk.busy:
            queued.append(f"{rows[-1]} ({walk.busy[command]})")
        else:
            wrong.append(rows[-1])
    print("\n".join(rows))
    assert not wrong, "README timings off by more than 2×:\n" + "\n".join(wrong)
    if queued:
        pytest.skip("slower than stated, on a machine too busy to tell: " + "; ".join(queued))
