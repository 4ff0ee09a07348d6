"""The contract of a report section written as one module: what it computes for each seed,
how it pools the seeds, its type in ``metrics.json``, the question it answers and how it
shows itself. A module of ``audit/sim/_section_modules/`` that defines ``SECTION`` is found
unasked: ``audit_seed`` computes it (``SeedAudit.sections``), ``pool_study`` pools it
(``StudyMetrics.sections``, written at the top level of ``metrics.json`` under its key and
read back as its ``pooled`` type), and the study report renders it under its question. So a
new section is that one module (and its golden entry), where a hand-wired one takes five."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from custodiet.audit.sim._study import SeedRuns
from custodiet.scenario import Scenario

#: The questions of the report, in its order.
WORKS = "Does it work?"
BURDENS = "Whom does it burden?"
HIDES = "What does the red list hide?"
KNOWABLE = "Can anyone know whether it predicted right?"
QUESTIONS: tuple[str, ...] = (WORKS, BURDENS, HIDES, KNOWABLE)


@dataclass(frozen=True)
class SectionModule:
    """One section: ``key`` (its key in each seed's metrics and in ``metrics.json``), the
    report ``question`` it answers, ``doc`` (one line: what it holds), ``compute`` (one seed's
    runs, the scenario and the seed → its row, a ``Row``, or None when it does not apply),
    ``pool`` (the seeds' rows, None where a seed has none → the pooled ``Row``, or None),
    ``pooled`` (that row's type, to read ``metrics.json`` back), and ``render`` (a report
    section and the pooled row, None when not computed; it writes with the section's
    ``heading``, ``paragraph`` and ``facts``)."""

    key: str
    question: str
    doc: str
    compute: Callable[[SeedRuns, Scenario, int], Any]
    pool: Callable[[Sequence[Any]], Any]
    pooled: type
    render: Callable[[Any, Any], None]
