"""The files and figures of a comparison (``python -m model compare``).

:func:`write_compare_folder` is what ``compare`` writes: one folder a scenario
(``<folder>/<scenario>/``, each written by :func:`write_comparisons`) and the combined tables
rebuilt from the parts present, so comparing one scenario leaves the others' files as they were.
:func:`write_comparisons` writes ``comparison.csv``, ``contributions.csv``,
``cost_effectiveness.csv``, ``headline.csv``, ``report.md``, the figures, ``comparison.xlsx`` and
``briefing.html``; :func:`plot_comparison`
draws one figure of a :class:`~model.analysis.comparison.Comparison`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from model.present import briefing
from model.present.output import check_results_finite, write_dir_atomic

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from model.analysis.comparison import Comparison

__all__ = ["COMBINED_FILES", "PART_TABLES", "combine_parts", "plot_comparison", "write_compare_folder",
           "write_comparison", "write_comparisons"]

PART_TABLES = ("comparison.csv", "contributions.csv", "cost_effectiveness.csv", "headline.csv")
"""The tables of each scenario's part that the folder's combined tables stack."""

COMBINED_FILES = (*PART_TABLES, "report.md")
"""What :func:`combine_parts` writes at the top of a compare folder."""

_OLD_LAYOUT = ("overlay_growth.png", "comparison.xlsx", "briefing.html", "waterfall_*.png", "contributions_*.png",
               "fan_difference_*.png")
"""Top-level files a compare folder had before it held one folder a scenario; removed when the
combined files are rebuilt (each part now has its own)."""


def plot_comparison(c: Comparison, kind: str = "waterfall", *, ax: Axes | None = None, **kwargs: Any) -> Any:
    """``waterfall`` (baseline to scenario by player, 2020 and 2021; returns the figure),
    ``paths`` (real growth year to date of both runs; returns the axes) or ``fan`` (the
    difference in real growth year to date with its 50% and 90% ranges; needs ranges;
    ``variable=`` another quarterly variable; returns the axes)."""
    if kind == "waterfall":
        return briefing.waterfall(c, **kwargs)
    if kind == "paths":
        return briefing.overlay([c], "gdp_real_yoy_ytd", ax=ax, **kwargs)
    if kind == "fan":
        return briefing.difference_fan(c, ax=ax, **kwargs)
    raise ValueError("kind must be 'waterfall', 'paths' or 'fan'")


def write_comparison(c: Comparison, directory: str | Path, *, lang: str | None = None) -> Path:
    """Write one comparison's files into ``directory`` atomically (see :func:`write_comparisons`)."""
    return write_comparisons([c], directory, lang=lang)


def write_comparisons(comparisons: Sequence[Comparison], directory: str | Path, *, lang: str | None = None,
                      calibration_miss_accepted: bool = False) -> Path:
    """Write ``comparison.csv``, ``contributions.csv``, ``cost_effectiveness.csv``,
    ``headline.csv``, ``report.md``, figures, ``comparison.xlsx`` and ``briefing.html`` for
    ``comparisons`` into ``directory`` (labels in ``lang``: :mod:`model.present.labels`).

    The folder is built in a temporary sibling and swapped in when complete
    (:func:`model.present.output.write_dir_atomic`).  With ``calibration_miss_accepted``,
    ``report.md`` says which runs miss their H1 2020 targets (``--accept-calibration-miss``).
    """
    from model.present.comparison_tables import comparison_table
    from model.present.labels import check_lang
    from model.present.shareable import write_comparison_extras

    lang = check_lang(lang, key="lang")
    comps = list(comparisons)
    if not comps:
        raise ValueError("nothing to write: no comparisons")
    if len({c.baseline.name for c in comps}) > 1:
        raise ValueError("comparisons written together must share one baseline")
    for c in comps:  # a NaN or infinity in a run is an error, never a file
        for r in (c.scenario, c.baseline):
            check_results_finite(r, label=f"run {r.name}: ")

    def stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
        full = [f for f in frames if not f.empty]
        return pd.concat(full, ignore_index=True) if full else frames[0]

    def build(tmp: Path) -> None:
        kw = {"index": False, "float_format": "%.6f", "encoding": "utf-8-sig"}  # a BOM for Excel
        comparison_table(comps).to_csv(tmp / "comparison.csv", **kw)
        stacked([c.contributions() for c in comps]).to_csv(tmp / "contributions.csv", **kw)
        stacked([c.cost_effectiveness() for c in comps]).to_csv(tmp / "cost_effectiveness.csv", **kw)
        briefing.headline_table(comps).to_csv(tmp / "headline.csv", **kw)
        names = briefing.figures(comps, tmp, lang=lang)
        (tmp / "report.md").write_text(briefing.report(comps, names, calibration_miss_accepted=calibration_miss_accepted), encoding="utf-8")
        write_comparison_extras(comps, tmp, names, lang=lang)

    return write_dir_atomic(Path(directory), build)


