"""The null worlds, as parameter overrides derived from ``schema.INCIDENT_TABLE``.

- :func:`strict_null_changes`: nobody does anything wrong, standing states included (crowded
  rentals are lawful, no marriage is a sham), nobody petitions or protests: the world records
  no incident at all, so every alert is false by construction.
- :func:`acts_null_changes`: no act happens, but the standing states stay wrongdoing (crowded
  rentals, sham marriages): the older null world, for rules aimed at acts.
- :func:`unlawful_null_changes`: nobody does anything unlawful (no unlawful act, no sham
  marriage), but lawful petitions and protests go on and administrative statuses (crowded
  rentals) stay: the study's ``null_world``, against which a rule aimed at unlawful acts is
  judged, its lawful look-alikes kept.

Both leave the city itself (its people, homes and ties) unchanged. Keys are dotted paths from
the scenario's root (``world.incidents.petition_rate``), values 0 (or false).
"""

from __future__ import annotations

from custodiet.scenario import WorldConfig
from custodiet.schema import INCIDENT_TABLE


def _zero(path: str) -> object:
    node: object = WorldConfig()
    for key in path.split("."):
        node = getattr(node, key)
    return False if isinstance(node, bool) else 0.0


def _changes(standing: bool) -> dict[str, object]:
    return {f"world.{p}": _zero(p) for k in INCIDENT_TABLE if standing or not k.standing
            for p in k.removed_by}


def _unlawful_kinds() -> tuple[str, ...]:
    """The incident kinds that are unlawful wrongdoing: neither lawful acts nor administrative
    statuses (which wrong nobody)."""
    return tuple(k.kind for k in INCIDENT_TABLE if not k.lawful and k.category != "administrative")


def strict_null_changes() -> dict[str, object]:
    """Overrides under which the world has no incident of any kind."""
    return _changes(standing=True)


def acts_null_changes() -> dict[str, object]:
    """Overrides under which no act happens but standing states remain incidents."""
    return _changes(standing=False)


def unlawful_null_changes() -> dict[str, object]:
    """Overrides under which nobody does anything unlawful (every unlawful act and standing
    wrongdoing removed) while lawful acts and administrative statuses remain."""
    kinds = set(_unlawful_kinds())
    return {f"world.{p}": _zero(p) for k in INCIDENT_TABLE if k.kind in kinds
            for p in k.removed_by}
