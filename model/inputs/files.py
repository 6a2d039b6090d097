"""Writing one text file safely: a temporary file in the same folder, then a rename.

In the inputs layer because a scenario writes itself back as TOML (:meth:`Scenario.save
<model.inputs.scenario.Scenario.save>`); the results writers of :mod:`model.present.output` use
the same two functions.  (Moved whole from ``model/present/output.py``.)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from model.core.errors import UserError

__all__ = ["make_parent", "write_text_atomic"]


def make_parent(path: Path, *, key: str) -> None:
    """Create ``path``'s folder, or raise a one-line :class:`UserError` naming ``path``."""
    blocker = next((p for p in path.parents if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise UserError(f"cannot write {path}: {blocker} is a file, not a folder", key=key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}", key=key) from None


def write_text_atomic(path: Path, text: str, *, key: str = "--out") -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename.

    Raises
    ------
    UserError
        If ``path`` is a folder or its folder cannot be made (a file stands in the way).
    """
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path} is a folder; expected a file path", key=key)
    make_parent(path, key=key)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
