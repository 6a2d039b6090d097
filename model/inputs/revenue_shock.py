"""The size of revenue's own forecast shock, estimated from the releases published by a date.

Revenue moves with output, and beyond it.  The part beyond is what budget revenue's own forecast
shock stands for.  Its size is the residual sd of one pooled regression of full-year nominal budget
revenue growth on full-year real GDP growth (both first releases, ``data/releases.csv``), with an
intercept per region (China, Zhejiang, Hangzhou), on every year before ``year`` that holds both:

.. math:: g^R_{r,y} = \\alpha_r + \\beta\\, g^Y_{r,y} + \\varepsilon_{r,y}, \\qquad
    s = \\sqrt{\\textstyle\\sum \\hat\\varepsilon^2 / (n - k)}

:math:`\\beta` absorbs the part of revenue growth that goes with output (buoyancy and, since real
growth and inflation moved together in these years, prices); :math:`s` (pp of annual growth) is
what no output path explains.  The same rule serves the scenario model (as of 2020Q2, every year to
2019) and each backtest case (years before the case's own, as published by its release), so neither
sees an outturn it forecasts.  OLS by ``numpy.linalg.lstsq`` (the same estimate as statsmodels'
``OLS``; a run need not import statsmodels).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.inputs.releases import Releases

__all__ = ["MIN_OBS", "RevenueShockFit", "fit_revenue_shock"]

MIN_OBS = 8
"""Fewest region-years the regression needs (at least four more than its coefficients; assumption)."""
_REGIONS = ("china", "zhejiang", "hangzhou")


@dataclass(frozen=True)
class RevenueShockFit:
    """Residual sd ``sd`` (pp of annual revenue growth), slope ``beta`` on real growth, ``n``
    region-years, and the years used by region."""

    sd: float
    beta: float
    n: int
    years: dict[str, tuple[int, ...]]

    def describe(self) -> str:
        spans = "; ".join(f"{r} {_years(y)}" for r, y in self.years.items() if y)
        return (f"residual sd of full-year budget revenue growth on real GDP growth (pooled OLS, intercept by "
                f"region, first releases in data/releases.csv: {spans}; n = {self.n}, slope {self.beta:.2f})")


def _years(ys: tuple[int, ...]) -> str:
    return ", ".join(str(y) for y in ys)


def fit_revenue_shock(releases: Releases, year: int) -> RevenueShockFit | None:
    """The regression on the years before ``year`` in ``releases`` (cut at its own as-of), or ``None``
    with fewer than :data:`MIN_OBS` region-years."""
    rows, years = [], {}
    for i, region in enumerate(_REGIONS):
        rev = releases.series(region, "revenue_growth_ytd", "FY")
        gdp = releases.series(region, "gdp_real_growth_ytd", "FY")
        both = sorted(int(y) for y in set(rev.index) & set(gdp.index) if y < year)
        years[region] = tuple(both)
        rows += [(i, float(gdp[y]), float(rev[y])) for y in both]
    if len(rows) < MIN_OBS:
        return None
    r, g, y = (np.array(c) for c in zip(*rows, strict=True))
    present = sorted(set(r.tolist()))
    x = np.column_stack([(r == k).astype(float) for k in present] + [g])
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    dof = len(y) - x.shape[1]
    return RevenueShockFit(float(np.sqrt(resid @ resid / dof)), float(coef[-1]), len(y), years)
