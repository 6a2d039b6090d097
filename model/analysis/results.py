"""Running a scenario, and the :class:`Results` it returns.

``run(scenario)`` applies the scenario's parameter overrides, calibrates to H1 2020 (cached by
parameter set), simulates, and returns a :class:`Results` carrying its inputs: the scenario, the
calibrated parameters and the calibration fit.  Results have a fixed verb set: :meth:`summary`,
:meth:`to_frame`, :meth:`plot`, :meth:`compare`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from model.core import indicators
from model.core.indicators import HEADLINE
from model.core.parameters import ParameterSet
from model.core.periods import Span, last_complete_year, parse_period
from model.core.simulate import as_theta, simulate
from model.fitting.calibration import Calibration, calibrate
from model.inputs.record import load_record, record_line
from model.inputs.registry import default_params
from model.inputs.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from model.analysis.comparison import Comparison

__all__ = ["HEADLINE", "REPORT_START", "Results", "run"]

REPORT_START = "2019Q1"


@dataclass(frozen=True, eq=False)
class Results:
    """One deterministic run of a scenario.

    Attributes
    ----------
    scenario : Scenario
    calibration : Calibration
        The fit to H1 2020 that this run's parameters come from.
    paths : dict of ndarray
        Raw model paths over :attr:`span`, each ``(1, T)``.
    span : Span
    """

    scenario: Scenario
    calibration: Calibration
    paths: dict[str, np.ndarray]
    span: Span

    @property
    def params(self) -> ParameterSet:
        """The calibrated parameters of this run."""
        return self.calibration.params

    @property
    def name(self) -> str:
        return self.scenario.name

    @cached_property
    def quarterly(self) -> pd.DataFrame:
        """One row a quarter from 2019Q1 to the horizon (levels in 亿元, growth in %)."""
        ind = indicators.quarterly(self.paths)
        frame = pd.DataFrame({k: v[0] for k, v in ind.items()}, index=self.span.periods)
        return frame.loc[parse_period(REPORT_START) : parse_period(self.scenario.horizon)]

    @cached_property
    def annual(self) -> pd.DataFrame:
        """One row a complete calendar year from 2019 to the horizon."""
        ind = indicators.annual(self.paths)
        years = pd.Index(np.arange(self.span.first_year, self.span.last_year + 1), name="year")
        frame = pd.DataFrame({k: v[0] for k, v in ind.items()}, index=years)
        return frame.loc[2019 : last_complete_year(self.scenario.horizon)]

    def headline(self) -> pd.DataFrame:
        """The headline table: GDP, real growth, digital-core growth, revenue and its growth, by year
        from 2020."""
        return self.annual.loc[2020:, list(HEADLINE)]

    def to_frame(self, kind: str = "quarterly") -> pd.DataFrame:
        """``quarterly`` or ``annual`` results as a DataFrame (a copy)."""
        if kind not in ("quarterly", "annual"):
            raise ValueError("kind must be 'quarterly' or 'annual'")
        return getattr(self, kind).copy()

    def observed(self) -> pd.DataFrame:
        """The published figures the model was calibrated to (H1 2020 as of 2020Q2; the release of
        the scenario's round otherwise): ``variable, period, observed``."""
        fit = self.calibration.fit
        return pd.DataFrame(
            {"variable": fit.target, "period": pd.PeriodIndex(fit.period, freq="Q"), "observed": fit.observed}
        )

    def summary(self) -> str:
        """Headline figures and the calibration fit, as text."""
        head = self.headline().to_string(float_format=lambda x: f"{x:,.2f}")
        fit = self.calibration.fit[["target", "period", "observed", "model", "error"]]
        lines = [
            f"Scenario {self.name}: {self.scenario.description}".rstrip(": "),
            "",
            "Calendar years (亿元; growth in %)",
            head,
            "",
            f"H2 2020 real growth (H2 over H2 2019): {self.h2_growth():.2f}%",
            f"Track record of the method: {self.track_record()}",
            "",
            f"Calibration to {self.calibration.release} " + ("(all targets met)" if self.calibration.ok else "(TARGETS MISSED)"),
            fit.to_string(index=False, float_format=lambda x: f"{x:,.3f}"),
        ]
        return "\n".join(lines)

    def track_record(self) -> str:
        """The method's backtest record for the same stage of release as the run's round (as of
        2020Q2: H1 -> full year; as of a Q3 round: Q1-Q3 -> full year)."""
        q = self.scenario.vintage.calendar.last_observed.quarter
        return track_record_line(("Q1", "H1", "Q1-Q3", "Q1-Q3")[q - 1])

    def h2_growth(self, variable: str = "gdp_real") -> float:
        """Growth of 2020 H2 over 2019 H2, percent (the shock year's H2, whatever the round)."""
        x = self.paths[variable][0]
        i = self.span.index(f"{self.scenario.vintage.calendar.covid_start.year}Q3")
        return float(100.0 * (x[i : i + 2].sum() / x[i - 4 : i - 2].sum() - 1.0))

    def plot(self, *columns: str, ax: Axes | None = None, observed: bool = True, **kwargs: Any) -> Axes:
        """Plot quarterly ``columns`` (default: real GDP growth, quarter and YTD), with observed H1."""
        from model.present.plotting import plot_paths

        cols = columns or ("gdp_real_yoy", "gdp_real_yoy_ytd")
        obs = self.observed() if observed else None
        return plot_paths({self.name: self.quarterly}, cols, observed=obs, ax=ax, **kwargs)

    def compare(self, other: Results) -> Comparison:
        """This run against ``other`` (the baseline): differences, Shapley contributions of each
        measure, cost-effectiveness (see :func:`model.analysis.compare.compare`)."""
        from model.analysis.comparison import compare_runs

        return compare_runs(self, other)

    def _repr_html_(self) -> str:
        head = self.headline().to_html(float_format=lambda x: f"{x:,.2f}")
        fit = self.calibration.fit[["target", "period", "observed", "model", "error"]].to_html(
            index=False, float_format=lambda x: f"{x:,.3f}"
        )
        return (
            f"<h4>Scenario {self.name}</h4><p>{self.scenario.description}</p>{head}"
            f"<p>Calibration to {self.calibration.release}</p>{fit}"
        )

    def __repr__(self) -> str:
        return f"<Results {self.name}: {len(self.quarterly)} quarters to {self.scenario.horizon}>"


def run(scenario: Scenario | str | Path, *, params: ParameterSet | None = None) -> Results:
    """Run ``scenario`` (a :class:`Scenario` or the path of a scenario file).

    Parameters
    ----------
    scenario : Scenario or path
    params : ParameterSet, optional
        Starting parameters (default: :func:`default_params`).  The scenario's overrides are
        applied on top, then the free parameters are calibrated to the targets of the release the
        scenario is as of (:attr:`Scenario.vintage`; by default H1 2020).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    calibration = calibrate(scenario.apply(params or default_params()), vintage=scenario.vintage)
    inputs = scenario.inputs()
    paths = simulate(as_theta(calibration.params.theta()), inputs)
    return Results(scenario, calibration, paths, inputs.span)


def track_record_line(stage: str = "H1") -> str:
    """The stored backtest record of the method as of the ``stage`` release (see :mod:`model.inputs.record`)."""
    return record_line(load_record(), stage)
