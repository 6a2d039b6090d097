"""The base year from the data: the published 2019 figures the blocks take as a :class:`Base`."""

from __future__ import annotations

from functools import lru_cache

from model.core.blocks.base_year import Base
from model.core.calendar import CALENDAR, Calendar
from model.inputs.data import Data
from model.inputs.vintage import DEFAULT_VINTAGE, Vintage

__all__ = ["base", "base_from_data", "gdp_profile_2018"]


def base_from_data(data: Data, calendar: Calendar = CALENDAR) -> Base:
    """The base-year figures of ``data`` (``data/observations.csv``; shares and growth as fractions).

    The base year is ``calendar.base_year`` (2019); H1 revenue of the base year is derived from the
    shock year's H1 release (2020Q2), which every supported round holds.
    """
    y, h1 = str(calendar.base_year), f"{calendar.covid_start.year}Q2"
    return Base(
        gdp_2019=data.get("gdp", y),
        gdp_real_growth_2019=data.get("gdp_real_yoy", y) / 100.0,
        digital_2019=data.get("digital_core", y),
        digital_real_growth_2019=data.get("digital_core_real_yoy", y) / 100.0,
        revenue_2019=data.get("revenue", y),
        revenue_growth_2019=data.get("revenue_yoy", y) / 100.0,
        # derived: the published H1 2020 level over its published growth
        revenue_h1_2019=data.get("revenue", h1) / (1.0 + data.get("revenue_yoy", h1) / 100.0),
        tax_share_2019=data.get("tax_share_of_revenue", y) / 100.0,
        retail_2019=data.get("retail", y),
        retail_growth_2019=data.get("retail_yoy", y) / 100.0,
    )


@lru_cache(maxsize=32)
def base(vintage: Vintage = DEFAULT_VINTAGE) -> Base:
    """The base year from the data of ``vintage`` (default: the project's data as of 2020Q2; built once)."""
    return base_from_data(vintage.data, vintage.calendar)


def gdp_profile_2018(data: Data, calendar: Calendar = CALENDAR) -> tuple[float, float]:
    """The H1 and Q1-Q3 shares of annual GDP the year before the base year (2018): the cumulative
    releases over the annual total."""
    y = calendar.base_year - 1
    gdp_2018 = data.get("gdp", str(y))
    return data.get("gdp", f"{y}Q2") / gdp_2018, data.get("gdp", f"{y}Q3") / gdp_2018
