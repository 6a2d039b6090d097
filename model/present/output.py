"""Writing results: nothing half-written, nothing lost, nothing readable only by its writer.

Every file is written to a temporary name in its own folder and renamed into place when complete;
a results folder is built in a temporary sibling (``.<name>.tmp-<id>``) and swapped in.  The
rules (``docs/writing.md`` has the full story):

* **One writer a folder.** An ``flock`` on ``.<name>.lock`` beside the folder serialises writers
  of the same folder (the file exists only while a writer holds it); a writer that cannot get it
  within :data:`LOCK_TIMEOUT` seconds stops with one line and writes nothing.
* **Old or new, never neither.** On Linux the swap is one ``renameat2(RENAME_EXCHANGE)`` call, so
  the folder is at every instant either the old one or the new one, whole.  Where that call is
  missing the swap is two renames; a kill between them leaves the old folder as ``.<name>.old-<id>``
  and the next writer of the folder puts it back before doing anything else.
* **No litter.** ``.<name>.tmp-*`` and ``.<name>.old-*`` left by a killed run are removed by the
  next writer of the same folder (it holds the lock, so they cannot belong to a live run).
* **Symlinks are followed explicitly**: a results folder that is a symbolic link is written where
  the link points, and the link is left as it was.  A dangling link or a loop is refused.
* **Permissions follow the umask**: folders ``0777 & ~umask`` and files ``0666 & ~umask`` (0755
  and 0644 under the usual umask 022), so colleagues can read results.
* **No non-finite numbers**: a NaN or infinity in a table is an error naming the file and column,
  never a file.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from model.core.errors import UserError
from model.core.levers import REGISTRY as LEVERS
from model.inputs.files import make_parent, write_bytes_atomic, write_text_atomic

if TYPE_CHECKING:
    from model.analysis.results import Results
    from model.analysis.uncertainty import Draws

__all__ = [
    "LOCK_TIMEOUT",
    "check_finite",
    "check_results_finite",
    "folder_lock",
    "write_bytes_atomic",
    "write_dir_atomic",
    "write_run",
    "write_text_atomic",
]

LOCK_TIMEOUT = 30.0
"""Seconds a writer waits for another writer of the same results folder before it gives up.

Reason: writing a folder takes about a second (the default run writes eight files and four
figures); a Monte Carlo run computes everything before it takes the lock.  Thirty seconds
serialises any honest overlap and still turns a stuck writer into a clear message, not a hang.
"""


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _tmp_name(path: Path, kind: str) -> Path:
    return path.with_name(f".{path.name}.{kind}-{uuid.uuid4().hex[:12]}")


# -- results folders ---------------------------------------------------------------------------

_RENAME_EXCHANGE = 2  # linux/fs.h


def _exchange(a: Path, b: Path) -> bool:
    """Swap ``a`` and ``b`` in one step (Linux ``renameat2``); ``False`` if the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (38, 22, 95):  # ENOSYS, EINVAL, EOPNOTSUPP: no exchange here; use two renames
        return False
    raise OSError(err, os.strerror(err), str(b))


def _leftovers(target: Path) -> list[Path]:
    """``.<name>.tmp-*`` and ``.<name>.old-*`` beside ``target``, newest first."""
    stems = (f".{target.name}.tmp-", f".{target.name}.old-")
    found = [p for p in target.parent.iterdir() if p.name.startswith(stems)]
    return sorted(found, key=lambda p: p.lstat().st_mtime, reverse=True)


def _recover(target: Path) -> None:
    """Put back an old folder a killed two-rename swap left aside; remove stale temporaries.

    Called with the folder's lock held, so no live writer owns what is removed.
    """
    left = _leftovers(target)
    if not os.path.lexists(target):
        old = next((p for p in left if ".old-" in p.name), None)
        if old is not None:
            os.rename(old, target)
            left.remove(old)
    for p in left:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)


def _swap_in(tmp: Path, target: Path) -> None:
    """Make ``tmp`` the folder ``target``; the old ``target`` (if any) is removed."""
    if not os.path.lexists(target):
        os.rename(tmp, target)
    elif _exchange(tmp, target):
        shutil.rmtree(tmp, ignore_errors=True)  # now the old folder; a kill here leaves a .tmp-*
    else:
        old = _tmp_name(target, "old")
        os.rename(target, old)
        try:
            os.rename(tmp, target)
        except BaseException:
            os.rename(old, target)
            raise
        shutil.rmtree(old, ignore_errors=True)


def _follow(target: Path, *, key: str) -> Path:
    """``target``, or where it points if it is a symbolic link to a folder."""
    if not target.is_symlink():
        return target
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):
        raise UserError(f"cannot write {target}: it is a symbolic link that points nowhere or loops; "
                        "remove it or point it at a folder", key=key) from None
    if not real.is_dir():
        raise UserError(f"cannot write {target}: it links to {real}, which is not a folder", key=key)
    return real


