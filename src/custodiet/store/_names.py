"""One rule for a name that becomes a path (a saved file, a folder per swept value, a cached
city), and one way to show any user text on a terminal or in a file without its control
characters acting.

A path name is 1 to 80 characters: letters, digits, space, ``_ . - +``, not beginning with a
dot or a space and not ending with a space: no separator, no ``..``, no control character,
so it names exactly one entry inside the folder it is joined to.
"""

from __future__ import annotations

import re
import unicodedata

from custodiet.errors import UserError

_PATH_NAME = re.compile(r"[A-Za-z0-9_+-](?:[A-Za-z0-9 _.+-]{0,78}[A-Za-z0-9_.+-])?")
#: What a path name may be, in words (for error messages).
PATH_NAME_RULE = ("1 to 80 letters, digits, spaces and _ . - +, not beginning with a dot or "
                  "a space")


def is_path_name(name: str) -> bool:
    """Whether ``name`` may be joined to a folder as one entry (see the module's rule)."""
    return isinstance(name, str) and _PATH_NAME.fullmatch(name) is not None


def check_path_name(name: str, *, field: str, where: str | None = None) -> str:
    """``name`` if it obeys the rule, else a user error naming ``field``."""
    if not is_path_name(name):
        raise UserError(f"{printable(name)} cannot name a file or folder: use "
                        f"{PATH_NAME_RULE}", field=field, where=where)
    return name


def path_name(name: str, fallback: str = "scenario") -> str:
    """A path name made from any text (a scenario's display name): every character outside
    the rule becomes ``-``, leading dots and spaces go, at most 80 characters."""
    out = re.sub(r"[^A-Za-z0-9 _.+-]", "-", str(name)).lstrip(". ")[:80].rstrip(" ")
    return out if is_path_name(out) else fallback


def printable(text: object, limit: int = 200) -> str:
    """``text`` quoted, with control characters (ESC, newline, the C1 set, bidi overrides)
    written as escapes and cut to ``limit`` characters: safe to print or to write into a
    report, whatever a user put in a name."""
    s = str(text)
    cut = len(s) > limit
    s = s[:limit]
    out = "".join(c if unicodedata.category(c)[0] != "C" else c.encode("unicode_escape")
                  .decode("ascii") for c in s)
    return "'" + out + ("…" if cut else "") + "'"
