"""Figures.  Helpers take frames and column names; they never hard-code a variable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from model.core.calendar import CALENDAR
from model.present.labels import DEFAULT_LANG, header, text, unit
from model.present.labels import label as label_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["BANDS", "DPI", "end_of_data", "fan_chart", "figure", "file_figure", "mark_2019", "outturns_2019", "plot_bars",
           "plot_paths",
           "save_figure"]

DPI = 110
"""Resolution of every saved figure."""


def _pyplot() -> ModuleType:
    import matplotlib

    from model.present.fonts import use_cjk_font

    if matplotlib.get_backend().lower() not in ("module://matplotlib_inline.backend_inline",):
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    use_cjk_font()  # Chinese labels render on a fresh machine (model.present.fonts)
    return plt


def figure(ncols: int = 1, *, width: float = 7.0, height: float = 3.6) -> tuple[Figure, Any]:
    """A new figure with ``ncols`` axes side by side."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), squeeze=False)
    return fig, axes[0] if ncols > 1 else axes[0][0]


def file_figure(ncols: int = 1, *, width: float = 7.0, height: float = 3.6) -> tuple[Figure, Any]:
    """A figure for a file, as :func:`figure` but fast: a bare :class:`matplotlib.figure.Figure`
    (no pyplot, no figure manager; PNGs render with Agg) with fixed margins, so that
    :func:`save_figure` draws it once, without the extra layout pass of ``tight_layout``."""
    from matplotlib.figure import Figure

    from model.present.fonts import use_cjk_font

    use_cjk_font()  # Chinese labels render on a fresh machine (model.present.fonts)
    fig = Figure(figsize=(width * ncols, height))
    fig.subplots_adjust(left=0.08 / ncols, right=1.0 - 0.02 / ncols, bottom=0.2, top=0.91, wspace=0.18)
    axes = fig.subplots(1, ncols, squeeze=False)
    return fig, axes[0] if ncols > 1 else axes[0][0]


def warm() -> None:
    """Import what drawing a file figure needs and load the fonts, by drawing a small figure with
    Chinese text into memory (:class:`model.present.background.Worker` calls it ahead of time)."""
    import io

    fig, ax = file_figure()
    ax.set_title("杭州 GDP 2020")
    ax.plot([0, 1], [0, 1])
    fig.savefig(io.BytesIO(), dpi=DPI)


def save_figure(fig: Figure, path: Path, *, tight: bool | None = None) -> None:
    """The one way a figure is saved: laid out tightly (by default only a pyplot figure; a
    :func:`file_figure` has fixed margins), written to ``path`` as a PNG at :data:`DPI`, then
    closed (a pyplot figure; a file figure is just dropped)."""
    managed = fig.canvas.manager is not None
    if managed if tight is None else tight:
        fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    if managed:
        _pyplot().close(fig)


def _x(index: pd.PeriodIndex) -> list[str]:
    return [str(p) for p in index]


def _last_observed(observed: pd.DataFrame | None) -> str:
    """The end of data: the latest observed period (the round the run is as of), else the default round."""
    if observed is None or observed.empty:
        return str(CALENDAR.last_observed)
    return str(max(pd.PeriodIndex(observed.period, freq="Q")))


