"""The Excel workbook written beside the CSVs: one sheet a table, labelled headers with units,
number formats, frozen header rows, and sheets of the scenario's inputs and of the sources.

Written with ``openpyxl``.  Each table sheet has two header rows: the label of the column in the
chosen language (:mod:`model.present.labels`) and its unit; the code key of each column (the CSV's
column name) is the header's comment, so a formula can be traced back to the CSV.  亿元 are shown
to two decimals, growth rates and percentage points to two, a deflator to four.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from model.present.labels import (
    DEFAULT_LANG,
    header,
    label,
    lever_name,
    text,
    unit,
    unit_of,
    unit_text,
)

if TYPE_CHECKING:
    from model.analysis.results import Results

__all__ = ["NUMBER_FORMATS", "Sheet", "header_row", "inputs_sheet", "run_sheets", "sources_sheet", "write_workbook"]

NUMBER_FORMATS = {
    "亿元": "#,##0.00",
    "亿元, 2019 prices": "#,##0.00",
    "%": "0.00",
    "pp": "0.00",
    "% of trend": "0.00",
    "2019 = 1": "0.0000",
    "ratio": "0.00",
    "share": "0.0%",
}
"""Excel number format by unit key; anything else is shown to two decimals."""
_DEFAULT_FORMAT = "0.00"


@dataclass(frozen=True)
class Sheet:
    """One table of the workbook.

    Attributes
    ----------
    name : str
        Sheet title (at most 31 characters; already in the chosen language).
    frame : DataFrame
        Columns are code keys (``gdp_real_yoy_ytd``); a named index is written as the first column.
    unit_column : str, optional
        For a long table: the column that holds each row's unit key (then every number of the row
        takes that unit's format).
    key_columns : tuple of str
        Columns whose values are code keys (``variable``, ``lever``) to write as labels.
    """

    name: str
    frame: pd.DataFrame
    unit_column: str | None = None
    key_columns: tuple[str, ...] = field(default=("variable", "lever", "indicator"))


def _cell(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not np.isfinite(v):
        return None
    if isinstance(v, pd.Period):
        return str(v)
    return v


def _width(s: str) -> float:
    return sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in s)


def _write_table(ws: Any, sheet: Sheet, lang: str) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    frame = sheet.frame.reset_index() if sheet.frame.index.name else sheet.frame
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F2")
    wrap = Alignment(wrap_text=True, vertical="top")
    for j, col in enumerate(frame.columns, start=1):
        key = str(col)
        top = ws.cell(row=1, column=j, value=label(key, lang))
        top.comment = Comment(key, "hzmodel")
        ws.cell(row=2, column=j, value=unit(key, lang) or None)
        for c in (top, ws.cell(row=2, column=j)):
            c.font, c.fill, c.alignment = bold, fill, wrap
        width = max(_width(label(key, lang)) / 2.0, 10.0)
        ws.column_dimensions[top.column_letter].width = min(width + 2, 40)
    row_units = frame[sheet.unit_column].tolist() if sheet.unit_column in frame else None
    col_formats = [NUMBER_FORMATS.get(unit_of(str(c)), _DEFAULT_FORMAT) for c in frame.columns]
    for i, row in enumerate(frame.itertuples(index=False), start=3):
        fmt_row = NUMBER_FORMATS.get(row_units[i - 3], _DEFAULT_FORMAT) if row_units else None
        for j, (col, v) in enumerate(zip(frame.columns, row, strict=True), start=1):
            if col in sheet.key_columns and isinstance(v, str):
                v = lever_name(v, lang) if col == "lever" else label(v, lang)
            elif col == sheet.unit_column and isinstance(v, str):
                v = unit_text(v, lang)
            c = ws.cell(row=i, column=j, value=_cell(v))
            if isinstance(c.value, float):
                c.number_format = fmt_row or col_formats[j - 1]
    ws.freeze_panes = "B3"


def inputs_sheet(results: Results, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The scenario's inputs as rows ``item, value, source``: its identity, parameter overrides,
    shocks, and each lever's amount by quarter from 2020Q1."""
    from model.core.version import __version__

    sc = results.scenario
    rows: list[dict[str, Any]] = [
        {"item": text("scenario", lang), "value": sc.name, "source": sc.path or ""},
        {"item": "description", "value": sc.description, "source": ""},
        {"item": "horizon", "value": sc.horizon, "source": ""},
        {"item": "file_sha256", "value": sc.file_digest(), "source": ""},
        {"item": text("model_version", lang), "value": __version__, "source": ""},
    ]
    reg = results.params.registry
    for name, value in sc.parameters.items():
        rows.append({"item": f"[parameters] {name}", "value": value, "source": f"{sc.path}; registry: {reg[name].source}"})
    for name, shock in sc.shocks.items():
        rows.append({"item": f"[shocks.{name}]", "value": str(shock.model_dump()), "source": sc.path or ""})
    q = results.quarterly.loc["2020Q1":]
    for lever in sc.lever_configs():
        col = f"{lever}_injection"
        if col not in q:
            continue
        for p, v in q[col].items():
            if v:
                src = "data/levers_h1.csv" if str(p) < "2020Q3" else (sc.path or "")
                rows.append({"item": f"{lever_name(lever, lang)} {p}", "value": float(v), "source": src})
    return pd.DataFrame(rows)


