"""A calibration kept on disk between runs, keyed on everything it depends on.

The calibration is the largest cost of ``python -m model run`` (the penalised least squares,
about 340 runs of the model, and importing scipy.optimize for it: some 0.6 s of a 1.9 s run).  Its
result depends only on the parameter set (values, which are fixed, the registry with its priors and
bounds), the release round, the data files and the code, so it is kept in the user's cache folder
(:func:`model.inputs.paths.cache_dir`) under the SHA-256 of all of them:

* the parameter set's registry (``repr``: names, values, units, bounds, priors, sources), its
  values written exactly (``float.hex``) and its fixed names;
* the release round, and the bytes of every file of the data folder and of the project's ``data/``
  (the trend's priors come from there whatever ``--data`` is);
* the bytes of every module of the ``model`` package, and the versions of numpy, scipy and pandas.

A change to any of them is another key, never a stale answer.  A cached calibration is checked
before it is used: its parameters must be the set's with only the free ones changed, and one run of
the model at them must give the fit's model values bit for bit.  Anything that fails (a damaged or
foreign file, a pickle of another version, a folder that cannot be read or written) is ignored and
the calibration computed afresh, with the same result.  ``$HANGZHOU_MODEL_CACHE=`` (empty) turns
the cache off.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

from model.core.parameters import ParameterSet
from model.inputs.paths import DATA_DIR, cache_dir, write_cache
from model.inputs.vintage import Vintage

__all__ = ["cache_key", "cached"]

T = TypeVar("T")

_PACKAGE = Path(__file__).resolve().parents[1]  # model/
FORMAT = 1
"""Bumped when the cached object's layout changes."""


def _files_digest(h: hashlib._Hash, folder: Path, pattern: str) -> None:
    for p in sorted(folder.glob(pattern)):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(folder)).encode() + b"\0")
            h.update(p.read_bytes())
            h.update(b"\0")


@cache
def _code_digest() -> str:
    """SHA-256 of every module of the package and the numerical libraries' versions (once a process)."""
    from importlib.metadata import version

    h = hashlib.sha256()
    _files_digest(h, _PACKAGE, "**/*.py")
    for lib in ("numpy", "scipy", "pandas"):
        h.update(f"{lib}={version(lib)}\0".encode())
    return h.hexdigest()


def _data_digest(folder: Path) -> str:
    h = hashlib.sha256()
    _files_digest(h, folder, "*")
    return h.hexdigest()


def cache_key(params: ParameterSet, vintage: Vintage) -> str:
    """The SHA-256 naming the calibration of ``params`` as of ``vintage``."""
    h = hashlib.sha256()
    for part in (
        f"format={FORMAT}",
        repr(params.registry),
        ",".join(float(v).hex() for v in params.values),
        ",".join(sorted(params.fixed)),
        vintage.as_of,
        _data_digest(vintage.folder),
        _data_digest(DATA_DIR),
        _code_digest(),
    ):
        h.update(part.encode() + b"\0")
    return h.hexdigest()


def _path(key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / "calibrations" / f"{key}.pickle"


def cached(params: ParameterSet, vintage: Vintage, make: Callable[[], T], check: Callable[[object], bool]) -> T:
    """The cached result for ``params`` as of ``vintage`` if there is one and ``check`` accepts it;
    else ``make()``, kept for the next run (whole or not at all).  Errors of the cache are ignored."""
    try:
        path = _path(cache_key(params, vintage))
    except OSError:
        return make()
    if path is None:
        return make()
    try:
        obj = pickle.loads(path.read_bytes())  # the user's own cache folder; checked before use
        if check(obj):
            return obj
    except Exception:  # missing, damaged, foreign or of another version: computed afresh below
        pass
    obj = make()
    try:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):  # not kept: it costs the next run time only
        return obj
    write_cache(path, data)
    return obj
