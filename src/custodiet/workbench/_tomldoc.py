"""A scenario file edited in place: the file the workbench started from, with only the values
that changed rewritten, so its comments (a built-in scenario quotes its sources in them), its
order and its layout survive Save."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import tomlkit
from tomlkit.items import AoT


def edited(source: str, full: Mapping[str, Any], short: Mapping[str, Any]) -> str:
    """``source`` (a TOML document) changed to hold ``full`` (the scenario's every field).
    A key of the document keeps its place, comments and formatting; one whose value changed
    gets the new value; one the scenario no longer has is dropped; a field the document lacks
    is added only when ``short`` (the scenario without its defaults) has it."""
    doc = tomlkit.parse(source)
    _merge(doc, full, short)
    return tomlkit.dumps(doc)


def _merge(table: Any, full: Mapping[str, Any], short: Mapping[str, Any]) -> None:
    for key in [k for k in table if k not in full]:
        del table[key]
    for key, value in full.items():
        if key in table:
            old = table[key]
            new = _merged(old, value, short.get(key))
            if new is not old:
                table[key] = new
        elif key in short:
            table[key] = short[key]


def _merged(old: Any, full: Any, short: Any) -> Any:
    """``old`` (a document item) edited in place to hold ``full``, or the value replacing it."""
    if isinstance(full, Mapping) and isinstance(old, Mapping):
        _merge(old, full, short or {})
        return old
    if isinstance(old, AoT) and isinstance(full, list) and all(
            isinstance(x, Mapping) for x in full):
        short = short if isinstance(short, list) and len(short) == len(full) else full
        while len(old) > len(full):
            del old[len(old) - 1]
        for i, item in enumerate(full):
            if i < len(old):
                _merge(old[i], item, short[i])
            else:
                old.append(tomlkit.item(dict(short[i])))
        return old
    plain = old.unwrap() if hasattr(old, "unwrap") else old
    same = plain == full and isinstance(plain, bool) == isinstance(full, bool)
    return old if same else full
