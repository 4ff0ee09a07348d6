"""Whether worker processes may be spawned from where we are called.

Python starts a spawned worker by importing the script the user ran (``__main__``) again, under
the name ``__mp_main__``. A script that calls ``custodiet.run`` at module level, outside
``if __name__ == "__main__":``, would therefore call it again in every worker, which Python
refuses (``RuntimeError: An attempt has been made to start a new process before the current
process has finished its bootstrapping phase``) and the pool breaks. :func:`unguarded_caller`
recognises that case before any process starts, so the executor can run the simulations here,
one after another, instead of crashing. Notebooks, ``python -c`` and the interactive prompt have
no script to import again and are never affected.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path
from types import FrameType, ModuleType


def _script_of(main: ModuleType) -> Path | None:
    """The file a spawned worker would run again, as ``multiprocessing.spawn`` decides it."""
    spec_name = getattr(getattr(main, "__spec__", None), "name", None)
    if spec_name is not None:  # python -m pkg.mod: imported again by name, unless a __main__
        if spec_name == "__main__" or spec_name.endswith(".__main__"):
            return None
        origin = getattr(main.__spec__, "origin", None)
        return Path(origin) if origin else None
    path = getattr(main, "__file__", None)
    if path is None or os.path.splitext(os.path.basename(path))[0] == "ipython":
        return None
    return Path(path)


def _module_frame(main: ModuleType, script: Path) -> FrameType | None:
    """The frame running the script's module-level code, if it is still running."""
    frame: FrameType | None = sys._getframe(1)
    found = None
    while frame is not None:
        if (frame.f_globals is main.__dict__ and frame.f_code.co_name == "<module>"
                and Path(frame.f_code.co_filename).resolve() == script.resolve()):
            found = frame
        frame = frame.f_back
    return found


def _is_main_test(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    texts = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(texts) == 1


def _guarded(source: str, line: int) -> bool:
    """Whether ``line`` lies in the body of an ``if __name__ == "__main__":`` block."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.If) and _is_main_test(node.test) and node.body:
            first, last = node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno
            if first <= line <= last:
                return True
    return False


def unguarded_caller() -> tuple[str, int] | None:
    """The script and line when we are called from a script's module-level code that spawned
    workers would run again (no ``if __name__ == "__main__":`` around it); else None (also when
    the script cannot be read: then nothing is changed)."""
    main = sys.modules.get("__main__")
    script = _script_of(main) if main is not None else None
    if script is None:
        return None
    frame = _module_frame(main, script)  # type: ignore[arg-type]
    if frame is None:
        return None
    try:
        guarded = _guarded(script.read_text(encoding="utf-8"), frame.f_lineno)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None
    return None if guarded else (str(script), frame.f_lineno)
