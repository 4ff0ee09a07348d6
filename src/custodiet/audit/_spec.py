"""What a real-data audit is asked to do: the table, the columns and the flag rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from custodiet.audit._frame import DEFAULT_BAND, DEFAULT_CONFIDENCE, DEFAULT_MIN_CELL


@dataclass
class AuditSpec:
    """What to audit in a table: the columns and the flag rule (exactly one of ``threshold``
    with ``score``, ``flag``, ``top_k`` or ``top_pct`` with ``score``)."""

    path: Path
    groups: list[str]
    label: str | None = None
    score: str | None = None
    threshold: float | None = None
    flag: str | None = None
    top_k: float | None = None
    top_pct: float | None = None
    weight: str | None = None
    reference: dict[str, str] = field(default_factory=dict)
    bootstrap: int = 0
    seed: int = 0
    min_cell: float = DEFAULT_MIN_CELL
    band: tuple[float, float] = DEFAULT_BAND
    confidence: float = DEFAULT_CONFIDENCE
    perturb: bool = False
    """Add cell-key noise to every published count (rates from the noisy counts), so that
    outputs of two similar tables cannot be subtracted to reveal one person."""
    perturb_secret: bytes = field(default=b"", repr=False, compare=False)
    """The publisher's secret mixed into the perturbation's table key (at least 16 bytes; the
    same for every output of a table), so that someone holding every row but one cannot
    recompute the noise for each value of the missing row. Never printed nor stored."""
    glob: bool = False
    """Read ``path`` as a pattern of several files (``data/*.csv``); by default the path is
    that one file, whatever characters its name holds."""
