"""The model's one parameter registry, collected from the blocks and levers with the data they need.

Blocks and levers declare their parameters; where a default or a prior centre comes from the data
(the 2018 GDP profile, the trend regression, Zhejiang's H1 2020 deflator), it is derived here and
handed to the block's ``parameters(...)`` as an argument, so that no block reads data.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from model.core.blocks import base_year, prices, property, retail, revenue, shock, trend
from model.core.levers import LEVER_TYPES
from model.core.parameters import Parameter, ParameterSet, Registry
from model.inputs.base import gdp_profile_2018
from model.inputs.data import Data, load_data
from model.inputs.estimates import TrendEstimate, trend_estimate

__all__ = ["collect", "default_params", "registry", "zhejiang_deflator_h1"]


def zhejiang_deflator_h1(data: Data) -> float:
    """Zhejiang's implied H1 2020 GDP deflator inflation, %: nominal over real growth, minus one."""
    nominal = data.get("gdp", "2020Q2", region="zhejiang") / data.get("gdp", "2019Q2", region="zhejiang")
    real = 1.0 + data.get("gdp_real_yoy", "2020Q2", region="zhejiang") / 100.0
    return 100.0 * (nominal / real - 1.0)


def collect(data: Data, est: TrendEstimate) -> Iterator[Parameter]:
    """Every parameter, in the order the blocks run and then the levers' (:data:`LEVER_TYPES`)."""
    h1, q1q3 = gdp_profile_2018(data)
    yield from base_year.parameters(h1, q1q3)
    yield from trend.parameters([est.params[k] for k in trend.JOINT], est.se, est.nobs)
    yield from shock.parameters(est.resid_sd)
    yield from prices.parameters(zhejiang_deflator_h1(data))
    yield from property.parameters()
    yield from revenue.parameters()
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
