"""The files for people who live in Excel and read briefings: the workbook and the HTML page
written beside the CSVs and ``report.md`` of a run (:func:`model.present.output.write_run`) and
of a comparison (:func:`model.analysis.comparison.write_comparisons`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from model.present.labels import DEFAULT_LANG, text

if TYPE_CHECKING:
    from model.analysis.results import Results
    from model.analysis.uncertainty import Draws

__all__ = ["RUN_BRIEFING", "RUN_WORKBOOK", "write_run_extras"]

RUN_WORKBOOK = "results.xlsx"
RUN_BRIEFING = "briefing.html"


def write_run_extras(results: Results, directory: Path, figure_names: Sequence[str] = (), *,
                     draws: Draws | None = None, fan_figures: Sequence[str] = (),
                     lang: str = DEFAULT_LANG) -> list[str]:
    """Write ``results.xlsx`` and ``briefing.html`` of a run into ``directory`` (a folder being
    built by :func:`model.present.output.write_dir_atomic`); return their names."""
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
    page = run_briefing(results, directory, figure_names, draws=draws, fan_figures=fan_figures, lang=lang)
    (Path(directory) / RUN_BRIEFING).write_text(page, encoding="utf-8")
    return [RUN_WORKBOOK, RUN_BRIEFING]
