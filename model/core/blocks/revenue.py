"""General public budget revenue (一般公共预算收入) by tax type.

Each component :math:`c` of revenue follows its own base against the same quarter of 2019:

.. math::

    R_{c,q} = s_c\\,R^{2019}_q \\left(\\frac{B_{c,q}}{B^{2019}_{c,q}}\\right)^{b_c} \\kappa_{c,q}
        + D_{c,q}

where :math:`R^{2019}_q` is 2019 revenue in the same quarter, :math:`s_c` the component's share of
2019 revenue, :math:`B_c` its base and :math:`b_c` its buoyancy, and :math:`D_{c,q}` the levers'
direct effects on it (relief forgone, deferred tax paid back).  The components and their bases:

============  ========================================================  ===========================
component     base :math:`B_c`                                          buoyancy
============  ========================================================  ===========================
``vat``       current-price GDP (value added)                           ``tax_buoyancy``
``cit``       profits: current-price digital core and rest, weighted    ``cit_buoyancy``
              by ``cit_digital_weight`` (platform profits)
``pit``       wages: current-price GDP                                  ``pit_buoyancy``
``property``  housing and land transactions (``blocks.property``)         ``property_tax_elasticity``
``other_tax`` current-price GDP                                         ``tax_buoyancy``
``nontax``    current-price GDP, plus the revenue residual              ``nontax_elasticity``
============  ========================================================  ===========================

The tax shares :math:`s_c` split the 2019 tax share (91.1%, data) by parameters whose priors are
assumptions: Hangzhou's split by tax type is not in the data.  :math:`\\kappa_{c,q}` is the April-2019
VAT rate cut (16 to 13%, 10 to 9%): 2019Q1 was collected at the old rates, so every first quarter from
2020 on is lower by ``vat_cut_base_effect`` against the 2019Q1 base, and no other quarter is.  The
year-on-year growth of 2020Q1 carries the cut, that of 2021Q1 does not.

The revenue residual :math:`u` (what moved revenue in 2020 besides the bases, the base effect and
relief) is added to non-tax revenue, :math:`R^{2019}_q\\,u` in 2020 H1 and :math:`u\\,\\psi^k` in the
:math:`k`-th quarter after.  2018 revenue (needed only for 2019 growth) is 2019's over 2019 growth.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from model.core.blocks.base_year import Base
from model.core.blocks.property import property_index
from model.core.calendar import CALENDAR, Calendar
from model.core.parameters import Parameter, Prior
from model.core.periods import Span

__all__ = ["BASE_FLOOR", "COMPONENTS", "TAXES", "parameters", "revenue", "tax_shares"]

TAXES = ("vat", "cit", "pit", "property", "other_tax")
"""The tax components, in reporting order."""
COMPONENTS = (*TAXES, "nontax")
"""Every revenue component; the output columns are ``revenue_<component>``."""

_SPLIT = "assumption: Hangzhou's 2019 revenue by tax type is not in the data; "


BASE_FLOOR = 0.01
"""Least value of a tax base against the same quarter of 2019.

A base the model would make zero or negative collects as if it were 1% of its 2019 level: tax is
levied on positive profits, wages and transactions, and a base to a buoyancy power needs a positive
base.  It binds only on long horizons, in draws whose total trend falls (a negative drift) while the
digital core keeps its 15% trend, so that the rest's value added, and with it its profits, turns
negative (``tests/test_long_horizon.py``); never in the shipped scenarios' horizons."""


