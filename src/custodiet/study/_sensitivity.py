"""Global sensitivity analysis of a study's headline figures: which assumptions move them, and
by how much. The varied settings (``PATH=LO:HI``) span a box; SALib draws the design (Morris
elementary effects by default, Sobol' indices on request), every point is one watch run (with
its twins on request) planned, simulated and audited through :func:`simulate_and_audit`
like any study run, and SALib's analysis ranks the settings per headline figure. Also, per
rule, a **break-even base rate**: the value of each varied ``world.incidents.*`` rate at which
the rule's precision would reach 50%, or that no valid value does
(:mod:`custodiet.study._break_even`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from custodiet.errors import UserError
from custodiet.scenario import Scenario
from custodiet.study._break_even import break_even
from custodiet.study._execute import Progress
from custodiet.study._overrides import with_changes
from custodiet.study._plan import RunSpec
from custodiet.study._sensitivity_combine import combine, output_values, stability
from custodiet.study._study import simulate_and_audit
from custodiet.study._variants import Variant

METHODS = ("morris", "sobol")
#: Grid levels of the Morris design (SALib's default: 4).
MORRIS_LEVELS = 4
#: Headline figures the analysis explains.
OUTPUTS: tuple[str, ...] = ("precision", "innocents_per_true_alert", "true_alerts",
                            "innocents_flagged", "alerts", "unlawful_deterred",
                            "lawful_deterred", "incidents_prevented", "null_to_actual_alerts")
#: Independent designs by default: the second checks that the first's ranking is stable.
REPLICATES = 2
#: City seeds of replicate r start at ``seed + r × REPLICATE_SEED_STEP``.
REPLICATE_SEED_STEP = 100_003


#: The uncertain settings varied when no ``--vary`` is given. Rates and shares span from half
#: to twice their default (a multiplier capped at 1), a range of assumption: none of these is
#: measured for any real city (see docs/world-parameters.md for the published bounds).
BUILTIN_VARY: tuple[str, ...] = (
    # base rates of what the rules look for
    "world.incidents.petition_rate=0.005:0.02",
    "world.incidents.group_protest_rate=0.0125:0.05",
    "world.incidents.drug_deal_rate=0.01:0.04",
    "world.incidents.dealer_share=0.00015:0.0006",
    "world.incidents.pickpocket_share=0.0001:0.0004",
    "world.incidents.burglar_share=0.0001:0.0004",
    # innocent look-alikes
    "world.behaviour.hotel_night_rate=0.001:0.004",
    "world.behaviour.station_visit_rate=0.005:0.02",
    "world.behaviour.new_number_share=0.05:0.2",
    "world.behaviour.household_use_sd=0.15:0.6",
    # recording
    "world.history.grievance_recording_rate=0.25:1.0",
    "world.history.temperament_fill_rate=0.25:1.0",
    # footprints and dwell times
    "world.incidents.pickpocket_dwell_minutes=90:360",
    "world.behaviour.station_dwell_minutes=15:60",
    # crowded rentals and couples
    "world.households.migrant_crowded_share=0.15:0.6",
    "world.households.unregistered_occupants_mean=2:8",
    "world.incidents.sham_marriage_share=0.001:0.004",
    "world.behaviour.apart_couples_share=0.005:0.02",
    # camera coverage: cameras at a home and at compound gates apart
    "sensors.home_camera_share=0.05:0.2",
    "sensors.camera_coverage.compound=0.3:1.0",
    # deterrence multipliers (1 = no deterrence)
    "world.deterrence.unlawful.camera=0.35:1.0",
    "world.deterrence.unlawful.visited=0.25:1.0",
    "world.deterrence.lawful.listed=0.3:1.0",
    # the response
    "response.chill=0.25:1.0",
    "response.capacity_per_100k=25:100",
)
#: Built-in settings whose range is not half to twice the default: list removal is 0 by
#: default (nobody leaves a list), so its range runs from 0 to 2% a day.
BUILTIN_EXPLICIT: tuple[str, ...] = ("lists.petitioners.removal_rate=0:0.02",)
BUILTIN_VARY = BUILTIN_VARY + BUILTIN_EXPLICIT


@dataclass(frozen=True)
class Vary:
    """One varied setting: a dotted scenario path and its range."""

    path: str
    low: float
    high: float


def parse_vary(text: str) -> Vary:
    """``world.incidents.petition_rate=0.001:0.02`` → Vary(path, 0.001, 0.02)."""
    path, sep, rng = text.partition("=")
    lo, sep2, hi = rng.partition(":")
    try:
        low, high = float(lo), float(hi)
    except ValueError:
        raise UserError(f"expected PATH=LO:HI with numbers, got {text!r}",
                        field="--vary") from None
    if not sep or not sep2 or not path.strip():
        raise UserError(f"expected PATH=LO:HI, got {text!r}", field="--vary")
    if not low < high:
        raise UserError(f"LO must be below HI in {text!r}", field="--vary")
    return Vary(path.strip(), low, high)


def _value(scenario: Scenario, path: str, x: float) -> Any:
    """``x`` as the type the setting has (an integer setting gets a rounded integer)."""
    node: Any = scenario.model_dump()
    for key in path.split("."):
        node = (next((i for i in node if isinstance(i, dict) and i.get("name") == key), None)
                if isinstance(node, list) else node.get(key) if isinstance(node, dict) else None)
    return int(np.rint(x)) if isinstance(node, int) and not isinstance(node, bool) else float(x)


def check_samples(samples: int, method: str) -> None:
    """Sobol' needs a power of 2 base samples (SALib's Saltelli scheme); Morris at least 2
    trajectories (one gives no interval)."""
    if method == "sobol" and samples & (samples - 1):
        raise UserError(f"Sobol' needs a power of 2 samples (2, 4, 8, ...), got {samples}",
                        field="--samples")
    if samples < 2:
        raise UserError("at least 2 samples: one gives no interval", field="--samples")


def design(varied: Sequence[Vary], samples: int, method: str, seed: int) -> tuple[dict, np.ndarray]:
    """The SALib problem and its sample matrix (one row per run)."""
    check_samples(samples, method)
    problem = {"num_vars": len(varied), "names": [v.path for v in varied],
               "bounds": [[v.low, v.high] for v in varied]}
    if method == "morris":
        from SALib.sample import morris

        return problem, morris.sample(problem, samples, num_levels=MORRIS_LEVELS, seed=seed)
    from SALib.sample import sobol

    return problem, sobol.sample(problem, samples, calc_second_order=False, seed=seed)


def point_seeds(n_rows: int, k: int, method: str, seed: int) -> np.ndarray:
    """A city seed per design point: one per Morris trajectory (k + 1 rows) or Sobol' base
    sample (k + 2 rows), so each elementary effect compares two runs of one city while the
    trajectories sample different cities, and the effects' intervals carry the city-to-city
    spread."""
    group = k + 1 if method == "morris" else k + 2
    return seed + np.arange(n_rows) // group


#: Twins run beside each design point with ``twins``: what deterrence, interception and the
#: null-world ratio are measured against (``study._variants``).
TWINS: tuple[Variant, ...] = (Variant.NO_RESPONSE, Variant.NO_SYSTEM, Variant.NULL_WORLD)


def plan_points(scenario: Scenario, varied: Sequence[Vary], xs: np.ndarray,
                seeds: Sequence[int] | None = None, prefix: str = "runs", *,
                twins: bool = False) -> list[RunSpec]:
    """One watch run per design point (checked before any simulation), each on its city seed;
    with ``twins``, its no-response, no-system and null-world twins too. A point is one plan
    group (its index), so :func:`simulate_and_audit` audits its runs together, as a study's seed."""
    out = []
    for i, row in enumerate(xs):
        changes: dict[str, Any] = {v.path: _value(scenario, v.path, x)
                                   for v, x in zip(varied, row, strict=True)}
        if seeds is not None:
            changes["seed"] = int(seeds[i])
        sc = with_changes(scenario, changes, source=f"--vary point {i}")
        out.append(RunSpec(sc, f"{prefix}/point-{i}", sc.seed, f"point {i}", str(i)))
        for twin in TWINS if twins else ():
            out.append(RunSpec(twin.apply(sc), f"{prefix}/point-{i}-{twin}", sc.seed,
                               f"point {i} {twin}", str(i), twin))
    return out


