"""The one exception a user can cause, and how it is shown."""

from __future__ import annotations

__all__ = ["UserError"]


class UserError(Exception):
    """A mistake in a user's input: a scenario file, a command-line argument, a parameter.

    Its message is one line that names the file (where there is one), the key, and what was
    expected.  The command line prints it as ``error: <message>`` and exits with status 2.
    """

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None) -> None:
        self.file = file
        self.key = key
        self.detail = message
        where = ": ".join(str(p) for p in (file, key) if p)
        super().__init__(f"{where}: {message}" if where else message)
