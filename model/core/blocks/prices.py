"""Prices: the GDP deflator, which turns real value added into current prices.

The deflator is 1 in every quarter of 2019.  Its year-on-year inflation :math:`\\pi_q` is
:math:`\\pi_{H1}` in 2020Q1-Q2 (calibrated to the H1 nominal GDP level) and then returns towards a
long-run rate, :math:`\\pi_q = \\bar\\pi + (\\pi_{H1} - \\bar\\pi)\\,\\psi^{k}` for the
:math:`k`-th quarter after 2020Q2.  Levers do not move prices (no Phillips curve in a city model
whose prices are set nationally).  2018 nominal values are not needed and are NaN.
"""

from __future__ import annotations

import numpy as np

from model.core.calendar import CALENDAR, Calendar
from model.core.parameters import Parameter, Prior
from model.core.periods import Span

__all__ = ["deflator", "parameters"]


def parameters(zhejiang_h1: float) -> tuple[Parameter, ...]:
    """The block's parameters; ``zhejiang_h1`` is Zhejiang's implied H1 2020 deflator inflation (%),
    derived from the data by :func:`model.inputs.registry.zhejiang_deflator_h1`."""
    zj = round(zhejiang_h1, 2)
    return (
        Parameter(
            "deflator_h1", zj, "%", (-5.0, 10.0),
            source="calibrated to H1 2020 nominal GDP (7388 亿元); prior: Zhejiang's implied H1 2020 "
            f"deflator, (29087 / 28300) / 1.005 - 1 = {zj}% (data/observations.csv); it mixes vintages "
            "(the 2019 level predates the census revision that raised levels), so it leans high",
            description="GDP deflator inflation in 2020 H1, year on year", block="prices",
            prior=Prior("normal", zj, 1.0, "Zhejiang H1 2020; sd: assumption"), calibrated=True, per_draw=True,
            bounds_reason="assumption: -5 to 10% a year, a range wide enough for any deflator a mid-2020 forecaster considered for a Chinese city, which excludes only deflation or inflation of a scale not seen in the data; the calibration searches within them",
        ),
        Parameter(
            "deflator_long_run", 1.0, "%", (-3.0, 6.0),
            source="assumption: close to Hangzhou's 2013-2016 implied deflator (about 0%) and China's "
            "pre-2020 rates",
            description="Deflator inflation the H2 path returns to", block="prices",
            prior=Prior("normal", 1.0, 1.0),
            bounds_reason="assumption: -3 to 6% a year, four prior sds below and five above the centre (1%); excludes sustained deflation or high inflation",
        ),
        Parameter(
            "deflator_persistence", 0.5, "per quarter", (0.0, 0.95),
            source="assumption",
            description="Quarterly persistence of the H1 2020 deflator deviation", block="prices",
            prior=Prior("beta", 0.5, 0.15),
            bounds_reason="persistence per quarter from 0 to 0.95, below 1 so the deviation fades",
        ),
    )


def deflator(theta: dict[str, np.ndarray], span: Span, *, calendar: Calendar = CALENDAR) -> np.ndarray:
    """The GDP deflator, 2019 = 1, shape ``(n, T)``; NaN in 2018.

    :math:`k` counts quarters after ``calendar.last_observed``.
    """
    k = span.since(calendar.last_observed)[None, :]
    h1, lr, psi = theta["deflator_h1"], theta["deflator_long_run"], theta["deflator_persistence"]
    inflation = np.where(k <= 0, h1, lr + (h1 - lr) * psi ** np.maximum(k, 0)) / 100.0  # (n, T)
    by_year = (1.0 + inflation).reshape(inflation.shape[0], -1, 4)
    by_year[:, :2, :] = 1.0  # 2018 and 2019 are the base
    level = np.cumprod(by_year, axis=1).reshape(inflation.shape)
    level[:, :4] = np.nan
    return level