def _parts(folder: Path) -> list[Path]:
    """The scenario parts of a compare folder: its visible sub-folders with a ``comparison.csv``,
    by name."""
    return sorted(p for p in folder.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and (p / "comparison.csv").is_file())


def _part_baseline(part: Path) -> str:
    """The baseline a part was compared against: the fourth column of its ``headline.csv``."""
    with open(part / "headline.csv", encoding="utf-8-sig") as fh:
        head = fh.readline().rstrip("\r\n").split(",")
    return head[3] if len(head) > 3 else ""


def _read_text_table(path: Path) -> pd.DataFrame:
    # every cell as the text written, so that stacking the parts keeps their bytes
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    widest = max(frames, key=lambda f: len(f.columns))
    cols = list(dict.fromkeys([*widest.columns, *(c for f in frames for c in f.columns)]))
    return pd.concat(frames, ignore_index=True).reindex(columns=cols).fillna("")


def _join_headlines(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts' ``headline.csv`` side by side: the baseline once, then each scenario's columns."""
    key = ["indicator", "year"]
    first = list(frames[0].columns[:4])
    rows = pd.concat([f[first] for f in frames], ignore_index=True).drop_duplicates(key)
    order = {label: i for i, label in enumerate(dict.fromkeys(rows.indicator))}
    rows = rows.assign(_i=rows.indicator.map(order), _y=pd.to_numeric(rows.year, errors="coerce"))
    out = rows.sort_values(["_i", "_y"], kind="stable").drop(columns=["_i", "_y"]).reset_index(drop=True)
    index = pd.MultiIndex.from_frame(out[key])
    for f in frames:
        part = f.set_index(key)
        for col in f.columns[4:]:
            out[col] = part[col].reindex(index).fillna("").to_numpy()
    return out


def _index_report(folder: Path, parts: list[Path], headline: pd.DataFrame, baseline: str) -> str:
    from model.core.version import __version__
    from model.present.tables import md_table

    lines = [
        f"# Scenarios against `{baseline}`",
        "",
        f"Model version {__version__}. Each scenario's comparison is in its own folder (written by "
        "`python -m model compare`, one scenario at a time or all together): its tables, `report.md` "
        "(the briefing note), `briefing.html`, `comparison.xlsx` and figures. The tables here "
        "(`comparison.csv`, `contributions.csv`, `cost_effectiveness.csv`, `headline.csv`) stack "
        "those of the folders present. Differences are scenario minus baseline: pp for growth rates, "
        "亿元 for levels.",
        "",
        "| scenario | briefing note | briefing | workbook |",
        "|---|---|---|---|",
    ]
    for p in parts:
        lines.append(f"| `{p.name}` | [{p.name}/report.md]({p.name}/report.md) | "
                     f"[{p.name}/briefing.html]({p.name}/briefing.html) | "
                     f"[{p.name}/comparison.xlsx]({p.name}/comparison.xlsx) |")
    shown = headline.copy()
    for col in shown.columns[3:]:
        shown[col] = pd.to_numeric(shown[col], errors="coerce")
    lines += ["", "## Headline", "", md_table(shown, index=False), ""]
    return "\n".join(lines)


def combine_parts(folder: str | Path, *, key: str = "--out") -> list[str]:
    """Rebuild the combined tables and ``report.md`` of compare folder ``folder`` from its
    scenario parts (:data:`COMBINED_FILES`), each file written atomically; remove the top-level
    files of the old one-folder layout.  Call it holding the folder's lock
    (:func:`model.present.output.folder_lock`).  Returns the scenarios combined."""
    from model.present.output import write_text_atomic

    folder = Path(folder)
    parts = _parts(folder)
    if not parts:
        return []
    for name in PART_TABLES:
        frames = [_read_text_table(p / name) for p in parts if (p / name).is_file()]
        table = _join_headlines(frames) if name == "headline.csv" else _stack(frames)
        text = table.to_csv(index=False)
        write_text_atomic(folder / name, "\ufeff" + text, key=key)  # utf-8-sig: a BOM for Excel
    headline = _read_text_table(folder / "headline.csv")
    write_text_atomic(folder / "report.md", _index_report(folder, parts, headline, _part_baseline(parts[0])),
                      key=key)
    for pattern in _OLD_LAYOUT:
        for old in folder.glob(pattern):
            if old.is_file():
                old.unlink(missing_ok=True)
    return [p.name for p in parts]


def write_compare_folder(comparisons: Sequence[Comparison], directory: str | Path, *,
                         lang: str | None = None, calibration_miss_accepted: bool = False) -> Path:
    """Write each comparison into ``directory/<scenario>/`` (:func:`write_comparisons`, atomically),
    then rebuild the folder's combined tables from every part present (:func:`combine_parts`), all
    under the folder's lock.  The parts of other scenarios are left as they are.

    Raises
    ------
    UserError
        If ``directory`` is a file or cannot be written, or holds parts compared against another
        baseline (their combined rows would mix two baselines).
    """
    from model.core.errors import UserError
    from model.inputs.files import make_parent
    from model.present.labels import check_lang
    from model.present.output import _follow, _recover, _why, folder_lock

    lang = check_lang(lang, key="lang")
    comps = list(comparisons)
    if not comps:
        raise ValueError("nothing to write: no comparisons")
    if len({c.baseline.name for c in comps}) > 1:
        raise ValueError("comparisons written together must share one baseline")
    for c in comps:  # every run checked before any part is written
        for r in (c.scenario, c.baseline):
            check_results_finite(r, label=f"run {r.name}: ")
    given = Path(directory)
    target = _follow(given, key="--out")
    try:
        if target.exists() and not target.is_dir():
            raise UserError(f"{given} is a file; expected a folder to write results into", key="--out")
    except OSError as exc:
        raise UserError(f"cannot write {given}: {_why(exc)}", key="--out") from None
    make_parent(target, key="--out")
    with folder_lock(target):
        try:
            _recover(target)  # a compare folder left aside by a killed swap of the old layout
            made = not target.exists()
            target.mkdir(exist_ok=True)
            others = [p for p in _parts(target) if p.name not in {c.name for c in comps}]
        except OSError as exc:
            raise UserError(f"cannot write {given}: {_why(exc)}", key="--out") from None
        base = comps[0].baseline.name
        foreign = [p.name for p in others if _part_baseline(p) != base]
        if foreign:
            raise UserError(
                f"{given} holds comparisons against another baseline ({', '.join(foreign)} against "
                f"{_part_baseline(target / foreign[0])!r}), not {base!r}; write into another --out folder "
                "or remove those first", key="--out")
        try:
            for c in comps:
                write_comparisons([c], target / c.name, lang=lang,
                                  calibration_miss_accepted=calibration_miss_accepted)
        except BaseException:
            if made and not any(target.iterdir()):
                target.rmdir()  # a failed first write leaves no empty folder
            raise
        combine_parts(target)
    return given
