"""The rule templates, one module each, collected into :data:`TEMPLATES` by discovery: a module
here that defines ``TEMPLATE`` is registered (and so checked by the conformance suite) unasked."""

from __future__ import annotations

import importlib
import pkgutil

from custodiet.watch._template import Template


def _collect() -> dict[str, Template]:
    found: dict[str, Template] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        template = importlib.import_module(f"{__name__}.{info.name}").TEMPLATE
        if template.name in found:
            raise RuntimeError(f"template {template.name!r} registered twice")
        found[template.name] = template
    return found


TEMPLATES: dict[str, Template] = _collect()
"""Every registered rule template by name."""
