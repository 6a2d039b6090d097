"""Writing results: every file is written to a temporary place and moved into place when complete.

A run that fails halfway leaves earlier results untouched: the folder for a scenario is built in a
temporary sibling folder and swapped in with :func:`os.replace`-style renames at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from model.core.errors import UserError
from model.core.levers import REGISTRY as LEVERS
from model.inputs.record import load_record

if TYPE_CHECKING:
    from model.analysis.results import Results
    from model.analysis.uncertainty import Draws

__all__ = ["write_dir_atomic", "write_run", "write_text_atomic"]


def _make_parent(path: Path, *, key: str) -> None:
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
    _make_parent(path, key=key)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    _make_parent(target, key=key)
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
    """CSV with periods written like ``2020Q3`` and floats to 6 decimals."""
    out = frame.copy()
    if isinstance(out.index, pd.PeriodIndex):
        out.index = out.index.astype(str)
    out.to_csv(path, index_label=index_label or out.index.name, float_format="%.6f")


def summary_dict(results: Results, draws: Draws | None = None) -> dict[str, Any]:
    """What ``summary.json`` holds: headline figures, calibration fit, scenario identity, version,
    and with ``draws`` the fan of the calendar-year figures and the probabilities (``uncertainty``)."""
    from model import __version__
    from model.present.fans import summary_section

    sc = results.scenario
    cal = results.calibration
    annual = results.annual
    headline = {
        str(year): {col: float(annual.loc[year, col]) for col in annual.columns if not col.startswith(tuple(f"{n}_" for n in LEVERS))}
        for year in annual.index
    }
    return _jsonable(
        {
            "model_version": __version__,
            "scenario": {
                "name": sc.name,
                "description": sc.description,
                "file": sc.path,
                "file_sha256": sc.file_digest(),
                "sha256": sc.digest,
                "horizon": sc.horizon,
                "parameters_set": dict(sc.parameters),
                "levers": sorted(sc.lever_configs()),
                "shocks": sorted(sc.shocks),
            },
            "headline": headline,
            "h2_2020_real_growth": results.h2_growth(),
            "track_record": {"line": results.track_record(), **(load_record() or {})},
            "calibration": {
                "all_targets_met": cal.ok,
                "targets": cal.fit.drop(columns="within").to_dict(orient="records"),
                "parameters": [
                    {"name": name, **row} for name, row in cal.priors.to_dict(orient="index").items()
                ],
                "solver": cal.message,
            },
            **({"uncertainty": summary_section(draws)} if draws is not None else {}),
        }
    )


def write_run(results: Results, directory: Path, *, draws: Draws | None = None) -> Path:
    """Write ``quarterly.csv``, ``annual.csv``, ``summary.json``, ``report.md`` and figures.

    With ``draws`` (a Monte Carlo of the same run, :mod:`model.analysis.uncertainty`), also ``fan.csv`` and
    the fan charts, and an uncertainty section in ``summary.json`` and ``report.md``.  A
    ``sensitivity/`` folder already in ``directory`` is kept if it was computed for the same
    scenario and parameters (:func:`model.analysis.sensitivity.carry_over`).
    """
    from model.analysis.sensitivity import carry_over
    from model.present.fans import write_files as write_fan_files
    from model.present.report import figures, run_report

    def build(tmp: Path) -> None:
        to_csv(results.quarterly, tmp / "quarterly.csv", index_label="period")
        to_csv(results.annual, tmp / "annual.csv", index_label="year")
        (tmp / "summary.json").write_text(
            json.dumps(summary_dict(results, draws), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        names = figures(results, tmp)
        fan_names = write_fan_files(draws, tmp) if draws is not None else []
        (tmp / "report.md").write_text(run_report(results, names, draws=draws, fan_figures=fan_names),
                                       encoding="utf-8")
        carry_over(results, Path(directory), tmp)

    return write_dir_atomic(directory, build)
