"""The files for people who live in Excel and read briefings: the workbook and the HTML page
written beside the CSVs and ``report.md`` of a run (:func:`model.present.output.write_run`) and
of a comparison (:func:`model.analysis.comparison.write_comparisons`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from model.present.labels import DEFAULT_LANG, text

if TYPE_CHECKING:
    from model.analysis.comparison import Comparison
    from model.analysis.results import Results
    from model.analysis.sensitivity import Sensitivity
    from model.analysis.uncertainty import Draws

__all__ = ["COMPARISON_WORKBOOK", "RUN_BRIEFING", "RUN_WORKBOOK", "write_comparison_extras", "write_run_extras",
           "write_sensitivity_workbook"]

RUN_WORKBOOK = "results.xlsx"
RUN_BRIEFING = "briefing.html"


def write_run_extras(results: Results, directory: Path,
                     figure_names: Sequence[str] | Callable[[], Sequence[str]] = (), *,
                     draws: Draws | None = None, fan_figures: Sequence[str] = (),
                     lang: str = DEFAULT_LANG) -> list[str]:
    """Write ``results.xlsx`` and ``briefing.html`` of a run into ``directory`` (a folder being
    built by :func:`model.present.output.write_dir_atomic`); return their names.

    ``figure_names`` are the PNGs in ``directory`` that the briefing embeds, or a function that
    returns them once they are written (called after the workbook: the figures may be drawn
    meanwhile in another process, :mod:`model.present.background`)."""
    from model.present.html import run_briefing
    from model.present.workbook import (
        Sheet,
        inputs_sheet,
        run_sheets,
        sources_sheet,
        write_workbook,
    )

    sheets = run_sheets(results, lang)
    if draws is not None:
        sheets.append(Sheet(text("fan", lang), draws.fan(), key_columns=("variable",)))
    write_workbook(Path(directory) / RUN_WORKBOOK, sheets, lang=lang,
                   extra=[(text("inputs", lang), inputs_sheet(results, lang)),
                          (text("sources", lang), sources_sheet(results))])
    if callable(figure_names):
        figure_names = figure_names()
    page = run_briefing(results, directory, figure_names, draws=draws, fan_figures=fan_figures, lang=lang)
    (Path(directory) / RUN_BRIEFING).write_text(page, encoding="utf-8")
    return [RUN_WORKBOOK, RUN_BRIEFING]


COMPARISON_WORKBOOK = "comparison.xlsx"


def write_comparison_extras(comparisons: Sequence[Comparison], directory: Path, figure_names: Sequence[str] = (),
                            *, lang: str = DEFAULT_LANG) -> list[str]:
    """Write ``comparison.xlsx`` and ``briefing.html`` of a comparison into ``directory``."""
    import pandas as pd

    from model.present.briefing import headline_table
    from model.present.comparison_tables import comparison_table
    from model.present.html import comparison_briefing
    from model.present.workbook import Sheet, inputs_sheet, sources_sheet, write_workbook

    def stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
        full = [f for f in frames if not f.empty]
        return pd.concat(full, ignore_index=True) if full else frames[0]

    base = comparisons[0].baseline
    sheets = [
        Sheet(text("headline", lang), headline_table(comparisons), unit_column="unit"),
        Sheet(text("comparison", lang), comparison_table(comparisons), unit_column="unit"),
        Sheet(text("contributions", lang), stacked([c.contributions() for c in comparisons])),
        Sheet(text("cost_effectiveness", lang), stacked([c.cost_effectiveness() for c in comparisons])),
    ]
    inputs = pd.concat([inputs_sheet(r, lang) for r in (base, *(c.scenario for c in comparisons))],
                       ignore_index=True)
    write_workbook(Path(directory) / COMPARISON_WORKBOOK, sheets, lang=lang,
                   extra=[(text("inputs", lang), inputs), (text("sources", lang), sources_sheet(base))])
    page = comparison_briefing(comparisons, directory, figure_names, lang=lang)
    (Path(directory) / RUN_BRIEFING).write_text(page, encoding="utf-8")
    return [COMPARISON_WORKBOOK, RUN_BRIEFING]


def write_sensitivity_workbook(sens: Sensitivity, path: Path, *, lang: str | None = None) -> Path:
    """``sensitivity.xlsx``: the Sobol indices (as ``sobol.csv``) with labelled headers, and the
    settings of the analysis."""
    import pandas as pd

    from model.present.labels import check_lang
    from model.present.workbook import Sheet, write_workbook

    lang = check_lang(lang, key="lang")
    s = sens.settings
    settings = pd.DataFrame({"item": ["scenario", "samples", "rows", "seed", "scale"],
                             "value": [sens.scenario.name, sens.samples, sens.rows, sens.seed, s.scale]})
    return write_workbook(path, [Sheet(text("sobol", lang), sens.indices, key_columns=("output",))],
                          extra=[(text("inputs", lang), settings)], lang=lang)
