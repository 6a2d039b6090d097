"""The files of one run (``results/<name>/``): ``quarterly.csv``, ``annual.csv``, ``summary.json``,
``report.md`` and figures, and with a Monte Carlo ``fan.csv`` and the fan charts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.core.levers import REGISTRY as LEVERS
from model.inputs.record import load_record
from model.present.output import check_results_finite, jsonable, to_csv, write_dir_atomic

if TYPE_CHECKING:
    from model.analysis.draws import Draws
    from model.analysis.results import Results
    from model.present.background import Worker

__all__ = ["run_inputs", "summary_dict", "write_run"]


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
        "as_of": results.scenario.vintage.as_of,
        **({"data": str(results.scenario.vintage.folder)} if results.scenario.vintage.directory is not None else {}),
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
    return jsonable(
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
            "track_record": {"line": results.track_record(), **(load_record() or {})},
            "calibration": {
                "as_of": cal.vintage.as_of,
                "release": cal.release,
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
              inputs: dict[str, Any] | None = None, lang: str | None = None,
              figures: bool = True, worker: Worker | None = None) -> Path:
    """Write ``quarterly.csv``, ``annual.csv``, ``summary.json``, ``report.md`` and figures, and
    ``results.xlsx`` and ``briefing.html`` (labelled in ``lang``, :mod:`model.present.labels`).

    With ``draws`` (a Monte Carlo of the same run, :mod:`model.analysis.uncertainty`), also ``fan.csv`` and
    the fan charts, and an uncertainty section in ``summary.json`` and ``report.md``.  ``inputs``
    (see :func:`run_inputs`) is recorded in both.  A ``sensitivity/`` folder already in
    ``directory`` is kept if it was computed for the same scenario and parameters
    (:func:`model.present.sensitivity_files.carry_over`).  ``figures=False`` writes no PNG
    (``run --no-figures``): matplotlib is then never imported.  The figures are drawn in another
    process while the other files are written: ``worker``'s if given (a
    :class:`model.present.background.Worker` started before the computation), else a forked one.

    Raises
    ------
    UserError
        If a number in the results is NaN or infinite (nothing is written), or the folder cannot
        be written (:func:`write_dir_atomic`).
    """
    from model.present.background import start
    from model.present.fans import write_files as write_fan_files
    from model.present.labels import check_lang
    from model.present.report import figures as write_figures
    from model.present.report import run_report
    from model.present.sensitivity_files import carry_over
    from model.present.shareable import write_run_extras

    lang = check_lang(lang, key="lang")

    check_results_finite(results)
    made_by = run_inputs(results, inputs, draws)

    def build(tmp: Path) -> None:
        # the run's figures are drawn on the other core while this one writes the rest (background.start)
        pending = ((worker.submit(write_figures, results, tmp, lang=lang, parallel=True) if worker
                    else start(write_figures, results, tmp, lang=lang)) if figures else list)
        to_csv(results.quarterly, tmp / "quarterly.csv", index_label="period")
        to_csv(results.annual, tmp / "annual.csv", index_label="year")
        (tmp / "summary.json").write_text(
            json.dumps(summary_dict(results, draws, made_by), indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        fan_names = write_fan_files(draws, tmp, lang=lang, figures=figures) if draws is not None else []
        names: list[str] = []

        def figure_names() -> list[str]:  # the briefing embeds the PNGs: it waits for them
            names.extend(pending())
            return names

        write_run_extras(results, tmp, figure_names, draws=draws, fan_figures=fan_names, lang=lang)
        (tmp / "report.md").write_text(
            run_report(results, names, draws=draws, fan_figures=fan_names, inputs=made_by), encoding="utf-8"
        )
        carry_over(results, Path(directory), tmp)

    return write_dir_atomic(Path(directory), build)
