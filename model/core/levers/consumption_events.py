"""``consumption_events``: promotion events with consumption vouchers (100 events in H2, interview).

Injection :math:`x_t`: government voucher money offered in quarter :math:`t`, 亿元: an explicit
``subsidy`` path plus ``events`` (a count per quarter) times ``subsidy_per_event``.

A share :math:`r` of vouchers is redeemed (70.2% in Hangzhou's first round), and each redeemed yuan
brings :math:`L` yuan of new spending (3.4-5.8 in the Hangzhou studies).  A share :math:`\\theta` of it
is pulled forward from the next quarter.  Retail spending is not value added: a share :math:`v` of
each incremental yuan is value added in the city (trade margins, local production, induced rounds):
:math:`\\Delta Y_t = v\\,(s_t - \\theta s_{t-1}) / P_t` with :math:`s_t = r L x_t`.
The fiscal cost is the redeemed subsidy, :math:`r x_t`, all on the city budget.  The lever is
measured in retail spending: it adds :math:`s_t - \theta s_{t-1}` (current prices) to retail sales.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field

from model.core.calendar import CALENDAR, Calendar
from model.core.lags import shift
from model.core.levers.base import Effect, Lever, LeverConfig, Path, path_array
from model.core.parameters import Parameter, Prior
from model.core.periods import Span


class ConsumptionEventsConfig(LeverConfig):
    """Scenario table ``[levers.consumption_events]``."""

    subsidy: Path = {}
    """Government voucher money offered per quarter, 亿元."""
    events: Path = {}
    """Promotion events per quarter (a count)."""
    subsidy_per_event: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)
    """Government voucher money per event, 亿元."""

    @classmethod
    def _not_scaled(cls) -> set[str]:
        # scaling the lever scales its money; the number of events is scaled only when named
        return {"events"}


class ConsumptionEvents(Lever):
    name = "consumption_events"
    title = "Consumption events and vouchers"
    config = ConsumptionEventsConfig
    history_field = "subsidy"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter(
            "voucher_redemption", 0.702, "share", (0.0, 1.0),
            source="PKU Guanghua/Ant study of Hangzhou's first round, 100k sample: 70.2% redeemed "
            "(crzb69.com/thought_leadership/info/1007/1967.htm)",
            description="Share of voucher money redeemed (and so paid by the budget)",
            block="consumption_events", prior=Prior("beta", 0.702, 0.05, "PKU Guanghua/Ant: 70.2%"),
            bounds_reason="a share: 0 to 1",
        ),
        Parameter(
            "voucher_leverage", 3.5, "ratio", (1.0, 8.0),
            source="PKU Guanghua/Ant round 1: 3.5 (124.6/35.1); Liu, Shen, Li & Chen (2021): 3.4-5.8; "
            "Xing et al. (2023): 3",
            description="New spending per yuan of redeemed subsidy",
            block="consumption_events",
            prior=Prior("normal", 3.5, 0.8, "Hangzhou estimates 3.4-5.8 (Liu et al. 2021); 3 (Xing et al. 2023)"),
            bounds_reason="at least 1 (every redeemed yuan is spent) to 8, above the highest Hangzhou estimate (5.8, Liu et al. 2021)",
        ),
        Parameter(
            "voucher_pull_forward", 0.2, "share", (0.0, 0.9),
            source="assumption, after Xing, Zou et al. (2023): part of voucher spending is pulled "
            "forward from later months",
            description="Share of new spending taken from the following quarter",
            block="consumption_events", prior=Prior("beta", 0.2, 0.1),
            bounds_reason="a share, capped at 0.9: if all new spending were pulled forward the vouchers would add nothing",
        ),
        Parameter(
            "consumption_va_share", 0.25, "share", (0.05, 0.8),
            source="assumption: trade and catering margins plus local production and induced rounds",
            description="Value added in the city per yuan of new retail spending",
            block="consumption_events", prior=Prior("beta", 0.25, 0.07),
            bounds_reason="assumption: 0.05 to 0.8; excludes retail spending that adds almost no value added in the city (at least the trade margin) or nearly all of its value",
        ),
        Parameter(
            "consumption_digital_share", 0.15, "share", (0.0, 1.0),
            source="assumption: vouchers were issued and redeemed through Alipay, part of the digital core",
            description="Share of the vouchers' value added that accrues to the digital-economy core",
            block="consumption_events", prior=Prior("beta", 0.15, 0.05),
            bounds_reason="a share: 0 to 1",
        ),
    )

    @classmethod
    def injection(cls, cfg: ConsumptionEventsConfig, span: Span) -> np.ndarray:
        return path_array(cfg.subsidy, span) + cfg.subsidy_per_event * path_array(cfg.events, span)

    @classmethod
    def transmit(
        cls, x: np.ndarray, theta: dict[str, np.ndarray], deflator: np.ndarray, span: Span | None = None, *,
        calendar: Calendar = CALENDAR,
    ) -> Effect:
        redeemed = theta["voucher_redemption"] * x
        spending = theta["voucher_leverage"] * redeemed
        net = spending - theta["voucher_pull_forward"] * shift(spending, 1)
        gdp = theta["consumption_va_share"] * net / deflator
        digital = theta["consumption_digital_share"] * gdp
        return Effect(digital, gdp - digital, np.zeros_like(gdp), np.broadcast_to(redeemed, gdp.shape),
                      np.broadcast_to(x, gdp.shape), retail=np.broadcast_to(net, gdp.shape))
