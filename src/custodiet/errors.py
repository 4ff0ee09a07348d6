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