def plot_paths(
    frames: Mapping[str, pd.DataFrame],
    columns: Sequence[str],
    *,
    observed: pd.DataFrame | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    ylabel: str | None = None,
    band: Mapping[str, tuple[pd.Series, pd.Series]] | None = None,
    lang: str = DEFAULT_LANG,
) -> Axes:
    """Lines of ``columns`` for every frame (one style a frame), on a quarterly axis.

    ``observed`` (``variable, period, observed``) adds the published points of those columns as
    black markers; ``band`` maps a label to a (low, high) pair of series to shade.  Legends and
    the unit on the y axis (unless ``ylabel`` is given) are in ``lang`` (:mod:`model.present.labels`).
    """
    if ax is None:
        _, ax = figure()
    else:
        _pyplot()
    styles = ["-", "--", ":", "-."]
    first = next(iter(frames.values()))
    xs = _x(first.index)
    pos = {p: i for i, p in enumerate(xs)}
    for label, (lo, hi) in (band or {}).items():
        ax.fill_between([pos[str(p)] for p in lo.index], lo.to_numpy(), hi.to_numpy(), alpha=0.2,
                        label=label, color="tab:blue", linewidth=0)
    for k, (name, frame) in enumerate(frames.items()):
        for j, col in enumerate(columns):
            label = label_of(col, lang) if len(frames) == 1 else f"{name}: {label_of(col, lang)}"
            ax.plot([pos[str(p)] for p in frame.index], frame[col].to_numpy(), styles[k % 4],
                    color=f"C{j}", label=label, marker="." if len(frame) < 30 else None)
    if observed is not None:
        pts = observed[observed.variable.isin(columns)]
        for _, r in pts.iterrows():
            if str(r.period) in pos:
                ax.plot(pos[str(r.period)], r.observed, "ko", markersize=6)
        if not pts.empty:
            ax.plot([], [], "ko", label=text("observed", lang))
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels(xs, rotation=60, fontsize=7)
    ax.axhline(0.0, color="grey", linewidth=0.5)
    mark_2019(ax, xs, first, columns, lang=lang)
    end_of_data(ax, pos.get(_last_observed(observed), 0) + 0.5, lang=lang)
    if title:
        ax.set_title(title, fontsize=10)
    ax.set_ylabel(ylabel or unit(columns[0], lang))
    ax.legend(fontsize=7)
    return ax



YTD_OF_YEAR = {"gdp_ytd": "gdp", "gdp_real_yoy_ytd": "gdp_real_yoy", "revenue_ytd": "revenue",
               "revenue_yoy_ytd": "revenue_yoy", "digital_core_real_yoy_ytd": "digital_core_real_yoy"}
"""Year-to-date variables whose fourth-quarter value is a published calendar-year figure."""


def outturns_2019(frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, float]:
    """The published 2019 figures that the 2019Q4 year-to-date value of each of ``columns`` equals.

    The model's 2019 is built from the published 2019 totals and growth rates (GDP 15,373 亿元,
    +6.8%; revenue 1,965.97 亿元, +7.7%; digital core +15.1%: ``data/observations.csv``) and
    reproduces them exactly (``tests/test_reference.py``), so the value is read off ``frame`` at
    2019Q4 rather than from a file: a plotting leaf reads no data.
    """
    if "2019Q4" not in {str(p) for p in frame.index}:
        return {}
    row = frame.loc[pd.Period("2019Q4", freq="Q")] if isinstance(frame.index, pd.PeriodIndex) else frame.loc["2019Q4"]
    return {c: float(row[c]) for c in columns if c in YTD_OF_YEAR and c in frame}


def mark_2019(ax: Axes, xs: Sequence[str], frame: pd.DataFrame, columns: Sequence[str], *,
              lang: str = DEFAULT_LANG) -> None:
    """Shade the 2019 quarters as estimates (2019 quarterly figures are not published: the model
    constructs them) and mark the published 2019 outturns at 2019Q4 as data (hollow diamonds)."""
    q2019 = [i for i, p in enumerate(xs) if p.startswith("2019Q")]
    if not q2019:
        return
    ax.axvspan(q2019[0] - 0.5, q2019[-1] + 0.5, color="0.93", zorder=0, label=text("estimate", lang))
    if "2019Q4" in xs:
        points = outturns_2019(frame, columns)
        for value in points.values():
            ax.plot(xs.index("2019Q4"), value, "D", markerfacecolor="white", markeredgecolor="black",
                    markersize=6, zorder=5)
        if points:
            ax.plot([], [], "D", markerfacecolor="white", markeredgecolor="black", label=text("observed_2019", lang))


