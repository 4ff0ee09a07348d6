"""What each answer of a study rests on: the one or two assumptions that move it most, each with
its status in the parameter registry (cited, bounded, structural, assumed) and, where a
sensitivity analysis measured it, how far the answer moves across the setting's range.

The measured part comes from a result of ``custodiet sensitivity`` (its ``metrics.json``): the
user's (``custodiet run --sensitivity FILE``), or for the built-in ``default`` the summary
shipped in ``study/measured/default.json`` (its command and date are in the file). An answer
no sensitivity output measures (whom it burdens, what the red list hides) names the
assumptions the model builds it on, without a range: nothing measured one. Precision also
gets what Bayes' rule says with the rules held fixed: its value were the acts the rules look
for twice or half as common (:func:`custodiet.study._break_even.precision_at`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from custodiet.audit.sim import BURDENS, HIDES, KNOWABLE, WORKS, StudyMetrics
from custodiet.errors import UserError
from custodiet.scenario import Scenario, parameter_source
from custodiet.schema import INCIDENT_TABLE
from custodiet.study._break_even import precision_at

__all__ = ["DETERRENCE", "Answer", "Assumption", "Measured", "RestsOn", "SweepPoint",
           "builtin_measured", "load_measured", "measured_from", "rests_on",
           "shipped_summary"]

#: The deterrence paragraph's key beside the four questions.
DETERRENCE = "deterrence"
#: Per answer, the sensitivity outputs that measure it (the first defined one is used).
OUTPUTS: dict[str, tuple[str, ...]] = {
    WORKS: ("precision", "innocents_per_true_alert"),
    KNOWABLE: ("incidents_prevented",),
    DETERRENCE: ("unlawful_deterred", "lawful_deterred"),
}
#: Per answer, the assumptions the model builds it on, named when nothing measured it.
NAMED: dict[str, tuple[str, ...]] = {
    BURDENS: ("world.history.recording_rate", "world.incidents.behaviour_multiplier"),
    HIDES: ("world.incidents.behaviour_multiplier", "world.population.official_share"),
    KNOWABLE: ("response.capacity_per_100k", "response.chill"),
    DETERRENCE: ("world.deterrence.unlawful.gate_camera", "world.deterrence.unlawful.camera",
                 "world.deterrence.lawful.gate_camera", "world.deterrence.lawful.camera"),
}
#: How many times as common the acts the rules look for are said to be (and 1 / it).
RATE_FACTOR = 2.0


@dataclass(frozen=True)
class Assumption:
    """One setting an answer rests on: its ``status`` in the registry ("unregistered" for a
    rule's or a list's setting), the scenario's ``value``, and where measured the range varied
    (``low``, ``high``) and Morris μ* (``moves``: the mean absolute change of the figure
    across that range) with its interval (``within``); Sobol' gives ``total`` instead."""

    setting: str
    status: str
    value: Any = None
    low: float | None = None
    high: float | None = None
    moves: float | None = None
    within: float | None = None
    total: float | None = None


@dataclass(frozen=True)
class SweepPoint:
    """Deterrence measured at one value of a swept multiplier (means per city)."""

    value: float
    unlawful_deterred: float | None
    lawful_deterred: float | None
    incidents_prevented: float | None
    precision: float | None = None


@dataclass(frozen=True)
class Measured:
    """A sensitivity result, reduced to what the answers need: per output its settings
    ranked (as the file gives them), whether the top two agree across designs, and, in the
    shipped summary, the measured sweep of the gate-camera multiplier."""

    source: str
    scenario: str
    people: int
    days: int
    method: str
    effects: dict[str, list[dict[str, Any]]]
    stability: dict[str, str]
    sweep_setting: str | None = None
    sweep_source: str | None = None
    sweep: tuple[SweepPoint, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What one answer rests on: the ``output`` measured (None when none was), the
    ``assumptions`` (measured ones ranked first), the top drivers' ``stability`` across designs
    and, for precision, ``scaled``: (factor, precision, innocents per true alert) pairs."""

    output: str | None
    assumptions: tuple[Assumption, ...]
    stability: str | None = None
    scaled: tuple[tuple[float, float, float | None], ...] = ()


@dataclass(frozen=True)
class RestsOn:
    """Per answer (the four questions and :data:`DETERRENCE`), what it rests on; ``measured``
    is the sensitivity result read (None: the map only)."""

    answers: dict[str, Answer]
    measured: Measured | None


def measured_from(data: dict[str, Any], source: str) -> Measured:
    """A :class:`Measured` from a sensitivity ``metrics.json`` (or the shipped summary)."""
    sc, key = data["scenario"], "mu_star" if data.get("method") == "morris" else "ST"
    effects = {name: [{**e, "_key": key} for e in o.get("effects", [])]
               for name, o in data["outputs"].items() if not o.get("undefined")}
    for name, rows in effects.items():
        for row in rows:
            row.setdefault("low", _range(data, row["setting"])[0])
            row.setdefault("high", _range(data, row["setting"])[1])
        effects[name] = sorted(rows, key=lambda e: -e[key])
    sw = data.get("deterrence_sweep") or {}
    return Measured(source, sc["name"], int(sc["people"]), int(sc["days"]), data["method"],
                    effects, {k: v.get("status", "") for k, v in
                              (data.get("stability") or {}).items()},
                    sw.get("setting"), sw.get("source"),
                    tuple(SweepPoint(float(p["value"]), p.get("unlawful_deterred"),
                                     p.get("lawful_deterred"), p.get("incidents_prevented"),
                                     p.get("precision"))
                          for p in sw.get("points", ())))


def _range(data: dict[str, Any], setting: str) -> tuple[float | None, float | None]:
    v = next((v for v in data.get("varied", []) if v["path"] == setting), None)
    return (v["low"], v["high"]) if v else (None, None)


def shipped_summary(data: dict[str, Any], source: str, top: int = 5) -> dict[str, Any]:
    """A sensitivity ``metrics.json`` cut to what :func:`measured_from` reads (per output its
    mean and ``top`` settings), with ``source``: the command, its date and the load."""
    outputs = {}
    for name, o in data["outputs"].items():
        vals = [v for v in o.get("values", []) if v is not None and v == v]
        outputs[name] = {"undefined": bool(o.get("undefined")),
                         "defined_runs": o.get("defined_runs"),
                         "mean": sum(vals) / len(vals) if vals else None,
                         "effects": o.get("effects", [])[:top]}
    keep = ("scenario", "method", "samples", "replicates", "runs", "varied", "stability")
    return {"source": source, **{k: data[k] for k in keep if k in data}, "outputs": outputs}


def load_measured(path: str | Path) -> Measured:
    """A user's sensitivity result (``custodiet sensitivity``'s ``metrics.json``): a clear
    error naming the file when it is not one."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        return measured_from(data, str(p))
    except OSError as err:
        raise UserError(f"cannot read it: {err.strerror}", where=str(p),
                        field="--sensitivity") from None
    except json.JSONDecodeError as err:
        raise UserError(f"not JSON: {err.msg}", where=f"{p}:{err.lineno}",
                        field="--sensitivity") from None
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise UserError(f"not a result of custodiet sensitivity (missing or wrong {err})",
                        where=str(p), field="--sensitivity") from None


