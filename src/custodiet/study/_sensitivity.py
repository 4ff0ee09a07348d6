"""Global sensitivity analysis of a study's headline figures: which assumptions move them, and
by how much. The varied settings (``PATH=LO:HI``) span a box; SALib draws the design (Morris
elementary effects by default, Sobol' indices on request), every point is one watch run planned
and simulated through :func:`execute` like any study run, and SALib's analysis ranks the
settings per headline figure. Also, per rule, a **break-even base rate**: the value of each
varied ``world.incidents.*`` rate at which the rule's precision would reach 50%.

Break-even: for fixed rules, precision's odds p / (1 − p) grow in proportion to the base rate
of what they look for (Bayes: posterior odds = likelihood ratio × prior odds, and prior odds
are close to the rate when it is small), so a run at rate r with precision p puts the break-even
rate at r (1 − p) / p; the figure is the median over the runs where the rule had a true alert.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from custodiet.errors import UserError
from custodiet.scenario import Scenario
from custodiet.schema import INCIDENT_TABLE
from custodiet.study._execute import Progress, execute
from custodiet.study._overrides import with_changes
from custodiet.study._plan import RunSpec
from custodiet.study._study import audit_runs

METHODS = ("morris", "sobol")
#: Grid levels of the Morris design (SALib's default: 4).
MORRIS_LEVELS = 4
#: Headline figures the analysis explains.
OUTPUTS: tuple[str, ...] = ("precision", "innocents_per_true_alert", "true_alerts",
                            "innocents_flagged", "alerts")


#: The world's uncertain parameters, varied when no ``--vary`` is given: each spans from half to
#: twice its default, a range of assumption (none of these rates is measured for any real
#: city; see docs/world-parameters.md). Base rates of the acts the rules look for, rates of
#: their innocent look-alikes, and the recording of histories.
BUILTIN_VARY: tuple[str, ...] = (
    # base rates
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
)


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


def design(varied: Sequence[Vary], samples: int, method: str, seed: int) -> tuple[dict, np.ndarray]:
    """The SALib problem and its sample matrix (one row per run)."""
    problem = {"num_vars": len(varied), "names": [v.path for v in varied],
               "bounds": [[v.low, v.high] for v in varied]}
    if method == "morris":
        from SALib.sample import morris

        return problem, morris.sample(problem, samples, num_levels=MORRIS_LEVELS, seed=seed)
    from SALib.sample import sobol

    return problem, sobol.sample(problem, samples, calc_second_order=False, seed=seed)


def plan_points(scenario: Scenario, varied: Sequence[Vary], xs: np.ndarray) -> list[RunSpec]:
    """One watch run per design point (checked before any simulation)."""
    out = []
    for i, row in enumerate(xs):
        sc = with_changes(scenario, {v.path: _value(scenario, v.path, x)
                                     for v, x in zip(varied, row, strict=True)},
                          source=f"--vary point {i}")
        out.append(RunSpec(sc, f"runs/point-{i}", sc.seed, f"point {i}", str(i)))
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


def _kinds_of(path: str) -> set[str]:
    """The incident kinds a ``world.*`` rate sets (``schema.INCIDENT_TABLE``'s ``removed_by``)."""
    return {k.kind for k in INCIDENT_TABLE if path.removeprefix("world.") in k.removed_by}


def _break_even(varied: Sequence[Vary], xs: np.ndarray, audits: list[Any],
                claims: dict[str, list[str]]) -> list[dict]:
    """Per rule, for each varied rate of a kind the rule claims: the median over runs of
    r (1 − p) / p, from the runs whose precision p lies strictly between 0 and 1 (at 0 or 1 the
    odds say nothing). A rate of a kind the rule does not claim cannot move its precision by
    Bayes' rule, so it gets no entry."""
    rates = [(j, v, _kinds_of(v.path)) for j, v in enumerate(varied)]
    out = []
    for rule in sorted({r.rule for a in audits for r in a.rules}):
        row: dict[str, Any] = {"rule": rule}
        for j, v, kinds in rates:
            if not kinds & set(claims.get(rule, ())):
                continue
            est = [xs[i, j] * (1 - r.precision) / r.precision
                   for i, a in enumerate(audits) for r in a.rules
                   if r.rule == rule and r.precision is not None and 0 < r.precision < 1]
            row[v.path] = float(np.median(est)) if est else None
        out.append(row)
    return out


def sensitivity(scenario: Scenario, varied: Sequence[Vary], folder: Path, *, samples: int,
                method: str = "morris", progress: Progress | None = None) -> dict[str, Any]:
    """Run the design and return the metrics: per headline figure, each setting's effect
    (Morris μ*, its confidence and σ; or Sobol' S1 and ST), ranked; the break-even rates."""
    if method not in METHODS:
        raise UserError(f"expected one of {METHODS}", field="--method")
    if not varied:
        raise UserError("give at least one --vary PATH=LO:HI", field="--vary")
    if len({v.path for v in varied}) != len(varied):
        raise UserError("a setting is varied twice", field="--vary")
    problem, xs = design(varied, samples, method, scenario.seed)
    plan = plan_points(scenario, varied, xs)
    paths = list(execute(plan, folder, progress=progress).values())
    audits = [audit_runs({"watch": p}, spec.scenario, seed=spec.seed)
              for spec, p in zip(plan, paths, strict=True)]
    outputs = {}
    for name in OUTPUTS:
        ys = np.array([np.nan if a.headline.get(name) is None else a.headline[name]
                      for a in audits], float)
        effects = _analyse(problem, xs, ys, method, scenario.seed)
        key = "mu_star" if method == "morris" else "ST"
        outputs[name] = {"values": ys.tolist(),
                         "effects": sorted(effects, key=lambda e: -e[key])}
    return {"scenario": {"name": scenario.name, "people": scenario.world.people,
                         "days": scenario.world.days, "seed": scenario.seed},
            "method": method, "samples": samples, "runs": len(plan),
            "varied": [{"path": v.path, "low": v.low, "high": v.high} for v in varied],
            "design": xs.tolist(), "outputs": outputs,
            "break_even": _break_even(varied, xs, audits,
                                      {r.name: list(r.detects) for r in scenario.rules})}
