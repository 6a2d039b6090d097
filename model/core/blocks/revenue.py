"""General public budget revenue (一般公共预算收入).

Tax revenue follows current-price GDP with a buoyancy :math:`b`, non-tax revenue with an elasticity
:math:`e`, both against the same quarter of 2019:

.. math::

    R_q = R^{2019}_q \\left[\\tau \\left(\\frac{Y_q}{Y^{2019}_q}\\right)^{b}
        + (1-\\tau) \\left(\\frac{Y_q}{Y^{2019}_q}\\right)^{e} + u_q \\right]
        + \\sum_\\ell D_{\\ell,q}

where :math:`\\tau` is the 2019 tax share (91.1%), :math:`D_{\\ell,q}` the levers' direct effects
(relief forgone, deferred payments returning) and :math:`u_q` a revenue residual: what moved revenue
in 2020 besides GDP and relief (property-related taxes, non-tax collections), :math:`u` in 2020 H1
and :math:`u\\,\\psi^k` in the :math:`k`-th quarter after.  H1 revenue growth alone cannot separate
:math:`u` from the relief's budget share; their priors do.  Relief that raises GDP pays part of
itself back through the first two terms.  2018 revenue (needed only for 2019 growth) is 2019's over
2019 growth.
"""

from __future__ import annotations

import numpy as np

from model.core.blocks.base_year import Base
from model.core.calendar import CALENDAR, Calendar
from model.core.parameters import Parameter, Prior
from model.core.periods import Span

__all__ = ["parameters", "revenue"]


def parameters() -> tuple[Parameter, ...]:
    return (
        Parameter(
            "tax_buoyancy", 1.0, "elasticity", (0.2, 2.5),
            source="Dudine & Jalles (IMF WP/17/4): long-run buoyancy about 1; China 1994-2012 about 1.3 "
            "(tax growth 18.61% against nominal GDP 14.12%, Liu & Feng 2014), below 1 later",
            description="Elasticity of tax revenue to current-price GDP", block="revenue",
            prior=Prior("normal", 1.0, 0.2, "IMF WP/17/4 about 1; China 1994-2012 about 1.3"),
        ),
        Parameter(
            "nontax_elasticity", 1.0, "elasticity", (-1.0, 3.0),
            source="assumption: non-tax revenue (fees, fines, state-asset income) moves with GDP on average",
            description="Elasticity of non-tax revenue to current-price GDP", block="revenue",
            prior=Prior("normal", 1.0, 0.4),
        ),
        Parameter(
            "revenue_h1_residual", 0.0, "% of 2019 revenue", (-20.0, 20.0),
            source="calibrated to H1 2020 revenue growth beside relief_budget_share; prior: assumption "
            "(what the model leaves out: property-related taxes, non-tax collections)",
            description="Revenue residual in 2020 H1, percent of the same quarter's 2019 revenue",
            block="revenue", prior=Prior("normal", 0.0, 3.0), calibrated=True, per_draw=True,
        ),
        Parameter(
            "revenue_residual_persistence", 0.5, "per quarter", (0.0, 1.0),
            source="assumption",
            description="Quarterly persistence of the revenue residual after 2020 H1",
            block="revenue", prior=Prior("beta", 0.5, 0.2),
        ),
    )


def revenue(
    theta: dict[str, np.ndarray], b: Base, revenue_2019: np.ndarray, gdp: np.ndarray, direct: np.ndarray,
    span: Span, *, calendar: Calendar = CALENDAR,
) -> tuple[np.ndarray, np.ndarray]:
    """Tax and non-tax revenue, each ``(n, T)`` in 亿元.

    ``revenue_2019`` is ``(n, 4)``; ``gdp`` nominal GDP ``(n, T)`` from 2018 on; ``direct`` the sum of
    the levers' direct revenue effects, added to tax revenue; the residual is added to non-tax
    revenue.  The residual is :math:`u` from ``calendar.report_start`` through
    ``calendar.last_observed`` and decays after it.
    """
    n_years = gdp.shape[1] // 4
    gdp_2019 = gdp[:, 4:8]
    ratio = (gdp.reshape(gdp.shape[0], n_years, 4) / gdp_2019[:, None, :]).reshape(gdp.shape)
    base = np.tile(revenue_2019, (1, n_years))
    tax = b.tax_share_2019 * base * ratio ** theta["tax_buoyancy"]
    k = span.since(calendar.last_observed)[None, :]
    residual = np.where(
        span.since(calendar.report_start)[None, :] < 0, 0.0,
        theta["revenue_h1_residual"] * theta["revenue_residual_persistence"] ** np.maximum(k, 0),
    )
    nontax = (1.0 - b.tax_share_2019) * base * ratio ** theta["nontax_elasticity"] + base * residual / 100.0
    # 2018: 2019 over published 2019 growth
    tax[:, :4] = b.tax_share_2019 * revenue_2019 / (1.0 + b.revenue_growth_2019)
    nontax[:, :4] = (1.0 - b.tax_share_2019) * revenue_2019 / (1.0 + b.revenue_growth_2019)
    return tax + direct, nontax
