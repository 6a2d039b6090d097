"""The trend regression: pooled OLS of annual real growth on 2012-2019 data (statsmodels).

The equation is in :mod:`model.core.blocks.trend`, whose parameters take the estimates as
arguments; the fit lives here, beside the data it reads, so that no block reads data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

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
    summary: str

    @property
    def se(self) -> np.ndarray:
        """Standard errors of the coefficients, in the order of :data:`JOINT`."""
        return np.sqrt(np.diag(self.cov.loc[list(JOINT), list(JOINT)]))


def fit_trend(data: Data) -> TrendEstimate:
    """Fit the pooled trend regression on ``data`` (2012-2019)."""
    from statsmodels.regression.linear_model import OLS

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
    fit = OLS(sample.growth.to_numpy(), exog).fit()
    return TrendEstimate(
        params=fit.params,
        cov=fit.cov_params(),
        resid_sd=float(np.sqrt(fit.scale)),
        nobs=int(fit.nobs),
        sample=sample,
        summary=str(fit.summary(title="Trend growth, pooled OLS, 2012-2019")),
    )


@cache
def trend_estimate() -> TrendEstimate:
    """The trend regression on the project's ``data/observations.csv`` (fitted once)."""
    return fit_trend(load_data())
