r"""Retail sales of consumer goods (社会消费品零售总额), an output the consumption lever is measured in.

.. math::

    S_q = S^{2019}_q \frac{Y_q}{Y^{2019}_q} (1 - g_q)^{\kappa} + \sum_\ell V_{\ell,q}

:math:`S^{2019}_q` is 2019 retail sales (6215 亿元, +8.8%, data) spread over the quarters with the 2019
GDP profile (an assumption: Hangzhou publishes no quarterly retail sales in the data), :math:`Y`
current-price GDP, :math:`g_q` the output gap of the economy outside the digital core (a fraction of
trend; shops, restaurants and services are there), :math:`\kappa` the extra sensitivity of retail
sales to that gap (``retail_gap_elasticity``: in normal years retail sales grow with nominal GDP; in a
lockdown they fall by more), and
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
            "retail_gap_elasticity", 1.0, "elasticity", (0.0, 4.0),
            source="Zhejiang 2020Q1 (facts file, 33en.cn): retail sales -14.7% against real GDP -5.6%; with "
            "trend growth of about 6.5% (a gap of about 11%) and nominal GDP about -4%, retail fell "
            "about 11% more than nominal GDP: (1 - 0.11)^k = 0.89 gives k about 1; sd: assumption",
            description="Extra elasticity of retail sales to the output gap of the rest of the economy",
            block="retail", prior=Prior("normal", 1.0, 0.5, "Zhejiang 2020Q1 retail -14.7%, GDP -5.6%"),
            bounds_reason="0 (retail falls no more than nominal GDP) to 4, six prior sds above the estimate of about 1",
        ),
    )


def retail(
    theta: Mapping[str, np.ndarray], retail_2019: float, retail_growth_2019: float, gdp_2019_q: np.ndarray,
    gdp: np.ndarray, gap: np.ndarray, levers: np.ndarray,
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
    gap : ndarray
        Output gap of the rest of the economy, a fraction of trend, ``(n, T)``.
    levers : ndarray
        Retail spending the levers add, ``(n, T)`` or ``(1, T)``.
    """
    n_years = gdp.shape[1] // 4
    profile = gdp_2019_q / gdp_2019_q.sum(axis=1, keepdims=True)
    base = retail_2019 * profile
    ratio = (gdp.reshape(gdp.shape[0], n_years, 4) / gdp[:, None, 4:8]).reshape(gdp.shape)
    out = np.tile(base, (1, n_years)) * ratio * (1.0 - gap) ** theta["retail_gap_elasticity"] + levers
    out[:, :4] = base / (1.0 + retail_growth_2019)
    return out
