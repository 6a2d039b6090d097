"""Pseudo-real-time backtest of the method on China, Zhejiang and Hangzhou.

For every region and year whose full-year first release is in ``data/releases.csv`` (and
published by the backtest's as-of round), and for each intra-year release of that year (Q1, H1,
Q1-Q3), the method is run with only what had been published by that release:

1. **Trend.** An estimator (:mod:`model.inputs.trend_estimators`) on the full-year growth of the
   years before, latest vintage published by then.  A year without a full-year figure gets a
   stand-in: its latest cumulative release plus the mean change from that stage to the full year
   in the years with both (all regions, earlier years), with the sd of that change as its own
   uncertainty, carried into the trend's se through the estimator's sensitivity to the stand-in.
2. **Gap.** The gap to trend in quarter *k* of the year is ``d [(1 - pi) rho^k + pi phi^k]``, the
   scenario model's shape, with ``rho``, ``pi``, ``phi`` drawn from the scenario model's priors
   for the rest of the economy; ``d`` is re-calibrated in every draw so that the draw reproduces
   the release exactly (growth of the YTD sum against the year before, quarters of the year before
   equal: the seasonal profile moves real growth by less than 0.1 pp, REVIEW section 3.2).  Before
   2020 there is no COVID: the gap is whatever the release says relative to trend.
3. **Innovations.** An AR(1) gap from the quarter after the release on, innovation sd ``sigma``
   (% of trend) and coefficient ``ar``: the forecast-error process.  GDP's scale the backtest
   calibrates on the record (:mod:`model.analysis.track_record`); revenue's is estimated case by
   case from the releases before the case's year (:func:`revenue_sigmas`), no outturn it forecasts.

It forecasts the year's full-year growth and, where the next year's first release is held, the
next year's.  Everything is arithmetic on ``(draws, cases)`` arrays: no loop over draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from model.core.lags import lag_matrix
from model.inputs.regions import REGIONS
from model.inputs.releases import STAGES, Releases
from model.inputs.run_trend import anchor_for, trend_history, trend_of
from model.inputs.trend_estimators import ESTIMATORS, TrendFit

__all__ = ["METHODS", "VARIABLES", "Case", "benchmark_points", "build_cases", "cases_frame", "method_draws", "revenue_sigmas",
           "shape_draws", "trend_for"]

METHODS = (*ESTIMATORS, "anchored")
"""The method with each trend estimator (see :mod:`model.inputs.trend_estimators`)."""
VARIABLES = {"gdp_real_growth": "gdp_real_growth_ytd", "revenue_growth": "revenue_growth_ytd"}
"""Backtest variable to the releases indicator it forecasts."""
INTRA = ("Q1", "H1", "Q1-Q3")
@dataclass(frozen=True)
class Case:
    """One forecast: ``region``'s ``variable`` as of the ``stage`` release of ``year``."""

    region: str
    variable: str
    year: int
    stage: str
    ytd: float
    outturn: float
    outturn_next: float | None
    history: tuple[float | None, ...]
    standins: tuple[tuple[int, float], ...]
    last_year: float | None
    target: float | None
    anchor: float | None

    @property
    def quarter(self) -> int:
        return STAGES[self.stage]

    @property
    def as_of(self) -> str:
        return f"{self.year}Q{self.quarter}"


def _key(values: np.ndarray) -> tuple[float | None, ...]:
    """Values as a hashable tuple, ``None`` for a missing year (NaN never equals itself)."""
    return tuple(float(v) if np.isfinite(v) else None for v in values)


def build_cases(releases: Releases, variables: Sequence[str] = tuple(VARIABLES)) -> list[Case]:
    """Every (region, variable, year, intra-year stage) the releases allow, as of ``releases``' cut."""
    cases = []
    for variable in variables:
        ind = VARIABLES[variable]
        for region in REGIONS:
            fy = releases.series(region, ind, "FY")
            for year in fy.index:
                if year >= 2020:
                    continue
                for stage in INTRA:
                    ytd = releases.value(region, ind, f"{year}{stage}")
                    if ytd is None:
                        continue
                    rel = releases.as_of(f"{year}Q{STAGES[stage]}")
                    hist, standins = trend_history(rel, region, ind, year)
                    if not np.isfinite(hist).any():
                        continue
                    last = float(hist[-1]) if np.isfinite(hist[-1]) else None
                    target = rel.value(region, "target_growth", f"{year}FY") if ind == "gdp_real_growth_ytd" else None
                    anchor = anchor_for(rel, region, int(year)) if ind == "gdp_real_growth_ytd" else None
                    nxt = fy.get(year + 1)
                    cases.append(Case(region, variable, int(year), stage, float(ytd), float(fy[year]),
                                      None if nxt is None else float(nxt), _key(hist), tuple(standins),
                                      last, target, anchor))
    return cases


def trend_for(case: Case, method: str) -> TrendFit:
    """The trend of ``case`` under ``method``, its se widened by the stand-ins' own uncertainty."""
    return trend_of(method, np.asarray(case.history, dtype=float), case.standins, case.anchor)


