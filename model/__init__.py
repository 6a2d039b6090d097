"""A calibrated quarterly policy-scenario model of the Hangzhou economy.

Links policy levers (tax and fee relief, major projects, consumption events) to quarterly paths of
GDP and general public budget revenue, calibrated to the published 2020 H1 figures and reported in
China's cumulative year-to-date convention.

>>> import model
>>> res = model.run("scenarios/h2_plan.toml")          # doctest: +SKIP
>>> res.annual[["gdp_real_yoy", "revenue_yoy"]]         # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from model.analysis.compare import compare
    from model.analysis.goalseek import solve
    from model.analysis.results import Results, run
    from model.analysis.sensitivity import sobol
    from model.analysis.uncertainty import simulate_draws
    from model.core.errors import UserError
    from model.core.parameters import ParameterSet
    from model.fitting.calibration import Calibration, calibrate
    from model.inputs.registry import default_params
    from model.inputs.scenario import Scenario, load_scenario

_LAZY = {
    "compare": "model.analysis.compare",
    "solve": "model.analysis.goalseek",
    "Results": "model.analysis.results",
    "run": "model.analysis.results",
    "sobol": "model.analysis.sensitivity",
    "simulate_draws": "model.analysis.uncertainty",
    "UserError": "model.core.errors",
    "ParameterSet": "model.core.parameters",
    "Calibration": "model.fitting.calibration",
    "calibrate": "model.fitting.calibration",
    "default_params": "model.inputs.registry",
    "Scenario": "model.inputs.scenario",
    "load_scenario": "model.inputs.scenario",
}
"""The public names and the modules they come from, imported on first use (PEP 562), so that
``python -m model --help`` and the light sub-commands do not pay for scipy, statsmodels and
matplotlib."""


def _version() -> str:
    from model.core.version import __version__

    return __version__


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _version()
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'model' has no attribute {name!r}")
    globals()[name] = value  # imported once
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY, "__version__"])


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
