"""The model's date anchors, in one place.

Every date the model keys on follows from three facts: the base year (the last complete year
before the shock, whose published figures the base-year block spreads over quarters), the quarter
the COVID shock starts, and the last observed quarter (the data vintage).  The model simulates from
the year before the base year, so that the base year has year-on-year growth; scenarios and the
forecast shocks start in the quarter after the last observed one; tables and fans report from the
first quarter after the base year.

A run is *as of* a release round (``--as-of``): :meth:`Calendar.from_as_of` builds the calendar of
a round from the round and the full years the data hold.  The round is the last observed quarter;
the base year is the last complete year before the shock whose figures are in the data; the model
starts the year before it.  Pass a :class:`Calendar` where a date anchor is needed;
:data:`CALENDAR` is the default one (the H1 2020 round, 2020Q2).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

__all__ = ["CALENDAR", "Calendar", "release_name"]


@dataclass(frozen=True)
class Calendar:
    """The model's date anchors.

    Attributes
    ----------
    base_year : int
        The year of published figures that the base-year block spreads over quarters (2019): the
        last complete year before ``covid_start``.
    covid_start : pandas.Period
        The quarter the COVID gap starts (2020Q1), a fact of history, not of the data vintage.
    last_observed : pandas.Period
        The last quarter with data, the release round the run is as of (2020Q2 by default);
        nothing fitted or tuned comes from after it.
    last_horizon : pandas.Period
        The latest horizon a scenario may name (2025Q4).
    """

    base_year: int = 2019
    covid_start: pd.Period = pd.Period("2020Q1", freq="Q")
    last_observed: pd.Period = pd.Period("2020Q2", freq="Q")
    last_horizon: pd.Period = pd.Period("2025Q4", freq="Q")

    @classmethod
    def from_as_of(
        cls, as_of: str | pd.Period, *, full_years: Iterable[int],
        covid_start: str | pd.Period = "2020Q1", last_horizon: str | pd.Period = "2025Q4",
    ) -> Calendar:
        """The calendar of a run as of the release round ``as_of``.

        Parameters
        ----------
        as_of : str or Period
            The release round (a quarter, like ``2020Q2``): the last observed quarter.
        full_years : iterable of int
            The years whose full-year base figures are in the data the run sees.
        covid_start, last_horizon : str or Period
            The quarter the shock starts (2020Q1) and the latest horizon (2025Q4).

        The base year is the latest of ``full_years`` before ``covid_start``'s year; scenarios and
        the forecast shocks start in the quarter after ``as_of``; the calibration span ends with it.

        Raises
        ------
        ValueError
            If ``as_of`` is before ``covid_start`` (no shock in the data to calibrate), or no full
            pre-shock year is in ``full_years``.
        """
        q = pd.Period(as_of, freq="Q")
        start = pd.Period(covid_start, freq="Q")
        if q < start:
            raise ValueError(f"{q} is before the COVID shock ({start}): the data hold no shock to calibrate")
        before = [int(y) for y in full_years if int(y) < start.year]
        if not before:
            raise ValueError(f"no complete year before {start.year} has its full-year figures in the data")
        return cls(max(before), start, q, pd.Period(last_horizon, freq="Q"))

    @property
    def calibration_end_year(self) -> int:
        """Last year of the calibration span: the year of the round (2020)."""
        return self.last_observed.year

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


def release_name(round_: str | pd.Period) -> str:
    """The name of a YTD release round as China publishes it: ``2020Q2`` is ``H1 2020``, ``2020Q3``
    ``Q1-Q3 2020``, ``2020Q4`` ``full-year 2020``."""
    q = pd.Period(round_, freq="Q")
    return f"{('Q1', 'H1', 'Q1-Q3', 'full-year')[q.quarter - 1]} {q.year}"
