"""Events whose probability a Monte Carlo reports: ``variable@period op value``."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from model.core.calendar import CALENDAR
from model.core.errors import UserError
from model.core.indicators import At, split_at
from model.core.periods import parse_period

__all__ = ["DEFAULT_THRESHOLDS", "Threshold", "check_threshold", "parse_threshold", "probability"]

DEFAULT_THRESHOLDS = ("gdp_real_yoy@2020>=3", "revenue_yoy@2020>=0")
"""Probabilities reported unless the scenario or the command line names others."""

_OPS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}
_THRESHOLD = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*@\s*(\d{4}(?:[Qq][1-4])?)\s*(>=|<=|>|<)\s*"
    r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$"
)


@dataclass(frozen=True)
class Threshold(At):
    """An event whose probability is reported: ``variable@period op value``.

    ``period`` is a year (``2020``: a calendar-year indicator) or a quarter (``2020Q4``: a
    quarterly or year-to-date indicator), like ``gdp_real_yoy@2020>=3``.
    """

    op: str
    value: float

    @property
    def label(self) -> str:
        return f"{self.at}{self.op}{self.value:g}"

    def describe(self) -> str:
        """In words, e.g. ``Real GDP growth in 2020 >= 3 %``."""
        return f"{super().describe()} {self.op} {self.value:g} {self.unit}".rstrip()


def parse_threshold(
    text: str, *, horizon: str = str(CALENDAR.last_horizon), file: str | None = None, key: str = "--threshold"
) -> Threshold:
    """Parse ``variable@period op value`` (``op`` one of ``>= > <= <``) and check it against the
    reported indicators and the periods from 2020 to ``horizon``.

    Raises
    ------
    UserError
        For bad syntax, an unknown indicator, or a period outside 2020 to the horizon.
    """
    m = _THRESHOLD.match(str(text))
    if not m:
        raise UserError(
            f"expected VARIABLE@PERIOD>=VALUE like 'gdp_real_yoy@2020>=3', got {text!r}", file=file, key=key
        )
    variable, period = split_at(f"{m.group(1)}@{m.group(2)}")
    t = Threshold(variable, period, m.group(3), float(m.group(4)))
    try:
        t.check(first=CALENDAR.report_start, last=parse_period(horizon))
    except ValueError as exc:
        raise UserError(str(exc), file=file, key=key) from None
    return t


def probability(values: np.ndarray, op: str, value: float) -> float:
    """Share of draws for which ``values op value`` holds (``values`` shape ``(n,)``)."""
    return float(np.mean(_OPS[op](np.asarray(values), value)))


def check_threshold(text: str, horizon: str, *, file: str | None = None, key: str = "--threshold") -> Threshold:
    """:func:`parse_threshold` against the scenario's ``horizon``."""
    return parse_threshold(text, horizon=horizon, file=file, key=key)
