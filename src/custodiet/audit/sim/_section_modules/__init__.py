"""Report sections written as one module each (:class:`SectionModule`), collected into
:data:`SECTION_MODULES` by discovery: a module here that defines ``SECTION`` is computed,
pooled, serialised and rendered unasked."""

from __future__ import annotations

import importlib
import pkgutil

from custodiet.audit.sim._section_module import SectionModule


def _collect() -> tuple[SectionModule, ...]:
    found: dict[str, SectionModule] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        section = importlib.import_module(f"{__name__}.{info.name}").SECTION
        if section.key in found:
            raise RuntimeError(f"section {section.key!r} registered twice")
        found[section.key] = section
    return tuple(found.values())


SECTION_MODULES: tuple[SectionModule, ...] = _collect()
"""Every section written as one module, by module name."""