def parameters(shock: tuple[float, str] = (0.0, "assumption")) -> tuple[Parameter, ...]:
    """The block's parameters; ``shock`` is the annual-growth sd (pp) of revenue's own forecast shock
    and its source (:func:`model.inputs.revenue_shock.fit_revenue_shock`)."""
    shock_sd, shock_src = shock
    return (
        Parameter(
            "tax_buoyancy", 1.0, "elasticity", (0.2, 2.5),
            source="Dudine & Jalles (IMF WP/17/4): long-run buoyancy about 1; China 1994-2012 about 1.3 "
            "(tax growth 18.61% against nominal GDP 14.12%, Liu & Feng 2014), below 1 later; sd widened "
            "to 0.3 after Hangzhou's 0.84-1.43 in 2013-15 (facts file, REVIEW 3.5)",
            description="Elasticity of VAT and other taxes to current-price GDP", block="revenue",
            prior=Prior("normal", 1.0, 0.3, "IMF WP/17/4 about 1; Hangzhou 2013-15 0.84-1.43"),
            bounds_reason="assumption: 0.2 to 2.5, well above the highest estimate in the sources (China 1994-2012 about 1.3, Hangzhou 2013-15 up to 1.43) and five prior sds above the centre (1); excludes taxes that hardly move with GDP",
        ),
        Parameter(
            "cit_buoyancy", 1.3, "elasticity", (0.2, 3.0),
            source="assumption after REVIEW 3.5 (about 1.2 +- 0.4 in a rebound) and China 1994-2012 "
            "about 1.3 (Liu & Feng 2014): profits move more than value added",
            description="Elasticity of corporate income tax to its profit base", block="revenue",
            prior=Prior("normal", 1.3, 0.4, "REVIEW 3.5: 1.2 +- 0.4; Liu & Feng 2014: 1.3"),
            bounds_reason="assumption: 0.2 to 3, four prior sds above the centre (1.3); profits can move much more than value added, but not without limit",
        ),
        Parameter(
            "cit_digital_weight", 0.4, "share", (0.0, 1.0),
            source="assumption: platform and financial-sector profits (the digital core is 1/4 of GDP "
            "and 'more than 50%' of growth, interview) weigh more in CIT than in value added",
            description="Weight of the digital core in the corporate income tax base", block="revenue",
            prior=Prior("beta", 0.4, 0.15),
            bounds_reason="a share: 0 to 1",
        ),
        Parameter(
            "pit_buoyancy", 1.1, "elasticity", (0.2, 3.0),
            source="assumption: the wage bill follows nominal GDP; progressive rates lift buoyancy "
            "a little above 1",
            description="Elasticity of personal income tax to current-price GDP (wages)", block="revenue",
            prior=Prior("normal", 1.1, 0.3),
            bounds_reason="assumption: 0.2 to 3, six prior sds above the centre (1.1)",
        ),
        Parameter(
            "property_tax_elasticity", 1.0, "elasticity", (0.0, 2.5),
            source="assumption: deed tax and land VAT are levied on transaction values",
            description="Elasticity of property- and land-related taxes to transactions", block="revenue",
            prior=Prior("normal", 1.0, 0.25),
            bounds_reason="0 (no effect) to 2.5, six prior sds above the centre (1, taxes levied on transaction values)",
        ),
        Parameter(
            "revenue_share_vat", 0.38, "share of tax", (0.1, 0.7),
            source=_SPLIT + "local VAT (50% since 2016) is the largest local tax in Chinese cities",
            description="VAT share of 2019 tax revenue", block="revenue", prior=Prior("normal", 0.38, 0.05),
            bounds_reason="assumption: a share of tax, 0.1 to 0.7 (more than five prior sds around 0.38); excludes VAT being a minor tax or nearly all of it",
        ),
        Parameter(
            "revenue_share_cit", 0.18, "share of tax", (0.02, 0.5),
            source=_SPLIT + "local CIT (40%) with large platform and financial firms",
            description="Corporate income tax share of 2019 tax revenue", block="revenue",
            prior=Prior("normal", 0.18, 0.04),
            bounds_reason="assumption: a share of tax, 0.02 to 0.5 (four prior sds below and eight above 0.18)",
        ),
        Parameter(
            "revenue_share_pit", 0.08, "share of tax", (0.01, 0.3),
            source=_SPLIT + "local PIT (40%) after the 2019 PIT reform",
            description="Personal income tax share of 2019 tax revenue", block="revenue",
            prior=Prior("normal", 0.08, 0.02),
            bounds_reason="assumption: a share of tax, 0.01 to 0.3 (over three prior sds below and eleven above 0.08)",
        ),
        Parameter(
            "revenue_share_property", 0.26, "share of tax", (0.02, 0.5),
            source=_SPLIT + "deed tax, land VAT, property and urban land-use taxes weigh heavily in a "
            "city with a large housing market",
            description="Property- and land-related taxes' share of 2019 tax revenue", block="revenue",
            prior=Prior("normal", 0.26, 0.05),
            bounds_reason="assumption: a share of tax, 0.02 to 0.5 (about five prior sds either side of 0.26)",
        ),
        Parameter(
            "vat_cut_base_effect", 0.15, "share", (0.0, 0.4),
            source="MoF (17 July 2020): the April-2019 VAT cut's carry-over took about 4 pp off national "
            "H1 2020 revenue growth, about 7% of Q1 revenue or a fifth of Q1 VAT; the standard rate fell "
            "16 to 13% (-19%), 10 to 9% (-10%); part fell in April: centre 0.15 (assumption)",
            description="Share of 2019Q1 VAT (pre-cut rates) that every later first quarter lacks",
            block="revenue", prior=Prior("normal", 0.15, 0.05, "MoF 17 July 2020: -4 pp of H1 growth"),
            bounds_reason="0 (no carry-over) to 0.4, twice the largest cut in the standard rate (16 to 13%, -19%) and five prior sds above the centre",
        ),
        Parameter(
            "nontax_elasticity", 1.0, "elasticity", (-1.0, 3.0),
            source="assumption: non-tax revenue (fees, fines, state-asset income) moves with GDP on average",
            description="Elasticity of non-tax revenue to current-price GDP", block="revenue",
            prior=Prior("normal", 1.0, 0.4),
            bounds_reason="assumption: -1 to 3, five prior sds around the centre (1); non-tax revenue (fees, fines, asset sales) can move against GDP",
        ),
        Parameter(
            "revenue_h1_residual", 0.0, "% of 2019 revenue", (-40.0, 40.0),
            source="calibrated to H1 2020 revenue growth beside relief_budget_share; prior: assumption "
            "(what the model leaves out: non-tax collections, timing of settlements); sd 5: Hangzhou's "
            "buoyancy ranged 0.84-1.43 in 2013-15 (facts file), +-0.3 on nominal growth of about 8% in a "
            "normal year, more in a shock year",
            description="Revenue residual in 2020 H1, percent of the same quarter's 2019 revenue",
            block="revenue", prior=Prior("normal", 0.0, 5.0), calibrated=True, per_draw=True,
            bounds_reason="±40% of 2019 revenue: eight times the prior sd (5); the calibration searches within them",
        ),
        Parameter(
            "revenue_residual_persistence", 0.5, "per quarter", (0.0, 1.0),
            source="assumption",
            description="Quarterly persistence of the revenue residual after 2020 H1",
            block="revenue", prior=Prior("beta", 0.5, 0.2),
            bounds_reason="persistence per quarter from 0 to 1 (1: the residual never fades)",
        ),
        Parameter(
            "revenue_shock_ar", 0.8, "per quarter", (0.0, 0.95),
            source="assumption: the common forecast gap's AR coefficient (shock_ar, the backtest's); annual "
            "revenue growth cannot identify a quarterly coefficient",
            description="AR(1) coefficient of revenue's own forecast shock", block="revenue",
            bounds_reason="an AR(1) coefficient per quarter: 0 to 0.95, below 1 so the process is stationary",
        ),
        Parameter(
            "revenue_shock_annual_sd", round(shock_sd, 3), "pp of annual growth", (0.0, 20.0),
            source=shock_src,
            description="Standard deviation of annual budget revenue growth that revenue's own forecast shock "
            "adds beyond what output explains (a multiplicative shock to the model's revenue from 2020Q3)",
            block="revenue",
            bounds_reason="assumption: 0 (none) to 20 pp, four times the estimate; Hangzhou's revenue growth ran from 7.7 to 28.9% in 2008-2019",
        ),
    )


