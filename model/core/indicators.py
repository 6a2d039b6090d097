"""From simulated paths to what users read: year-to-date and calendar-year indicators.

One function per frequency; both are vectorised over draws and quarters and used alike by single
runs, Monte Carlo fans, comparisons and the calibration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from difflib import get_close_matches

import numpy as np
import pandas as pd

from model.core.blocks.revenue import TAXES
from model.core.levers import REGISTRY as LEVERS
from model.core.periods import (
    Span,
    annual_sum,
    lagged,
    last_complete_year,
    parse_period,
    yoy_growth,
    ytd_growth,
    ytd_sum,
)

__all__ = ["ANNUAL_COLUMNS", "COLUMNS", "HEADLINE", "HEADLINE_ROWS", "At", "annual", "is_year", "names", "quarterly", "split_at"]


def quarterly(paths: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Quarterly and year-to-date indicators, each ``(n, T)``.

    Levels in 亿元 (``_real``: at 2019 prices), growth in percent, contributions in pp.
    ``<lever>_gdp_real_yoy_ytd_pp`` is the lever's contribution to YTD real growth: the change in its
    YTD real value added against a year earlier, over the YTD real GDP a year earlier, so that
    the contributions of the levers and of the no-policy path add up to the growth rate.  A
    measure that ends contributes negatively the year after: the level it added falls away.
    """
    gdp, gdp_real = paths["gdp"], paths["gdp_real"]
    real_ytd_base = lagged(ytd_sum(gdp_real), 4)
    out = {
        "gdp": gdp,
        "gdp_ytd": ytd_sum(gdp),
        "gdp_yoy_ytd": ytd_growth(gdp),
        "gdp_real": gdp_real,
        "gdp_real_yoy": yoy_growth(gdp_real),
        "gdp_real_yoy_ytd": ytd_growth(gdp_real),
        "trend_real": paths["trend_real"],
        "digital_core": paths["digital"],
        "digital_core_real": paths["digital_real"],
        "digital_core_real_yoy": yoy_growth(paths["digital_real"]),
        "digital_core_real_yoy_ytd": ytd_growth(paths["digital_real"]),
        "rest_real_yoy_ytd": ytd_growth(paths["rest_real"]),
        "deflator": paths["deflator"],
        "deflator_yoy": yoy_growth(paths["deflator"]),
        "gap_digital": 100.0 * paths["gap_digital"],
        "gap_rest": 100.0 * paths["gap_rest"],
        "revenue": paths["revenue"],
        "revenue_ytd": ytd_sum(paths["revenue"]),
        "revenue_yoy": yoy_growth(paths["revenue"]),
        "revenue_yoy_ytd": ytd_growth(paths["revenue"]),
        "tax_revenue": paths["tax_revenue"],
        "nontax_revenue": paths["nontax_revenue"],
        **{f"revenue_{c}": paths[f"revenue_{c}"] for c in TAXES},
        **{f"revenue_{c}_ytd": ytd_sum(paths[f"revenue_{c}"]) for c in TAXES},
        "retail": paths["retail"],
        "retail_ytd": ytd_sum(paths["retail"]),
        "retail_yoy_ytd": ytd_growth(paths["retail"]),
    }
    for name in LEVERS:
        if f"{name}_gdp_real" not in paths:
            continue
        effect = paths[f"{name}_gdp_real"]
        out[f"{name}_injection"] = paths[f"{name}_injection"]
        out[f"{name}_gdp_real"] = effect
        effect_ytd = ytd_sum(effect)
        out[f"{name}_gdp_real_yoy_ytd_pp"] = 100.0 * (effect_ytd - lagged(effect_ytd, 4)) / real_ytd_base
        out[f"{name}_revenue_direct"] = paths[f"{name}_revenue_direct"]
        out[f"{name}_cost"] = paths[f"{name}_cost"]
    return out


