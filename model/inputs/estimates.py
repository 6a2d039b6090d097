"""The trend regression: pooled OLS of annual real growth on 2012-2019 data.

The coefficients, their covariance and the residual sd are computed with numpy exactly as
statsmodels' ``OLS(...).fit()`` computes them (its ``pinv`` method: the SVD pseudo-inverse with
``rcond = 1e-15``), bit for bit (``tests/test_estimates.py``), because importing statsmodels costs
most of a second and every run needs the estimate.  statsmodels is imported only for the
regression table (:attr:`TrendEstimate.summary`).

The equation is in :mod:`model.core.blocks.trend`, whose parameters take the estimates as
arguments; the fit lives here, beside the data it reads, so that no block reads data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
import pandas as pd

from model.core.blocks.trend import JOINT
from model.inputs.data import Data, load_data

__all__ = ["TrendEstimate", "fit_trend", "trend_estimate"]


@dataclass(frozen=True)
class TrendEstimate:
    """The trend regression: coefficients (%, named as in :data:`JOINT`), covariance, residual sd."""

    params: pd.Series
    cov: pd.DataFrame
    resid_sd: float
    nobs: int
    sample: pd.DataFrame
    exog: pd.DataFrame

    @cached_property
    def summary(self) -> str:
        """statsmodels' regression table of the fit (statsmodels imported here, on first use)."""
        from statsmodels.regression.linear_model import OLS

        fit = OLS(self.sample.growth.to_numpy(), self.exog).fit()
        return str(fit.summary(title="Trend growth, pooled OLS, 2012-2019"))

    @property
    def se(self) -> np.ndarray:
        """Standard errors of the coefficients, in the order of :data:`JOINT`."""
        return np.sqrt(np.diag(self.cov.loc[list(JOINT), list(JOINT)]))


def fit_trend(data: Data) -> TrendEstimate:
    """Fit the pooled trend regression on ``data`` (2012-2019)."""
    total = data.latest_ytd_by_year("gdp_real_yoy").loc[2012:2019]
    digital = data.latest_ytd_by_year("digital_core_real_yoy").loc[2012:2019]
    sample = pd.DataFrame(
        {
            "series": ["total"] * len(total) + ["digital"] * len(digital),
            "year": np.r_[total.index, digital.index],
            "growth": np.r_[total.to_numpy(), digital.to_numpy()],
        }
    )
    is_total = (sample.series == "total").to_numpy(dtype=float)
    exog = pd.DataFrame(
        {
            JOINT[0]: is_total,
            JOINT[1]: is_total * (sample.year.to_numpy() - 2020),
            JOINT[2]: 1.0 - is_total,
        }
    )
    params, cov, scale = _ols(exog.to_numpy(), sample.growth.to_numpy())
    names = list(exog.columns)
    return TrendEstimate(
        params=pd.Series(params, index=names),
        cov=pd.DataFrame(cov, index=names, columns=names),
        resid_sd=float(np.sqrt(scale)),
        nobs=len(sample),
        sample=sample,
        exog=exog,
    )


def _ols(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Coefficients, covariance and ``scale`` (residual variance) of OLS, computed with the same
    operations as statsmodels' ``OLS(y, x).fit(method="pinv")`` (``pinv_extended``)."""
    u, s, vt = np.linalg.svd(x, False)
    rank = np.linalg.matrix_rank(np.diag(s))
    inv = np.where(s > 1e-15 * np.maximum.reduce(s), 1.0 / np.where(s > 0, s, 1.0), 0.0)
    pinv = np.dot(np.transpose(vt), np.multiply(inv[:, np.newaxis], np.transpose(u)))
    params = np.dot(pinv, y)
    resid = y - np.dot(x, params)
    scale = np.dot(resid, resid) / (x.shape[0] - rank)
    return params, np.dot(pinv, np.transpose(pinv)) * scale, float(scale)


@cache
def trend_estimate() -> TrendEstimate:
    """The trend regression on the project's ``data/observations.csv`` (fitted once)."""
    return fit_trend(load_data())
