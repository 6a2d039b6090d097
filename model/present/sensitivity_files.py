"""The files of a sensitivity analysis (``results/<name>/sensitivity/``): ``sobol.csv``,
``tornado.png``, ``report.md`` and ``sensitivity.json``, and keeping them across runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from model.analysis.sensitivity import fingerprint
from model.present.output import to_csv, write_dir_atomic
from model.present.plotting import figure, save_figure
from model.present.tables import md_table

if TYPE_CHECKING:
    from model.analysis.results import Results
    from model.analysis.sensitivity import Sensitivity

__all__ = ["carry_over", "save_tornado", "sensitivity_report", "write_sensitivity"]


def sensitivity_report(sens: Sensitivity) -> str:
    """``report.md`` of the sensitivity analysis ``sens``."""
    s = sens.settings
    lines = [
        f"# Sensitivity of scenario `{sens.scenario.name}`",
        "",
        f"Sobol indices from {sens.rows:,} model runs (Saltelli scheme, N = {sens.samples:,}, scrambled "
        f"Sobol' sequence, seed {sens.seed}), every run re-calibrated to the H1 2020 targets"
        + (f" ({sens.missed} could not meet them within bounds and were kept at their best fit)"
           if sens.missed else "") + ". "
        f"Priors as in the Monte Carlo (scale {s.scale:g}); the three jointly estimated trend "
        "parameters form one factor (`trend`); the forecast shocks three, one a process: the common gap "
        "(`forecast_shocks`), revenue's own (`revenue_shocks`) and the digital core's own (`digital_shocks`). "
        "`S1`: share of the output's variance the factor explains alone; `ST`: with its interactions. "
        "`*_conf`: half-width of a 95% bootstrap interval.",
        "",
    ]
    for r in sens.outputs.itertuples(index=False):
        part = sens.indices[sens.indices.output == r.output]
        top = part.head(10)[["factor", "S1", "S1_conf", "ST", "ST_conf"]]
        lines += [f"## {r.description}", "",
                  f"Across the samples: mean {r.mean:.2f}, sd {r.sd:.2f}. "
                  f"Sum of first-order indices {part.S1.sum():.2f}.", "",
                  md_table(top, digits=3, index=False), ""]
    lines += ["![tornado.png](tornado.png)", "", "All indices: `sobol.csv`.", ""]
    return "\n".join(lines)


def write_sensitivity(sens: Sensitivity, directory: str | Path, *, lang: str | None = None) -> Path:
    """Write ``sobol.csv``, ``tornado.png``, ``report.md``, ``sensitivity.json`` and
    ``sensitivity.xlsx`` (headers in ``lang``) into ``directory`` atomically
    (:func:`model.present.output.write_dir_atomic`)."""
    from model.present.shareable import write_sensitivity_workbook

    s = sens.settings

    def build(tmp: Path) -> None:
        to_csv(sens.indices.set_index("output"), tmp / "sobol.csv", index_label="output")
        save_tornado(sens, tmp / "tornado.png")
        (tmp / "report.md").write_text(sensitivity_report(sens), encoding="utf-8")
        write_sensitivity_workbook(sens, tmp / "sensitivity.xlsx", lang=lang)
        meta = {
            "fingerprint": sens.fingerprint(),
            "scenario": sens.scenario.name,
            "scenario_sha256": sens.scenario.digest,
            "samples": sens.samples,
            "rows": sens.rows,
            "missed": sens.missed,
            "seed": sens.seed,
            "scale": s.scale,
            "outputs": sens.outputs.to_dict(orient="records"),
        }
        (tmp / "sensitivity.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                                              encoding="utf-8")

    return write_dir_atomic(Path(directory), build)


def save_tornado(sens: Sensitivity, path: Path) -> None:
    """Save the tornado of every output side by side to ``path``."""
    outs = list(sens.outputs.output)
    fig, axes = figure(len(outs), height=4.6)
    for ax, out in zip(np.atleast_1d(axes), outs, strict=True):
        sens.plot(out, ax=ax)
    save_figure(fig, path)


def carry_over(results: Results, old: Path, new: Path) -> bool:
    """Copy ``old/sensitivity`` into ``new`` if it belongs to the same scenario and parameters.

    A run replaces its results folder as a whole; a sensitivity analysis written there earlier
    (``python -m model sensitivity``) survives only while it still describes the run.  Returns
    whether it was kept.
    """
    src = Path(old) / "sensitivity"
    meta = src / "sensitivity.json"
    if not meta.is_file():
        return False
    try:
        same = json.loads(meta.read_text(encoding="utf-8")).get("fingerprint") == fingerprint(results)
    except (OSError, ValueError):
        return False
    if same:
        shutil.copytree(src, Path(new) / "sensitivity")
    return same
