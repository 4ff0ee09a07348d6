"""A parameter sweep: the same study (same seeds) for each value of one scenario setting, and
the trade-off it draws between true alerts and innocent people flagged."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from custodiet._simulate import simulate
from custodiet.audit._sim_study import audit_seed
from custodiet.audit._sim_summary import summarise_headlines
from custodiet.errors import UserError
from custodiet.scenario import Scenario, scenario_from_mapping
from custodiet.store import open_run

_NAMED = ("rules", "lists", "scorers")


def parse_setting(text: str) -> tuple[str, list[Any]]:
    """``rules.NAME.k=2,3,4`` → (``rules.NAME.k``, [2, 3, 4]); values are TOML scalars."""
    import tomllib

    path, sep, values = text.partition("=")
    path = path.strip()
    if not sep or not path or not values.strip():
        raise UserError("expected PATH=V1,V2,… (e.g. rules.NAME.k=2,3,4)", field="--set")
    out = []
    for part in values.split(","):
        try:
            out.append(tomllib.loads(f"v = {part.strip()}")["v"])
        except tomllib.TOMLDecodeError:
            out.append(part.strip())
    if len(out) != len({json.dumps(v) for v in out}):
        raise UserError("a value is repeated", field="--set")
    return path, out


def apply_setting(scenario: Scenario, path: str, value: Any) -> Scenario:
    """The scenario with the dotted ``path`` set to ``value``; items of ``rules``, ``lists`` and
    ``scorers`` are addressed by name. Unknown paths and invalid values are user errors."""
    data = scenario.model_dump()
    parts = path.split(".")
    target: Any = data
    walked: list[str] = []
    for i, key in enumerate(parts[:-1]):
        walked.append(key)
        if isinstance(target, list):
            found = [x for x in target if isinstance(x, dict) and x.get("name") == key]
            if not found:
                names = [x.get("name") for x in target]
                raise UserError(f"no item named {key!r} in {'.'.join(walked[:-1])} "
                                f"(have {names})", field=path)
            target = found[0]
        elif isinstance(target, dict) and key in target:
            target = target[key]
        else:
            raise UserError(f"unknown setting {'.'.join(walked)!r}", field=path)
        if i == 0 and key in _NAMED and len(parts) < 3:
            raise UserError(f"name the item: {key}.NAME.FIELD", field=path)
    last = parts[-1]
    if isinstance(target, list) or not isinstance(target, dict) or last not in target:
        raise UserError(f"unknown setting {path!r}", field=path)
    target[last] = value
    return scenario_from_mapping(data, source=f"--set {path}={value}")


def _scope(path: str) -> str | None:
    parts = path.split(".")
    return parts[1] if parts[0] == "rules" and len(parts) >= 3 else None


def sweep(scenario: Scenario, path: str, values: Sequence[Any], folder: Path, *,
          seeds: Sequence[int], progress: Callable[[str, int], None] | None = None
          ) -> dict[str, Any]:
    """Run the watch for each value and seed into ``folder/runs`` and return the metrics:
    per value, the mean over seeds (with intervals) of the headline figures; for a rule's
    setting, true alerts and innocents flagged are that rule's."""
    variants = [(v, apply_setting(scenario, path, v)) for v in values]
    rule = _scope(path)
    points = []
    for value, sc in variants:
        heads = []
        for s in seeds:
            data = sc.model_dump()
            data["seed"] = int(s)
            out = folder / "runs" / f"value-{value}" / f"seed-{s}"
            simulate(Scenario.model_validate(data), out,
                     on_day=(lambda d, v=value: progress(str(v), d)) if progress else None)
            with open_run(out) as run:
                audit = audit_seed({"watch": run.con}, sc, seed=s)
            head = dict(audit.headline)
            if rule is not None:
                row = next(r for r in audit.metrics["rules"] if r["rule"] == rule)
                for k in ("alerts", "true_alerts", "precision", "innocents_flagged"):
                    head[k] = row[k]
            heads.append(head)
        point: dict[str, Any] = {"value": value, **summarise_headlines(heads)}
        point["runs"] = [f"runs/value-{value}/seed-{s}" for s in seeds]
        points.append(point)
    return {"setting": path, "values": list(values), "seeds": list(seeds),
            "scope": f"rule {rule}" if rule else "all rules",
            "scenario": {"name": scenario.name, "people": scenario.world.people,
                         "days": scenario.world.days},
            "points": points}