def tax_shares(theta: Mapping[str, np.ndarray], tax_share: float) -> dict[str, np.ndarray]:
    """Each component's share of 2019 revenue, ``(n, 1)``; ``other_tax`` is the rest of the tax share.

    In a draw whose four named tax shares add up to more than the whole tax revenue, they are scaled
    down to sum to it and ``other_tax`` is zero, so the shares always add up to one.
    """
    named = {c: np.asarray(theta[f"revenue_share_{c}"]) for c in TAXES[:-1]}
    total = sum(named.values())
    scale = 1.0 / np.maximum(total, 1.0)
    out = {c: tax_share * s * scale for c, s in named.items()}
    out["other_tax"] = tax_share * (1.0 - total * scale)
    out["nontax"] = np.full_like(out["other_tax"], 1.0 - tax_share)
    return out


def revenue(
    theta: Mapping[str, np.ndarray], b: Base, revenue_2019: np.ndarray, gdp: np.ndarray, digital: np.ndarray,
    direct: Mapping[str, np.ndarray], span: Span, *, calendar: Calendar = CALENDAR,
    shock: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Revenue by component, each ``(n, T)`` in 亿元 (keys :data:`COMPONENTS`).

    Parameters
    ----------
    theta : mapping
        Parameters as ``(n, 1)`` arrays.
    b : Base
        The base year (2019 tax share, 2019 revenue growth).
    revenue_2019 : ndarray
        2019 revenue by quarter, ``(n, 4)``.
    gdp, digital : ndarray
        Current-price GDP and digital-core value added, ``(n, T)`` from 2018 on.
    direct : mapping
        The levers' direct revenue effects by component (missing components: none).
    span : Span
    shock : ndarray, optional
        Revenue's own forecast shock in percent, ``(n, T)``: every component's collection from its
        base (before the levers' direct effects) is multiplied by ``1 + shock / 100``.
    calendar : Calendar
        The residual is :math:`u` from ``calendar.report_start`` through ``calendar.last_observed``
        and decays after it; the VAT base effect lowers every first quarter from ``report_start``.
    """
    n_years = gdp.shape[1] // 4

    def ratio(x: np.ndarray) -> np.ndarray:
        base = x[:, 4:8]
        r = (x.reshape(x.shape[0], n_years, 4) / base[:, None, :]).reshape(x.shape)
        return np.maximum(r, BASE_FLOOR)  # NaN in 2018 (no deflator) stays NaN

    r_gdp = ratio(gdp)
    r_profit = theta["cit_digital_weight"] * ratio(digital) + (1.0 - theta["cit_digital_weight"]) * ratio(gdp - digital)
    bases = {
        "vat": r_gdp ** theta["tax_buoyancy"],
        "cit": r_profit ** theta["cit_buoyancy"],
        "pit": r_gdp ** theta["pit_buoyancy"],
        "property": property_index(theta, span, calendar=calendar) ** theta["property_tax_elasticity"],
        "other_tax": r_gdp ** theta["tax_buoyancy"],
        "nontax": r_gdp ** theta["nontax_elasticity"],
    }
    since = span.since(calendar.report_start)[None, :]
    bases["vat"] = bases["vat"] * np.where((since >= 0) & (since % 4 == 0), 1.0 - theta["vat_cut_base_effect"], 1.0)
    rev = np.tile(revenue_2019, (1, n_years))
    shares = tax_shares(theta, b.tax_share_2019)
    k = span.since(calendar.last_observed)[None, :]
    residual = np.where(
        since < 0, 0.0, theta["revenue_h1_residual"] * theta["revenue_residual_persistence"] ** np.maximum(k, 0),
    )
    out = {}
    for c in COMPONENTS:  # a loop over six components, not over draws or quarters
        x = shares[c] * rev * bases[c]
        if c == "nontax":
            x = x + rev * residual / 100.0
        if shock is not None:
            x = x * (1.0 + shock / 100.0)
        # 2018: 2019 over published 2019 growth
        x[:, :4] = shares[c] * revenue_2019 / (1.0 + b.revenue_growth_2019)
        out[c] = x + direct[c] if c in direct else x
    return out
