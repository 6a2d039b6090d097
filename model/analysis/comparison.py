"""Comparing a scenario with a baseline: differences, attribution to measures, cost-effectiveness.

``compare(scenario, baseline)`` runs both (calibrations are cached), lines up their quarterly,
year-to-date and calendar-year indicators, and attributes every difference to the measures that
differ, with exact Shapley values (:mod:`model.analysis.attribution`).  Differences are ``scenario -
baseline``: in pp for growth rates, in 亿元 for levels.

A :class:`Comparison` offers the frames written by ``python -m model compare``:

* :meth:`Comparison.frame`: ``comparison.csv``, long format, one row a scenario, period and variable;
* :meth:`Comparison.contributions`: ``contributions.csv``, one row a period and player;
* :meth:`Comparison.cost_effectiveness`: ``cost_effectiveness.csv``, one row a lever and year;
* :meth:`Comparison.headline`: 2020 and 2021 side by side.

Monte Carlo ranges.  ``compare(scenario, baseline, draws=N)`` also draws ``N`` parameter sets and
forecast-shock paths, re-calibrates every draw to H1 2020, runs both scenarios on these common
random numbers (:func:`model.analysis.uncertainty.paired_draws`) and takes percentiles of the draw-by-draw
difference: they appear as columns ``difference_p05 ... difference_p95`` of :meth:`Comparison.frame`
and beside the headline.  The same draws give ranges of each player's Shapley contribution
(all coalitions re-simulated in every draw), added to :meth:`Comparison.cost_effectiveness`.
Ranges made elsewhere (e.g. by :func:`model.analysis.uncertainty.difference_fan`) can be attached with
:meth:`Comparison.with_ranges`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.analysis.attribution import Attribution, attribute
from model.analysis.draws import percentile_columns
from model.core import indicators
from model.core.calendar import CALENDAR
from model.core.indicators import HEADLINE_ROWS
from model.core.levers import REGISTRY as LEVERS
from model.core.periods import last_complete_year, parse_period

if TYPE_CHECKING:
    from model.analysis.results import Results

__all__ = [
    "ANNUAL_VARIABLES",
    "DEFAULT_BASELINE",
    "QUARTERLY_VARIABLES",
    "RANGE_COLUMNS",
    "RANGE_CONTRIBUTIONS",
    "Comparison",
    "compare_runs",
]

DEFAULT_BASELINE = Path("scenarios/baseline.toml")
COMPARE_START = str(CALENDAR.report_start)
"""First quarter compared (earlier quarters are the 2019 base)."""

QUARTERLY_VARIABLES: dict[str, str] = {
    v: indicators.COLUMNS[v][0]
    for v in ("gdp", "gdp_real", "gdp_real_yoy", "digital_core", "digital_core_real_yoy", "revenue", "revenue_yoy",
              "gdp_ytd", "gdp_yoy_ytd", "gdp_real_yoy_ytd", "digital_core_real_yoy_ytd", "revenue_ytd",
              "revenue_yoy_ytd")
}
"""Quarterly variables in ``comparison.csv`` and their units (``_ytd``: year to date)."""

ANNUAL_VARIABLES: dict[str, str] = {
    v: indicators.ANNUAL_COLUMNS[v][0]
    for v in ("gdp", "gdp_yoy", "gdp_real", "gdp_real_yoy", "digital_core", "digital_core_real_yoy", "revenue",
              "revenue_yoy")
}
"""Calendar-year variables in ``comparison.csv`` (period written ``2020``) and their units."""

CONTRIBUTIONS: dict[str, tuple[str, str]] = {
    # column: (quarterly indicator, annual indicator); a year's "year to date" is the whole year
    "gdp_real_yoy_ytd_pp": ("gdp_real_yoy_ytd", "gdp_real_yoy"),
    "revenue_ytd": ("revenue_ytd", "revenue"),
    "gdp_real_yoy_pp": ("gdp_real_yoy", "gdp_real_yoy"),
    "gdp_real": ("gdp_real", "gdp_real"),
    "revenue": ("revenue", "revenue"),
    "revenue_yoy_ytd_pp": ("revenue_yoy_ytd", "revenue_yoy"),
    "digital_core_real_yoy_ytd_pp": ("digital_core_real_yoy_ytd", "digital_core_real_yoy"),
}
"""Columns of ``contributions.csv`` after ``scenario, period, lever``."""

RANGE_COLUMNS = tuple(percentile_columns(prefix="difference_"))
"""Columns of :meth:`Comparison.frame` with Monte Carlo ranges (percentiles of the difference)."""
RANGE_CONTRIBUTIONS = {"gdp_real_yoy": "growth_pp", "revenue": "revenue"}
"""Calendar-year indicators whose Shapley contributions get Monte Carlo ranges, and their column
in :meth:`Comparison.cost_effectiveness` (``growth_pp_p05``, ``growth_pp_p95``, ...)."""

_EPS_COST = 1e-6  # 亿元 (100 yuan): below this a cost is treated as zero
_EPS_PP = 1e-9


def _str_periods(index: pd.Index) -> list[str]:
    return [str(p) for p in index]


@dataclass(frozen=True, eq=False)
class Comparison:
    """A scenario against a baseline.

    Attributes
    ----------
    scenario, baseline : Results
        The two runs.
    attribution : Attribution
        Shapley contributions of each player (lever, ``shocks``, ``parameters``) to every indicator.
    ranges : DataFrame or None
        Optional uncertainty of the differences: columns ``period, variable`` (as in
        :meth:`frame`) and any number of range columns (e.g. ``difference_p05``,
        ``difference_p95``), merged into :meth:`frame`.  Set by ``compare(..., draws=N)`` or
        :meth:`with_ranges`.
    contribution_ranges : DataFrame or None
        Optional uncertainty of the Shapley contributions: ``lever, period, variable, p05 ...
        p95`` for the calendar-year indicators :data:`RANGE_CONTRIBUTIONS`.
    ranges_note : str or None
        How the ranges were made, for the report (draws, seed).
    """

    scenario: Results
    baseline: Results
    attribution: Attribution
    ranges: pd.DataFrame | None = None
    contribution_ranges: pd.DataFrame | None = None
    ranges_note: str | None = None

    # -- the window both runs cover --------------------------------------------------------

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def players(self) -> tuple[str, ...]:
        """What differs: lever names, then ``shocks`` and ``parameters`` if they differ."""
        return self.attribution.players

    @cached_property
    def quarters(self) -> pd.PeriodIndex:
        """Quarters compared: 2020Q1 to the earlier of the two horizons."""
        last = min(parse_period(self.scenario.scenario.horizon), parse_period(self.baseline.scenario.horizon))
        return pd.period_range(parse_period(COMPARE_START), last, freq="Q", name="period")

    @cached_property
    def years(self) -> pd.Index:
        """Complete calendar years compared, from 2020."""
        return pd.Index(np.arange(2020, last_complete_year(self.quarters[-1]) + 1), name="year")

    def _values(self, *, annual: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
        if annual:
            return self.scenario.annual.loc[self.years], self.baseline.annual.loc[self.years]
        return self.scenario.quarterly.loc[self.quarters], self.baseline.quarterly.loc[self.quarters]

    def difference(self, *, annual: bool = False) -> pd.DataFrame:
        """``scenario - baseline`` for every indicator, one row a quarter (or year)."""
        s, b = self._values(annual=annual)
        return s - b

    # -- the output frames -----------------------------------------------------------------

    @cached_property
    def _frame(self) -> pd.DataFrame:
        parts = []
        for annual, variables in ((False, QUARTERLY_VARIABLES), (True, ANNUAL_VARIABLES)):
            s, b = self._values(annual=annual)
            periods = _str_periods(s.index)
            for var, unit in variables.items():
                parts.append(
                    pd.DataFrame(
                        {
                            "scenario": self.name,
                            "period": periods,
                            "variable": var,
                            "value": s[var].to_numpy(),
                            "baseline": b[var].to_numpy(),
                            "difference": (s[var] - b[var]).to_numpy(),
                            "unit": unit,
                        }
                    )
                )
        return pd.concat(parts, ignore_index=True)

    def frame(self) -> pd.DataFrame:
        """``comparison.csv``: ``scenario, period, variable, value, baseline, difference, unit``.

        One row a variable and period: quarters (``2020Q3``; ``_ytd`` variables are year to date)
        and calendar years (``2020``).  ``difference = value - baseline`` in pp for ``%`` variables
        and in the variable's unit for levels.  Range columns from :attr:`ranges`, if any, follow.
        """
        out = self._frame.copy()
        if self.ranges is not None:
            extra = self.ranges
            if "scenario" in extra:
                extra = extra[extra["scenario"] == self.name].drop(columns="scenario")
            extra = extra.assign(period=extra["period"].astype(str))
            out = out.merge(extra, on=["period", "variable"], how="left")
        return out

    def contributions(self) -> pd.DataFrame:
        """``contributions.csv``: each player's Shapley contribution to the difference.

        Columns ``scenario, period, lever`` (the player: a lever name, ``shocks`` or
        ``parameters``), then :data:`CONTRIBUTIONS`: ``gdp_real_yoy_ytd_pp`` (pp of real growth
        year to date), ``revenue_ytd`` (亿元 of revenue year to date), ``gdp_real_yoy_pp``,
        ``gdp_real`` (亿元, 2019 prices), ``revenue`` (亿元), ``revenue_yoy_ytd_pp``,
        ``digital_core_real_yoy_ytd_pp``.  For a calendar year (period ``2020``) year to date
        means the whole year.  Over the players, the contributions add up to the difference in
        :meth:`frame` exactly.
        """
        a = self.attribution
        qi = a.span.periods.get_indexer(self.quarters)
        yi = a.years.get_indexer(self.years)
        rows = []
        for j, player in enumerate(self.players):
            for annual, idx, labels in ((False, qi, self.quarters), (True, yi, self.years)):
                src = a.annual if annual else a.quarterly
                block = {"scenario": self.name, "period": _str_periods(labels), "lever": player}
                for col, (q_var, a_var) in CONTRIBUTIONS.items():
                    block[col] = src[a_var if annual else q_var][j, idx]
                rows.append(pd.DataFrame(block))
        if not rows:
            return pd.DataFrame(columns=["scenario", "period", "lever", *CONTRIBUTIONS])
        return pd.concat(rows, ignore_index=True)

    def cost_effectiveness(self) -> pd.DataFrame:
        """``cost_effectiveness.csv``: what each lever buys per 亿元 of budget cost, by year.

        One row a lever and period (each year, then the whole window, e.g. ``2020-2021``).
        Columns, all Shapley contributions of the lever to the difference from baseline:

        ``amount``
            The lever's additional amount (relief granted, project spending, voucher money), 亿元.
        ``fiscal_cost``
            Its net cost to the general public budget, 亿元: for relief the revenue forgone net of
            deferrals coming back, for projects the budget-financed share of additional spending,
            for vouchers the redeemed subsidy.
        ``gdp_real``, ``growth_pp``
            Real GDP gained, 亿元 at 2019 prices, and pp of real growth (empty for the window).
        ``gdp``
            GDP gained at current prices, 亿元.
        ``gdp_per_cost``
            ``gdp / fiscal_cost``: GDP (current prices) per 亿元 of budget cost.
        ``cost_per_pp``
            ``fiscal_cost / growth_pp``: 亿元 of budget cost per point of real growth.
        ``amount_per_pp``
            ``amount / growth_pp``: 亿元 of the measure's headline amount per point of growth.  Set
            beside ``cost_per_pp``: relief is cheap to the general public budget because most of it
            falls on social-insurance funds, state landlords and banks.
        ``revenue``, ``revenue_direct``, ``revenue_from_growth``
            The lever's effect on budget revenue, its direct part (relief forgone, deferrals), and
            the rest, which comes back through higher current-price GDP.
        ``payback_share``
            ``revenue_from_growth / fiscal_cost``.

        Ratios are empty where the denominator is zero or negative (e.g. when returning deferrals
        make the relief's cost negative in a year).
        """
        a = self.attribution
        yi = a.years.get_indexer(self.years)
        rows = []
        for j, lever in enumerate(self.players):
            if lever not in LEVERS:
                continue

            def get(var: str, j: int = j) -> np.ndarray:
                return a.annual[var][j, yi]

            cols = {
                "amount": get(f"{lever}_injection"),
                "fiscal_cost": get(f"{lever}_cost"),
                "gdp_real": get("gdp_real"),
                "growth_pp": get("gdp_real_yoy"),
                "gdp": get("gdp"),
                "revenue": get("revenue"),
                "revenue_direct": get(f"{lever}_revenue_direct"),
            }
            frame = pd.DataFrame(cols, index=[str(y) for y in self.years])
            if len(self.years) > 1:
                total = frame.sum()
                total["growth_pp"] = np.nan
                frame.loc[f"{self.years[0]}-{self.years[-1]}"] = total
            frame.insert(0, "lever", lever)
            rows.append(frame)
        columns = [
            "scenario", "lever", "period", "amount", "fiscal_cost", "gdp_real", "growth_pp", "gdp",
            "gdp_per_cost", "cost_per_pp", "amount_per_pp", "revenue", "revenue_direct", "revenue_from_growth",
            "payback_share",
        ]
        if not rows:
            return pd.DataFrame(columns=columns)
        out = pd.concat(rows).rename_axis("period").reset_index()
        out.insert(0, "scenario", self.name)
        cost = out.fiscal_cost.where(out.fiscal_cost > _EPS_COST)
        out["gdp_per_cost"] = out.gdp / cost
        gain = out.growth_pp.where(out.growth_pp > _EPS_PP)
        out["cost_per_pp"] = cost / gain
        out["amount_per_pp"] = out.amount.where(out.amount > _EPS_COST) / gain
        out["revenue_from_growth"] = out.revenue - out.revenue_direct
        out["payback_share"] = out.revenue_from_growth / cost
        out = out[columns]
        if self.contribution_ranges is not None:
            out = self._with_contribution_ranges(out)
        return out

    def _with_contribution_ranges(self, out: pd.DataFrame) -> pd.DataFrame:
        """``out`` with the 5th and 95th percentiles of the contributions :data:`RANGE_CONTRIBUTIONS`
        (empty for the window)."""
        r = self.contribution_ranges
        for var, col in RANGE_CONTRIBUTIONS.items():
            sel = r[r["variable"] == var].assign(period=lambda f: f["period"].astype(str))
            sel = sel[["lever", "period", "p05", "p95"]].rename(columns={"p05": f"{col}_p05", "p95": f"{col}_p95"})
            out = out.merge(sel, on=["lever", "period"], how="left")
        return out

    def headline(self) -> pd.DataFrame:
        """2020 and 2021 (every year compared): baseline, scenario and difference side by side.

        One row an indicator and year: real GDP growth and budget revenue growth (%, difference
        in pp), GDP and budget revenue (亿元).  With Monte Carlo ranges, ``difference_p05`` and
        ``difference_p95`` follow: the 90% range of the difference.
        """
        s, b = self._values(annual=True)
        rows = []
        for var, label, unit in HEADLINE_ROWS:
            for year in self.years:
                rows.append(
                    {
                        "indicator": label, "year": int(year), "unit": unit,
                        "baseline": b.loc[year, var], "scenario": s.loc[year, var],
                        "difference": s.loc[year, var] - b.loc[year, var],
                    }
                )
        out = pd.DataFrame(rows)
        if self.ranges is not None:
            f = self.frame().set_index(["period", "variable"])
            key = pd.MultiIndex.from_arrays([out.year.astype(str), [var for var, _, _ in HEADLINE_ROWS
                                                                     for _ in self.years]])
            for col in ("difference_p05", "difference_p95"):
                out[col] = f[col].reindex(key).to_numpy() if col in f else np.nan
        return out

    # -- new comparisons from this one -----------------------------------------------------

    def with_ranges(
        self, ranges: pd.DataFrame | None, *, contributions: pd.DataFrame | None = None, note: str | None = None
    ) -> Comparison:
        """A copy with uncertainty ranges attached (see :attr:`ranges`).

        Parameters
        ----------
        ranges : DataFrame or None
            Columns ``period, variable`` and range columns.  Percentile columns named as in
            ``fan.csv`` (``p05 ... p95``, e.g. from :func:`model.analysis.uncertainty.difference_fan`) are
            renamed ``difference_p05 ... difference_p95``.  ``None`` removes the ranges.
        contributions : DataFrame, optional
            Ranges of the Shapley contributions, see :attr:`contribution_ranges`.
        note : str, optional
            How the ranges were made, for the report.

        Examples
        --------
        >>> from model.analysis.uncertainty import difference_fan                              # doctest: +SKIP
        >>> c = model.compare("scenarios/h2_plan.toml")                               # doctest: +SKIP
        >>> c = c.with_ranges(difference_fan("scenarios/h2_plan.toml", "scenarios/baseline.toml",
        ...                                  draws=2000, seed=1))                       # doctest: +SKIP
        """
        if ranges is not None:
            if not {"period", "variable"} <= set(ranges.columns):
                raise ValueError("ranges need 'period' and 'variable' columns")
            ranges = ranges.rename(columns=dict(zip(percentile_columns(), RANGE_COLUMNS, strict=True)))
        if contributions is not None and not {"lever", "period", "variable", "p05", "p95"} <= set(contributions.columns):
            raise ValueError("contribution ranges need 'lever', 'period', 'variable', 'p05' and 'p95' columns")
        if ranges is None:
            contributions = note = None
        return replace(self, ranges=ranges, contribution_ranges=contributions, ranges_note=note)

    # -- verbs -----------------------------------------------------------------------------

    def _repr_html_(self) -> str:
        fmt = {"float_format": lambda x: f"{x:,.2f}", "index": False}
        contrib = self.contributions()
        by_year = contrib[~contrib.period.str.contains("Q")][["period", "lever", "gdp_real_yoy_ytd_pp", "revenue_ytd"]]
        return (
            f"<h4>Scenario {self.name} against {self.baseline.name}</h4>"
            + self.headline().to_html(**fmt)
            + "<p>Contributions to the difference (Shapley; pp of real growth, 亿元 of revenue)</p>"
            + by_year.to_html(**fmt)
        )

    def summary(self) -> str:
        """The headline, the contributions by year and the cost-effectiveness, as text."""
        f2 = lambda x: f"{x:,.2f}"  # noqa: E731
        contrib = self.contributions()
        by_year = contrib[~contrib.period.str.contains("Q")]
        ce = self.cost_effectiveness()
        lines = [
            f"Scenario {self.name} against {self.baseline.name}",
            "",
            self.headline().to_string(index=False, float_format=f2),
            "",
            "Contributions to the difference (Shapley; pp of real growth, 亿元 of revenue)",
            by_year[["period", "lever", "gdp_real_yoy_ytd_pp", "revenue_ytd"]].to_string(
                index=False, float_format=f2) if not by_year.empty else "(no differences)",
        ]
        if not ce.empty:
            cols = ["lever", "period", "fiscal_cost", "growth_pp", "cost_per_pp", "gdp_per_cost",
                    "revenue_from_growth", "payback_share"]
            if "growth_pp_p05" in ce:
                cols[4:4] = ["growth_pp_p05", "growth_pp_p95"]
            lines += ["", "Cost-effectiveness (亿元 of general public budget cost)",
                      ce[cols].to_string(index=False, float_format=f2)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        players = ", ".join(self.players) or "nothing"
        return f"<Comparison {self.name} against {self.baseline.name}: {players} differ>"




def compare_runs(scenario: Results, baseline: Results) -> Comparison:
    """``scenario`` against ``baseline``, two runs, with the Shapley attribution of the difference
    (deterministic; :func:`model.analysis.compare.compare` adds Monte Carlo ranges)."""
    return _checked(Comparison(scenario, baseline, attribute(scenario, baseline)))


def _checked(c: Comparison) -> Comparison:
    """``c``, after checking that the attribution's grand and empty coalitions reproduce the two
    runs (a guard against inputs a run has and the attribution batch lacks)."""
    a = c.attribution
    idx = a.span.periods.get_indexer(c.quarters)
    for row, res in ((-1, c.scenario), (0, c.baseline)):
        for var in ("gdp", "gdp_real", "digital_core_real", "revenue"):
            batch = np.broadcast_to(a.values_quarterly[var], (2 ** len(a.players), a.span.n))[row, idx]
            if not np.allclose(batch, res.quarterly.loc[c.quarters, var].to_numpy(), rtol=1e-12, atol=1e-9):
                raise RuntimeError(f"the attribution does not reproduce run {res.name!r} ({var}); "
                                   "the run has inputs the attribution batch lacks")
    return c
