"""Uncertainty, the public face: Monte Carlo runs, their draws, fans and probabilities.

The parts live one concept a module: :mod:`model.inputs.uncertainty_settings` (``[uncertainty]``
and the priors it gives), :mod:`model.inputs.thresholds` (events whose probability is reported),
:mod:`model.analysis.sampling` (draws of parameters and forecast shocks), :mod:`model.analysis.montecarlo`
(the re-calibrated Monte Carlo and paired draws; its docstring states the method) and
:mod:`model.analysis.draws` (the :class:`Draws` result and its fans).  This module re-exports them
under the names the documentation and notebooks use.
"""

from model.analysis.draws import FAN_ANNUAL, FAN_PERCENTILES, FAN_QUARTERLY, Draws, fan
from model.analysis.montecarlo import difference_fan, paired_draws, simulate_draws
from model.analysis.sampling import (
    SHOCK_START,
    JointTrend,
    draw_innovations,
    draw_parameters,
    forecast_gap,
)
from model.inputs.thresholds import (
    DEFAULT_THRESHOLDS,
    Threshold,
    check_threshold,
    parse_threshold,
    probability,
)
from model.inputs.uncertainty_settings import MAX_DRAWS, Origins, check_prior, check_priors, priors

__all__ = [
    "DEFAULT_THRESHOLDS",
    "FAN_ANNUAL",
    "FAN_PERCENTILES",
    "FAN_QUARTERLY",
    "MAX_DRAWS",
    "SHOCK_START",
    "Draws",
    "JointTrend",
    "Origins",
    "Threshold",
    "check_prior",
    "check_priors",
    "check_threshold",
    "difference_fan",
    "draw_innovations",
    "draw_parameters",
    "fan",
    "forecast_gap",
    "paired_draws",
    "parse_threshold",
    "priors",
    "probability",
    "simulate_draws",
]
