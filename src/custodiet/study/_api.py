"""The Python entry point for notebooks: ``custodiet.run(scenario, ...)`` simulates, audits and
reports a study and returns a :class:`StudyResult`. ``prepare`` resolves, checks and plans a
study; ``custodiet run`` and ``custodiet.run`` both go through it."""

from __future__ import annotations

import dataclasses
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from custodiet.audit import AuditResult
from custodiet.audit.sim import StudyMetrics
from custodiet.errors import UserError
from custodiet.scenario import Scenario, builtin_scenarios, load_scenario
from custodiet.store import Run, open_run
from custodiet.study._execute import Progress
from custodiet.study._plan import RunSpec, plan_study, seeds_from, sized
from custodiet.study._rests_on import Measured, RestsOn, load_measured, rests_on
from custodiet.study._study import DEFAULT_BOOTSTRAP, DEFAULT_REMOVAL_RATES, Study, run_study
from custodiet.study._until import Budget


def resolve_scenario(spec: Scenario | str | Path) -> tuple[Scenario, str | None]:
    """A scenario object, a path to a TOML file, or a built-in name (``default``); returns the
    scenario and its file text when there is one."""
    if isinstance(spec, Scenario):
        return spec, None
    path = Path(spec)
    if not path.exists() and path.suffix == "" and "/" not in str(spec):
        found = builtin_scenarios()
        if str(spec) not in found:
            import difflib

            close = difflib.get_close_matches(str(spec), list(found), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UserError(f"no scenario file or built-in scenario of that name{hint} "
                            "(see custodiet scenarios)", where=str(spec))
        path = found[str(spec)]
    scenario = load_scenario(path)
    return scenario, path.read_text(encoding="utf-8")


class StudyResult:
    """A finished study: ``metrics`` (typed; ``metrics.json`` is ``metrics.to_dict()``),
    ``by_group(...)``, the first seed's ``alerts``, ``incidents`` and run ``store``, and
    ``path`` (the directory)."""

    def __init__(self, path: Path, study: Study, rests_on: RestsOn | None = None):
        self.path = path
        self.rests_on = rests_on
        self.scenario = study.scenario
        self.metrics: StudyMetrics = study.metrics
        self.groups: AuditResult = study.groups
        self.seeds = study.seeds
        self.seconds = study.seconds
        self._store: Run | None = None

    @property
    def report(self) -> Path:
        """The HTML report."""
        return self.path / "report.html"

    def run_path(self, variant: str = "watch", seed: int | None = None) -> Path:
        """The run directory of one variant (``watch``, ``no_response``, ``no_redlist``,
        ``null_world``, ``removal-R``) of one seed (default: the first)."""
        seed = self.seeds[0] if seed is None else seed
        return self.path / "runs" / f"seed-{seed}" / variant

    def open(self, variant: str = "watch", seed: int | None = None) -> Run:
        """Open one run store read-only (close it when done)."""
        return open_run(self.run_path(variant, seed))

    @property
    def store(self) -> Run:
        """The first seed's watch run, opened read-only (kept open)."""
        if self._store is None:
            self._store = self.open()
        return self._store

    @property
    def alerts(self) -> pa.Table:
        """Every alert of the first seed's watch run."""
        return self.store.table("alerts")

    @property
    def incidents(self) -> pa.Table:
        """Every incident (ground truth) of the first seed's watch run."""
        return self.store.table("incidents")

    def by_group(self, grouping: str | Sequence[str] | None = None, *,
                 as_pandas: bool = False) -> Any:
        """Group metrics (pooled over seeds) for a grouping: a column name, several columns (an
        intersection) or None for the first one; an Arrow table (``None`` where a value is not
        shown), or with ``as_pandas`` a DataFrame whose ``note`` column says which values are
        missing and why (suppressed for a small cell, or undefined)."""
        if grouping is None:
            frame = next(iter(self.groups.frames.values()))
        else:
            name = grouping if isinstance(grouping, str) else " × ".join(grouping)
            if name not in self.groups.frames:
                raise UserError(f"no grouping {name!r}; have {sorted(self.groups.frames)}")
            frame = self.groups.frames[name]
        if as_pandas:
            from custodiet.study._views import group_frame

            return group_frame(frame, self.groups.min_cell)
        return frame.by_group

    def to_pandas(self) -> Any:
        """The headline figures as a pandas DataFrame, one row per figure: label, unit, mean
        over the seeds, 95% interval of the mean, range of the single cities."""
        from custodiet.study._views import headline_frame

        return headline_frame(self.metrics)

    def plot(self) -> Any:
        """The headline figures with their 95% intervals, as a matplotlib figure (one panel
        per unit); ``fig.savefig("headline.png")`` to keep it."""
        from custodiet.study._views import headline_plot

        return headline_plot(self.metrics)

    def _repr_html_(self) -> str:
        from custodiet.study._views import study_html

        return study_html(str(self.path), self.metrics)

    @property
    def headline(self) -> dict[str, float | None]:
        """Each headline figure's mean over the seeds."""
        return {k: v.mean for k, v in self.metrics.headline.items()}

    def close(self) -> None:
        """Close the open store, if any."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def __repr__(self) -> str:
        return f"StudyResult({str(self.path)!r}, seeds={self.seeds})"




@dataclass(frozen=True)
class Prepared:
    """A study resolved and planned, before any work: the sized scenario, its file text, the
    seeds, every planned run, and the audit's settings."""

    scenario: Scenario
    text: str | None
    seeds: list[int]
    removal_rates: tuple[float, ...]
    bootstrap: int
    plan: list[RunSpec]

    @property
    def days_to_simulate(self) -> int:
        """Simulated days over every run (for a progress bar)."""
        return sum(spec.scenario.world.days for spec in self.plan)


def prepare(scenario: Scenario | str | Path = "default", *, people: int | None = None,
            days: int | None = None, seed: int | None = None, seeds: int = 1,
            removal_rates: Sequence[float] = DEFAULT_REMOVAL_RATES,
            bootstrap: int = DEFAULT_BOOTSTRAP) -> Prepared:
    """Resolve the scenario, check the arguments and plan every run (a user error before any
    work: bad sizes, rates, or a scenario without a watch)."""
    base, text = resolve_scenario(scenario)
    for name, v in (("people", people), ("days", days)):
        if v is not None and v < 1:
            raise UserError("must be at least 1", field=name)
    if seed is not None and seed < 0:
        raise UserError("must be 0 or more", field="seed")
    if bootstrap < 0:
        raise UserError("must be 0 or more", field="bootstrap")
    for r in removal_rates:
        if not 0.0 <= r <= 1.0:
            raise UserError(f"must be between 0 and 1, got {r:g}", field="removal rate")
    sc = sized(base, people=people, days=days, seed=seed)
    seed_list = seeds_from(sc.seed, seeds)
    return Prepared(sc, text, seed_list, tuple(removal_rates), bootstrap,
                    plan_study(sc, seed_list, removal_rates))


def run(scenario: Scenario | str | Path = "default", out: str | Path | None = None, *,
        people: int | None = None, days: int | None = None, seed: int | None = None,
        seeds: int = 1, removal_rates: Sequence[float] = DEFAULT_REMOVAL_RATES,
        bootstrap: int = DEFAULT_BOOTSTRAP, force: bool = False,
        progress: Progress | None = None, jobs: int | None = None,
        cluster: Any = None, until: Budget | None = None,
        sensitivity: str | Path | Measured | None = None) -> StudyResult:
    """Simulate, audit and report a study; write it to ``out`` (a new temporary directory when
    None) atomically: ``report.html``, ``metrics.json``, ``figures/``, ``runs/``. The
    simulations run on ``jobs`` local processes (default: every core memory allows) or a Dask
    ``cluster`` (an address); the results do not depend on where they ran. With ``until`` (a
    :class:`Budget`), ``seeds`` is ignored: seeds are added in batches until every answer is
    decided or the budget is spent, and the report says how many it took and why it
    stopped. ``sensitivity`` (a ``custodiet sensitivity`` result, its ``metrics.json``) says
    how far each answer moves with the assumptions it rests on (default: the result shipped
    for a built-in scenario, else the assumptions are named without a range)."""
    from custodiet._executor import executing

    prepared = prepare(scenario, people=people, days=days, seed=seed, seeds=seeds,
                       removal_rates=removal_rates, bootstrap=bootstrap)
    with executing(jobs=jobs, cluster=cluster):
        return run_prepared(prepared, out, force=force, progress=progress, until=until,
                            sensitivity=sensitivity)


def run_prepared(prepared: Prepared, out: str | Path | None = None, *, force: bool = False,
                 progress: Progress | None = None, until: Budget | None = None,
                 sensitivity: str | Path | Measured | None = None) -> StudyResult:
    """Execute, audit, report and publish a prepared study."""
    from custodiet.report import publish, study_report
    from custodiet.study._stable import run_study_until

    sc = prepared.scenario
    if out is None:
        out = Path(tempfile.mkdtemp(prefix="custodiet-study-")) / "study"
    holder: dict[str, Any] = {}
    measured = sensitivity if sensitivity is None or isinstance(sensitivity, Measured) \
        else load_measured(sensitivity)

    def build(fig_dir: Path):  # type: ignore[no-untyped-def]
        if until is not None:
            study, _ = run_study_until(sc, fig_dir.parent, budget=until,
                                       removal_rates=prepared.removal_rates,
                                       bootstrap=prepared.bootstrap, progress=progress)
        else:
            study = run_study(sc, fig_dir.parent, seeds=prepared.seeds,
                              removal_rates=prepared.removal_rates,
                              bootstrap=prepared.bootstrap, progress=progress,
                              plan=prepared.plan)
        t = time.perf_counter()
        holder["rests"] = rests_on(study.metrics, sc, measured)
        city = fig_dir.parent / "runs" / f"seed-{study.seeds[0]}" / "watch"
        report = study_report(study.metrics, study.groups, sc, audits=study.audits,
                              scenario_text=prepared.text, figures_dir=fig_dir,
                              rests_on=holder["rests"], city=city)
        study.seconds["report"] = round(time.perf_counter() - t, 3)
        study.metrics = dataclasses.replace(study.metrics, seconds=dict(study.seconds))
        holder["study"] = study
        return report, study.metrics.to_dict()

    path = publish(out, build, force=force)
    return StudyResult(Path(path), holder["study"], holder["rests"])
