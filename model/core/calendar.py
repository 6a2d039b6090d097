"""The model's date anchors, in one place.

Every date the model keys on follows from three facts: the base year (the last complete year
before the shock, whose published figures the base-year block spreads over quarters), the quarter
the COVID shock starts, and the last observed quarter (the data vintage).  The model simulates from
the year before the base year, so that the base year has year-on-year growth; scenarios and the
forecast shocks start in the quarter after the last observed one; tables and fans report from the
first quarter after the base year.

Pass a :class:`Calendar` where a date anchor is needed; :data:`CALENDAR` is the default one (data
to 2020Q2).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["CALENDAR", "Calendar"]


@dataclass(frozen=True)
class Calendar:
    """The model's date anchors.

    Attributes
    ----------
    base_year : int
        The year of published figures that the base-year block spreads over quarters (2019).
    covid_start : pandas.Period
        The quarter the COVID gap starts (2020Q1).
    last_observed : pandas.Period
        The last quarter with data (2020Q2); nothing fitted or tuned comes from after it.
    last_horizon : pandas.Period
        The latest horizon a scenario may name (2025Q4).
    """

    base_year: int = 2019
    covid_start: pd.Period = pd.Period("2020Q1", freq="Q")
    last_observed: pd.Period = pd.Period("2020Q2", freq="Q")
    last_horizon: pd.Period = pd.Period("2025Q4", freq="Q")

    @property
    def model_start(self) -> int:
        """First simulated year: the year before the base year supplies its year-earlier values."""
        return self.base_year - 1

    @property
    def first_scenario(self) -> pd.Period:
        """First quarter a scenario may set, and the start of the forecast shocks (2020Q3)."""
        return self.last_observed + 1

    @property
    def report_start(self) -> pd.Period:
        """First quarter of the reported tables, fans and comparisons (2020Q1)."""
        return pd.Period(f"{self.base_year + 1}Q1", freq="Q")


CALENDAR = Calendar()
"""The default calendar: base year 2019, COVID from 2020Q1, data to 2020Q2, horizons to 2025Q4."""
