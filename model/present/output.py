"""Writing results: every file is written to a temporary place and moved into place when complete.

A run that fails halfway leaves earlier results untouched: the folder for a scenario is built in a
temporary sibling folder and swapped in with :func:`os.replace`-style renames at the end.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.core.errors import UserError
from model.inputs.files import make_parent, write_text_atomic

__all__ = ["jsonable", "to_csv", "write_dir_atomic", "write_text_atomic"]


def write_dir_atomic(target: Path, build: Callable[[Path], None], *, key: str = "--out") -> Path:
    """Call ``build(tmp)`` to fill a temporary folder, then swap it in as ``target``.

    If ``build`` raises, the temporary folder is removed and ``target`` is untouched.

    Raises
    ------
    UserError
        If ``target`` is a file, or its folder cannot be made (a file stands in the way).
    """
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise UserError(f"{target} is a file; expected a folder to write results into", key=key)
    make_parent(target, key=key)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        build(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if target.exists():
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(target, old)
        os.rename(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, target)
    return target


def jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [jsonable(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float):
        return None if not np.isfinite(x) else round(x, 6)
    if isinstance(x, pd.Period):
        return str(x)
    return x


def to_csv(frame: pd.DataFrame, path: Path, *, index_label: str | None = None) -> None:
    """CSV with periods written like ``2020Q3`` and floats to 6 decimals."""
    out = frame.copy()
    if isinstance(out.index, pd.PeriodIndex):
        out.index = out.index.astype(str)
    out.to_csv(path, index_label=index_label or out.index.name, float_format="%.6f")
