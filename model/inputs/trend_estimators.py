"""Trend estimators for annual real growth, compared by the backtest (``python -m model backtest``).

Each estimator takes the full-year growth rates known at a release (years before the forecast
year, NaN where a year has no figure) and returns trend growth for the next two years with the
standard error of the trend itself (not of next year's outturn): parameter and state uncertainty,
without the year-to-year noise.

``ols_drift``
    OLS on a constant and a linear drift (statsmodels), as the scenario model's trend does today.
``llt``
    Local linear trend, state-space by maximum likelihood (statsmodels ``UnobservedComponents``).
``rw_drift``
    Random walk with drift, state-space (``UnobservedComponents``).
``damped``
    Additive damped-trend exponential smoothing (statsmodels ``ETSModel``; gaps interpolated).
``mean_recent``
    Mean of the last three years.
``anchored``
    ``llt`` combined by precision with a published anchor for the year (the national growth target
    plus the region's last premium over national growth), anchor sd 0.6 pp (REVIEW section 3.1
    suggests 0.6; assumption).

With fewer than :data:`MIN_YEARS` observed years every estimator falls back to ``mean_recent``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = ["ANCHOR_SD", "ESTIMATORS", "MIN_YEARS", "TrendFit", "combine_anchor", "fit_trend"]

MIN_YEARS = 5
"""Observed years below which every estimator is the recent mean (assumption: too few for a slope)."""
ANCHOR_SD = 0.6
"""sd (pp) of a published anchor as a prior on trend growth (REVIEW section 3.1: "sd about 0.6"; assumption)."""
_FALLBACK_SE = 1.0
"""se (pp) of a trend read off one or two years (assumption: about the normal-year residual sd)."""


@dataclass(frozen=True)
class TrendFit:
    """Trend growth (%) for the next year and the one after, and their standard errors (pp)."""

    mean: tuple[float, float]
    se: tuple[float, float]
    estimator: str


def _ols_drift(y: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    from statsmodels.regression.linear_model import OLS

    t = np.arange(y.size, dtype=float)
    ok = np.isfinite(y)
    x = np.column_stack([np.ones(ok.sum()), t[ok] - y.size])  # constant = trend in the next year
    fit = OLS(y[ok], x).fit()
    pred = fit.get_prediction(np.array([[1.0, 0.0], [1.0, 1.0]]))
    return tuple(pred.predicted_mean), tuple(pred.se_mean)  # type: ignore[return-value]


def _state_space(y: np.ndarray, level: str) -> tuple[tuple[float, float], tuple[float, float]]:
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    mod = UnobservedComponents(y, level=level)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mod.fit(disp=False, method="lbfgs", maxiter=200)
    a = res.predicted_state[:, -1]  # [level, slope] for the next year
    p = res.predicted_state_cov[:, :, -1]
    q = np.diag(res.filter_results.state_cov[:, :, -1]) if res.filter_results.state_cov.ndim == 3 else np.diag(res.filter_results.state_cov)
    m1, v1 = a[0], p[0, 0]
    m2 = a[0] + a[1]
    v2 = p[0, 0] + 2 * p[0, 1] + p[1, 1] + q.sum()
    return (float(m1), float(m2)), (float(np.sqrt(v1)), float(np.sqrt(v2)))


def _damped(y: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    t = np.arange(y.size)
    ok = np.isfinite(y)
    filled = pd.Series(np.interp(t, t[ok], y[ok]), index=pd.RangeIndex(y.size))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ETSModel(filled, error="add", trend="add", damped_trend=True).fit(disp=False)
        pred = res.get_prediction(start=y.size, end=y.size + 1)
    mean = np.asarray(pred.predicted_mean, dtype=float)
    var_obs = float(res.mse)
    # the trend's own variance: forecast variance less the one-year noise, at least that of a mean
    var = np.maximum(np.asarray(pred.forecast_variance, dtype=float) - var_obs, var_obs / ok.sum())
    se = np.sqrt(var)
    return (float(mean[0]), float(mean[1])), (float(se[0]), float(se[1]))


def _mean_recent(y: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    last = y[np.isfinite(y)][-3:]
    m = float(last.mean())
    se = float(last.std(ddof=1) / np.sqrt(last.size)) if last.size >= 3 else _FALLBACK_SE
    return (m, m), (se, se)


ESTIMATORS: dict[str, Callable[[np.ndarray], tuple[tuple[float, float], tuple[float, float]]]] = {
    "ols_drift": _ols_drift,
    "llt": lambda y: _state_space(y, "local linear trend"),
    "rw_drift": lambda y: _state_space(y, "random walk with drift"),
    "damped": _damped,
    "mean_recent": _mean_recent,
}


@lru_cache(maxsize=4096)
def _fit_cached(name: str, values: tuple[float | None, ...]) -> TrendFit:
    y = np.asarray(values, dtype=float)
    if np.isfinite(y).sum() < MIN_YEARS:
        mean, se = _mean_recent(y)
        return TrendFit(mean, se, "mean_recent")
    mean, se = ESTIMATORS[name](y)
    return TrendFit(mean, se, name)


def fit_trend(name: str, growth: np.ndarray) -> TrendFit:
    """Fit estimator ``name`` to annual growth ``growth`` (%, oldest first, NaN for a missing year).

    Results are cached on the values, so the backtest fits each history once.
    """
    if name not in ESTIMATORS:
        raise KeyError(f"unknown trend estimator {name!r}; expected one of {', '.join(ESTIMATORS)}")
    y = np.asarray(growth, dtype=float)
    return _fit_cached(name, tuple(float(v) if np.isfinite(v) else None for v in y))


def combine_anchor(fit: TrendFit, anchor: float | None, sd: float = ANCHOR_SD) -> TrendFit:
    """Precision-weighted combination of a trend fit with an anchor for the next year.

    The second year moves by the same amount as the first.  Without an anchor the fit is returned.
    """
    if anchor is None or not np.isfinite(anchor):
        return fit
    w = sd**2 / (sd**2 + fit.se[0] ** 2)  # weight on the statistical trend
    m1 = w * fit.mean[0] + (1 - w) * anchor
    shift = m1 - fit.mean[0]
    se1 = float(np.sqrt(w) * fit.se[0])
    se2 = float(np.sqrt(max(fit.se[1] ** 2 - fit.se[0] ** 2, 0.0) + se1**2))
    return TrendFit((float(m1), float(fit.mean[1] + shift)), (se1, se2), "anchored")
