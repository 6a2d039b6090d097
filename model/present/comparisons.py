"""The files and figures of a comparison (``python -m model compare``).

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

__all__ = ["plot_comparison", "write_comparison", "write_comparisons"]


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


def write_comparisons(comparisons: Sequence[Comparison], directory: str | Path, *, lang: str | None = None) -> Path:
    """Write ``comparison.csv``, ``contributions.csv``, ``cost_effectiveness.csv``,
    ``headline.csv``, ``report.md``, figures, ``comparison.xlsx`` and ``briefing.html`` for
    ``comparisons`` into ``directory`` (labels in ``lang``: :mod:`model.present.labels`).

    The folder is built in a temporary sibling and swapped in when complete
    (:func:`model.present.output.write_dir_atomic`).
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
        (tmp / "report.md").write_text(briefing.report(comps, names), encoding="utf-8")
        write_comparison_extras(comps, tmp, names, lang=lang)

    return write_dir_atomic(Path(directory), build)