def builtin_measured(scenario: str) -> Measured | None:
    """The summary shipped for a built-in scenario (``study/measured/NAME.json``), or None."""
    node = resources.files("custodiet.study").joinpath("measured", f"{scenario}.json")
    if not node.is_file():
        return None
    data = json.loads(node.read_text(encoding="utf-8"))
    return measured_from(data, data.get("source", f"custodiet sensitivity {scenario}"))


def _value(scenario: Scenario, path: str) -> Any:
    node: Any = scenario.model_dump()
    for key in path.split("."):
        if isinstance(node, list):
            node = next((i for i in node if isinstance(i, dict) and i.get("name") == key), None)
        else:
            node = node.get(key) if isinstance(node, dict) else None
    return node


def _status(path: str) -> str:
    found = parameter_source(path)
    return found[0] if found else "unregistered"


def _named(scenario: Scenario, paths: tuple[str, ...]) -> tuple[Assumption, ...]:
    """The settings of ``paths`` the scenario has, a switch left out (it is not a rate)."""
    said = [(p, _value(scenario, p)) for p in paths]
    return tuple(Assumption(p, _status(p), v) for p, v in said if not isinstance(v, bool))


def _claimed_rates(scenario: Scenario) -> tuple[str, ...]:
    """The ``world.incidents.*`` rates of the unlawful kinds the scenario's rules claim."""
    kinds = {k for r in scenario.rules for k in r.detects}
    out: list[str] = []
    for row in INCIDENT_TABLE:
        if row.kind in kinds and not row.lawful and row.category != "administrative":
            out += [f"world.{p}" for p in row.removed_by if f"world.{p}" not in out]
    return tuple(out)


def _measured_answer(scenario: Scenario, measured: Measured, outputs: tuple[str, ...],
                     top: int = 2) -> Answer | None:
    """The first of ``outputs`` the result defines, with its ``top`` settings."""
    name = next((o for o in outputs if measured.effects.get(o)), None)
    if name is None:
        return None
    rows = [e for e in measured.effects[name] if e[e["_key"]] > 0][:top]
    said = tuple(Assumption(e["setting"], _status(e["setting"]), _value(scenario, e["setting"]),
                            e.get("low"), e.get("high"),
                            e.get("mu_star"), e.get("mu_star_conf"), e.get("ST")) for e in rows)
    return Answer(name, said, measured.stability.get(name))


def _scaled(metrics: StudyMetrics) -> tuple[tuple[float, float, float | None], ...]:
    w = metrics.wrongdoing
    if w is None or w.precision is None or not 0 < w.precision < 1:
        return ()
    inn = metrics.mean("innocents_per_true_alert")
    return tuple((f, precision_at(w.precision, f), None if inn is None else inn / f)
                 for f in (RATE_FACTOR, 1 / RATE_FACTOR))


def rests_on(metrics: StudyMetrics, scenario: Scenario,
             measured: Measured | None = None) -> RestsOn:
    """Per answer what it rests on, from ``measured`` where it measured the answer's figure,
    else from the built-in map; without ``measured``, the shipped summary of a built-in
    scenario of the same name is used, if there is one."""
    if measured is None:
        measured = builtin_measured(metrics.scenario.name)
    answers: dict[str, Answer] = {}
    for question in (WORKS, BURDENS, HIDES, KNOWABLE, DETERRENCE):
        got = _measured_answer(scenario, measured, OUTPUTS.get(question, ())) \
            if measured is not None else None
        if got is None:
            paths = _claimed_rates(scenario) if question == WORKS else NAMED[question]
            got = Answer(None, _named(scenario, paths))
        elif question == DETERRENCE:
            got = Answer(got.output, got.assumptions + _named(scenario, NAMED[DETERRENCE]),
                         got.stability)
        if question == WORKS:
            got = Answer(got.output, got.assumptions, got.stability, _scaled(metrics))
        answers[question] = got
    return RestsOn(answers, measured)
