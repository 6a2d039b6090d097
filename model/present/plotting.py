"""Figures.  Helpers take frames and column names; they never hard-code a variable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from model.core.calendar import CALENDAR

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["DPI", "figure", "plot_bars", "plot_paths", "save_figure"]

DPI = 110
"""Resolution of every saved figure."""


def _pyplot() -> ModuleType:
    import matplotlib

    if matplotlib.get_backend().lower() not in ("module://matplotlib_inline.backend_inline",):
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def figure(ncols: int = 1, *, width: float = 7.0, height: float = 3.6) -> tuple[Figure, Any]:
    """A new figure with ``ncols`` axes side by side."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), squeeze=False)
    return fig, axes[0] if ncols > 1 else axes[0][0]


def save_figure(fig: Figure, path: Path, *, tight: bool = True) -> None:
    """The one way a figure is saved: laid out tightly (unless ``tight=False``), written to ``path``
    as a PNG at :data:`DPI`, then closed."""
    if tight:
        fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    _pyplot().close(fig)


def _x(index: pd.PeriodIndex) -> list[str]:
    return [str(p) for p in index]


def plot_paths(
    frames: Mapping[str, pd.DataFrame],
    columns: Sequence[str],
    *,
    observed: pd.DataFrame | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    ylabel: str | None = None,
    band: Mapping[str, tuple[pd.Series, pd.Series]] | None = None,
) -> Axes:
    """Lines of ``columns`` for every frame (one style a frame), on a quarterly axis.

    ``observed`` (``variable, period, observed``) adds the published points of those columns as
    black markers; ``band`` maps a label to a (low, high) pair of series to shade.
    """
    if ax is None:
        _, ax = figure()
    styles = ["-", "--", ":", "-."]
    first = next(iter(frames.values()))
    xs = _x(first.index)
    pos = {p: i for i, p in enumerate(xs)}
    for label, (lo, hi) in (band or {}).items():
        ax.fill_between([pos[str(p)] for p in lo.index], lo.to_numpy(), hi.to_numpy(), alpha=0.2,
                        label=label, color="tab:blue", linewidth=0)
    for k, (name, frame) in enumerate(frames.items()):
        for j, col in enumerate(columns):
            label = col if len(frames) == 1 else f"{name}: {col}"
            ax.plot([pos[str(p)] for p in frame.index], frame[col].to_numpy(), styles[k % 4],
                    color=f"C{j}", label=label, marker="." if len(frame) < 30 else None)
    if observed is not None:
        pts = observed[observed.variable.isin(columns)]
        for _, r in pts.iterrows():
            if str(r.period) in pos:
                ax.plot(pos[str(r.period)], r.observed, "ko", markersize=6)
        if not pts.empty:
            ax.plot([], [], "ko", label="observed (H1 2020)")
    ax.axvline(pos.get(str(CALENDAR.last_observed), 0) + 0.5, color="grey", linestyle=":", linewidth=0.8)  # end of data
    return _finish(ax, xs, title, ylabel)


def plot_bars(frame: pd.DataFrame, columns: Sequence[str], *, ax: Axes | None = None,
              title: str | None = None, ylabel: str | None = None) -> Axes:
    """Stacked bars of ``columns`` (e.g. contributions) over the frame's index."""
    if ax is None:
        _, ax = figure()
    xs = [str(p) for p in frame.index]
    vals = frame[list(columns)].fillna(0.0).to_numpy()  # (rows, columns)
    up = np.cumsum(np.clip(vals, 0.0, None), axis=1) - np.clip(vals, 0.0, None)
    down = np.cumsum(np.clip(vals, None, 0.0), axis=1) - np.clip(vals, None, 0.0)
    bottoms = np.where(vals >= 0.0, up, down)
    for j, col in enumerate(columns):
        ax.bar(range(len(xs)), vals[:, j], bottom=bottoms[:, j], color=f"C{j}", label=col)
    return _finish(ax, xs, title, ylabel)


def _finish(ax: Axes, xs: Sequence[str], title: str | None, ylabel: str | None) -> Axes:
    """Period labels on the x axis, a zero line, title, y label and legend."""
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels(xs, rotation=60, fontsize=7)
    ax.axhline(0.0, color="grey", linewidth=0.5)
    if title:
        ax.set_title(title, fontsize=10)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.legend(fontsize=7)
    return ax