def sources_sheet(results: Results) -> pd.DataFrame:
    """Every observed figure and calibrated parameter the run rests on, with its source."""
    from model.inputs.data import DATA_DIR

    obs = pd.read_csv(Path(DATA_DIR) / "observations.csv", dtype=str).assign(table="data/observations.csv")
    lev = pd.read_csv(Path(DATA_DIR) / "levers_h1.csv", dtype=str).assign(table="data/levers_h1.csv")
    par = results.params.to_frame().reset_index()
    par = par.rename(columns={par.columns[0]: "parameter"})[["parameter", "value", "unit", "source"]]
    par = par.assign(table="parameter registry (calibrated)")
    return pd.concat([obs, lev, par.astype({"value": str})], ignore_index=True)


def _write_plain(ws: Any, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Font

    ws.append([str(c) for c in frame.columns])
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        ws.append([_cell(v) for v in row])
    for j, col in enumerate(frame.columns, start=1):
        longest = max([_width(str(col)), *(_width(str(v)) for v in frame[col].head(200))])
        ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = min(longest + 2, 60)
    ws.freeze_panes = "A2"


def sheet_title(name: str) -> str:
    """``name`` as Excel allows a sheet title: at most 31 characters, none of ``\\ / ? * [ ] :``."""
    return re.sub(r"[\\/?*\[\]:]", "-", name)[:31]


def write_workbook(path: Path, sheets: Sequence[Sheet], *, extra: Sequence[tuple[str, pd.DataFrame]] = (),
                   lang: str = DEFAULT_LANG) -> Path:
    """Write ``sheets`` (labelled tables) and ``extra`` (plain tables: inputs, sources) to ``path``.

    Call it inside a :func:`model.present.output.write_dir_atomic` build, which makes it atomic.
    """
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        _write_table(wb.create_sheet(sheet_title(sheet.name)), sheet, lang)
    for name, frame in extra:
        _write_plain(wb.create_sheet(sheet_title(name)), frame)
    wb.save(path)
    return Path(path)


def run_sheets(results: Results, lang: str = DEFAULT_LANG) -> list[Sheet]:
    """The table sheets of a run's workbook: quarterly and annual results."""
    return [Sheet(text("quarterly", lang), results.quarterly.rename_axis("period")),
            Sheet(text("annual", lang), results.annual.rename_axis("year"))]


def header_row(columns: Sequence[str], lang: str = DEFAULT_LANG) -> list[str]:
    """Labels with units of ``columns`` (as on the workbook's first two rows, in one)."""
    return [header(c, lang) for c in columns]
