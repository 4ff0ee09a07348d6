"""Writing metrics as JSON: sorted keys, NaN and infinities as null, so any reader can load it."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any


def clean(obj: Any) -> Any:
    """``obj`` with non-finite floats replaced by None and tuples by lists, recursively."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalar
        return clean(obj.item())
    return obj


def write_json(path: str | Path, obj: Any) -> Path:
    """Write ``obj`` as indented JSON to ``path`` (strict: no NaN tokens)."""
    path = Path(path)
    path.write_text(json.dumps(clean(obj), indent=2, sort_keys=True, allow_nan=False,
                               ensure_ascii=False) + "\n", encoding="utf-8")
    return path