def annual(paths: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Calendar-year indicators, each ``(n, years)``; growth in percent, contributions in pp
    (``<lever>_gdp_real_yoy_pp``: the change in the lever's real value added over last year's GDP)."""
    gdp, gdp_real = annual_sum(paths["gdp"]), annual_sum(paths["gdp_real"])
    digital_real = annual_sum(paths["digital_real"])
    revenue = annual_sum(paths["revenue"])
    out = {
        "gdp": gdp,
        "gdp_yoy": yoy_growth(gdp, lag=1),
        "gdp_real": gdp_real,
        "gdp_real_yoy": yoy_growth(gdp_real, lag=1),
        "digital_core": annual_sum(paths["digital"]),
        "digital_core_real_yoy": yoy_growth(digital_real, lag=1),
        "rest_real_yoy": yoy_growth(annual_sum(paths["rest_real"]), lag=1),
        "deflator_yoy": yoy_growth(gdp / gdp_real, lag=1),
        "revenue": revenue,
        "revenue_yoy": yoy_growth(revenue, lag=1),
        "tax_revenue": annual_sum(paths["tax_revenue"]),
        "nontax_revenue": annual_sum(paths["nontax_revenue"]),
        **{f"revenue_{c}": annual_sum(paths[f"revenue_{c}"]) for c in TAXES},
        "retail": annual_sum(paths["retail"]),
        "retail_yoy": yoy_growth(annual_sum(paths["retail"]), lag=1),
    }
    base = lagged(gdp_real, 1)
    for name in LEVERS:
        if f"{name}_gdp_real" not in paths:
            continue
        effect = annual_sum(paths[f"{name}_gdp_real"])
        out[f"{name}_injection"] = annual_sum(paths[f"{name}_injection"])
        out[f"{name}_gdp_real"] = effect
        out[f"{name}_gdp_real_yoy_pp"] = 100.0 * (effect - lagged(effect, 1)) / base
        out[f"{name}_revenue_direct"] = annual_sum(paths[f"{name}_revenue_direct"])
        out[f"{name}_cost"] = annual_sum(paths[f"{name}_cost"])
    return out


COLUMNS: dict[str, tuple[str, str]] = {
    "gdp": ("亿元", "GDP in the quarter, current prices"),
    "gdp_ytd": ("亿元", "GDP year to date, current prices (the published cumulative level)"),
    "gdp_yoy_ytd": ("%", "Nominal GDP growth year to date"),
    "gdp_real": ("亿元, 2019 prices", "Real GDP in the quarter"),
    "gdp_real_yoy": ("%", "Real GDP growth in the quarter, year on year"),
    "gdp_real_yoy_ytd": ("%", "Real GDP growth year to date ('at comparable prices', as published)"),
    "trend_real": ("亿元, 2019 prices", "Trend real GDP: no COVID, no policy"),
    "digital_core": ("亿元", "Digital-economy core value added, current prices"),
    "digital_core_real": ("亿元, 2019 prices", "Digital-economy core value added, real"),
    "digital_core_real_yoy": ("%", "Digital-economy core real growth in the quarter"),
    "digital_core_real_yoy_ytd": ("%", "Digital-economy core real growth year to date"),
    "rest_real_yoy_ytd": ("%", "Real growth year to date of the economy outside the digital core"),
    "deflator": ("2019 = 1", "GDP deflator"),
    "deflator_yoy": ("%", "GDP deflator inflation, year on year"),
    "gap_digital": ("% of trend", "Output gap of the digital core (output lost against trend)"),
    "gap_rest": ("% of trend", "Output gap of the rest of the economy"),
    "revenue": ("亿元", "General public budget revenue in the quarter"),
    "revenue_ytd": ("亿元", "General public budget revenue year to date (the published level)"),
    "revenue_yoy": ("%", "Budget revenue growth in the quarter, year on year"),
    "revenue_yoy_ytd": ("%", "Budget revenue growth year to date (as published)"),
    "tax_revenue": ("亿元", "Tax revenue, after the relief's direct effect"),
    "nontax_revenue": ("亿元", "Non-tax revenue, including the revenue residual"),
    "revenue_vat": ("亿元", "VAT (local share) in the quarter, after relief"),
    "revenue_cit": ("亿元", "Corporate income tax (local share) in the quarter, after relief and deferrals"),
    "revenue_pit": ("亿元", "Personal income tax (local share) in the quarter"),
    "revenue_property": ("亿元", "Property- and land-related taxes in the quarter, after relief"),
    "revenue_other_tax": ("亿元", "Other taxes in the quarter"),
    "revenue_vat_ytd": ("亿元", "VAT year to date"),
    "revenue_cit_ytd": ("亿元", "Corporate income tax year to date"),
    "revenue_pit_ytd": ("亿元", "Personal income tax year to date"),
    "revenue_property_ytd": ("亿元", "Property- and land-related taxes year to date"),
    "revenue_other_tax_ytd": ("亿元", "Other taxes year to date"),
    "retail": ("亿元", "Retail sales of consumer goods in the quarter, current prices"),
    "retail_ytd": ("亿元", "Retail sales of consumer goods year to date (the published level)"),
    "retail_yoy_ytd": ("%", "Retail sales growth year to date, nominal (as published)"),
    "<lever>_injection": ("亿元", "The lever's amount: relief granted, project spending, voucher money"),
    "<lever>_gdp_real": ("亿元, 2019 prices", "Real value added the lever adds in the quarter"),
    "<lever>_gdp_real_yoy_ytd_pp": ("pp", "The lever's contribution to real GDP growth year to date (the change in its value added over last year's GDP)"),
    "<lever>_revenue_direct": ("亿元", "The lever's direct effect on budget revenue (relief forgone, deferrals returning)"),
    "<lever>_cost": ("亿元", "The lever's net fiscal cost to the general public budget"),
}
"""Every quarterly output column: unit and meaning (``<lever>`` is a lever name)."""

ANNUAL_COLUMNS: dict[str, tuple[str, str]] = {
    "gdp": ("亿元", "GDP, current prices"),
    "gdp_yoy": ("%", "Nominal GDP growth"),
    "gdp_real": ("亿元, 2019 prices", "Real GDP"),
    "gdp_real_yoy": ("%", "Real GDP growth"),
    "digital_core": ("亿元", "Digital-economy core value added, current prices"),
    "digital_core_real_yoy": ("%", "Digital-economy core real growth"),
    "rest_real_yoy": ("%", "Real growth of the economy outside the digital core"),
    "deflator_yoy": ("%", "GDP deflator inflation"),
    "revenue": ("亿元", "General public budget revenue"),
    "revenue_yoy": ("%", "Budget revenue growth"),
    "tax_revenue": ("亿元", "Tax revenue"),
    "nontax_revenue": ("亿元", "Non-tax revenue"),
    "revenue_vat": ("亿元", "VAT (local share)"),
    "revenue_cit": ("亿元", "Corporate income tax (local share)"),
    "revenue_pit": ("亿元", "Personal income tax (local share)"),
    "revenue_property": ("亿元", "Property- and land-related taxes"),
    "revenue_other_tax": ("亿元", "Other taxes"),
    "retail": ("亿元", "Retail sales of consumer goods, current prices"),
    "retail_yoy": ("%", "Retail sales growth, nominal"),
    "<lever>_injection": ("亿元", "The lever's amount in the year"),
    "<lever>_gdp_real": ("亿元, 2019 prices", "Real value added the lever adds"),
    "<lever>_gdp_real_yoy_pp": ("pp", "The lever's contribution to real GDP growth (the change in its value added over last year's GDP)"),
    "<lever>_revenue_direct": ("亿元", "The lever's direct effect on budget revenue"),
    "<lever>_cost": ("亿元", "The lever's net fiscal cost to the general public budget"),
}
"""Every annual output column: unit and meaning."""


def names(*, annual: bool) -> tuple[str, ...]:
    """Every indicator a run reports, quarterly (and YTD) or calendar-year, with lever names filled in."""
    out: list[str] = []
    for col in ANNUAL_COLUMNS if annual else COLUMNS:
        out += [col.replace("<lever>", n) for n in LEVERS] if col.startswith("<lever>") else [col]
    return tuple(out)


def _doc(variable: str, *, annual: bool) -> tuple[str, str]:
    cols = ANNUAL_COLUMNS if annual else COLUMNS
    lever = next((n for n in LEVERS if variable.startswith(n + "_")), None)
    return cols.get(variable.replace(lever, "<lever>", 1) if lever else variable, ("", variable))


def split_at(text: str) -> tuple[str, str]:
    """``VARIABLE@PERIOD`` as ``(variable, period)``, the period normalised (``2020Q4`` or ``2020``).

    Raises
    ------
    ValueError
        If there is no ``@``, no variable, or a period that is neither a quarter nor a year.
    """
    variable, at, period = str(text).partition("@")
    if not (at and variable.strip() and period.strip()):
        raise ValueError(f"expected VARIABLE@PERIOD, got {text!r}")
    p = period.strip().upper()
    if not (len(p) == 4 and p.isdigit()):
        try:
            p = str(parse_period(p))
        except ValueError:
            raise ValueError(f"expected a quarter like 2020Q4 or a year like 2020, got {period.strip()!r}") from None
    return variable.strip(), p


HEADLINE = ("gdp", "gdp_real_yoy", "digital_core_real_yoy", "revenue", "revenue_yoy")
"""Annual indicators in a run's headline table (:meth:`Results.headline`)."""
HEADLINE_ROWS = (
    ("gdp_real_yoy", "real GDP growth", "%"),
    ("revenue_yoy", "budget revenue growth", "%"),
    ("gdp", "GDP", "亿元"),
    ("revenue", "budget revenue", "亿元"),
)
"""Calendar-year headline figures of a fan and of a comparison, with their labels and units, in
reporting order (:meth:`Draws.headline`, :meth:`Comparison.headline`)."""


def is_year(period: str | int) -> bool:
    """Whether ``period`` names a calendar year (``2020``) rather than a quarter (``2020Q4``)."""
    return "Q" not in str(period).upper()


@dataclass(frozen=True)
class At:
    """An indicator at a period, ``variable@period``: a quarter (``2020Q4``) for the quarterly and
    year-to-date indicators of ``quarterly.csv``, a year (``2020``) for those of ``annual.csv``.
    Goal-seek targets and the events whose probabilities are reported both build on it."""

    variable: str
    period: str

    @property
    def annual(self) -> bool:
        return is_year(self.period)

    def column(self, span: Span) -> int:
        """Position of :attr:`period` along the period axis: of ``annual`` arrays (one column a
        year from ``span.first_year``) for a year, of ``quarterly`` arrays over ``span`` for a quarter."""
        return int(self.period) - span.first_year if self.annual else span.index(self.period)

    def lookup(self, quarterly: Mapping[str, np.ndarray], annual: Mapping[str, np.ndarray], span: Span) -> np.ndarray:
        """The one ``variable@period`` look-up: every row's value, ``(n,)``, from the arrays of
        :func:`quarterly` and :func:`annual` over ``span``."""
        source = annual if self.annual else quarterly
        return source[self.variable][:, self.column(span)]

    @property
    def at(self) -> str:
        return f"{self.variable}@{self.period}"

    @property
    def unit(self) -> str:
        """The indicator's unit (``%``, ``亿元``, ...), without the price basis."""
        return _doc(self.variable, annual=self.annual)[0].split(",")[0]

    def describe(self) -> str:
        """In words, e.g. ``Real GDP growth in 2020``."""
        return f"{_doc(self.variable, annual=self.annual)[1]} in {self.period}"

    def check(self, *, first: pd.Period, last: pd.Period) -> None:
        """Check the variable against the reported indicators and the period against ``first`` to
        ``last`` (quarters; for a year, from ``first``'s year to the last complete year).

        Raises
        ------
        ValueError
            With the message a user should see: a close name or the other frequency as a hint.
        """
        kind = "calendar-year" if self.annual else "quarterly"
        if self.variable not in names(annual=self.annual):
            if self.variable in names(annual=not self.annual):
                hint = f"it is a {'quarterly' if self.annual else 'calendar-year'} variable: give a " + (
                    "quarter like 2020Q4" if self.annual else "year like 2020")
            else:
                near = get_close_matches(self.variable, names(annual=self.annual), n=1)
                hint = f"did you mean {near[0]!r}?" if near else "see the columns of quarterly.csv and annual.csv"
            raise ValueError(f"unknown {kind} variable {self.variable!r}; {hint}")
        if self.annual:
            y0, y1 = first.year, last_complete_year(last)
            if not y0 <= int(self.period) <= y1:
                span = f"{y0} to {y1}" if y0 <= y1 else "none"
                raise ValueError(f"year {self.period} is outside the complete years {span}")
        elif not first <= parse_period(self.period) <= last:
            raise ValueError(f"quarter {self.period} is outside {first} to the horizon {last}")
