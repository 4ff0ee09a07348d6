"""Field types and the strict base model shared by the world's parameter sections."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Rate = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Minutes = Annotated[float, Field(gt=0.0)]


#: Unknown keys are an error, values are validated on assignment too, and each field's
#: docstring is its description (docs/world-parameters.md is generated from them).
STRICT = ConfigDict(extra="forbid", validate_assignment=True, use_attribute_docstrings=True)


def _check_sums_to_one(values: list[float], name: str, tol: float = 1e-6) -> None:
    total = float(sum(values))
    if abs(total - 1.0) > tol:
        raise ValueError(f"{name} must add up to 1 (they add up to {total:.6g})")
