"""The base year from the data: the published 2019 figures the blocks take as a :class:`Base`."""

from __future__ import annotations

from functools import cache

from model.core.blocks.base_year import Base
from model.inputs.data import Data, load_data

__all__ = ["base", "base_from_data", "gdp_profile_2018"]


def base_from_data(data: Data) -> Base:
    """The base-year figures of ``data`` (``data/observations.csv``; shares and growth as fractions)."""
    return Base(
        gdp_2019=data.get("gdp", "2019"),
        gdp_real_growth_2019=data.get("gdp_real_yoy", "2019") / 100.0,
        digital_2019=data.get("digital_core", "2019"),
        digital_real_growth_2019=data.get("digital_core_real_yoy", "2019") / 100.0,
        revenue_2019=data.get("revenue", "2019"),
        revenue_growth_2019=data.get("revenue_yoy", "2019") / 100.0,
        # derived: the published H1 2020 level over its published growth
        revenue_h1_2019=data.get("revenue", "2020Q2") / (1.0 + data.get("revenue_yoy", "2020Q2") / 100.0),
        tax_share_2019=data.get("tax_share_of_revenue", "2019") / 100.0,
        retail_2019=data.get("retail", "2019"),
        retail_growth_2019=data.get("retail_yoy", "2019") / 100.0,
    )


@cache
def base() -> Base:
    """The base year from the project's data (built once)."""
    return base_from_data(load_data())


def gdp_profile_2018(data: Data) -> tuple[float, float]:
    """The H1 and Q1-Q3 shares of 2018 annual GDP: the cumulative releases over the annual total."""
    gdp_2018 = data.get("gdp", "2018")
    return data.get("gdp", "2018Q2") / gdp_2018, data.get("gdp", "2018Q3") / gdp_2018
