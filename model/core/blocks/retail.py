"""Retail sales of consumer goods (社会消费品零售总额), an output the consumption lever is measured in.

.. math::

    S_q = S^{2019}_q \\left(\frac{Y_q}{Y^{2019}_q}\right)^{e} + \\sum_\\ell V_{\\ell,q}

:math:`S^{2019}_q` is 2019 retail sales (6215 亿元, +8.8%, data) spread over the quarters with the 2019
GDP profile (an assumption: Hangzhou publishes no quarterly retail sales in the data), :math:`Y`
current-price GDP, :math:`e` the elasticity of retail sales to it (``retail_elasticity``), and
:math:`V_\\ell` the retail spending a lever adds (the vouchers' new spending, net of pull-forward).
Like every published figure, retail sales are reported as a YTD level and YTD nominal growth.
2018 (needed for 2019 growth) is 2019 over its published growth.  Nothing feeds back into GDP:
retail spending is not value added, and the levers' value added is computed in the levers.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from model.core.parameters import Parameter, Prior

__all__ = ["parameters", "retail"]


def parameters() -> tuple[Parameter, ...]:
    return (
        Parameter(
            "retail_elasticity", 2.0, "elasticity", (0.0, 5.0),
            source="assumption from Zhejiang 2020Q1: retail sales -14.7% against real GDP -5.6% (facts file), "
            "an elasticity of about 3 in the shock; about 1 in normal years (Hangzhou 2019 retail +8.8%)",
            description="Elasticity of retail sales to current-price GDP", block="retail",
            prior=Prior("normal", 2.0, 0.8, "Zhejiang 2020Q1 (33en.cn): -14.7% against -5.6%"),
        ),
    )


def retail(
    theta: Mapping[str, np.ndarray], retail_2019: float, retail_growth_2019: float, gdp_2019_q: np.ndarray,
    gdp: np.ndarray, levers: np.ndarray,
) -> np.ndarray:
    """Retail sales by quarter, ``(n, T)`` in 亿元 at current prices.

    Parameters
    ----------
    theta : mapping
        Parameters as ``(n, 1)`` arrays.
    retail_2019, retail_growth_2019 : float
        2019 retail sales (亿元) and their growth (a fraction).
    gdp_2019_q : ndarray
        2019 nominal GDP by quarter, ``(n, 4)``: the profile of 2019 retail sales.
    gdp : ndarray
        Current-price GDP, ``(n, T)`` from 2018 on.
    levers : ndarray
        Retail spending the levers add, ``(n, T)`` or ``(1, T)``.
    """
    n_years = gdp.shape[1] // 4
    profile = gdp_2019_q / gdp_2019_q.sum(axis=1, keepdims=True)
    base = retail_2019 * profile
    ratio = (gdp.reshape(gdp.shape[0], n_years, 4) / gdp[:, None, 4:8]).reshape(gdp.shape)
    out = np.tile(base, (1, n_years)) * ratio ** theta["retail_elasticity"] + levers
    out[:, :4] = base / (1.0 + retail_growth_2019)
    return out
