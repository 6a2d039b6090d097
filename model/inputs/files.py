"""Reading a user's input file safely: only a regular file, at most a stated size, never blocking.

A scenario path can be anything a user types: a FIFO (which would block forever), ``/dev/zero``
(which would be read until memory runs out), a folder, a symlink loop, a file without read
permission.  :func:`read_limited` turns each into one :class:`~model.core.errors.UserError` line.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from model.core.errors import UserError

__all__ = ["MAX_SCENARIO_BYTES", "read_limited"]

MAX_SCENARIO_BYTES = 1 << 20
"""Largest scenario file read, in bytes (1 MiB).

Reason: the shipped scenarios are 1-4 KB and a solved scenario with a value for every quarter to
2025 is under 20 KB; a limit 50 times that never stops a real plan and stops a device like
``/dev/zero`` (or a mistyped data file) from being read until memory runs out.
"""

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def read_limited(path: Path, *, key: str | None = None, limit: int = MAX_SCENARIO_BYTES) -> bytes:
    """The bytes of regular file ``path``, at most ``limit`` of them.

    Opened without blocking, so a FIFO is refused rather than waited on.

    Raises
    ------
    UserError
        If ``path`` is missing, unreadable, a symlink loop, not a regular file, or too large.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise UserError("file not found", file=str(path), key=key) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror or exc}", file=str(path), key=key) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
            raise UserError(f"expected a TOML file, found {kind}", file=str(path), key=key)
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror or exc}", file=str(path), key=key) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise UserError(f"expected a scenario file of at most {limit // 1024} KiB; this one is larger",
                        file=str(path), key=key)
    return data
