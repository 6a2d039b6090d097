"""``tax_fee_relief``: 减税减费减租减息减支, tax, fee, rent and interest relief including deferrals.

Injection :math:`x_t`: relief granted in quarter :math:`t`, 亿元 (630 亿元 by mid-2020, interview).

Transmission.  A share :math:`\\delta` is deferral and falls due :math:`k` quarters later, so firms'
net cash flow is :math:`c_t = x_t - \\delta x_{t-k}`.  Real value added follows cash flow with a
first-round multiplier :math:`m` spread over a geometric lag,
:math:`\\Delta Y_t = m \\sum_s (1-\\lambda)\\lambda^{t-s} c_s / P_s`.
Only a share :math:`\\beta` of the relief lands on the general public budget (much of it is social
insurance fees, rents of state-owned landlords and bank interest), so the direct revenue effect is
:math:`-\\beta c_t`, which is also the lever's net fiscal cost.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from model.core.lags import distributed_lag, shift
from model.core.levers.base import Effect, Lever, LeverConfig, Path, path_array
from model.core.parameters import Parameter, Prior
from model.core.periods import Span


class TaxFeeReliefConfig(LeverConfig):
    """Scenario table ``[levers.tax_fee_relief]``."""

    amount: Path = {}
    """Relief granted per quarter including deferrals, 亿元."""


class TaxFeeRelief(Lever):
    name = "tax_fee_relief"
    title = "Tax and fee relief"
    config = TaxFeeReliefConfig
    history_field = "amount"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter(
            "relief_multiplier", 0.3, "ratio", (0.0, 1.5),
            source="Batini, Eyraud & Weber (IMF WP/14/93): first-year multipliers 0-1, revenue "
            "measures below spending ones; Zhang & Xue (2020)",
            description="Real value added per 亿元 of net relief (cash flow), summed over its lag",
            block="tax_fee_relief",
            prior=Prior("normal", 0.3, 0.15, "IMF WP/14/93 first-year revenue multipliers 0-1"),
        ),
        Parameter(
            "relief_lag_decay", 0.5, "per quarter", (0.0, 0.95),
            source="assumption: half of the cash-flow effect in the quarter of relief",
            description="Geometric decay of the relief's effect on value added",
            block="tax_fee_relief", prior=Prior("beta", 0.5, 0.15),
        ),
        Parameter(
            "relief_budget_share", 0.10, "share", (0.0, 1.0),
            source="calibrated to H1 2020 revenue growth; prior: assumption (local general public "
            "budget revenue is about half of total fiscal revenue, 1825.06 of 3457.46 in 2018, and "
            "social-insurance fees, rents and interest dominate the 630 亿元)",
            description="Share of relief that lowers general public budget revenue",
            block="tax_fee_relief", prior=Prior("normal", 0.10, 0.06), calibrated=True,
        ),
        Parameter(
            "relief_deferral_share", 0.2, "share", (0.0, 1.0),
            source="assumption: the 630 亿元 includes deferrals (减免缓缴, interview) of unpublished size",
            description="Share of relief that is a deferral, paid back later",
            block="tax_fee_relief", prior=Prior("beta", 0.2, 0.1),
        ),
        Parameter(
            "relief_deferral_lag", 2, "quarters", (1, 8),
            source="assumption: 2020 tax deferrals ran about three months, fee deferrals to year-end",
            description="Quarters until deferred payments fall due",
            block="tax_fee_relief", integer=True,
        ),
        Parameter(
            "relief_digital_share", 0.25, "share", (0.0, 1.0),
            source="assumption: pro rata to the digital core's share of GDP (1/4 in 2019, interview)",
            description="Share of the relief's value added that accrues to the digital-economy core",
            block="tax_fee_relief", prior=Prior("beta", 0.25, 0.05),
        ),
    )

    @classmethod
    def injection(cls, cfg: TaxFeeReliefConfig, span: Span) -> np.ndarray:
        return path_array(cfg.amount, span)

    @classmethod
    def transmit(cls, x: np.ndarray, theta: dict[str, np.ndarray], deflator: np.ndarray) -> Effect:
        cash = x - theta["relief_deferral_share"] * shift(x, theta["relief_deferral_lag"])
        gdp = theta["relief_multiplier"] * distributed_lag(cash / deflator, theta["relief_lag_decay"])
        digital = theta["relief_digital_share"] * gdp
        budget = theta["relief_budget_share"] * cash
        return Effect(digital, gdp - digital, -budget, budget, np.broadcast_to(x, gdp.shape))
