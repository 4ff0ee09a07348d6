"""A parameter sweep: the same study (same seeds) for each value of one scenario setting, and
the trade-off it draws between true alerts and innocent people flagged."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from custodiet.audit.sim import SeedAudit, summarise_headlines
from custodiet.errors import UserError
from custodiet.scenario import Scenario
from custodiet.store import check_path_name, printable
from custodiet.study._overrides import with_changes
from custodiet.study._plan import plan_sweep
from custodiet.study._study import simulate_and_audit


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
    """The scenario with the dotted ``path`` set to ``value`` (see :func:`with_changes`);
    unknown paths and invalid values are user errors."""
    return with_changes(scenario, {path: value}, source=f"--set {path}={value}")


def check_values(values: Sequence[Any]) -> None:
    """Each swept value names its folder (``runs/value-V``): it must obey the path-name rule
    (no separator, no ``..``, no control character), and no two may be equal."""
    seen: set[str] = set()
    for v in values:
        check_path_name(str(v), field="--set")
        if str(v) in seen:
            raise UserError(f"the value {printable(v)} is given twice", field="--set")
        seen.add(str(v))


def _scope(path: str) -> str | None:
    parts = path.split(".")
    return parts[1] if parts[0] == "rules" and len(parts) >= 3 else None


def sweep(scenario: Scenario, path: str, values: Sequence[Any], folder: Path, *,
          seeds: Sequence[int], progress: Callable[[str, int], None] | None = None
          ) -> dict[str, Any]:
    """Run the watch for each value and seed into ``folder/runs`` and return the metrics:
    per value, the mean over seeds (with intervals) of the headline figures; for a rule's
    setting, true alerts and innocents flagged are that rule's."""
    check_values(values)
    variants = [(v, apply_setting(scenario, path, v)) for v in values]
    rule = _scope(path)
    audits = {(k.group, k.seed): a for k, a in simulate_and_audit(
        plan_sweep(variants, seeds), folder, progress=progress)[1].items()}
    points = []
    for value, _ in variants:
        heads = [_head(audits[(str(value), s)], rule) for s in seeds]
        point: dict[str, Any] = {"value": value, **summarise_headlines(heads)}
        point["runs"] = [f"runs/value-{value}/seed-{s}" for s in seeds]
        points.append(point)
    return {"setting": path, "values": list(values), "seeds": list(seeds),
            "scope": f"rule {rule}" if rule else "all rules",
            "scenario": {"name": scenario.name, "people": scenario.world.people,
                         "days": scenario.world.days},
            "points": points}


def _head(audit: SeedAudit, rule: str | None) -> dict[str, float | None]:
    """The headline of one run; for a rule's setting, its alert figures are that rule's."""
    head = dict(audit.headline)
    if rule is not None:
        row = next(r for r in audit.rules if r.rule == rule)
        for k in ("alerts", "true_alerts", "precision", "innocents_flagged", "status_alerts",
                  "status_precision"):
            head[k] = getattr(row, k)
    return head
