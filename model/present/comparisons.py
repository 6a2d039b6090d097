"""The files and figures of a comparison (``python -m model compare``).

:func:`write_comparisons` writes ``comparison.csv``, ``contributions.csv``,
``cost_effectiveness.csv``, ``headline.csv``, ``report.md`` and the figures; :func:`plot_comparison`
draws one figure of a :class:`~model.analysis.comparison.Comparison`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from model.present import briefing
from model.present.output import write_dir_atomic

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


def write_comparison(c: Comparison, directory: str | Path) -> Path:
    """Write one comparison's files into ``directory`` atomically (see :func:`write_comparisons`)."""
    return write_comparisons([c], directory)


def write_comparisons(comparisons: Sequence[Comparison], directory: str | Path) -> Path:
    """Write ``comparison.csv``, ``contributions.csv``, ``cost_effectiveness.csv``,
    ``headline.csv``, ``report.md`` and figures for ``comparisons`` into ``directory``.

    The folder is built in a temporary sibling and swapped in when complete
    (:func:`model.present.output.write_dir_atomic`).
    """
    comps = list(comparisons)
    if not comps:
        raise ValueError("nothing to write: no comparisons")
    if len({c.baseline.name for c in comps}) > 1:
        raise ValueError("comparisons written together must share one baseline")

    def stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
        full = [f for f in frames if not f.empty]
        return pd.concat(full, ignore_index=True) if full else frames[0]

    def build(tmp: Path) -> None:
        kw = {"index": False, "float_format": "%.6f"}
        stacked([c.frame() for c in comps]).to_csv(tmp / "comparison.csv", **kw)
        stacked([c.contributions() for c in comps]).to_csv(tmp / "contributions.csv", **kw)
        stacked([c.cost_effectiveness() for c in comps]).to_csv(tmp / "cost_effectiveness.csv", **kw)
        briefing.headline_table(comps).to_csv(tmp / "headline.csv", **kw)
        names = briefing.figures(comps, tmp)
        (tmp / "report.md").write_text(briefing.report(comps, names), encoding="utf-8")

    return write_dir_atomic(Path(directory), build)
