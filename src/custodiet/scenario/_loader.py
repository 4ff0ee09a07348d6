"""Reading scenario files: TOML in, a validated :class:`Scenario` out, or one clear error.

Loading never executes code. Every error names the file, the line and the dotted field, and
suggests the nearest valid key for a typo.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from custodiet.errors import UserError
from custodiet.scenario._model import Scenario, non_finite
from custodiet.scenario._watch import BadReference

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


#: A scenario file larger than this is refused before it is read (assumption: the largest
#: built-in scenario is about 10 kB).
MAX_SCENARIO_BYTES: int = 4_000_000
#: Tables and arrays nested deeper than this are refused (Python's TOML reader recursed until
#: RecursionError; no scenario field nests more than 4 deep).
MAX_DEPTH: int = 32
#: The most simulated days a scenario may ask for (assumption: ten years; the same bound as
#: ``--days``).
MAX_DAYS: int = 3660
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file: a regular file (a FIFO or a device would block or
    never end), of at most :data:`MAX_SCENARIO_BYTES`."""
    path = Path(path)
    try:
        if path.exists() and not path.is_file():
            raise UserError("is not a regular file (a directory, a FIFO or a device)",
                            where=str(path))
        if path.exists() and path.stat().st_size > MAX_SCENARIO_BYTES:
            raise UserError(f"is larger than {MAX_SCENARIO_BYTES:,} bytes; a scenario is a "
                            "few kilobytes", where=str(path))
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError("no such scenario file", where=str(path)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"cannot read the scenario: {err}", where=str(path)) from None
    return parse_scenario(text, source=str(path))


def parse_scenario(text: str, *, source: str = "<scenario>") -> Scenario:
    """Validate scenario text; ``source`` names it in error messages."""
    _check_depth(text, source)
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise UserError(f"nests tables or arrays more than {MAX_DEPTH} deep",
                        where=source) from None
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        match = _TOML_POSITION.search(message)
        where = f"{source}:{match.group(1)}" if match else source
        raise UserError(f"not valid TOML: {_TOML_POSITION.sub('', message).strip()}",
                        where=where) from None
    return scenario_from_mapping(data, source=source, text=text)


def scenario_from_mapping(
    data: Mapping[str, Any], *, source: str = "<scenario>", text: str | None = None
) -> Scenario:
    """Validate an already-parsed mapping (``text`` lets errors name a line)."""
    _check_text(data, (), source, text)
    try:
        scenario = Scenario.model_validate(dict(data))
        _check_bools(data, scenario, (), source, text)
        loc = non_finite(scenario.model_dump())  # "inf" as text became a float
        if loc is not None:
            line = _find_line(text, loc) if text is not None else None
            raise UserError("must be a finite number (not nan or inf)",
                            where=f"{source}:{line}" if line else source, field=_dotted(loc))
        if scenario.world.days > MAX_DAYS:
            line = _find_line(text, ("world", "days")) if text is not None else None
            raise UserError(f"must be at most {MAX_DAYS:,} (ten years), got "
                            f"{scenario.world.days:,}", where=f"{source}:{line}" if line
                            else source, field="world.days")
        return scenario
    except RecursionError:
        raise UserError(f"nests tables or arrays more than {MAX_DEPTH} deep",
                        where=source) from None
    except BadReference as err:
        line = _find_line(text, err.loc) if text is not None else None
        where = f"{source}:{line}" if line else source
        raise UserError(err.message, where=where, field=_dotted(err.loc)) from None
    except ValidationError as err:
        first = err.errors()[0]
        loc, parent = _without_tags(tuple(first["loc"]))
        if first["type"] == "union_tag_invalid":
            loc = (*loc, first["ctx"]["discriminator"].strip("'"))
        field = _dotted(loc)
        message = _message(first, loc, parent)
        line = _find_line(text, loc) if text is not None else None
        where = f"{source}:{line}" if line else source
        raise UserError(message, where=where, field=field or None) from None


def _check_depth(text: str, source: str) -> None:
    """Refuse text whose brackets nest deeper than :data:`MAX_DEPTH` (an over-estimate: a
    bracket inside a string counts too, so only absurd nesting is refused)."""
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    if deepest > MAX_DEPTH:
        raise UserError(f"nests tables or arrays more than {MAX_DEPTH} deep", where=source)


def _check_text(value: Any, loc: tuple[Any, ...], source: str, text: str | None) -> None:
    """Refuse a control character (ESC, a bidi override …) anywhere in a key or a string:
    names are printed on terminals and written into reports, where such a character would act
    instead of show. Newlines and tabs are allowed except in a ``name``."""
    if len(loc) > MAX_DEPTH:
        raise UserError(f"nests tables or arrays more than {MAX_DEPTH} deep", where=source)
    if isinstance(value, Mapping):
        items: Any = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        items = ()
    for k, v in items:
        here = (*loc, k)
        for s in (k, v):
            if not isinstance(s, str):
                continue
            bad = _CONTROL.search(s) or (("\n" in s or "\t" in s) and k == "name")
            if bad:
                line = _find_line(text, here) if text is not None else None
                raise UserError("holds a control character (such as ESC or a newline); "
                                "names and texts are shown on terminals and in reports",
                                where=f"{source}:{line}" if line else source,
                                field=_dotted(here) or None)
        _check_text(v, here, source, text)


