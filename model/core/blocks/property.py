"""Property and land: housing and land transactions, a scenario dimension.

The transactions index :math:`L_q` (2019's same quarter = 1) grows by ``property_growth_h1`` in 2020 H1
(prior: land sales in 100 cities +13.1% in H1 2020, CRIC, 30 July 2020), by ``property_growth_h2`` in
2020 H2 and by ``property_growth_2021`` in 2021 on 2020; later years hold 2021's level.  A scenario
sets the path through these parameters (``[parameters]``; see ``scenarios/property_slump.toml``).

It moves two things:

* property- and land-related taxes (deed tax, land VAT, property and urban land-use taxes), whose
  base it is (:mod:`model.core.blocks.revenue`);
* construction and real-estate value added in the rest of the economy, but only by the deviation of
  :math:`L` from the path on which H1's pace continues (:math:`L^0`: H2 growth as H1's, 2021 flat):
  H1 2020 is history, and the calibrated shock already contains it.  The rest's real output is
  multiplied by :math:`1 + \varepsilon (L_q / L^0_q - 1)`, :math:`\varepsilon` =
  ``property_va_elasticity``.  Hangzhou credited its 2015 acceleration to 10.3% to property sales
  (+68.7%; REVIEW 3.5 and 7), so the link is justified for this city.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from model.core.calendar import CALENDAR, Calendar
from model.core.parameters import Parameter, Prior
from model.core.periods import Span

__all__ = ["parameters", "property_index", "va_factor"]


def parameters() -> tuple[Parameter, ...]:
    return (
        Parameter(
            "property_growth_h1", 13.1, "%", (-60.0, 100.0),
            source="CRIC (30 July 2020): land sales in 100 cities +13.1% in H1 2020 (REVIEW 7)",
            description="Growth of housing and land transactions in 2020 H1, year on year",
            block="property", prior=Prior("normal", 13.1, 10.0, "CRIC 30 July 2020: +13.1%"),
            bounds_reason="assumption: -60 to +100% a year; excludes a collapse of transactions by more than 60% or more than a doubling, beyond the swings of Hangzhou's housing market (H1 2015 sales +68.7%, REVIEW 7)",
        ),
        Parameter(
            "property_growth_h2", 13.1, "%", (-60.0, 100.0),
            source="assumption: H1's pace (CRIC, +13.1%) continues; scenarios set it (property and land "
            "are a scenario dimension)",
            description="Growth of housing and land transactions in 2020 H2, year on year",
            block="property", prior=Prior("normal", 13.1, 12.0),
            bounds_reason="as property_growth_h1: -60 to +100% a year",
        ),
        Parameter(
            "property_growth_2021", 0.0, "%", (-60.0, 100.0),
            source="assumption: transactions hold their 2020 level (purchase restrictions cap volumes)",
            description="Growth of housing and land transactions in 2021, year on year",
            block="property", prior=Prior("normal", 0.0, 10.0),
            bounds_reason="as property_growth_h1: -60 to +100% a year",
        ),
        Parameter(
            "property_va_elasticity", 0.05, "elasticity", (0.0, 0.5),
            source="assumption: construction and real estate are about a sixth of the rest's value added "
            "and move by about a third of transactions; Hangzhou H1 2015: property sales +68.7% "
            "credited for GDP +10.3% (REVIEW 7)",
            description="Elasticity of the rest's real output to transactions off H1's pace",
            block="property", prior=Prior("normal", 0.05, 0.03),
            bounds_reason="0 (no effect) to 0.5, three times the sector's share of the rest's value added (about a sixth): at the bound the sector's value added would move three times as much as transactions",
        ),
    )


def _index(h1: np.ndarray, h2: np.ndarray, g21: np.ndarray, span: Span, calendar: Calendar) -> np.ndarray:
    k = span.since(calendar.report_start)[None, :]
    first_half = (np.clip(k, 0, None) % 4) < 2
    same_2020 = np.where(first_half, 1.0 + h1 / 100.0, 1.0 + h2 / 100.0)
    return np.where(k < 0, 1.0, np.where(k < 4, same_2020, same_2020 * (1.0 + g21 / 100.0)))


def property_index(theta: Mapping[str, np.ndarray], span: Span, *, calendar: Calendar = CALENDAR) -> np.ndarray:
    """Housing and land transactions against the same quarter of 2019, ``(n, T)`` (1 before 2020)."""
    return _index(theta["property_growth_h1"], theta["property_growth_h2"], theta["property_growth_2021"], span,
                  calendar)


def va_factor(theta: Mapping[str, np.ndarray], span: Span, *, calendar: Calendar = CALENDAR) -> np.ndarray:
    """Factor on the rest's real output, ``(n, T)``: :math:`1 + \\varepsilon (L / L^0 - 1)`."""
    h1 = theta["property_growth_h1"]
    ref = _index(h1, h1, np.zeros_like(h1), span, calendar)
    return 1.0 + theta["property_va_elasticity"] * (property_index(theta, span, calendar=calendar) / ref - 1.0)
