"""Quarterly spans and the year-to-date / calendar-year aggregations.

China reports cumulative year-to-date (YTD) figures: levels summed from Q1 of the year, and growth of
that YTD sum over the same YTD sum a year earlier.  Everything the model reports goes through the
three functions here, so the convention lives in one place.

All arrays carry a leading draw axis: shape ``(n_draws, n_quarters)``.  A :class:`Span` always starts
in a first quarter and ends in a fourth quarter, so quarters reshape into ``(n_draws, years, 4)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

__all__ = ["Span", "annual_sum", "lagged", "last_complete_year", "parse_period", "ytd_growth", "ytd_sum", "yoy_growth"]


def parse_period(text: str | pd.Period) -> pd.Period:
    """Parse ``'2020Q3'`` into a quarterly :class:`pandas.Period`.

    Raises
    ------
    ValueError
        If ``text`` is not a quarter written like ``2020Q3``.
    """
    if isinstance(text, pd.Period):
        if text.freqstr not in ("Q-DEC", "Q"):
            raise ValueError(f"expected a quarter like 2020Q3, got {text}")
        return text
    s = str(text).strip().upper()
    if len(s) != 6 or s[4] != "Q" or not s[:4].isdigit() or s[5] not in "1234":
        raise ValueError(f"expected a quarter like 2020Q3, got {text!r}")
    return pd.Period(s, freq="Q")


@dataclass(frozen=True)
class Span:
    """A run of whole calendar years of quarters, ``first`` (a Q1) to ``last`` (a Q4).

    The model simulates on a span that begins one year before the first reported quarter, so that
    every reported quarter has a year-earlier value, and pads the horizon to the end of its year,
    so that quarters fold into years.  Reporting then trims to what the user asked for.
    """

    first_year: int
    last_year: int

    def __post_init__(self) -> None:
        if self.last_year < self.first_year:
            raise ValueError("a span must end after it begins")

    @classmethod
    def covering(cls, first: str | pd.Period, last: str | pd.Period) -> Span:
        """The smallest span of whole years that covers ``first`` to ``last``."""
        return cls(parse_period(first).year, parse_period(last).year)

    @property
    def n(self) -> int:
        """Number of quarters."""
        return 4 * (self.last_year - self.first_year + 1)

    @cached_property
    def periods(self) -> pd.PeriodIndex:
        return pd.period_range(f"{self.first_year}Q1", f"{self.last_year}Q4", freq="Q", name="period")

    @cached_property
    def years(self) -> np.ndarray:
        """Calendar year of each quarter, shape ``(n,)``."""
        return np.repeat(np.arange(self.first_year, self.last_year + 1), 4)

    @cached_property
    def quarter(self) -> np.ndarray:
        """Quarter of the year (1-4) of each quarter, shape ``(n,)``."""
        return np.tile(np.arange(1, 5), self.last_year - self.first_year + 1)

    def index(self, period: str | pd.Period) -> int:
        """Position of ``period`` in the span; ``ValueError`` if it lies outside."""
        p = parse_period(period)
        i = 4 * (p.year - self.first_year) + p.quarter - 1
        if not 0 <= i < self.n:
            raise ValueError(f"{p} lies outside {self.periods[0]}-{self.periods[-1]}")
        return i

    def since(self, period: str | pd.Period) -> np.ndarray:
        """Quarters elapsed since ``period`` (negative before it), shape ``(n,)``; read-only."""
        return _since(self, str(period))


@lru_cache(maxsize=512)
def _since(span: Span, period: str) -> np.ndarray:
    p = parse_period(period)
    out = np.arange(span.n) - (4 * (p.year - span.first_year) + p.quarter - 1)
    out.flags.writeable = False
    return out


def _by_year(x: np.ndarray) -> np.ndarray:
    n, t = x.shape
    if t % 4:
        raise ValueError("quarterly arrays must cover whole years")
    return x.reshape(n, t // 4, 4)


def ytd_sum(x: np.ndarray) -> np.ndarray:
    """Cumulative sum from the first quarter of each year, same shape as ``x``.

    ``ytd_sum(x)[:, t] = sum of x[:, s]`` over the quarters ``s <= t`` of the year of ``t``.
    """
    return np.cumsum(_by_year(x), axis=2).reshape(x.shape)


def annual_sum(x: np.ndarray) -> np.ndarray:
    """Calendar-year sums, shape ``(n_draws, n_years)``."""
    return _by_year(x).sum(axis=2)


def lagged(x: np.ndarray, lag: int) -> np.ndarray:
    """``x`` a year earlier along the last axis (``lag`` 4 for quarters, 1 for years); NaN before."""
    out = np.full(x.shape, np.nan)
    out[..., lag:] = x[..., :-lag]
    return out


def yoy_growth(x: np.ndarray, *, lag: int = 4) -> np.ndarray:
    """Growth over the same period a year earlier, in percent; the first year is NaN.

    ``lag=4`` for quarterly arrays, ``lag=1`` for annual ones.
    """
    return 100.0 * (x / lagged(x, lag) - 1.0)


def last_complete_year(horizon: str | pd.Period) -> int:
    """The last calendar year wholly inside a horizon ending in quarter ``horizon``."""
    p = parse_period(horizon)
    return p.year if p.quarter == 4 else p.year - 1


def ytd_growth(x: np.ndarray) -> np.ndarray:
    """Year-to-date growth in percent: growth of the YTD sum over the YTD sum a year earlier.

    For real values this is China's "growth at comparable prices" of a cumulative release.
    """
    return yoy_growth(ytd_sum(x))
