"""The tripwire workbench: the reporting's fill-in-the-blank menu (NYT-2) turned round. A city
is simulated once without police response; each edit of a rule's blanks recompiles that rule,
runs it over the cached observed days and audits its alerts against the ground truth.

``open_bench`` builds the state (for notebooks and the benchmark), ``serve_app`` the web app
that ``custodiet workbench`` serves on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from custodiet.workbench._bench import Bench, Card
from custodiet.workbench._study import stop as stop_study

Progress = Callable[[str, int, int], None]
"""Called with (what, done, total) while the city is prepared and the rules first answered."""


def open_bench(scenario: str | Path, *, people: int | None = None, days: int | None = None,
               seed: int | None = None, cache: str | Path, threads: int = 2,
               answer: bool = True, progress: Progress | None = None) -> Bench:
    """Load ``scenario`` (a built-in name or a TOML file) at the given size, simulate or reuse
    its no-response city under ``cache``, and (unless ``answer`` is False) answer every rule
    once."""
    from custodiet.workbench import _engine as engine

    loaded, source = engine.load_with_source(scenario)
    sc = engine.sized(loaded, people=people, days=days, seed=seed)
    city = engine.prepare_city(
        sc, cache=Path(cache),
        progress=(lambda d, n: progress("simulating the city", d, n)) if progress else None)
    bench = Bench(city, sc, threads=threads, source=source)
    if answer:
        bench.answer_all((lambda d, n: progress("answering each rule", d, n))
                         if progress else None)
    return bench


def serve_app(scenario: str | Path, *, people: int | None, days: int | None,
              seed: int | None, cache: str | Path, save_dir: str | Path,
              progress: Progress | None = None):
    """The workbench's web app over a freshly opened bench (see :func:`open_bench`)."""
    from custodiet.workbench._app import Workbench, create_app

    bench = open_bench(scenario, people=people, days=days, seed=seed, cache=cache,
                       progress=progress)
    return create_app(Workbench(bench, save_dir=Path(save_dir),
                                study_dir=Path(cache) / "studies"))


__all__ = ["Bench", "Card", "open_bench", "serve_app", "stop_study"]
