"""The files of one run (``results/<name>/``): ``quarterly.csv``, ``annual.csv``, ``summary.json``,
``report.md`` and figures, and with a Monte Carlo ``fan.csv`` and the fan charts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.core.levers import REGISTRY as LEVERS
from model.present.output import jsonable, to_csv, write_dir_atomic

if TYPE_CHECKING:
    from model.analysis.draws import Draws
    from model.analysis.results import Results

__all__ = ["summary_dict", "write_run"]


def summary_dict(results: Results, draws: Draws | None = None) -> dict[str, Any]:
    """What ``summary.json`` holds: headline figures, calibration fit, scenario identity, version,
    and with ``draws`` the fan of the calendar-year figures and the probabilities (``uncertainty``)."""
    from model.core.version import __version__
    from model.present.fans import summary_section

    sc = results.scenario
    cal = results.calibration
    annual = results.annual
    headline = {
        str(year): {col: float(annual.loc[year, col]) for col in annual.columns if not col.startswith(tuple(f"{n}_" for n in LEVERS))}
        for year in annual.index
    }
    return jsonable(
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


def write_run(results: Results, directory: str | Path, *, draws: Draws | None = None) -> Path:
    """Write ``quarterly.csv``, ``annual.csv``, ``summary.json``, ``report.md`` and figures.

    With ``draws`` (a Monte Carlo of the same run, :mod:`model.analysis.uncertainty`), also ``fan.csv`` and
    the fan charts, and an uncertainty section in ``summary.json`` and ``report.md``.  A
    ``sensitivity/`` folder already in ``directory`` is kept if it was computed for the same
    scenario and parameters (:func:`model.present.sensitivity_files.carry_over`).
    """
    from model.present.fans import write_files as write_fan_files
    from model.present.report import figures, run_report
    from model.present.sensitivity_files import carry_over

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

    return write_dir_atomic(Path(directory), build)
