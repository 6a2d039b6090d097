"""The outcome of a Monte Carlo: :class:`Draws`, its fans, probabilities and summaries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.analysis.sampling import forecast_gap
from model.core import indicators
from model.core.calendar import CALENDAR
from model.core.indicators import HEADLINE_ROWS, At
from model.core.periods import Span, parse_period
from model.core.simulate import Inputs
from model.inputs.scenario import Scenario, UncertaintyTable
from model.inputs.thresholds import (
    DEFAULT_THRESHOLDS,
    Threshold,
    check_threshold,
    parse_threshold,
    probability,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from model.analysis.results import Results

__all__ = ["FAN_ANNUAL", "FAN_PERCENTILES", "FAN_QUARTERLY", "FAN_START", "Draws", "fan", "percentile_columns"]

FAN_PERCENTILES = (5, 25, 50, 75, 95)
"""Percentiles of a fan (columns ``p05 ... p95``)."""
FAN_QUARTERLY = (
    "gdp_real_yoy", "gdp_real_yoy_ytd", "digital_core_real_yoy_ytd", "gdp", "gdp_ytd", "revenue",
    "revenue_ytd", "revenue_yoy_ytd",
)
"""Quarterly (and year-to-date) indicators in ``fan.csv``, from 2020Q1 to the horizon."""
FAN_ANNUAL = ("gdp", "gdp_real_yoy", "digital_core_real_yoy", "revenue", "revenue_yoy")
"""Calendar-year indicators in ``fan.csv``, for every complete year from 2020."""
FAN_START = str(CALENDAR.report_start)
"""First quarter of a fan."""


def percentile_columns(percentiles: Sequence[int] = FAN_PERCENTILES, *, prefix: str = "") -> list[str]:
    """The one namer of percentile columns: ``p05 ... p95``, or ``<prefix>p05 ...``."""
    return [f"{prefix}p{q:02d}" for q in percentiles]


def fan(
    values: Mapping[str, np.ndarray], labels: Sequence[str], *, percentiles: Sequence[int] = FAN_PERCENTILES
) -> pd.DataFrame:
    """Percentiles over draws: one row a (period, variable), columns ``p05 ... p95``.

    ``values`` maps a variable to an ``(n, P)`` array whose columns are the periods ``labels``.
    """
    names = list(values)
    stack = np.concatenate([np.asarray(values[v], dtype=float) for v in names], axis=1)
    pct = np.percentile(stack, list(percentiles), axis=0).T  # (V * P, len(percentiles))
    frame = pd.DataFrame(pct, columns=percentile_columns(percentiles))
    frame.insert(0, "variable", np.repeat(names, len(labels)))
    frame.insert(0, "period", np.tile(list(labels), len(names)))
    return frame


@dataclass(frozen=True, eq=False)
class Draws:
    """A Monte Carlo of one scenario: every draw re-calibrated to H1 2020.

    Attributes
    ----------
    scenario : Scenario
    results : Results
        The deterministic run at the calibrated parameters (the centre of the draws).
    settings : UncertaintyTable
        Draws, seed, scale, prior overrides and thresholds actually used.
    theta : dict of ndarray
        Every parameter, ``(n, 1)``: accepted draws with the ``per_draw`` parameters solved.
    innovations : ndarray
        Standard-normal forecast-shock innovations ``(n, T)``.
    paths : dict of ndarray
        Model paths ``(n, T)`` over :attr:`span` (as :func:`model.core.simulate.simulate`).
    span : Span
    tried : int
        Draws made, including those rejected because they could not meet the H1 targets.
    drawn : tuple of str
        Parameters that vary across draws.
    solved : tuple of str
        Parameters re-solved in every draw.
    """

    scenario: Scenario
    results: Results
    settings: UncertaintyTable
    theta: dict[str, np.ndarray]
    innovations: np.ndarray
    paths: dict[str, np.ndarray]
    span: Span
    tried: int
    drawn: tuple[str, ...]
    solved: tuple[str, ...]

    @property
    def n(self) -> int:
        return self.settings.draws

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def acceptance(self) -> float:
        """Share of draws that reproduced the H1 2020 targets (the rest were drawn again)."""
        return self.n / self.tried

    @cached_property
    def quarterly(self) -> dict[str, np.ndarray]:
        """Quarterly and YTD indicators over :attr:`span`, ``(n, T)`` each."""
        return indicators.quarterly(self.paths)

    @cached_property
    def annual(self) -> dict[str, np.ndarray]:
        """Calendar-year indicators, ``(n, years)`` each."""
        return indicators.annual(self.paths)

    @property
    def quarters(self) -> list[str]:
        """Quarters of the fan: 2020Q1 to the horizon."""
        first, last = self.span.index(FAN_START), self.span.index(self.scenario.horizon)
        return [str(p) for p in self.span.periods[first : last + 1]]

    @property
    def years(self) -> list[str]:
        """Complete calendar years of the fan, from 2020."""
        last = parse_period(self.scenario.horizon)
        return [str(y) for y in range(CALENDAR.report_start.year, (last.year if last.quarter == 4 else last.year - 1) + 1)]

    def inputs(self) -> Inputs:
        """The exogenous inputs of the draws: the scenario's levers and shocks, and the forecast-shock
        gap ``(n, T)`` (``simulate(self.theta, self.inputs())`` gives :attr:`paths`)."""
        inputs = self.scenario.inputs()
        return replace(inputs, noise=forecast_gap(self.results.params, self.settings, self.innovations, self.span,
                                                  start=inputs.calendar.first_scenario))

    def values(self, variable: str, period: str) -> np.ndarray:
        """Every draw's value of ``variable`` in ``period`` (a year or a quarter), ``(n,)``."""
        return At(variable, str(period)).lookup(self.quarterly, self.annual, self.span)

    def _arrays(self, quarterly: Sequence[str], annual: Sequence[str], quarters: Sequence[str],
                years: Sequence[str]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        qi = [self.span.index(q) for q in quarters]
        yi = [int(y) - self.span.first_year for y in years]
        return ({v: self.quarterly[v][:, qi] for v in quarterly}, {v: self.annual[v][:, yi] for v in annual})

    def fan(
        self,
        *,
        quarterly: Sequence[str] = FAN_QUARTERLY,
        annual: Sequence[str] = FAN_ANNUAL,
        percentiles: Sequence[int] = FAN_PERCENTILES,
        minus: Draws | None = None,
    ) -> pd.DataFrame:
        """The fan as in ``fan.csv``: ``period, variable, p05, p25, p50, p75, p95``.

        Quarterly and YTD indicators from 2020Q1 to the horizon, then calendar years.  With
        ``minus``, percentiles of the draw-by-draw difference ``self - minus`` (same draws, common
        random numbers; see :func:`paired_draws`) over their common periods.
        """
        quarters, years = self.quarters, self.years
        if minus is not None:
            if minus.n != self.n:
                raise ValueError("a difference needs the same number of draws")
            quarters = [q for q in quarters if q in minus.quarters]
            years = [y for y in years if y in minus.years]
        q, a = self._arrays(quarterly, annual, quarters, years)
        if minus is not None:
            mq, ma = minus._arrays(quarterly, annual, quarters, years)
            q = {k: v - mq[k] for k, v in q.items()}
            a = {k: v - ma[k] for k, v in a.items()}
        parts = [fan(q, quarters, percentiles=percentiles)] if quarterly else []
        parts += [fan(a, years, percentiles=percentiles)] if annual else []
        return pd.concat(parts, ignore_index=True)

    @property
    def thresholds(self) -> tuple[Threshold, ...]:
        return tuple(parse_threshold(t) for t in (self.settings.thresholds or DEFAULT_THRESHOLDS))

    def probability(self, threshold: str | Threshold) -> float:
        """Share of draws meeting ``threshold``, like ``"gdp_real_yoy@2020>=3"``."""
        t = check_threshold(threshold.label if isinstance(threshold, Threshold) else threshold,
                            self.scenario.horizon, key="threshold")
        return probability(self.values(t.variable, t.period), t.op, t.value)

    def probabilities(self, thresholds: Sequence[str | Threshold] | None = None) -> pd.DataFrame:
        """One row a threshold: ``event, description, probability, point`` (the deterministic
        run's value)."""
        rows = []
        for spec in thresholds if thresholds is not None else self.thresholds:
            t = spec if isinstance(spec, Threshold) else parse_threshold(spec)
            rows.append({"event": t.label, "description": t.describe(), "probability": self.probability(t),
                         "point": self.point(t.variable, t.period)})
        return pd.DataFrame(rows)

    def point(self, variable: str, period: str) -> float:
        """The deterministic run's value of ``variable`` in ``period``."""
        return float(At(variable, str(period)).lookup(
            indicators.quarterly(self.results.paths), indicators.annual(self.results.paths), self.span)[0])

    def headline(self) -> pd.DataFrame:
        """Fan of the calendar-year headline figures with the deterministic value beside."""
        frame = self.fan(quarterly=(), annual=tuple(v for v, _, _ in HEADLINE_ROWS))
        frame["point"] = [self.point(v, p) for v, p in zip(frame.variable, frame.period, strict=True)]
        return frame

    def summary(self) -> str:
        """Settings, acceptance, the calendar-year fan and the probabilities, as text."""
        s = self.settings
        head = self.headline().to_string(index=False, float_format=lambda x: f"{x:,.2f}")
        probs = self.probabilities()
        lines = [
            f"Uncertainty: {self.n:,} draws (seed {s.seed}, scale {s.scale:g}), each re-calibrated to {self.results.calibration.release}; "
            f"{100 * self.acceptance:.1f}% of draws accepted",
            "",
            head,
            "",
            *[f"P({r.event}) = {100 * r.probability:.1f}%" for r in probs.itertuples()],
        ]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        s = self.settings
        fmt = {"float_format": lambda x: f"{x:,.2f}", "index": False}
        probs = self.probabilities()[["event", "probability"]]
        probs["probability"] = [f"{100 * p:.1f}%" for p in probs.probability]  # 99.5%, as in summary()
        return (
            f"<h4>Scenario {self.name}: {self.n:,} draws</h4>"
            f"<p>seed {s.seed}, scale {s.scale:g}; every draw re-calibrated to {self.results.calibration.release}; "
            f"{100 * self.acceptance:.1f}% of draws accepted</p>"
            + self.headline().to_html(**fmt) + probs.to_html(**fmt)
        )

    def to_frame(self, kind: str = "fan") -> pd.DataFrame:
        """``fan`` (as :meth:`fan`) or ``draws``: one row a draw, the drawn and solved parameters
        and the calendar-year growth of GDP and revenue."""
        if kind == "fan":
            return self.fan()
        if kind != "draws":
            raise ValueError("kind must be 'fan' or 'draws'")
        cols = {name: self.theta[name][:, 0] for name in (*self.drawn, *self.solved)}
        for y in self.years:
            cols[f"gdp_real_yoy_{y}"] = self.values("gdp_real_yoy", y)
            cols[f"revenue_yoy_{y}"] = self.values("revenue_yoy", y)
        return pd.DataFrame(cols, index=pd.RangeIndex(self.n, name="draw"))

    def plot(self, variable: str = "gdp_real_yoy_ytd", *, ax: Axes | None = None, title: str | None = None,
             lang: str | None = None) -> Axes:
        """Fan chart of a quarterly indicator (:func:`model.present.plotting.fan_chart`): graded 30, 60
        and 90% bands, the median of the draws, the deterministic path and the observed points."""
        from model.present.plotting import fan_chart

        return fan_chart(self, variable, ax=ax, title=title, **({"lang": lang} if lang else {}))

    def __repr__(self) -> str:
        return f"<Draws {self.name}: {self.n:,} draws to {self.scenario.horizon}, seed {self.settings.seed}>"
