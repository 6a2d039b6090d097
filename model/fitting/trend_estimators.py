"""The trend estimators, re-exported from :mod:`model.inputs.trend_estimators`.

They live in the inputs layer because the scenario model's registry takes its trend parameters
from the chosen estimator (:mod:`model.inputs.run_trend`).
"""

from model.inputs.trend_estimators import (
    ANCHOR_SD,
    ESTIMATORS,
    MIN_YEARS,
    TrendFit,
    combine_anchor,
    fit_trend,
)

__all__ = ["ANCHOR_SD", "ESTIMATORS", "MIN_YEARS", "TrendFit", "combine_anchor", "fit_trend"]
