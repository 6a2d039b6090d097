"""``tax_fee_relief``: 减税减费减租减息减支, tax, fee, rent and interest relief including deferrals.

Injection :math:`x_t`: relief granted in quarter :math:`t`, 亿元 (630 亿元 by mid-2020, interview).
The interview's figure is "累计兑现（包括减免缓缴）": it mixes four things that transmit differently,
so the relief is split by type :math:`j` with shares :math:`w_j` (an assumption with a range: the
split of the 630 亿元 was not published):

=================  =====================================  ==============  ========================
type               what it is                             multiplier      on the budget (GPBR)
=================  =====================================  ==============  ========================
exemptions         tax cut for good (small-taxpayer VAT,  ``relief_      ``relief_budget_share``
                   property and land-use tax for rent-    multiplier``    of it, split over VAT,
                   free landlords, ...)                                   property taxes and CIT
fees               social-insurance contributions and     ``relief_fee_  ``relief_fee_budget_
                   administrative fees                    multiplier``    share`` (non-tax)
rent and interest  transfers from state landlords and     ``relief_rent_  ``relief_rent_budget_
                   banks                                  multiplier``    share`` (non-tax)
deferrals          tax and contributions paid later       ``relief_       ``relief_deferral_
                   (a loan, repaid)                       deferral_       budget_share`` (CIT)
                                                          multiplier``
=================  =====================================  ==============  ========================

Deferrals granted in quarter :math:`s` are repaid in quarter :math:`\\max(s + L, t^*)`, :math:`L` =
``relief_deferral_lag`` and :math:`t^*` = 2020Q1 + ``relief_deferral_due`` quarters: the national
small-firm income-tax deferral of 2020 ran to the first filing period of 2021.  Firms' cash flow
from type :math:`j` is :math:`c_{j,t} = w_j x_t` (deferrals: :math:`w_d (x_t - x^{\\text{repaid}}_t)`), and
real value added follows each with its own multiplier over one geometric lag,
:math:`\\Delta Y_t = \\sum_j m_j \\sum_s (1-\\lambda)\\lambda^{t-s} c_{j,s} / P_s`.
The direct revenue effect of type :math:`j` is :math:`-\\beta_j c_{j,t}`; their sum is the lever's
net fiscal cost (repayments lower it).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from model.core.calendar import CALENDAR, Calendar
from model.core.lags import distributed_lag
from model.core.levers.base import Effect, Lever, LeverConfig, Path, path_array
from model.core.parameters import Parameter, Prior
from model.core.periods import Span

__all__ = ["TaxFeeRelief", "TaxFeeReliefConfig", "relief_shares", "repayment"]

_SPLIT = ("assumption (the split of the 630 亿元 was not published; social-insurance fees, rents and "
          "interest dominate it, REVIEW 3.4): ")


class TaxFeeReliefConfig(LeverConfig):
    """Scenario table ``[levers.tax_fee_relief]``."""

    amount: Path = {}
    """Relief granted per quarter including deferrals, 亿元 (split by type by the parameters)."""


def relief_shares(theta: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Shares of the relief by type, ``(n, 1)``: ``exempt`` is what fees, rents and deferrals leave.

    In a draw whose fee, rent and deferral shares add up to more than one, they are scaled down to
    sum to one and the exemptions' share is zero, so the four shares always add up to one.
    """
    named = {"fees": theta["relief_share_fees"], "rent": theta["relief_share_rent"],
             "deferral": theta["relief_deferral_share"]}
    total = sum(named.values())
    scale = 1.0 / np.maximum(total, 1.0)
    out = {k: v * scale for k, v in named.items()}
    return {"exempt": 1.0 - total * scale, **out}


def repayment(
    x: np.ndarray, lag: np.ndarray, due: np.ndarray, span: Span, *, calendar: Calendar = CALENDAR,
) -> np.ndarray:
    """Deferrals ``x`` (``(m, T)``) repaid in quarter ``max(s + lag, covid_start + due)`` (covid_start:
    2020Q1, from ``calendar``), zero beyond the span.

    ``lag`` and ``due`` are whole numbers of quarters, scalars or ``(n, 1)`` (one a row).  Each
    quarter's deferral is added to its repayment quarter with one ``bincount`` over all rows, so the
    cost is linear in the horizon (no ``(n, T, T)`` 0/1 matrix); deferrals due in the same quarter
    are summed in the order they were granted.
    """
    lag = np.asarray(lag).reshape(-1, 1).astype(int)
    due = np.asarray(due).reshape(-1, 1).astype(int)
    t = span.n
    s = np.arange(t)
    when = np.maximum(s[None, :] + lag, span.index(calendar.covid_start) + due)  # (r, T): repayment quarter of s
    rows = max(x.shape[0], when.shape[0])
    when = np.broadcast_to(when, (rows, t))
    flat = np.arange(rows)[:, None] * t + when
    inside = when < t  # repaid beyond the span: not in it
    out = np.bincount(flat[inside], weights=np.broadcast_to(x, (rows, t))[inside], minlength=rows * t)
    return out.reshape(rows, t)