def _analyse(problem: dict, xs: np.ndarray, ys: np.ndarray, method: str, seed: int
             ) -> list[dict[str, Any]]:
    ok = np.isfinite(ys)
    if not ok.all():  # an undefined figure in a run: its mean keeps the design intact
        ys = np.where(ok, ys, np.nanmean(ys) if ok.any() else 0.0)
    if method == "morris":
        from SALib.analyze import morris

        r = morris.analyze(problem, xs, ys, num_levels=MORRIS_LEVELS, seed=seed)
        return [{"setting": n, "mu_star": float(m), "mu_star_conf": float(c), "sigma": float(s)}
                for n, m, c, s in zip(problem["names"], r["mu_star"], r["mu_star_conf"],
                                      r["sigma"], strict=True)]
    from SALib.analyze import sobol

    r = sobol.analyze(problem, ys, calc_second_order=False, seed=seed)
    return [{"setting": n, "S1": float(a), "ST": float(b), "ST_conf": float(c)}
            for n, a, b, c in zip(problem["names"], r["S1"], r["ST"], r["ST_conf"],
                                  strict=True)]


def _replicate(scenario: Scenario, varied: Sequence[Vary], folder: Path, r: int, *,
               samples: int, method: str, twins: bool,
               progress: Progress | None) -> dict[str, Any]:
    """One independent design: its own design seed and its own cities."""
    problem, xs = design(varied, samples, method, scenario.seed + r)
    seeds = point_seeds(len(xs), len(varied), method,
                        scenario.seed + r * REPLICATE_SEED_STEP)
    plan = plan_points(scenario, varied, xs, seeds, prefix=f"runs/rep-{r}", twins=twins)
    # plan → stores → one bundle per point → its audit, in plan order (as run and sweep)
    audits = list(simulate_and_audit(plan, folder, progress=progress)[1].values())
    outputs = {}
    for name, ys in output_values(audits, OUTPUTS).items():
        outputs[name] = {"values": ys.tolist(), "defined_runs": int(np.isfinite(ys).sum()),
                         "effects": _analyse(problem, xs, ys, method, scenario.seed + r)}
    return {"design": xs.tolist(), "seeds": seeds.tolist(), "outputs": outputs,
            "audits": audits}


