"""The 2019 base year by quarter, the seasonal profiles, and the data constants every block uses.

Hangzhou did not publish 2019 quarterly GDP or quarterly budget revenue.  The model derives them:

* GDP: the 2019 total (15373 亿元) spread over quarters with the intra-year profile of 2018, the
  last year with cumulative releases (H1 6356 and Q1-Q3 9673 of 13500 亿元).  The split of H1
  between Q1 and Q2 was not published for any year and is a parameter with a prior ("assumption").
  The digital-economy core is given the same profile.
* Revenue: H1 2019 is implied exactly by the published H1 2020 level and growth
  (1276 / 1.012 = 1260.87 亿元); the splits within each half are parameters with priors.
* 2018 quarters (needed only for 2019's year-on-year growth) are 2019's divided by 2019's growth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.core.parameters import Parameter, Prior

__all__ = ["Base", "parameters", "quarters_2019"]


@dataclass(frozen=True)
class Base:
    """Published base-year figures (亿元 and fractions).

    Built from the data by :func:`model.inputs.base.base_from_data`, which says where each comes
    from; the blocks take it as an argument and never read the data themselves.
    """

    gdp_2019: float
    gdp_real_growth_2019: float
    digital_2019: float
    digital_real_growth_2019: float
    revenue_2019: float
    revenue_growth_2019: float
    revenue_h1_2019: float
    tax_share_2019: float
    retail_2019: float
    retail_growth_2019: float

    @property
    def digital_share_2019(self) -> float:
        return self.digital_2019 / self.gdp_2019


def parameters(h1: float, q1q3: float) -> tuple[Parameter, ...]:
    """The block's parameters; ``h1`` and ``q1q3`` are the 2018 cumulative shares of annual GDP.

    The inputs layer derives the shares from the data (:func:`model.inputs.base.gdp_profile_2018`).
    """
    src_2018 = "derived: 2018 cumulative release over the 2018 preliminary annual GDP (data/observations.csv)"
    return (
        Parameter(
            "gdp_share_h1", round(h1, 4), "share", (0.40, 0.55),
            source=f"calibrated to H1 2020 nominal GDP beside deflator_h1; prior: {src_2018}: 6356 / 13500",
            description="H1 share of 2019 nominal GDP (prior: the 2018 profile)",
            block="base_year", calibrated=True,
            prior=Prior("normal", round(h1, 4), 0.012, "2018 profile; sd: the spread of the years with an H1 "
                        "release, 0.448 in 2015 (4498.75 of 10053.58, biz.zgyww.cn 2015-07-22, REVIEW 3.2) "
                        "against 0.471 in 2018"),
            bounds_reason="the range of the years with an H1 release (0.448 in 2015 to 0.471 in 2018) widened by four prior sds below and six above (0.40-0.55); the calibration searches within it",
        ),
        Parameter(
            "gdp_share_q1q3", round(q1q3, 4), "share", (0.65, 0.78),
            source=f"{src_2018}: 9673 / 13500",
            description="Q1-Q3 share of the year's nominal GDP (2018 profile carried to 2019)",
            block="base_year",
            prior=Prior("normal", round(q1q3, 4), 0.005, "assumption: as gdp_share_h1"),
            bounds_reason="assumption: 0.65-0.78 brackets the 2018 profile (0.7165) by more than ten prior sds; it excludes a Q4 below 22% or above 35% of the year",
        ),
        Parameter(
            "gdp_q1_share_of_h1", 0.47, "share", (0.40, 0.52),
            source="assumption: Q1 is the smaller half of H1 in Chinese cities (Spring Festival); not published",
            description="Q1 share of H1 nominal GDP",
            block="base_year", prior=Prior("normal", 0.47, 0.02),
            bounds_reason="assumption: 0.40-0.52 excludes a Q1 more than 8% larger than Q2 (Spring Festival makes Q1 the smaller half) or below two thirds of it",
        ),
        Parameter(
            "revenue_q1_share_of_h1", 0.55, "share", (0.40, 0.70),
            source="assumption: Q1 collects the previous year's annual tax settlements; not published",
            description="Q1 share of H1 budget revenue",
            block="base_year", prior=Prior("normal", 0.55, 0.05),
            bounds_reason="assumption: 0.40-0.70, three prior sds around 0.55; excludes a Q1 more than 2.3 times Q2 or below two thirds of it",
        ),
        Parameter(
            "revenue_q3_share_of_h2", 0.50, "share", (0.35, 0.65),
            source="assumption: not published",
            description="Q3 share of H2 budget revenue",
            block="base_year", prior=Prior("normal", 0.50, 0.05),
            bounds_reason="assumption: 0.35-0.65, three prior sds around an even split of H2",
        ),
    )


def quarters_2019(theta: dict[str, np.ndarray], b: Base) -> tuple[np.ndarray, np.ndarray]:
    """2019 nominal GDP and budget revenue by quarter, each ``(n, 4)`` in 亿元."""
    h1, q1q3, q1 = theta["gdp_share_h1"], theta["gdp_share_q1q3"], theta["gdp_q1_share_of_h1"]
    gdp_shares = np.concatenate([h1 * q1, h1 * (1.0 - q1), q1q3 - h1, 1.0 - q1q3], axis=1)
    rh1 = b.revenue_h1_2019
    rh2 = b.revenue_2019 - rh1
    r1, r3 = theta["revenue_q1_share_of_h1"], theta["revenue_q3_share_of_h2"]
    revenue = np.concatenate([rh1 * r1, rh1 * (1.0 - r1), rh2 * r3, rh2 * (1.0 - r3)], axis=1)
    return b.gdp_2019 * gdp_shares, revenue
