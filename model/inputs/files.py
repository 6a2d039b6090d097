"""Reading a user's input file safely, and writing one file atomically.

Reading: only a regular file, at most a stated size, never blocking.

A scenario path can be anything a user types: a FIFO (which would block forever), ``/dev/zero``
(which would be read until memory runs out), a folder, a symlink loop, a file without read
permission.  :func:`read_limited` turns each into one :class:`~model.core.errors.UserError` line.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import stat
import uuid
from pathlib import Path

from model.core.errors import UserError

__all__ = ["MAX_SCENARIO_BYTES", "clean_stale_temporaries", "make_parent", "read_limited", "write_bytes_atomic", "write_text_atomic"]

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


# -- writing one file: in the inputs layer because a scenario saves itself as TOML
# (Scenario.save); the results writers of model.present.output use the same functions.


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _tmp_name(path: Path, kind: str) -> Path:
    return path.with_name(f".{path.name}.{kind}-{uuid.uuid4().hex[:12]}")


def make_parent(path: Path, *, key: str) -> None:
    """Create ``path``'s folder, or raise a one-line :class:`UserError` naming ``path``."""
    try:
        blocker = next((p for p in path.parents if p.exists()), None)
        if blocker is not None and not blocker.is_dir():
            raise UserError(f"cannot write {path}: {blocker} is a file, not a folder", key=key)
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {_why(exc)}", key=key) from None


def clean_stale_temporaries(path: Path) -> list[Path]:
    """Remove the ``.<name>.tmp-<id>`` files a killed writer of ``path`` left beside it; return them.

    A writer holds an exclusive ``flock`` on its temporary file from the moment it makes it until
    the file is renamed into place (:func:`write_bytes_atomic`), so a temporary whose lock can be
    taken belongs to no live writer: the kernel released the lock when that writer died.  Only
    regular files named like this writer's temporaries of ``path`` are touched, never another
    file's.  Errors (an unreadable folder, a file gone meanwhile) are ignored: cleaning is a
    courtesy, not part of the write.
    """
    path = Path(path)
    pattern = re.compile(rf"\.{re.escape(path.name)}\.tmp-[0-9a-f]{{12}}")
    removed = []
    try:
        entries = [e for e in os.scandir(path.parent) if pattern.fullmatch(e.name)]
    except OSError:
        return removed
    for entry in entries:
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.stat(entry.path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:  # BlockingIOError: a live writer holds it
            pass
        finally:
            os.close(fd)
    return removed


def write_bytes_atomic(path: Path, data: bytes, *, key: str = "--out", overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    The file gets mode ``0666 & ~umask``.  With ``overwrite=False`` an existing ``path`` is an
    error, checked atomically (the temporary file is hard-linked into place, which fails if
    anything appeared there meanwhile).  The temporary ``.<name>.tmp-<id>`` is locked (``flock``)
    while it exists, and those a killed writer of the same ``path`` left behind are removed first
    (:func:`clean_stale_temporaries`).

    Raises
    ------
    UserError
        If ``path`` is a folder, exists (with ``overwrite=False``), or cannot be written (a file
        in the way, a read-only folder, a full disk).
    """
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path} is a folder; expected a file path", key=key)
    if not overwrite and os.path.lexists(path):
        raise UserError(f"{path} exists; pass --force to replace it", key=key)
    make_parent(path, key=key)
    clean_stale_temporaries(path)
    tmp = _tmp_name(path, "tmp")
    fd = -1
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
        fcntl.flock(fd, fcntl.LOCK_EX)  # ours until renamed: not stale (see clean_stale_temporaries)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise UserError(f"{path} exists; pass --force to replace it", key=key) from None
    except OSError as exc:
        raise UserError(f"cannot write {path}: {_why(exc)}", key=key) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if fd >= 0:
            os.close(fd)


def write_text_atomic(path: Path, text: str, *, key: str = "--out", overwrite: bool = True) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; see :func:`write_bytes_atomic`."""
    write_bytes_atomic(path, text.encode("utf-8"), key=key, overwrite=overwrite)