def sensitivity(scenario: Scenario, varied: Sequence[Vary], folder: Path, *, samples: int,
                method: str = "morris", replicates: int = REPLICATES, twins: bool = False,
                progress: Progress | None = None) -> dict[str, Any]:
    """Run ``replicates`` independent designs and return the metrics: per output, each
    setting's effect (Morris μ*, σ; or Sobol' S1, ST) averaged over the designs, its interval
    widened to cover every design's value; whether the top two settings agree across designs;
    the break-even rates (from the first design)."""
    if method not in METHODS:
        raise UserError(f"expected one of {METHODS}", field="--method")
    if not varied:
        raise UserError("give at least one --vary PATH=LO:HI", field="--vary")
    if len({v.path for v in varied}) != len(varied):
        raise UserError("a setting is varied twice", field="--vary")
    if replicates < 1:
        raise UserError("at least one replicate", field="--replicates")
    reps = [_replicate(scenario, varied, folder, r, samples=samples, method=method,
                       twins=twins, progress=progress) for r in range(replicates)]
    key = "mu_star" if method == "morris" else "ST"
    first = reps[0]
    return {"scenario": {"name": scenario.name, "people": scenario.world.people,
                         "days": scenario.world.days, "seed": scenario.seed},
            "method": method, "samples": samples, "replicates": replicates, "twins": twins,
            "runs": sum(len(r["design"]) for r in reps),
            "varied": [{"path": v.path, "low": v.low, "high": v.high} for v in varied],
            "design": first["design"],
            "outputs": combine([r["outputs"] for r in reps], key),
            "stability": stability([r["outputs"] for r in reps], key),
            "break_even": break_even(varied, np.array(first["design"]), first["audits"],
                                     {r.name: list(r.detects) for r in scenario.rules})}
