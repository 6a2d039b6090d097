"""The outcome of a Monte Carlo: :class:`Draws`, its fans, probabilities and summaries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.analysis.draw_store import Kept, Recomputed, simulate_chunks
from model.analysis.sampling import forecast_gap, own_innovations, own_noise
from model.core import indicators
from model.core.calendar import CALENDAR
from model.core.indicators import HEADLINE_ROWS, At, is_year
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

__all__ = ["FAN_ANNUAL", "FAN_PERCENTILES", "FAN_QUARTERLY", "FAN_START", "Draws", "fan", "kept_variables",
           "percentile_columns"]

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


def scaled_inputs(scenario: Scenario, lever_scales: Mapping[str, np.ndarray]) -> Inputs:
    """The scenario's inputs with each lever in ``lever_scales`` scaled draw by draw: its injection
    ``history + f_d x scenario's``, ``(n, T)`` (a lever's injection is linear in its amounts,
    :meth:`~model.core.levers.base.LeverConfig.scaled`)."""
    inputs = scenario.inputs()
    if not lever_scales:
        return inputs
    from model.core.levers import REGISTRY as LEVERS
    from model.inputs.history import history_inputs

    hist = history_inputs(scenario.span).injections
    configs = scenario.lever_configs()
    injections = dict(inputs.injections)
    for name, f in lever_scales.items():
        own = LEVERS[name].injection(configs[name], scenario.span)[None, :]
        injections[name] = hist[name] + np.asarray(f, dtype=float).reshape(-1, 1) * own
    return replace(inputs, injections=injections)


def kept_variables(settings: UncertaintyTable) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The quarterly and calendar-year indicators a large Monte Carlo keeps
    (:mod:`model.analysis.draw_store`): the fan's, the headline's, the thresholds' variables and
    the growth rates of ``to_frame("draws")``."""
    events = [parse_threshold(t) for t in (settings.thresholds or DEFAULT_THRESHOLDS)]
    quarterly = dict.fromkeys([*FAN_QUARTERLY, *(t.variable for t in events if not is_year(t.period))])
    annual = dict.fromkeys([*FAN_ANNUAL, *(v for v, _, _ in HEADLINE_ROWS), "gdp_real_yoy", "revenue_yoy",
                            *(t.variable for t in events if is_year(t.period))])
    return tuple(quarterly), tuple(annual)


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
    # a variable at a time (the same numbers as all at once: percentiles are column by column),
    # so a million draws need no copy of every variable together
    pct = np.concatenate([np.percentile(np.asarray(values[v], dtype=float), list(percentiles), axis=0).T
                          for v in names]) if names else np.empty((0, len(percentiles)))
    frame = pd.DataFrame(pct, columns=percentile_columns(percentiles))
    frame.insert(0, "variable", np.repeat(names, len(labels)))
    frame.insert(0, "period", np.tile(list(labels), len(names)))
    return frame


