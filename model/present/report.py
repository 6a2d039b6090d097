"""The run report (``report.md``) and its figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from model.analysis.topdown import topdown_check
from model.core.calendar import CALENDAR
from model.core.levers import REGISTRY as LEVERS
from model.fitting.calibration import Target, targets
from model.present.labels import DEFAULT_LANG, header, label, lever_name, unit
from model.present.tables import md_table, number_word

if TYPE_CHECKING:
    from model.analysis.results import Results
    from model.analysis.uncertainty import Draws

__all__ = ["figures", "run_report"]

RECOVERY = ("shock_rest_decay", "shock_rest_persistent", "shock_digital_persistent", "shock_persistent_decay")


def figures(results: Results, directory: Path, *, lang: str = DEFAULT_LANG, parallel: bool = False) -> list[str]:
    """Write the run's PNG figures into ``directory``, labelled in ``lang``; return their file names.

    With ``parallel``, all but the last are drawn in forked children at once
    (:func:`model.present.background.in_parallel`; the same bytes): the figure worker of ``run``
    does so, being ready to draw in every child it forks."""
    from model.present.background import in_parallel
    from model.present.plotting import file_figure, plot_bars, plot_paths, save_figure

    q = results.quarterly
    obs = results.observed()
    frames = {results.name: q}

    def title(*names: str) -> str:
        return "、".join(label(n, lang) for n in names) if lang != "en" else "; ".join(label(n, lang) for n in names)

    def gdp() -> None:
        fig, (a, b) = file_figure(2)
        plot_paths(frames, ["gdp_real_yoy", "gdp_real_yoy_ytd"], observed=obs, ax=a, lang=lang,
                   title=header("gdp_real_yoy_ytd", lang))
        plot_paths(frames, ["digital_core_real_yoy", "digital_core_real_yoy_ytd"], observed=obs, ax=b, lang=lang,
                   title=header("digital_core_real_yoy_ytd", lang))
        save_figure(fig, directory / "gdp_growth.png")

    def revenue() -> None:
        fig, (a, b) = file_figure(2)
        plot_paths(frames, ["revenue_yoy_ytd"], observed=obs, ax=a, lang=lang, title=header("revenue_yoy_ytd", lang))
        plot_paths(frames, ["revenue_ytd"], observed=obs, ax=b, lang=lang, title=header("revenue_ytd", lang))
        save_figure(fig, directory / "revenue.png")

    def levers_figure() -> None:
        levers = [n for n in LEVERS if f"{n}_gdp_real_yoy_ytd_pp" in q]
        fig, (a, b) = file_figure(2)
        plot_paths(frames, ["gap_rest", "gap_digital"], ax=a, lang=lang, title=title("gap_rest", "gap_digital"))
        plot_bars(q.loc[CALENDAR.report_start:, [f"{n}_gdp_real_yoy_ytd_pp" for n in levers]].rename(
            columns=lambda c: c.removesuffix("_gdp_real_yoy_ytd_pp")), levers, ax=b,
            title=header("gdp_real_yoy_ytd_pp", lang), ylabel=unit("gdp_real_yoy_ytd_pp", lang),
            names={n: lever_name(n, lang) for n in levers})
        save_figure(fig, directory / "levels_and_levers.png")

    jobs = [gdp, revenue, levers_figure]
    if parallel:
        in_parallel(jobs)
    else:
        for job in jobs:
            job()
    return ["gdp_growth.png", "revenue.png", "levels_and_levers.png"]


def _levers_table(results: Results) -> pd.DataFrame:
    a = results.annual
    rows = []
    for name in LEVERS:
        if f"{name}_gdp_real" not in a:
            continue
        for year in a.index[a.index >= 2020]:
            rows.append(
                {
                    "measure": name,
                    "year": int(year),
                    "amount (亿元)": a.loc[year, f"{name}_injection"],
                    "real GDP (亿元)": a.loc[year, f"{name}_gdp_real"],
                    "growth (pp)": a.loc[year, f"{name}_gdp_real_yoy_pp"],
                    "fiscal cost (亿元)": a.loc[year, f"{name}_cost"],
                }
            )
    return pd.DataFrame(rows)


def _independent(tg: Sequence[Target]) -> int:
    """Targets less one for each period with both the revenue level and its growth (same base)."""
    rev = {t.period for t in tg if t.variable == "revenue_ytd"} & {t.period for t in tg if t.variable == "revenue_yoy_ytd"}
    return len(tg) - len(rev)


def inputs_section(inputs: Mapping[str, Any] | None, calibration_ok: bool, release: str = "H1 2020") -> list[str]:
    """The ``## Inputs`` lines of a report: everything besides the scenario file that changed the
    numbers (``--set``, ``--draws``, ``--seed``, an accepted calibration miss, the command)."""
    if inputs is None:
        return []
    lines = ["## Inputs", ""]
    if inputs.get("command"):
        lines += [f"Made by `{inputs['command']}`.", ""]
    set_ = inputs.get("parameters_set_by_caller") or {}
    lines.append("Parameters set besides the scenario file: "
                 + (", ".join(f"`{k} = {v:g}`" for k, v in set_.items()) if set_ else "none") + ".")
    if inputs.get("as_of"):
        lines.append(f"Data: the release round as of {inputs['as_of']} (`--as-of`).")
    if inputs.get("data"):
        lines.append(f"Data folder: `{inputs['data']}` (`--data`).")
    if inputs.get("draws") is not None:
        lines.append(f"Monte Carlo: {inputs['draws']:,} draws, seed {inputs.get('seed')}.")
    if inputs.get("calibration_miss_accepted") and not calibration_ok:
        lines.append(f"**The calibration misses some {release} targets; the run was accepted anyway "
                     "(`--accept-calibration-miss`).**")
    return [*lines, ""]


def run_report(
    results: Results, figure_names: Sequence[str] = (), *, draws: Draws | None = None,
    fan_figures: Sequence[str] = (), inputs: Mapping[str, Any] | None = None,
) -> str:
    """``report.md`` for one run; with ``draws``, an uncertainty section after the headline; with
    ``inputs`` (:func:`model.present.output.run_inputs`), the inputs that made it."""
    from model.core.version import __version__
    from model.present.fans import report_section

    sc = results.scenario
    cal = results.calibration
    p = results.params
    a = results.annual
    q = results.quarterly
    head = a.loc[2020:, ["gdp", "gdp_real_yoy", "digital_core_real_yoy", "revenue", "revenue_yoy"]]
    head.columns = ["GDP (亿元)", "real growth (%)", "digital core real growth (%)", "revenue (亿元)", "revenue growth (%)"]
    ytd = q.loc[CALENDAR.report_start:, ["gdp_ytd", "gdp_real_yoy_ytd", "digital_core_real_yoy_ytd", "revenue_ytd", "revenue_yoy_ytd"]]
    ytd.columns = ["GDP YTD (亿元)", "real growth YTD (%)", "digital core YTD (%)", "revenue YTD (亿元)", "revenue growth YTD (%)"]
    fit = cal.fit[["target", "period", "unit", "observed", "model", "error", "tolerance", "within"]]
    priors = cal.priors.drop(columns=["prior_mean"]) if not cal.priors.empty else cal.priors
    recovery = pd.DataFrame(
        {"value": [p[n] for n in RECOVERY], "source": [p.registry[n].source for n in RECOVERY]},
        index=pd.Index(RECOVERY, name="parameter"),
    )
    q1 = q.loc[CALENDAR.report_start]
    vintage = sc.vintage
    data = vintage.data
    tg = targets(vintage)
    tolerances = " or ".join(sorted({f"{t.tolerance:g} {'pp' if t.unit == '%' else t.unit}" for t in tg}))
    lines = [
        f"# Scenario `{sc.name}`",
        "",
        sc.description,
        "",
        f"Model version {__version__}; scenario sha256 `{sc.digest[:16]}`"
        + (f", file `{sc.path}`" if sc.path else "") + f"; horizon {sc.horizon}.",
        "",
        *inputs_section(inputs, cal.ok, cal.release),
        "## Headline",
        "",
        md_table(head),
        "",
        f"Real GDP grows {a.loc[2020, 'gdp_real_yoy']:.2f}% in 2020 and budget revenue "
        f"{a.loc[2020, 'revenue_yoy']:+.2f}%; H2 2020 real growth over H2 2019 is {results.h2_growth():.2f}%.",
        "",
        f"Track record of the method (`python -m model backtest`): {results.track_record()}.",
        "",
        *(report_section(draws, fan_figures) if draws is not None else []),
        "## Quarter by quarter, as published (year to date)",
        "",
        md_table(ytd),
        "",
        "## Measures",
        "",
        "H1 2020 measures are history and appear in every scenario; later amounts are this scenario's.",
        "",
        md_table(_levers_table(results), index=False),
        "",
        f"## Calibration to {cal.release}",
        "",
        f"As of the {vintage.as_of} round, the targets are every Hangzhou year-to-date figure of "
        f"{vintage.calendar.covid_start.year} in the data published by then ({len(tg)} figures: GDP level and "
        "real growth, budget revenue level and growth, digital-core real growth, each with its source in "
        "`summary.json`); the forecast starts in "
        f"{vintage.calendar.first_scenario}.",
        "",
        "Every target is met within its tolerance." if cal.ok else "**Some targets are missed** (see `error`).",
        "",
        md_table(fit, digits=3, index=False),
        "",
        "Calibrated parameters (penalised least squares; `z` is the distance from the prior mean in prior sds; "
        "`identified_by` is the published figure that moves the calibrated value most, per the table below; "
        "`data_share` is the share of the prior sd the targets remove, near 0 where the prior decides):",
        "",
        md_table(priors, digits=4),
        "",
        "Identification: how much each calibrated parameter would move if one published figure moved by its "
        f"tolerance ({tolerances}), the others held:",
        "",
        md_table(cal.influence.T.rename_axis("target"), digits=4),
        "",
        f"The {number_word(len(tg))} targets carry {number_word(_independent(tg))} independent pieces of information: revenue "
        "level and growth imply the same 2019 base. The relief's budget share and the revenue residual, and the 2019 H1 GDP share and "
        "the H1 deflator, are pairs the targets cannot tell apart; their priors split them.",
        "",
        "## The recovery assumption",
        "",
        "H1 alone cannot tell a fast rebound to trend from a gap that lingers. The rest of the economy's "
        "transitory decay and persistent share keep their priors and move the full-year forecast more than "
        "any measure; override them in a scenario's `[parameters]`.",
        "",
        md_table(recovery, digits=3),
        "",
        "## Top-down check: H2 against the national forecasts of mid-2020",
        "",
        *topdown_check(results.h2_growth()).lines(),
        "",
        "## Data gaps and how they are filled",
        "",
        f"- 2019 quarterly GDP is not published: the 2019 total is spread with the 2018 profile (H1 "
        f"{data.get('gdp', '2018Q2'):,.0f}, Q1-Q3 {data.get('gdp', '2018Q3'):,.0f} of {data.get('gdp', '2018'):,.0f} 亿元), "
        f"the H1 share then calibrated ({p['gdp_share_h1']:.4f}); Q1's share of H1 "
        f"is an assumption ({p['gdp_q1_share_of_h1']:.2f}).",
        f"- Hangzhou's Q1 2020 GDP is not published: the model puts it at {q1['gdp']:,.0f} 亿元, "
        f"{q1['gdp_real_yoy']:+.1f}% real.",
        "- Quarterly revenue is not published: H1 2019 is implied by the H1 2020 level and growth "
        f"({data.get('revenue', '2020Q2'):,.0f} / {1 + data.get('revenue_yoy', '2020Q2') / 100:.3f}); "
        "the splits within halves are assumptions.",
        "",
    ]
    if sc.parameters:
        lines += ["## Parameters set by this scenario", ""]
        lines += [f"- `{k}` = {v:g} (default {p.registry[k].value:g})" for k, v in sc.parameters.items()]
        lines += [""]
    if sc.shocks:
        lines += ["## Shocks in this scenario", ""]
        lines += [
            f"- `{k}`: {s.depth:g}% of trend output ({s.sector}) from {s.start}, decay {s.decay:g}, "
            f"persistent share {s.persistent_share:g}. {s.description}" for k, s in sc.shocks.items()
        ]
        lines += [""]
    if figure_names:
        lines += ["## Figures", ""] + [f"![{n}]({n})" for n in figure_names] + [""]
    return "\n".join(lines)
