"""The one exception type for a user's mistake: the CLI prints it as one line and exits 2."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input (file, argument, scenario), reported without a traceback.

    ``where`` names the file (and line) and ``field`` the offending key, so the message can point
    the user at exactly what to change.
    """

    def __init__(self, message: str, *, where: str | None = None, field: str | None = None):
        self.message = message
        self.where = where
        self.field = field
        super().__init__(self.format())

    def format(self) -> str:
        """The single line the CLI prints: ``where: field: message``."""
        parts = [p for p in (self.where, self.field) if p]
        return ": ".join([*parts, self.message])


def parse_error_text(err: BaseException) -> str:
    """What a parser's error says, in one line a user can act on: Python's advice for a
    number of more than 4,300 digits (``sys.set_int_max_str_digits``) is for programmers,
    so such a number is said as one."""
    text = str(err)
    if "integer string conversion" in text:
        return "it holds a number of more than 4,300 digits"
    return text.splitlines()[0][:160] if text else type(err).__name__