class TaxFeeRelief(Lever):
    name = "tax_fee_relief"
    title = "Tax and fee relief"
    config = TaxFeeReliefConfig
    history_field = "amount"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter(
            "relief_share_fees", 0.40, "share", (0.0, 1.0),
            source=_SPLIT + "social-insurance contributions were the largest national 2020 measure; range 0.25-0.55",
            description="Share of relief that is social-insurance and administrative fees",
            block="tax_fee_relief", prior=Prior("beta", 0.40, 0.08),
            bounds_reason="a share: 0 to 1",
        ),
        Parameter(
            "relief_share_rent", 0.20, "share", (0.0, 1.0),
            source=_SPLIT + "rent waivers of state landlords and interest concessions of banks; range 0.1-0.3",
            description="Share of relief that is rent and interest concessions",
            block="tax_fee_relief", prior=Prior("beta", 0.20, 0.05),
            bounds_reason="a share: 0 to 1",
        ),
        Parameter(
            "relief_deferral_share", 0.20, "share", (0.0, 1.0),
            source=_SPLIT + "the 630 亿元 includes deferrals (减免缓缴, interview) of unpublished size; "
            "range 0.1-0.3. Tax exemptions are the rest (0.2)",
            description="Share of relief that is a deferral, paid back later",
            block="tax_fee_relief", prior=Prior("beta", 0.20, 0.06),
            bounds_reason="a share: 0 to 1",
        ),
        Parameter(
            "relief_multiplier", 0.3, "ratio", (0.0, 1.5),
            source="Batini, Eyraud & Weber (IMF WP/14/93): first-year multipliers 0-1, revenue "
            "measures below spending ones; Zhang & Xue (2020)",
            description="Real value added per 亿元 of tax exemptions, summed over its lag",
            block="tax_fee_relief",
            prior=Prior("normal", 0.3, 0.15, "IMF WP/14/93 first-year revenue multipliers 0-1"),
            bounds_reason="a multiplier: 0 (no effect) to 1.5, above the first-year range of 0-1 in IMF WP/14/93",
        ),
        Parameter(
            "relief_fee_multiplier", 0.25, "ratio", (0.0, 1.5),
            source="assumption after IMF WP/14/93: a cut in labour costs, partly saved by firms under stress",
            description="Real value added per 亿元 of fee relief, summed over its lag",
            block="tax_fee_relief", prior=Prior("normal", 0.25, 0.12),
            bounds_reason="a multiplier: 0 (no effect) to 1.5, above the first-year range of 0-1 in IMF WP/14/93",
        ),
        Parameter(
            "relief_rent_multiplier", 0.1, "ratio", (0.0, 1.0),
            source="assumption (REVIEW 3.4): rents and interest are transfers from state landlords and banks, "
            "near-zero net demand",
            description="Real value added per 亿元 of rent and interest relief, summed over its lag",
            block="tax_fee_relief", prior=Prior("normal", 0.1, 0.08),
            bounds_reason="a multiplier: 0 (no effect) to 1, the top of the first-year range in IMF WP/14/93, for transfers that are near-zero net demand",
        ),
        Parameter(
            "relief_deferral_multiplier", 0.05, "ratio", (0.0, 1.0),
            source="assumption (REVIEW 3.4): a deferral is a short loan, repaid; liquidity, not income",
            description="Real value added per 亿元 of net deferral (granted less repaid), summed over its lag",
            block="tax_fee_relief", prior=Prior("normal", 0.05, 0.05),
            bounds_reason="a multiplier: 0 (no effect) to 1, the top of the first-year range in IMF WP/14/93, for a short loan",
        ),
        Parameter(
            "relief_lag_decay", 0.5, "per quarter", (0.0, 0.95),
            source="assumption: half of the cash-flow effect in the quarter of relief",
            description="Geometric decay of the relief's effect on value added",
            block="tax_fee_relief", prior=Prior("beta", 0.5, 0.15),
            bounds_reason="decay per quarter from 0 to 0.95, below 1 so the effect fades",
        ),
        Parameter(
            "relief_budget_share", 0.45, "share", (0.0, 1.0),
            source="calibrated to H1 2020 revenue growth beside revenue_h1_residual; prior: the city keeps "
            "50% of VAT (2016 sharing rule) and 40% of income taxes, all of property taxes",
            description="Share of tax exemptions that lowers general public budget revenue",
            block="tax_fee_relief", prior=Prior("normal", 0.45, 0.15), calibrated=True,
            bounds_reason="a share: 0 to 1",
        ),
        Parameter(
            "relief_exempt_vat", 0.5, "share", (0.0, 1.0),
            source="assumption: small-taxpayer VAT (3% to 1%) was the main national exemption of 2020",
            description="Share of the exemptions' budget cost that falls on VAT",
            block="tax_fee_relief", prior=Prior("beta", 0.5, 0.1),
            bounds_reason="a share: 0 to 1",
        ),
        Parameter(
            "relief_exempt_property", 0.6, "share", (0.0, 1.0),
            source="assumption: property and urban land-use tax relief for landlords who waived rents "
            "(Zhejiang 2020); the rest of the non-VAT part falls on CIT",
            description="Share of the exemptions' non-VAT budget cost that falls on property-related taxes",
            block="tax_fee_relief", prior=Prior("beta", 0.6, 0.15),
            bounds_reason="a share: 0 to 1",
        ),
        Parameter(
            "relief_fee_budget_share", 0.05, "share", (0.0, 1.0),
            source="assumption: social-insurance contributions are outside the general public budget; "
            "administrative fees (non-tax revenue) are a small part",
            description="Share of fee relief that lowers general public budget (non-tax) revenue",
            block="tax_fee_relief", prior=Prior("beta", 0.05, 0.03),
            bounds_reason="a share: 0 to 1",
        ),
        Parameter(
            "relief_rent_budget_share", 0.02, "share", (0.0, 1.0),
            source="assumption: rents of state landlords and bank interest are mostly off-budget "
            "(SOE and bank income); a little state-asset income is non-tax revenue",
            description="Share of rent and interest relief that lowers general public budget (non-tax) revenue",
            block="tax_fee_relief", prior=Prior("beta", 0.02, 0.015),
            bounds_reason="a share: 0 to 1",
        ),
        Parameter(
            "relief_deferral_budget_share", 0.3, "share", (0.0, 1.0),
            source="assumption: tax deferrals are GPBR at the local shares (40-50%); part of the deferrals "
            "are social-insurance contributions (not GPBR)",
            description="Share of deferrals that lowers general public budget revenue until repaid",
            block="tax_fee_relief", prior=Prior("beta", 0.3, 0.1),
            bounds_reason="a share: 0 to 1",
        ),
        Parameter(
            "relief_deferral_lag", 2, "quarters", (1, 8),
            source="assumption: 2020 deferrals ran at least about six months",
            description="Least number of quarters until deferred payments fall due",
            block="tax_fee_relief", integer=True,
            bounds_reason="assumption: at least one quarter (a deferral of no quarter is none), at most 8 (two years)",
        ),
        Parameter(
            "relief_deferral_due", 4, "quarters after 2020Q1", (1, 12),
            source="SAT announcement 2020 No. 10 (May 2020): small firms' 2020 income tax deferred to the "
            "first filing period of 2021 (REVIEW 3.4): 2021Q1",
            description="Quarter (after 2020Q1) in which deferrals granted before it are repaid",
            block="tax_fee_relief", integer=True,
            bounds_reason="assumption: 1 (2020Q2) to 12 quarters after 2020Q1 (three years); a due date after 7 puts the repayment beyond 2021Q4, the last quarter of the default horizon",
        ),
        Parameter(
            "relief_digital_share", 0.25, "share", (0.0, 1.0),
            source="assumption: pro rata to the digital core's share of GDP (1/4 in 2019, interview)",
            description="Share of the relief's value added that accrues to the digital-economy core",
            block="tax_fee_relief", prior=Prior("beta", 0.25, 0.05),
            bounds_reason="a share: 0 to 1",
        ),
    )

    @classmethod
    def injection(cls, cfg: TaxFeeReliefConfig, span: Span) -> np.ndarray:
        return path_array(cfg.amount, span)

    @classmethod
    def transmit(
        cls, x: np.ndarray, theta: dict[str, np.ndarray], deflator: np.ndarray, span: Span | None = None, *,
        calendar: Calendar = CALENDAR,
    ) -> Effect:
        if span is None:
            raise ValueError("tax_fee_relief needs the span: deferrals are repaid on a date")
        w = relief_shares(theta)
        granted = w["deferral"] * x
        deferred = granted - repayment(granted, theta["relief_deferral_lag"], theta["relief_deferral_due"], span,
                                      calendar=calendar)
        cash = {"exempt": w["exempt"] * x, "fees": w["fees"] * x, "rent": w["rent"] * x, "deferral": deferred}
        mult = {"exempt": "relief_multiplier", "fees": "relief_fee_multiplier", "rent": "relief_rent_multiplier",
                "deferral": "relief_deferral_multiplier"}
        impulse = sum(theta[mult[j]] * cash[j] for j in cash)
        gdp = distributed_lag(impulse / deflator, theta["relief_lag_decay"])
        digital = theta["relief_digital_share"] * gdp
        exempt = theta["relief_budget_share"] * cash["exempt"]
        nontax = theta["relief_fee_budget_share"] * cash["fees"] + theta["relief_rent_budget_share"] * cash["rent"]
        not_vat = (1.0 - theta["relief_exempt_vat"]) * exempt
        parts = {
            "vat": -theta["relief_exempt_vat"] * exempt,
            "property": -theta["relief_exempt_property"] * not_vat,
            "cit": -(1.0 - theta["relief_exempt_property"]) * not_vat - theta["relief_deferral_budget_share"] * deferred,
            "nontax": -nontax,
        }
        shape = gdp.shape
        parts = {k: np.broadcast_to(v, shape) for k, v in parts.items()}
        total = sum(parts.values())
        return Effect(digital, gdp - digital, total, -total, np.broadcast_to(x, shape), revenue_parts=parts)