def end_of_data(ax: Axes, x: float, *, lang: str = DEFAULT_LANG) -> None:
    """A dotted vertical line at ``x`` labelled "end of data" at the top of ``ax``."""
    ax.axvline(x, color="grey", linestyle=":", linewidth=0.8)
    ax.annotate(text("end_of_data", lang), (x, 1.0), xycoords=("data", "axes fraction"), xytext=(2, -2),
                textcoords="offset points", ha="left", va="top", fontsize=7, color="grey")


def plot_bars(frame: pd.DataFrame, columns: Sequence[str], *, ax: Axes | None = None,
              title: str | None = None, ylabel: str | None = None,
              names: Mapping[str, str] | None = None) -> Axes:
    """Stacked bars of ``columns`` (e.g. contributions) over the frame's index; ``names`` maps a
    column to its legend entry."""
    if ax is None:
        _, ax = figure()
    else:
        _pyplot()
    xs = [str(p) for p in frame.index]
    vals = frame[list(columns)].fillna(0.0).to_numpy()  # (rows, columns)
    up = np.cumsum(np.clip(vals, 0.0, None), axis=1) - np.clip(vals, 0.0, None)
    down = np.cumsum(np.clip(vals, None, 0.0), axis=1) - np.clip(vals, None, 0.0)
    bottoms = np.where(vals >= 0.0, up, down)
    for j, col in enumerate(columns):
        ax.bar(range(len(xs)), vals[:, j], bottom=bottoms[:, j], color=f"C{j}", label=(names or {}).get(col, col))
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels(xs, rotation=60, fontsize=7)
    ax.axhline(0.0, color="grey", linewidth=0.5)
    if title:
        ax.set_title(title, fontsize=10)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.legend(fontsize=7)
    return ax


BANDS = (90, 60, 30)
"""Central-bank style graded bands: the central 90%, 60% and 30% of the draws, darker inwards."""


def fan_chart(draws: Any, variable: str = "gdp_real_yoy_ytd", *, ax: Axes | None = None,
              title: str | None = None, lang: str = DEFAULT_LANG) -> Axes:
    """A fan chart in the central-bank style: graded bands of the central 30, 60 and 90% of the
    draws, the median of the draws (dashed) distinct from the deterministic path (solid black), and
    the observed H1 2020 points as black dots, on a quarterly axis with its unit and the end of
    data marked."""
    if ax is None:
        _, ax = figure()
    qs = sorted({50, *(50 - b // 2 for b in BANDS), *(50 + b // 2 for b in BANDS)})
    f = draws.fan(quarterly=(variable,), annual=(), percentiles=qs)
    point = draws.results.quarterly[variable]
    xs = [str(p) for p in point.index]
    pos = {p: i for i, p in enumerate(xs)}
    x = [pos[str(p)] for p in f.period]
    for k, b in enumerate(BANDS):
        lo, hi = f[f"p{50 - b // 2:02d}"], f[f"p{50 + b // 2:02d}"]
        ax.fill_between(x, lo.to_numpy(), hi.to_numpy(), color="#1f4e9c", alpha=0.18 + 0.17 * k, linewidth=0,
                        label=text("band", lang, p=b))
    ax.plot(range(len(xs)), point.to_numpy(), "-", color="black", linewidth=1.4, label=text("deterministic", lang))
    ax.plot(x, f.p50.to_numpy(), "--", color="#c0392b", linewidth=1.2, label=text("median", lang))
    obs = draws.results.observed()
    obs = obs[obs.variable == variable]
    if not obs.empty:
        ax.plot([pos[str(p)] for p in obs.period], obs.observed, "o", color="black", markersize=6,
                label=text("observed", lang))
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels(xs, rotation=60, fontsize=7)
    ax.axhline(0.0, color="grey", linewidth=0.5)
    mark_2019(ax, xs, draws.results.quarterly, [variable], lang=lang)
    end_of_data(ax, pos.get(str(draws.scenario.vintage.calendar.last_observed), 0) + 0.5, lang=lang)
    ax.set_title(title or header(variable, lang), fontsize=10)
    ax.set_ylabel(unit(variable, lang))
    ax.legend(fontsize=6.5, loc="upper left", ncols=2, framealpha=0.9)  # the 2019 quarters leave this corner free
    return ax