def _try_lock(path: Path) -> int | None:
    """An open descriptor of ``path`` holding its exclusive ``flock``, or ``None`` if it is held.

    A holder unlinks the file before it lets go, so a lock taken on a file that has meanwhile
    been unlinked (or replaced) is no lock: check the inode and start again.
    """
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


@contextlib.contextmanager
def folder_lock(target: Path, *, key: str = "--out") -> Iterator[None]:
    """Hold the lock of results folder ``target``: an ``flock`` on ``.<name>.lock`` beside it,
    removed on release (so no lock file is left behind).

    A writer that finds the lock held waits up to :data:`LOCK_TIMEOUT` seconds, then gives up.

    Raises
    ------
    UserError
        If another writer holds the lock for longer, or the lock file cannot be made.
    """
    path = target.with_name(f".{target.name}.lock")
    deadline = time.monotonic() + LOCK_TIMEOUT
    try:
        while (fd := _try_lock(path)) is None:
            if time.monotonic() >= deadline:
                raise UserError(f"cannot write {target}: another run is writing it (waited {LOCK_TIMEOUT:g} s "
                                f"for {path}); try again when it has finished", key=key)
            time.sleep(0.05)
    except OSError as exc:
        raise UserError(f"cannot write {target}: {_why(exc)}", key=key) from None
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)  # releases the flock


def write_dir_atomic(target: Path, build: Callable[[Path], None], *, key: str = "--out") -> Path:
    """Call ``build(tmp)`` to fill a temporary folder, then swap it in as ``target``.

    The rules are in the module docstring: a lock per folder, old-or-new at every instant, stale
    temporaries cleaned, symlinks followed, permissions from the umask.  If ``build`` raises, the
    temporary folder is removed and ``target`` is untouched.  Returns ``target`` as given.

    Raises
    ------
    UserError
        If ``target`` is a file, a dangling or looping link, locked by another writer, or cannot
        be written (a file in the way, a read-only folder).
    """
    given = Path(target)
    target = _follow(given, key=key)
    try:
        if target.exists() and not target.is_dir():
            raise UserError(f"{given} is a file; expected a folder to write results into", key=key)
    except OSError as exc:
        raise UserError(f"cannot write {given}: {_why(exc)}", key=key) from None
    make_parent(target, key=key)
    with folder_lock(target, key=key):
        tmp = _tmp_name(target, "tmp")
        try:
            _recover(target)
            tmp.mkdir()  # mode 0777 & ~umask, unlike mkdtemp's 0700
        except OSError as exc:
            raise UserError(f"cannot write {given}: {_why(exc)}", key=key) from None
        try:
            build(tmp)
            _swap_in(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return given


# -- tables --------------------------------------------------------------------------------------


def check_finite(frame: pd.DataFrame, file: str, *, undefined_before: Any = None) -> pd.DataFrame:
    """Return ``frame`` if every number in it is finite; else raise naming the cell.

    ``undefined_before`` is the first row label from which every number must be finite; in
    earlier rows a NaN is allowed (growth rates of 2019 need 2018 figures, which are not
    reported), an infinity never.

    Raises
    ------
    UserError
        ``<file>: <column>: <value> in row <row>; the inputs are beyond what the model can
        represent (nothing written)``.
    """
    num = frame.select_dtypes(include="number")
    values = num.to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if undefined_before is not None:
        early = np.asarray(num.index < undefined_before)[:, None]
        bad &= ~(early & np.isnan(values))
    if bad.any():
        i, j = (int(k[0]) for k in np.nonzero(bad))
        raise UserError(
            f"{values[i, j]} in row {num.index[i]}; the inputs are beyond what the model can represent "
            "(nothing written)", file=file, key=str(num.columns[j]),
        )
    return frame


def check_results_finite(results: Results, *, label: str = "") -> None:
    """:func:`check_finite` on a run's quarterly and annual tables (2019 growth rates may be empty).

    ``label`` goes before the file name, to say which run of a comparison it is."""
    check_finite(results.quarterly, f"{label}quarterly.csv", undefined_before=pd.Period("2020Q1", freq="Q"))
    check_finite(results.annual, f"{label}annual.csv", undefined_before=2020)


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float):
        return None if not np.isfinite(x) else round(x, 6)
    if isinstance(x, pd.Period):
        return str(x)
    return x


def to_csv(frame: pd.DataFrame, path: Path, *, index_label: str | None = None) -> None:
    """CSV with periods written like ``2020Q3``, floats to 6 decimals, UTF-8 with a byte-order mark."""
    out = frame.copy()
    if isinstance(out.index, pd.PeriodIndex):
        out.index = out.index.astype(str)
    # utf-8-sig: a byte-order mark, so that Excel in a Chinese locale reads 亿元 as UTF-8, not GBK
    out.to_csv(path, index_label=index_label or out.index.name, float_format="%.6f", encoding="utf-8-sig")