def _take(x: np.ndarray, columns: list[int]) -> np.ndarray:
    """``x[:, columns]``, a view (no copy of a million rows) when the columns are a run."""
    if columns and columns == list(range(columns[0], columns[0] + len(columns))):
        return x[:, columns[0] : columns[0] + len(columns)]
    return x[:, columns]


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
    stored : dict of ndarray or Kept
        Every model path ``(n, T)`` over :attr:`span` (as :func:`model.core.simulate.simulate`),
        or, beyond :data:`~model.analysis.draw_store.KEEP_PATHS` draws, the indicators the
        outputs read (:class:`~model.analysis.draw_store.Kept`); see :attr:`paths`.
    span : Span
    tried : int
        Draws made, including those rejected because they could not meet the H1 targets.
    drawn : tuple of str
        Parameters that vary across draws.
    solved : tuple of str
        Parameters re-solved in every draw.
    lever_scales : dict of ndarray
        Factors ``(n,)`` on the amounts of levers that vary by draw (scenario discovery), if any.
    """

    scenario: Scenario
    results: Results
    settings: UncertaintyTable
    theta: dict[str, np.ndarray]
    innovations: np.ndarray
    stored: dict[str, np.ndarray] | Kept
    span: Span
    tried: int
    drawn: tuple[str, ...]
    solved: tuple[str, ...]
    lever_scales: dict[str, np.ndarray] = field(default_factory=dict)

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
    def paths(self) -> dict[str, np.ndarray]:
        """Model paths ``(n, T)`` over :attr:`span`; beyond
        :data:`~model.analysis.draw_store.KEEP_PATHS` draws simulated again (chunk by chunk, the
        same numbers) when first asked for, at about 4 KB a draw."""
        if isinstance(self.stored, Kept):
            return simulate_chunks(self.theta, self.inputs(), self.n)
        return self.stored

    @cached_property
    def quarterly(self) -> Mapping[str, np.ndarray]:
        """Quarterly and YTD indicators over :attr:`span`, ``(n, T)`` each (beyond
        :data:`~model.analysis.draw_store.KEEP_PATHS` draws, each simulated again when first asked for)."""
        if isinstance(self.stored, Kept):
            return self._recomputed(annual=False)
        return indicators.quarterly(self.paths)

    @cached_property
    def annual(self) -> Mapping[str, np.ndarray]:
        """Calendar-year indicators, ``(n, years)`` each (as :attr:`quarterly`)."""
        if isinstance(self.stored, Kept):
            return self._recomputed(annual=True)
        return indicators.annual(self.paths)

    def _recomputed(self, *, annual: bool) -> Recomputed:
        of = indicators.annual if annual else indicators.quarterly
        names = tuple(of(self.results.paths))

        def compute(name: str) -> np.ndarray:
            inputs = self.inputs()
            return simulate_chunks(self.theta, inputs, self.n, lambda paths: {name: of(paths)[name]})[name]

        return Recomputed(annual, names, compute)

    def _columns(self, variable: str, columns: Sequence[int], *, annual: bool) -> np.ndarray:
        """``variable``'s values ``(n, len(columns))`` at positions ``columns`` of the quarterly
        (over :attr:`span`) or calendar-year arrays, from what is kept if it can."""
        if isinstance(self.stored, Kept):
            kept = self.stored.annual if annual else self.stored.quarterly
            shift = 0 if annual else self.stored.first
            if variable in kept and all(c >= shift for c in columns):
                return _take(kept[variable], [c - shift for c in columns])
        return _take((self.annual if annual else self.quarterly)[variable], list(columns))

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

    @property
    def own_innovations(self) -> dict[str, np.ndarray]:
        """Standard-normal innovations ``(n, T)`` of the digital core's and revenue's own forecast
        shocks (``digital``, ``revenue``), drawn again from the run's seed when asked for
        (:func:`model.analysis.sampling.own_innovations`): not kept, so a million draws do not carry
        two more ``(n, T)`` arrays."""
        return own_innovations(self.n, self.span, seed=self.settings.seed)

    def inputs(self) -> Inputs:
        """The exogenous inputs of the draws: the scenario's levers and shocks, and the forecast-shock
        gap ``(n, T)`` (``simulate(self.theta, self.inputs())`` gives :attr:`paths`)."""
        inputs = scaled_inputs(self.scenario, self.lever_scales)
        start = inputs.calendar.first_scenario
        return replace(inputs, noise=forecast_gap(self.results.params, self.settings, self.innovations, self.span,
                                                  start=start),
                       **own_noise(self.results.params, self.settings, self.own_innovations, self.span, start=start))

    def values(self, variable: str, period: str) -> np.ndarray:
        """Every draw's value of ``variable`` in ``period`` (a year or a quarter), ``(n,)``."""
        at = At(variable, str(period))
        return self._columns(variable, [at.column(self.span)], annual=at.annual)[:, 0]

    def _arrays(self, quarterly: Sequence[str], annual: Sequence[str], quarters: Sequence[str],
                years: Sequence[str]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        qi = [self.span.index(q) for q in quarters]
        yi = [int(y) - self.span.first_year for y in years]
        return ({v: self._columns(v, qi, annual=False) for v in quarterly},
                {v: self._columns(v, yi, annual=True) for v in annual})

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
