"""The trend regression computed with numpy equals statsmodels' OLS bit for bit (issue 13)."""

from __future__ import annotations

import numpy as np
from statsmodels.regression.linear_model import OLS

from model.inputs.estimates import trend_estimate


def test_numpy_ols_is_statsmodels_bit_for_bit() -> None:
    est = trend_estimate()
    fit = OLS(est.sample.growth.to_numpy(), est.exog).fit()
    assert np.array_equal(est.params.to_numpy(), fit.params.to_numpy())
    assert np.array_equal(est.cov.to_numpy(), fit.cov_params().to_numpy())
    assert est.resid_sd == float(np.sqrt(fit.scale))
    assert est.nobs == int(fit.nobs)
    assert list(est.params.index) == list(fit.params.index)
    assert "Trend growth, pooled OLS, 2012-2019" in est.summary