def run_inputs(results: Results, inputs: dict[str, Any] | None = None, draws: Draws | None = None) -> dict[str, Any]:
    """Every input that changes the numbers of ``results``, for ``summary.json`` and ``report.md``.

    ``parameters_set_by_caller`` are the parameters fixed outside the scenario file (``--set`` or
    ``params=`` in Python), read off the run itself, so an API run records them too.  ``inputs``
    adds what only the caller knows (the command line and its options, accepting a missed
    calibration); a key given there wins.  With ``draws``, the number of draws and the seed used.
    """
    p = results.params
    by_caller = {n: p[n] for n in sorted(p.fixed - set(results.scenario.parameters))}
    out: dict[str, Any] = {
        "scenario_file": results.scenario.path,
        "scenario_parameters": dict(results.scenario.parameters),
        "parameters_set_by_caller": by_caller,
        "calibration_miss_accepted": False,
    }
    out.update(inputs or {})
    if draws is not None:
        out["draws"], out["seed"] = draws.n, draws.settings.seed
    return out


def summary_dict(results: Results, draws: Draws | None = None,
                 inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """What ``summary.json`` holds: the inputs (:func:`run_inputs`), headline figures, calibration
    fit, scenario identity, version, and with ``draws`` the fan of the calendar-year figures and
    the probabilities (``uncertainty``)."""
    from model.core.version import __version__
    from model.present.fans import summary_section

    sc = results.scenario
    cal = results.calibration
    annual = results.annual
    headline = {
        str(year): {col: float(annual.loc[year, col]) for col in annual.columns if not col.startswith(tuple(f"{n}_" for n in LEVERS))}
        for year in annual.index
    }
    made_by = run_inputs(results, inputs, draws)
    return _jsonable(
        {
            "model_version": __version__,
            "inputs": made_by,
            "scenario": {
                "name": sc.name,
                "description": sc.description,
                "file": sc.path,
                "file_sha256": sc.file_digest(),
                "sha256": sc.digest,
                "horizon": sc.horizon,
                "parameters_set": {**dict(sc.parameters), **made_by["parameters_set_by_caller"]},
                "levers": sorted(sc.lever_configs()),
                "shocks": sorted(sc.shocks),
            },
            "headline": headline,
            "h2_2020_real_growth": results.h2_growth(),
            "calibration": {
                "all_targets_met": cal.ok,
                "miss_accepted": bool(made_by.get("calibration_miss_accepted")) and not cal.ok,
                "targets": cal.fit.drop(columns="within").to_dict(orient="records"),
                "parameters": [
                    {"name": name, **row} for name, row in cal.priors.to_dict(orient="index").items()
                ],
                "solver": cal.message,
            },
            **({"uncertainty": summary_section(draws)} if draws is not None else {}),
        }
    )


def write_run(results: Results, directory: str | Path, *, draws: Draws | None = None,
              inputs: dict[str, Any] | None = None, lang: str | None = None) -> Path:
    """Write ``quarterly.csv``, ``annual.csv``, ``summary.json``, ``report.md`` and figures, and
    ``results.xlsx`` and ``briefing.html`` (labelled in ``lang``, :mod:`model.present.labels`).

    With ``draws`` (a Monte Carlo of the same run, :mod:`model.analysis.uncertainty`), also ``fan.csv`` and
    the fan charts, and an uncertainty section in ``summary.json`` and ``report.md``.  ``inputs``
    (see :func:`run_inputs`) is recorded in both.  A ``sensitivity/`` folder already in
    ``directory`` is kept if it was computed for the same scenario and parameters
    (:func:`model.present.sensitivity_files.carry_over`).

    Raises
    ------
    UserError
        If a number in the results is NaN or infinite (nothing is written), or the folder cannot
        be written (:func:`write_dir_atomic`).
    """
    from model.present.fans import write_files as write_fan_files
    from model.present.labels import check_lang
    from model.present.report import figures, run_report
    from model.present.sensitivity_files import carry_over
    from model.present.shareable import write_run_extras

    lang = check_lang(lang, key="lang")

    check_results_finite(results)
    made_by = run_inputs(results, inputs, draws)

    def build(tmp: Path) -> None:
        to_csv(results.quarterly, tmp / "quarterly.csv", index_label="period")
        to_csv(results.annual, tmp / "annual.csv", index_label="year")
        (tmp / "summary.json").write_text(
            json.dumps(summary_dict(results, draws, made_by), indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        names = figures(results, tmp, lang=lang)
        fan_names = write_fan_files(draws, tmp, lang=lang) if draws is not None else []
        (tmp / "report.md").write_text(
            run_report(results, names, draws=draws, fan_figures=fan_names, inputs=made_by), encoding="utf-8"
        )
        write_run_extras(results, tmp, names, draws=draws, fan_figures=fan_names, lang=lang)
        carry_over(results, Path(directory), tmp)

    return write_dir_atomic(Path(directory), build)
