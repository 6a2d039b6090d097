"""A calibrated quarterly policy-scenario model of the Hangzhou economy.

Links policy levers (tax and fee relief, major projects, consumption events) to quarterly paths of
GDP and general public budget revenue, calibrated to the published 2020 H1 figures and reported in
China's cumulative year-to-date convention.

>>> import model
>>> res = model.run("scenarios/h2_plan.toml")          # doctest: +SKIP
>>> res.annual[["gdp_real_yoy", "revenue_yoy"]]         # doctest: +SKIP
"""

from model.analysis.compare import compare
from model.analysis.goalseek import solve
from model.analysis.results import Results, run
from model.analysis.sensitivity import sobol
from model.analysis.uncertainty import simulate_draws
from model.core.errors import UserError
from model.core.parameters import ParameterSet
from model.core.version import __version__
from model.fitting.calibration import Calibration, calibrate
from model.inputs.registry import default_params
from model.inputs.scenario import Scenario, load_scenario

__all__ = [
    "Calibration",
    "ParameterSet",
    "Results",
    "Scenario",
    "UserError",
    "__version__",
    "calibrate",
    "compare",
    "default_params",
    "load_scenario",
    "run",
    "simulate_draws",
    "sobol",
    "solve",
]
