"""The model's one parameter registry, collected from the blocks and levers with the data they need.

Blocks and levers declare their parameters; where a default or a prior centre comes from the data
(the 2018 GDP profile, the trend regression, Zhejiang's H1 2020 deflator), it is derived here and
handed to the block's ``parameters(...)`` as an argument, so that no block reads data.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import numpy as np

from model.core.blocks import base_year, prices, property, retail, revenue, shock, trend
from model.core.levers import LEVER_TYPES
from model.core.parameters import Parameter, ParameterSet, Registry
from model.inputs.base import gdp_profile_2018
from model.inputs.data import Data, load_data
from model.inputs.estimates import TrendEstimate, trend_estimate
from model.inputs.record import load_record
from model.inputs.releases import load_releases
from model.inputs.revenue_shock import fit_revenue_shock
from model.inputs.run_trend import RUN_AS_OF, TREND_ESTIMATOR, run_trend
from model.inputs.trend_estimators import TrendFit

__all__ = ["collect", "fan_scale", "revenue_shock_scale", "total_trend", "default_params", "registry", "zhejiang_deflator_h1"]


def zhejiang_deflator_h1(data: Data) -> float:
    """Zhejiang's implied H1 2020 GDP deflator inflation, %: nominal over real growth, minus one."""
    nominal = data.get("gdp", "2020Q2", region="zhejiang") / data.get("gdp", "2019Q2", region="zhejiang")
    real = 1.0 + data.get("gdp_real_yoy", "2020Q2", region="zhejiang") / 100.0
    return 100.0 * (nominal / real - 1.0)


def total_trend(fit: TrendFit) -> tuple[float, float, float, float]:
    """``trend_growth_2020``, ``trend_drift`` and their sds from a trend fit for 2020 and 2021: the
    drift is the change from 2020 to 2021, its sd that of the 2021 trend beyond the 2020 one's."""
    drift_sd = float(np.sqrt(max(fit.se[1] ** 2 - fit.se[0] ** 2, 0.0)))
    return fit.mean[0], fit.mean[1] - fit.mean[0], fit.se[0], max(drift_sd, 0.01)


def fan_scale(method: str = TREND_ESTIMATOR) -> tuple[float, float, str] | None:
    """Innovation sd (% of trend a quarter), AR coefficient and source of the forecast-error process
    of ``method`` as the backtest calibrated it (``data/track_record.json``), or ``None`` without a record."""
    s = (load_record() or {}).get("scales", {}).get(f"{method}/gdp_real_growth")
    if s is None:
        return None
    return (float(s["sigma"]), float(s["ar"]),
            f"estimated: backtest of the {method} method, pre-2020 (data/track_record.json): the grid point "
            f"(innovation sd {s['sigma']:g}% of trend, AR {s['ar']:g}) whose 90% bands cover 80-97% of "
            "outturns this year and next, at the lowest mean CRPS")


def revenue_shock_scale() -> tuple[float, str]:
    """Annual-growth sd (pp) of revenue's own forecast shock and its source: the estimate of
    :func:`model.inputs.revenue_shock.fit_revenue_shock` on every year before 2020 published by 2020Q2."""
    fit = fit_revenue_shock(load_releases(as_of=RUN_AS_OF), 2020)
    if fit is None:
        return 0.0, "assumption: too few releases to estimate it"
    return fit.sd, f"estimated: {fit.describe()}"


def collect(data: Data, est: TrendEstimate, fit: TrendFit | None = None) -> Iterator[Parameter]:
    """Every parameter, in the order the blocks run and then the levers' (:data:`LEVER_TYPES`).

    The total trend comes from ``fit`` (default: :func:`model.inputs.run_trend.run_trend` with the
    chosen estimator :data:`~model.inputs.run_trend.TREND_ESTIMATOR`), the digital core's from the
    pooled regression ``est``.
    """
    h1, q1q3 = gdp_profile_2018(data)
    yield from base_year.parameters(h1, q1q3)
    fit = fit or run_trend(TREND_ESTIMATOR)
    a, b, sa, sb = total_trend(fit)
    src = (f"estimated: trend estimator {fit.estimator!r} on Hangzhou's 2008-2019 full-year growth as of "
           "2020Q2 (unpooled; chosen by the backtest record, model.inputs.run_trend)")
    yield from trend.parameters([a, b, est.params["trend_growth_digital"]], [sa, sb, est.se[2]], est.nobs, src)
    yield from shock.parameters(est.resid_sd, fan_scale())
    yield from prices.parameters(zhejiang_deflator_h1(data))
    yield from property.parameters()
    yield from revenue.parameters(revenue_shock_scale())
    yield from retail.parameters()
    for lever in LEVER_TYPES:
        yield from lever.parameters


@cache
def registry() -> Registry:
    """The model's one parameter registry (built once from the project's data)."""
    return Registry(tuple(collect(load_data(), trend_estimate())))


@cache
def default_params() -> ParameterSet:
    """Every parameter at its default value (before calibration)."""
    reg = registry()
    return ParameterSet(reg, tuple(float(p.value) for p in reg))
