"""Where the files the project ships are: ``data/`` and ``scenarios/`` (a leaf of the inputs layer
that imports neither pandas nor numpy, so that ``--help`` and ``--version`` stay fast)."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

__all__ = ["CACHE_ENV", "DATA_DIR", "cache_dir", "shipped", "write_cache"]

_PACKAGE = Path(__file__).resolve().parents[1]  # model/


def shipped(relative: str | Path) -> Path:
    """Where a file or folder the project ships (``data``, ``scenarios/h2_plan.toml``) is.

    The working folder's copy if there is one (analysts edit their scenarios there), else the copy
    installed with the package (``pip install .`` maps ``data/`` and ``scenarios/`` to the package's
    ``model/data`` and ``model/scenarios``: see ``setup.py``), else the source checkout's top-level
    folder (an editable install, the tests).
    """
    p = Path(relative)
    if p.exists() or p.is_absolute():
        return p
    for root in (_PACKAGE, _PACKAGE.parent):
        if (root / p).exists():
            return root / p
    return p


def _data_dir() -> Path:
    packaged = Path(str(resources.files("model"))) / "data"  # an installed wheel
    return packaged if (packaged / "observations.csv").is_file() else _PACKAGE.parent / "data"


DATA_DIR = _data_dir()
"""The folder of ``observations.csv`` and ``levers_h1.csv``: ``data/`` of the source checkout, or
its copy ``model/data/`` in an installed package (:mod:`importlib.resources`)."""


CACHE_ENV = "HANGZHOU_MODEL_CACHE"
"""The environment variable naming the cache folder (empty: no cache)."""


def cache_dir() -> Path | None:
    """The folder of the user's caches (font subsets, calibrations): ``$HANGZHOU_MODEL_CACHE`` if
    set (empty: none), else ``$XDG_CACHE_HOME/hangzhou-scenario-model`` (default ``~/.cache/...``).

    A cache is only a shortcut: everything in it is keyed on what it depends on and made afresh,
    with the same result, when it is missing, damaged or cannot be written."""
    if CACHE_ENV in os.environ:
        return Path(os.environ[CACHE_ENV]) if os.environ[CACHE_ENV] else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hangzhou-scenario-model"


def write_cache(path: Path, data: bytes) -> None:
    """Write a cache entry whole or not at all: into a temporary file of this process, renamed into
    place (two runs at once each write their own; the last stays).  An error is ignored: a cache that
    cannot be written costs only time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass
