"""The comparison briefing: ``report.md``, the side-by-side headline table and the figures.

Written by :func:`model.analysis.comparison.write_comparisons` (``python -m model compare``).  The report
reads like a briefing note: what each scenario changes against the baseline, what each measure
contributes in plain words, and what each costs per point of growth.  When the comparisons carry
Monte Carlo ranges (``python -m model compare --draws N``), every difference and contribution the
report states comes with its 90% range, and a fan chart of each difference is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.analysis.attribution import PARAMETERS, SHOCKS
from model.analysis.comparison import ANNUAL_VARIABLES, QUARTERLY_VARIABLES
from model.core.levers import REGISTRY as LEVERS
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
from model.present.tables import md_table

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from model.analysis.comparison import Comparison

__all__ = ["difference_fan", "figures", "headline_table", "overlay", "report", "waterfall"]



FIGURE_KINDS = ("waterfall", "contributions", "fan_difference")
"""Per-scenario figures, written as ``<kind>_<scenario>.png``."""

def _title(player: str) -> str:
    if player in LEVERS:
        return LEVERS[player].title
    return {SHOCKS: "The scenario's shocks", PARAMETERS: "The scenario's parameter overrides"}.get(player, player)


# -- tables -----------------------------------------------------------------------------------


def headline_table(comparisons: Sequence[Comparison]) -> pd.DataFrame:
    """Side by side: one row an indicator and year; the baseline, then each scenario's value and
    its difference from the baseline (pp for growth, 亿元 for levels), followed, for a comparison
    with Monte Carlo ranges, by the 5th and 95th percentiles of the difference (``... p05``,
    ``... p95``)."""
    heads = [c.headline() for c in comparisons]
    # every indicator and year any comparison covers (horizons may differ), in headline order
    rows = pd.concat(heads).drop_duplicates(["indicator", "year"])
    order = {label: i for i, label in enumerate(dict.fromkeys(rows.indicator))}
    out = rows.sort_values(["indicator", "year"], key=lambda s: s.map(order) if s.name == "indicator" else s)
    out = out[["indicator", "year", "unit", "baseline"]].rename(columns={"baseline": comparisons[0].baseline.name})
    out = out.reset_index(drop=True)
    key = pd.MultiIndex.from_frame(out[["indicator", "year"]])
    for c, h in zip(comparisons, heads, strict=True):
        h = h.set_index(["indicator", "year"])
        out[c.name] = h["scenario"].reindex(key).to_numpy()
        out[f"{c.name} - {c.baseline.name}"] = h["difference"].reindex(key).to_numpy()
        if c.ranges is not None:
            for q in ("p05", "p95"):
                out[f"{c.name} - {c.baseline.name} {q}"] = h[f"difference_{q}"].reindex(key).to_numpy()
    return out


def _headline_markdown(comparisons: Sequence[Comparison]) -> str:
    """The headline table of ``report.md``: each range as one column of text."""
    table = headline_table(comparisons)
    for c in comparisons:
        col = f"{c.name} - {c.baseline.name}"
        if c.ranges is None:
            continue
        lo, hi = table.pop(f"{col} p05"), table.pop(f"{col} p95")
        text = [_fmt_span(a, b, "pp" if u == "%" else "亿元") for a, b, u in zip(lo, hi, table.unit, strict=True)]
        table.insert(table.columns.get_loc(col) + 1, f"{col}, 90% range", text)
    return md_table(table, index=False)


def _fmt_money(x: float) -> str:
    return f"{x:+,.1f} 亿元"


def _fmt_pp(x: float) -> str:
    return f"{x:+.2f} pp"


def _fmt_span(lo: float, hi: float, unit: str) -> str:
    """A range as text, ``+0.27 to +1.25`` (pp, two decimals) or ``-44.8 to +7.2`` (亿元)."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return ""
    digits = 2 if unit == "pp" else 1
    lo, hi = (round(float(x), digits) + 0.0 for x in (lo, hi))  # + 0.0: no "-0.0"
    return f"{lo:+.2f} to {hi:+.2f}" if unit == "pp" else f"{lo:+,.1f} to {hi:+,.1f}"


def _diff_range(c: Comparison, variable: str, period: object) -> str:
    """`` (90% range lo to hi)`` for the difference in ``variable`` at ``period``, or nothing."""
    if c.ranges is None:
        return ""
    r = c.ranges[(c.ranges.variable == variable) & (c.ranges.period.astype(str) == str(period))]
    if r.empty or "difference_p05" not in r:
        return ""
    unit = "亿元" if QUARTERLY_VARIABLES.get(variable, ANNUAL_VARIABLES.get(variable)) == "亿元" else "pp"
    return f" (90% range {_fmt_span(r.difference_p05.iloc[0], r.difference_p95.iloc[0], unit)})"


def _contribution_range(c: Comparison, player: str, variable: str, year: int) -> str:
    """`` (90% range lo to hi)`` for ``player``'s contribution to ``variable`` in ``year``, or nothing."""
    r = c.contribution_ranges
    if r is None:
        return ""
    r = r[(r.lever == player) & (r.variable == variable) & (r.period.astype(str) == str(year))]
    if r.empty:
        return ""
    return f" (90% range {_fmt_span(r.p05.iloc[0], r.p95.iloc[0], 'pp' if variable.endswith('yoy') else '亿元')})"


def _plain_words(c: Comparison, year: int) -> list[str]:
    """One sentence a player: its effect on the year's growth and revenue, and its cost per point."""
    contrib = c.contributions()
    rows = contrib[contrib.period == str(year)].set_index("lever")
    ce = c.cost_effectiveness()
    ce = ce[ce.period == str(year)].set_index("lever")
    out = []
    for player in c.players:
        r = rows.loc[player]
        text = (
            f"- **{_title(player)}** (`{player}`): {_fmt_pp(r.gdp_real_yoy_ytd_pp)}"
            f"{_contribution_range(c, player, 'gdp_real_yoy', year)} on {year} real growth "
            f"and {_fmt_money(r.revenue_ytd)}{_contribution_range(c, player, 'revenue', year)} of budget revenue"
        )
        if player in ce.index:
            e = ce.loc[player]
            if e.fiscal_cost > 1e-6:
                text += (
                    f", for a fiscal cost of {e.fiscal_cost:,.1f} 亿元 to the general public budget "
                    f"(additional amount {e.amount:,.1f} 亿元)"
                )
                if np.isfinite(e.cost_per_pp):
                    text += f": **{e.cost_per_pp:,.1f} 亿元 per point of growth**"
                else:
                    text += ", with no gain in growth to set against it"
                text += (
                    f"; {e.revenue_from_growth:,.1f} 亿元 ({100 * e.payback_share:.0f}% of the cost) comes "
                    "back as revenue through growth"
                )
            elif e.fiscal_cost < -1e-6:
                text += f", at no new cost: {-e.fiscal_cost:,.1f} 亿元 of deferred payments come back to the budget"
            else:
                text += ", at no fiscal cost this year"
        text += "."
        out.append(text)
    return out


def _scenario_section(c: Comparison, figure_names: Sequence[str]) -> list[str]:
    h = c.headline().set_index(["indicator", "year"])
    sc = c.scenario.scenario
    lines = [f"## `{c.name}` against `{c.baseline.name}`", ""] + ([sc.description, ""] if sc.description else [])
    if not c.players:
        return [*lines, "The two runs have the same inputs: every difference is zero.", ""]
    first = int(c.years[0]) if len(c.years) else None
    if first is not None:
        g = h.loc[("real GDP growth", first)]
        r = h.loc[("budget revenue", first)]
        rg = h.loc[("budget revenue growth", first)]
        lines += [
            f"In {first}, real GDP grows {g.scenario:.2f}% against {g.baseline:.2f}% in the baseline "
            f"({_fmt_pp(g.difference)}); budget revenue is {r.scenario:,.1f} 亿元, "
            f"{_fmt_money(r.difference)} ({_fmt_pp(rg.difference)} of revenue growth).",
            "",
        ]
    if c.ranges is not None:
        parts = [
            f"{int(y)} real growth {_fmt_pp(h.loc[('real GDP growth', int(y)), 'difference'])}"
            f"{_diff_range(c, 'gdp_real_yoy', int(y))}, budget revenue "
            f"{_fmt_money(h.loc[('budget revenue', int(y)), 'difference'])}{_diff_range(c, 'revenue', int(y))}"
            for y in c.years
        ]
        lines += [
            "How sure is the difference, draw by draw: " + "; ".join(parts) + ". "
            "Every draw takes the measures and shocks as the scenario writes them: the ranges are the "
            "uncertainty of the model's parameters and of the quarters ahead, not of the plan itself.",
            "",
        ]
    for year in c.years:
        lines += [f"What each measure does in full-year {int(year)}:", "", *_plain_words(c, int(year)), ""]
    contrib = c.contributions()
    by_year = contrib[~contrib.period.str.contains("Q")][
        ["period", "lever", "gdp_real_yoy_ytd_pp", "revenue_ytd", "gdp_real", "digital_core_real_yoy_ytd_pp"]
    ].rename(columns={"gdp_real_yoy_ytd_pp": "real growth (pp)", "revenue_ytd": "revenue (亿元)",
                      "gdp_real": "real GDP (亿元, 2019 prices)", "digital_core_real_yoy_ytd_pp": "digital core growth (pp)"})
    diff = c.difference()
    ytd = pd.DataFrame(
        {"real growth YTD (pp)": diff.gdp_real_yoy_ytd, "revenue YTD (亿元)": diff.revenue_ytd,
         "revenue growth YTD (pp)": diff.revenue_yoy_ytd, "digital core YTD (pp)": diff.digital_core_real_yoy_ytd}
    )
    ytd.index = ytd.index.astype(str)
    q_contrib = contrib[contrib.period.str.contains("Q")].pivot(index="period", columns="lever",
                                                                 values="gdp_real_yoy_ytd_pp")[list(c.players)]
    lines += [
        "Contributions by year (Shapley values; they add up to the difference exactly):",
        "",
        md_table(by_year, index=False),
        "",
        "Differences from the baseline, year to date, quarter by quarter:",
        "",
        md_table(ytd.rename_axis("period")),
        "",
        "Contributions to the difference in real growth year to date (pp), quarter by quarter:",
        "",
        md_table(q_contrib.rename_axis(index="period", columns=None)),
        "",
    ]
    ce = c.cost_effectiveness()
    if not ce.empty:
        table = ce[["lever", "period", "amount", "fiscal_cost", "growth_pp", "gdp_real", "gdp_per_cost",
                    "cost_per_pp", "amount_per_pp", "revenue_from_growth", "payback_share"]].rename(
            columns={"amount": "amount (亿元)", "fiscal_cost": "fiscal cost (亿元)", "growth_pp": "growth (pp)",
                     "gdp_real": "real GDP (亿元)", "gdp_per_cost": "GDP per 亿元 of cost",
                     "cost_per_pp": "cost per pp (亿元)", "amount_per_pp": "amount per pp (亿元)", "revenue_from_growth": "revenue back (亿元)",
                     "payback_share": "payback share"})
        if "growth_pp_p05" in ce:
            span = [_fmt_span(lo, hi, "pp") for lo, hi in zip(ce.growth_pp_p05, ce.growth_pp_p95, strict=True)]
            table.insert(table.columns.get_loc("growth (pp)") + 1, "growth, 90% range (pp)", span)
        lines += ["Cost-effectiveness (general public budget):", "", md_table(table, index=False), ""]
    own = {f"{kind}_{c.name}.png" for kind in FIGURE_KINDS}
    for name in figure_names:
        if name in own:
            lines += [f"![{name}]({name})", ""]
    return lines


def report(comparisons: Sequence[Comparison], figure_names: Sequence[str] = (), *,
           calibration_miss_accepted: bool = False) -> str:
    """``report.md`` for one or more comparisons against the same baseline; with
    ``calibration_miss_accepted``, a line naming the runs whose calibration misses its targets."""
    from model.core.version import __version__

    base = comparisons[0].baseline
    names = ", ".join(f"`{c.name}`" for c in comparisons)
    lines = [
        f"# Scenarios against `{base.name}`",
        "",
        f"Baseline `{base.name}`: {base.scenario.description}",
        "",
        f"Compared: {names}. Model version {__version__}. Differences are scenario minus baseline: "
        "pp for growth rates, 亿元 for levels.",
        "",
        "## Headline",
        "",
        _headline_markdown(comparisons),
        "",
    ]
    missed = list(dict.fromkeys(r.name for c in comparisons for r in (c.baseline, c.scenario)
                                if not r.calibration.ok))
    if calibration_miss_accepted and missed:
        lines += ["**The calibration of " + ", ".join(f"`{n}`" for n in missed) + " misses some H1 2020 "
                  "targets; the comparison was accepted anyway (`--accept-calibration-miss`).**", ""]
    notes = {c.ranges_note or "Monte Carlo draws" for c in comparisons if c.ranges is not None}
    if notes:
        lines += [
            f"Ranges: {'; '.join(sorted(notes))}. A 90% range runs from the 5th to the 95th percentile of "
            "the draw-by-draw difference (`comparison.csv` has the 25th, 50th and 75th too).",
            "",
        ]
    for c in comparisons:
        if c.years.size:
            y = int(c.years[0])
            h = c.headline().set_index(["indicator", "year"])
            lines.append(
                f"- `{c.name}`: {y} real growth {_fmt_pp(h.loc[('real GDP growth', y), 'difference'])}"
                f"{_diff_range(c, 'gdp_real_yoy', y)}, "
                f"budget revenue {_fmt_money(h.loc[('budget revenue', y), 'difference'])}"
                f"{_diff_range(c, 'revenue', y)} against the baseline."
            )
    lines += [""]
    for c in comparisons:
        lines += _scenario_section(c, figure_names)
    lines += [
        "## How to read the attribution",
        "",
        "The players are what a scenario changes against the baseline: each lever whose amounts from "
        "2020Q3 differ (the H1 2020 measures are history in every scenario and never a player), the "
        "scenario's shocks, and its parameter overrides (which change the calibration, so that player "
        "switches the whole calibrated parameter set). The model is not additive in them: tax revenue "
        "follows current-price GDP with a buoyancy (a power), and growth rates are ratios. So each "
        "player's contribution is its exact Shapley value: its marginal effect averaged over every order "
        "in which the players could be switched on, computed from all 2^P combinations in one batched "
        "simulation. The contributions add up to the difference exactly, for every variable and period; "
        "interactions are shared equally among the players involved.",
        "",
        "Fiscal cost is the lever's net cost to the general public budget: for relief the revenue "
        "forgone net of deferrals that come back; for projects the budget-financed share of additional "
        "spending (most is financed by SOEs, special bonds and private money); for vouchers the redeemed "
        "subsidy. Revenue back through growth is the lever's contribution to revenue minus its direct "
        "effect; the payback share sets it against the cost. Relief looks cheap to the general public budget "
        "because most of it falls on social-insurance funds, state-owned landlords and banks: compare "
        "the amount per point of growth as well. A temporary measure's growth contribution "
        "turns negative the year after it ends: the level it added falls away.",
        "",
    ]
    overlays = [n for n in figure_names if n.startswith("overlay")]
    if overlays:
        lines += ["## Figures", ""] + [f"![{n}]({n})" for n in overlays] + [""]
    return "\n".join(lines)


# -- figures ----------------------------------------------------------------------------------


def overlay(comparisons: Sequence[Comparison], column: str, *, ax: Axes | None = None,
            title: str | None = None, lang: str = DEFAULT_LANG) -> Axes:
    """``column`` of the baseline and every scenario on one quarterly axis, with observed H1 points."""
    from model.present.plotting import _pyplot, end_of_data, figure

    if ax is None:
        _, ax = figure()
    _pyplot()
    base = comparisons[0].baseline
    runs = [base, *[c.scenario for c in comparisons]]
    first = max((c.quarters for c in comparisons), key=len)
    xs = [str(p) for p in first]
    for k, r in enumerate(runs):
        y = r.quarterly[column].reindex(first).to_numpy()
        style = {"color": f"C{k - 1}", "linestyle": "-"} if k else {"color": "black", "linestyle": "--"}
        ax.plot(range(len(xs)), y, marker=".", label=r.name if k or r.name == "baseline" else f"{r.name} (baseline)", **style)
    obs = base.observed()
    pts = obs[(obs.variable == column)]
    for _, p in pts.iterrows():
        if str(p.period) in xs:
            ax.plot(xs.index(str(p.period)), p.observed, "ko", markersize=6)
    if not pts.empty:
        ax.plot([], [], "ko", label=text("observed", lang))
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels(xs, rotation=60, fontsize=7)
    ax.axhline(0.0, color="grey", linewidth=0.5)
    last = str(base.scenario.vintage.calendar.last_observed)  # the round the runs are as of
    if last in xs:
        end_of_data(ax, xs.index(last) + 0.5, lang=lang)
    ax.set_title(title or header(column, lang), fontsize=10)
    ax.set_ylabel(unit(column, lang))
    ax.legend(fontsize=7)
    return ax


def _waterfall_axes(ax: Axes, start: float, steps: pd.Series, end: float, *, base_label: str,
                    end_label: str, unit: str, title: str, ylabel: str = "", lang: str = DEFAULT_LANG) -> None:
    cum = start + np.r_[0.0, np.cumsum(steps.to_numpy())]
    lo, hi = min(cum.min(), end, 0.0), max(cum.max(), end, 0.0)
    span = max(hi - lo, 1e-9)
    floor = 0.0  # the axis starts at zero: the bars' heights are the quantities themselves
    labels = [base_label, *[lever_name(str(s), lang) for s in steps.index], end_label]
    ax.bar(0, start - floor, bottom=floor, color="grey")
    for i, v in enumerate(steps.to_numpy(), start=1):
        ax.bar(i, v, bottom=cum[i - 1], color="tab:green" if v >= 0 else "tab:red")
        ax.annotate(f"{v:+.2f}" if unit == "pp" else f"{v:+,.1f}", (i, max(cum[i - 1], cum[i])),
                    ha="center", va="bottom", fontsize=7)
    ax.bar(len(labels) - 1, end - floor, bottom=floor, color="tab:blue")
    for i, v in ((0, start), (len(labels) - 1, end)):
        ax.annotate(f"{v:,.2f}" if unit == "pp" else f"{v:,.0f}", (i, v), ha="center", va="bottom", fontsize=7)
    ax.set_ylim(min(lo - 0.05 * span, 0.0), hi + 0.15 * span)
    ax.axhline(0.0, color="grey", linewidth=0.5)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=30, ha="right", fontsize=7)
    ax.set_title(title, fontsize=9)
    ax.set_ylabel(ylabel)


def waterfall(c: Comparison, *, years: Sequence[int] | None = None, lang: str = DEFAULT_LANG) -> Figure:
    """Baseline to scenario, one bar a player: real growth (%) and budget revenue (亿元) by year.

    Every axis starts at zero, and the panels of one quantity share their scale, so that bars of
    the same quantity compare; each step is written on its bar.
    """
    from model.present.plotting import _pyplot

    years = [int(y) for y in (years or c.years[:2])]
    ncols = max(len(years), 1)
    fig, axes = _pyplot().subplots(2, ncols, figsize=(4.8 * ncols, 7.0), squeeze=False, sharey="row")
    axes = axes.ravel()
    contrib = c.contributions()
    h = c.headline().set_index(["indicator", "year"])
    k = 0
    for var, ind, step_unit, shown in (("gdp_real_yoy_ytd_pp", "real GDP growth", "pp", "gdp_real_yoy"),
                                       ("revenue_ytd", "budget revenue", "亿元", "revenue")):
        for y in years:
            steps = contrib[contrib.period == str(y)].set_index("lever")[var]
            row = h.loc[(ind, y)]
            _waterfall_axes(axes[k], row.baseline, steps, row.scenario, base_label=c.baseline.name,
                            end_label=c.name, unit=step_unit, title=f"{y} {header(shown, lang)}",
                            ylabel=unit(shown, lang), lang=lang)
            k += 1
    sup = (f"{c.name}与{c.baseline.name}比较：贡献分解（Shapley值）" if lang != "en"
           else f"{c.name} against {c.baseline.name}: contributions (Shapley)")
    fig.suptitle(sup, fontsize=10)
    fig.tight_layout()
    return fig


def difference_fan(c: Comparison, variable: str = "gdp_real_yoy_ytd", *, ax: Axes | None = None,
                   title: str | None = None, lang: str = DEFAULT_LANG) -> Axes:
    """The difference ``scenario - baseline`` in a quarterly ``variable`` with its 50% and 90%
    Monte Carlo ranges (needs :attr:`Comparison.ranges`)."""
    from model.present.plotting import plot_paths

    if c.ranges is None:
        raise ValueError("no ranges: compare with draws= (or attach them with with_ranges) first")
    f = c.frame()
    f = f[(f.variable == variable) & f.period.str.contains("Q")]
    if f.empty or f.difference_p05.isna().all():
        raise ValueError(f"no ranges of the quarterly variable {variable!r}")
    f.index = pd.PeriodIndex(f.period, freq="Q")
    band = {text("band", lang, p=90): (f.difference_p05, f.difference_p95),
            text("band", lang, p=50): (f.difference_p25, f.difference_p75)}
    frames = {text("deterministic", lang): pd.DataFrame({variable: f.difference}),
              text("median", lang): pd.DataFrame({variable: f.difference_p50})}
    shown = unit_text("pp" if unit_of(variable) == "%" else unit_of(variable), lang)  # a difference of rates: pp
    return plot_paths(frames, [variable], ax=ax, band=band, lang=lang, ylabel=shown,
                      title=title or f"{c.name} - {c.baseline.name}: {label(variable, lang)} ({shown})")


def figures(comparisons: Sequence[Comparison], directory: Path, *, lang: str = DEFAULT_LANG) -> list[str]:
    """Write the overlay figure and one waterfall and one contributions figure a scenario, and a
    fan of the differences for a comparison with Monte Carlo ranges."""
    import matplotlib.pyplot as plt

    from model.present.plotting import figure, plot_bars, save_figure

    out = []
    fig, (a, b) = figure(2)
    overlay(comparisons, "gdp_real_yoy_ytd", ax=a, lang=lang)
    overlay(comparisons, "revenue_yoy_ytd", ax=b, lang=lang)
    save_figure(fig, directory / "overlay_growth.png")
    out.append("overlay_growth.png")
    for c in comparisons:
        if not c.players or not len(c.years):
            continue
        fig = waterfall(c, lang=lang)
        save_figure(fig, directory / f"waterfall_{c.name}.png", tight=False)
        out.append(f"waterfall_{c.name}.png")
        contrib = c.contributions()
        q = contrib[contrib.period.str.contains("Q")]
        fig, (a, b) = figure(2)
        for ax, col, shown in ((a, "gdp_real_yoy_ytd_pp", "gdp_real_yoy_ytd_pp"),
                               (b, "revenue_ytd", "revenue_ytd")):
            wide = q.pivot(index="period", columns="lever", values=col)[list(c.players)]
            plot_bars(wide, list(c.players), ax=ax, title=f"{c.name} - {c.baseline.name}: {header(shown, lang)}",
                      ylabel=unit(shown, lang), names={p: lever_name(p, lang) for p in c.players})
            total = wide.sum(axis=1).to_numpy()
            ax.plot(range(len(total)), total, "k.", label=label("difference", lang))
            ax.legend(fontsize=7)
        save_figure(fig, directory / f"contributions_{c.name}.png")
        out.append(f"contributions_{c.name}.png")
        if c.ranges is not None:
            fig, (a, b) = figure(2)
            difference_fan(c, "gdp_real_yoy_ytd", ax=a, lang=lang)
            difference_fan(c, "revenue_ytd", ax=b, lang=lang)
            save_figure(fig, directory / f"fan_difference_{c.name}.png")
            out.append(f"fan_difference_{c.name}.png")
    plt.close("all")
    return out
