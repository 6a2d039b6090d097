"""Calibration targets: every Hangzhou YTD figure of the shock year in the release the run is as of.

As of a round (``--as-of``), the targets are the YTD releases of 2020 up to the round in
``observations.csv``: GDP level (亿元) and real growth, budget revenue level and growth, and the
digital-economy core's real growth, each at every period the data hold, with its tolerance and the
row's source.  As of 2020Q2 they are the six H1 2020 figures (GDP 7388 亿元 and +1.5% real; revenue
1276 亿元 and +1.2%; the digital core +6.1% in Q1 and +10.5% in H1); an analyst who adds the Q1-Q3
2020 release gets its figures as targets too.  A figure the data lack is simply not a target: the
priors decide what it would have pinned down (the identification table shows it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from model.core.periods import ytd_growth, ytd_sum
from model.core.simulate import Inputs, simulate
from model.inputs.vintage import DEFAULT_VINTAGE, Vintage

__all__ = ["TARGET_KINDS", "Target", "target_values", "targets"]

_INDICATORS: dict[str, Callable[[Mapping[str, np.ndarray]], np.ndarray]] = {
    "gdp_ytd": lambda p: ytd_sum(p["gdp"]),
    "gdp_real_yoy_ytd": lambda p: ytd_growth(p["gdp_real"]),
    "revenue_ytd": lambda p: ytd_sum(p["revenue"]),
    "revenue_yoy_ytd": lambda p: ytd_growth(p["revenue"]),
    "digital_core_real_yoy_ytd": lambda p: ytd_growth(p["digital_real"]),
}

TARGET_KINDS: tuple[tuple[str, str, str, float], ...] = (
    ("gdp_ytd", "gdp", "亿元", 1.0),
    ("gdp_real_yoy_ytd", "gdp_real_yoy", "%", 0.05),
    ("revenue_ytd", "revenue", "亿元", 1.0),
    ("revenue_yoy_ytd", "revenue_yoy", "%", 0.05),
    ("digital_core_real_yoy_ytd", "digital_core_real_yoy", "%", 0.05),
)
"""Model indicator, observed variable, unit and tolerance of each kind of target, in the order the
targets are listed.  Tolerances: 1 亿元 for a level and 0.05 pp for a growth rate (assumption: half
the last digit the releases publish, 0.1 pp, and a level's rounding to the 亿元)."""


@dataclass(frozen=True)
class Target:
    """One calibration target: an indicator at a period, its observed value and tolerance."""

    variable: str
    period: str
    observed: float
    unit: str
    tolerance: float
    source: str

    @property
    def scale(self) -> float:
        """The residual scale in the penalised least squares: a fiftieth of the tolerance."""
        return self.tolerance / 50.0

    @property
    def label(self) -> str:
        return f"{self.variable}@{self.period}"


@lru_cache(maxsize=32)
def targets(vintage: Vintage = DEFAULT_VINTAGE) -> tuple[Target, ...]:
    """The targets as of ``vintage``: every Hangzhou YTD figure of the shock year up to the round,
    kind by kind (:data:`TARGET_KINDS`), period by period."""
    data, cal = vintage.data, vintage.calendar
    o = data.observations
    rows = o[(o.region == "hangzhou") & (o.basis == "ytd")]
    rows = rows[[e.year == cal.covid_start.year and e <= cal.last_observed for e in rows.end]]
    out = []
    for var, obs, unit, tol in TARGET_KINDS:
        for end in sorted(rows[rows.variable == obs].end):
            period = str(end)
            out.append(Target(var, period, data.get(obs, period), unit, tol, data.source(obs, period)))
    return tuple(out)


def target_values(theta: Mapping[str, np.ndarray], inputs: Inputs, tg: tuple[Target, ...]) -> np.ndarray:
    """The model's value of every target of ``tg`` on ``inputs``, ``(n, n_targets)``."""
    paths = simulate(theta, inputs)
    cache: dict[str, np.ndarray] = {}
    cols = []
    for t in tg:
        if t.variable not in cache:
            cache[t.variable] = _INDICATORS[t.variable](paths)
        cols.append(cache[t.variable][:, inputs.span.index(t.period)])
    return np.stack(cols, axis=1) if cols else np.zeros((next(iter(paths.values())).shape[0], 0))