def _check_bools(value: Any, model: Any, loc: tuple[Any, ...], source: str,
                 text: str | None) -> None:
    """Refuse ``true``/``false`` where a number is expected (``days = true`` was read as 1):
    a boolean of the file that the validated scenario holds as something else."""
    if isinstance(value, bool):
        if not isinstance(model, bool):
            line = _find_line(text, loc) if text is not None else None
            raise UserError(f"is {str(value).lower()}, but a number or text is expected here",
                            where=f"{source}:{line}" if line else source,
                            field=_dotted(loc) or None)
        return
    if isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(model, BaseModel) and k in type(model).model_fields:
                _check_bools(v, getattr(model, k), (*loc, k), source, text)
            elif isinstance(model, Mapping) and k in model:
                _check_bools(v, model[k], (*loc, k), source, text)
    elif isinstance(value, list) and isinstance(model, list | tuple) and \
            len(model) == len(value):
        for i, (v, m) in enumerate(zip(value, model, strict=True)):
            _check_bools(v, m, (*loc, i), source, text)


def _without_tags(loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], type[BaseModel] | None]:
    """Drop the tags pydantic puts in the locations of tagged-union members (``rules[0].near``);
    also return the model that holds the last field of ``loc``."""
    out: list[Any] = []
    annotation: Any = Scenario
    parent: type[BaseModel] | None = None
    for part in loc:
        if isinstance(part, int):
            out.append(part)
            continue
        members = _members(annotation)
        tagged = [m for m in members if part in _tags(m)]
        if len(members) > 1 and tagged:
            annotation = tagged[0]
            continue
        model = members[0] if members else None
        parent = model
        out.append(part)
        field = model.model_fields.get(str(part)) if model is not None else None
        annotation = field.annotation if field is not None else None
    return tuple(out), parent


def _tags(model: type[BaseModel]) -> tuple[Any, ...]:
    for name in ("template", "kind"):
        field = model.model_fields.get(name)
        if field is not None:
            return tuple(getattr(field.annotation, "__args__", ()))
    return ()


def _members(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()) or ():
        out.extend(_members(arg))
    return out


def _dotted(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _message(error: Mapping[str, Any], loc: Sequence[Any],
             parent: type[BaseModel] | None = None) -> str:
    if error["type"] == "extra_forbidden":
        model = parent or _model_at(Scenario, loc[:-1])
        name = str(loc[-1])
        if model is not None:
            close = difflib.get_close_matches(name, list(model.model_fields), n=1, cutoff=0.6)
            if close:
                return f"unknown field; did you mean {close[0]!r}?"
        return "unknown field"
    if error["type"] == "union_tag_invalid":
        tag = str(error["ctx"]["tag"])
        expected = [t.strip().strip("'") for t in str(error["ctx"]["expected_tags"]).split(",")]
        close = difflib.get_close_matches(tag, expected, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"expected one of {', '.join(expected)}"
        return f"unknown {loc[-1]} {tag!r}; {hint}"
    if error["type"] == "literal_error" and isinstance(error.get("input"), str):
        expected = re.findall(r"'([^']*)'", str(error["ctx"]["expected"]))
        close = difflib.get_close_matches(error["input"], expected, n=1, cutoff=0.6)
        if close:
            return f"unknown value {error['input']!r}; did you mean {close[0]!r}?"
    msg = str(error["msg"])
    return msg.removeprefix("Value error, ")


def _model_at(model: type[BaseModel], loc: Sequence[Any]) -> type[BaseModel] | None:
    """The pydantic model class that sits at ``loc`` (list indices skipped), if any."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")


def _find_line(text: str | None, loc: Sequence[Any]) -> int | None:
    """The 1-based line of the key at ``loc`` in TOML ``text`` (best effort), else its table's."""
    if text is None:
        return None
    names = [str(p) for p in loc if not isinstance(p, int)]
    indices = [p for p in loc if isinstance(p, int)]
    table: list[str] = []
    counts: dict[str, int] = {}
    best: int | None = None
    best_depth = -1
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(raw)
        if header:
            table = [p.strip().strip("\"'") for p in header.group(2).split(".")]
            key = ".".join(table)
            if header.group(1) == "[[":
                counts[key] = counts.get(key, -1) + 1
            depth = _prefix_depth(table, names, counts.get(key), indices)
            if depth > best_depth and depth == len(table):
                best, best_depth = number, depth
            continue
        key_match = _KEY.match(raw)
        if not key_match:
            continue
        dotted = [p.strip("\"'") for p in key_match.group(1).split(".")]
        full = table + dotted
        depth = _prefix_depth(full, names, counts.get(".".join(table)), indices)
        if depth == len(full) and depth > best_depth and _prefix_depth(table, names, None, []) \
                == len(table):
            best, best_depth = number, depth
    return best


def _prefix_depth(path: list[str], names: list[str], array_index: int | None,
                  indices: list[int]) -> int:
    depth = 0
    for a, b in zip(path, names, strict=False):
        if a != b:
            break
        depth += 1
    if array_index is not None and indices and array_index != indices[0]:
        return 0
    return depth