def shape_draws(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draws of the gap shape (``rho``, ``pi``, ``phi``) from the scenario model's priors, ``(n,)`` each."""
    from model.inputs.registry import registry

    p = registry()
    out = {}
    for key, name in (("rho", "shock_rest_decay"), ("pi", "shock_rest_persistent"), ("phi", "shock_persistent_decay")):
        par = p[name]
        out[key] = par.prior.sample(rng, n, par.bounds)
    return out


def _rng(case: Case, seed: int) -> np.random.Generator:
    r = list(REGIONS).index(case.region)
    v = list(VARIABLES).index(case.variable)
    return np.random.default_rng([seed, r, v, case.year, case.quarter])


@lru_cache(maxsize=8)
def _random(cases: tuple[Case, ...], n: int, seed: int) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Standard-normal trend and innovation draws and gap-shape draws, per case (cached)."""
    m = len(cases)
    z = np.empty((m, n))
    e = np.empty((m, n, 8))
    shapes = {k: np.empty((m, n)) for k in ("rho", "pi", "phi")}
    for i, c in enumerate(cases):  # a loop over cases to seed their streams, not over draws
        rng = _rng(c, seed)
        z[i] = rng.standard_normal(n)
        e[i] = rng.standard_normal((n, 8))
        for k, v in shape_draws(n, rng).items():
            shapes[k][i] = v
    return z, e, shapes


def revenue_sigmas(cases: Sequence[Case], releases: Releases, *, gdp_annual_sd: float, ar: float) -> np.ndarray:
    """Innovation sd (% a quarter) of each revenue case's forecast error, NaN where it cannot be estimated.

    The scenario model's revenue moves with output at a buoyancy of about 1 and by its own shock; the
    backtest forecasts revenue growth alone, so its error process carries both: annual-growth sd
    :math:`\\sqrt{s^2 + s_Y^2}`, with :math:`s` revenue's own (:func:`model.inputs.revenue_shock.fit_revenue_shock`
    on the years before the case's, as published by its release) and :math:`s_Y` output's
    (``gdp_annual_sd``, the method's GDP scale), turned into an innovation sd at AR ``ar``
    (:func:`model.core.blocks.shock.innovation_sd`).
    """
    from model.core.blocks.shock import innovation_sd
    from model.inputs.revenue_shock import fit_revenue_shock

    out = np.full(len(cases), np.nan)
    for i, c in enumerate(cases):  # a loop over cases (one regression each), not over draws
        fit = fit_revenue_shock(releases.as_of(c.as_of), c.year)
        if fit is not None:
            out[i] = float(innovation_sd(np.hypot(fit.sd, gdp_annual_sd), ar))
    return out


def method_draws(
    cases: Sequence[Case], method: str, n: int, *, sigma: float | np.ndarray, ar: float, seed: int = 2020,
) -> tuple[np.ndarray, np.ndarray]:
    """Draws of full-year growth (this year, next year) for each case, ``(len(cases), n)`` each (%).

    Every draw re-calibrates the gap depth to the release.  Random numbers depend only on the
    case and ``seed``, so methods and scales are compared on the same draws.  ``sigma`` is one
    innovation sd for every case or one a case.
    """
    z, e, shapes = _random(tuple(cases), n, seed)
    fits = [trend_for(c, method) for c in cases]
    m1 = np.array([f.mean[0] for f in fits])[:, None]
    m2 = np.array([f.mean[1] for f in fits])[:, None]
    s1 = np.array([f.se[0] for f in fits])[:, None]
    s2 = np.array([f.se[1] for f in fits])[:, None]
    g1 = (m1 + s1 * z) / 100.0
    g2 = (m2 + s2 * z) / 100.0
    k = np.arange(8.0)
    h = (1 - shapes["pi"][..., None]) * shapes["rho"][..., None] ** k + shapes["pi"][..., None] * shapes["phi"][..., None] ** k
    q = np.array([c.quarter for c in cases])[:, None]
    ytd = np.array([c.ytd for c in cases])[:, None] / 100.0
    seen = k[None, None, :] < q[..., None]
    mean_h = (h * seen).sum(-1) / q
    d = (1.0 - (1.0 + ytd) / (1.0 + g1)) / mean_h  # exact re-calibration, every draw
    sig = np.asarray(sigma, dtype=float).reshape(-1, 1, 1) if np.ndim(sigma) else sigma
    u = (sig / 100.0 * e * ~seen) @ lag_matrix(ar ** np.arange(8))[None]  # AR(1) from the next quarter
    gap = d[..., None] * h + u
    lvl_y = 1.0 - gap[..., :4].mean(-1)
    lvl_n = 1.0 - gap[..., 4:].mean(-1)
    fy = 100.0 * ((1.0 + g1) * lvl_y - 1.0)
    nxt = 100.0 * ((1.0 + g2) * lvl_n / lvl_y - 1.0)
    return fy, nxt


def benchmark_points(cases: Sequence[Case]) -> dict[str, np.ndarray]:
    """Naive point forecasts of the full year: the YTD release carried forward, last year's growth,
    and the region's own target (NaN where the data hold none)."""
    return {
        "carry_forward": np.array([c.ytd for c in cases]),
        "last_year": np.array([np.nan if c.last_year is None else c.last_year for c in cases]),
        "target": np.array([np.nan if c.target is None else c.target for c in cases]),
    }


def cases_frame(cases: Sequence[Case]) -> pd.DataFrame:
    """One row a case: region, variable, year, stage, as_of, ytd, outturn, outturn_next."""
    return pd.DataFrame(
        {
            "region": [c.region for c in cases],
            "variable": [c.variable for c in cases],
            "year": [c.year for c in cases],
            "stage": [c.stage for c in cases],
            "as_of": [c.as_of for c in cases],
            "ytd": [c.ytd for c in cases],
            "outturn": [c.outturn for c in cases],
            "outturn_next": [np.nan if c.outturn_next is None else c.outturn_next for c in cases],
        }
    )
