"""Uncertainty: Monte Carlo over parameters and forecast shocks, every draw consistent with H1 2020.

A draw is a set of parameter values and a path of forecast shocks:

* **Parameters.**  Every uncertain parameter of the registry (:attr:`Registry.uncertain`: those
  with a prior, except the ones solved per draw and whole numbers) is drawn from its prior,
  centred on its value in the run: calibrated, set in the scenario's ``[parameters]``, or the
  registry default.  The prior's sd and family come from the registry (each with its source), or
  from ``[uncertainty.priors.<name>]``.  The three trend parameters estimated jointly
  (:data:`model.core.blocks.trend.JOINT`) are drawn from their joint normal (the OLS correlation,
  truncated to the bounds by rejection: :class:`JointTrend`).  ``scale`` multiplies every sd.
* **Re-calibration.**  In every draw the ``per_draw`` parameters (shock depths, the digital
  core's decay, the H1 deflator, the H1 revenue residual) are solved again so that the draw
  reproduces the six H1 2020 targets (:func:`model.fitting.calibration.recalibrate`, batched Newton).
  Draws that cannot meet the targets within the parameters' bounds are drawn again: rejection
  sampling, which conditions the prior on H1.  The acceptance rate is reported.
* **Forecast shocks.**  An AR(1) output gap common to both sectors from 2020Q3,
  :math:`u_t = a u_{t-1} + \\sigma e_t` with :math:`e_t \\sim N(0, 1)`, ``a = shock_ar`` and
  :math:`\\sigma` the innovation sd at which the gap adds ``shock_annual_sd`` pp (the 2012-2019
  residual sd of annual growth in the trend regression) to the sd of annual growth, whatever
  ``a`` (:func:`model.core.blocks.shock.innovation_sd`), times ``scale``.

Random numbers come from streams derived from one seed and a label (each parameter's name, the
trend group, the shocks), so two runs with the same seed use the same numbers for the same
parameter, whatever else differs: common random numbers for scenario differences
(:func:`difference_fan`).  With ``innovations`` given, shocks are explicit and a run is
deterministic given its seed.
"""

from __future__ import annotations

import re
import sys
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import special

from model.analysis.results import Results, run
from model.core import indicators
from model.core.blocks.shock import stochastic_gap
from model.core.blocks.trend import JOINT
from model.core.calendar import CALENDAR
from model.core.errors import UserError
from model.core.indicators import At, split_at
from model.core.parameters import ParameterSet, Prior
from model.core.periods import Span, parse_period
from model.core.simulate import Inputs, simulate
from model.fitting.calibration import recalibrate, solved_per_draw
from model.inputs.estimates import trend_estimate
from model.inputs.scenario import (
    LAST_HORIZON,
    MAX_DRAWS,
    PriorTable,
    Scenario,
    UncertaintyTable,
    load_scenario,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "DEFAULT_THRESHOLDS",
    "FAN_ANNUAL",
    "FAN_PERCENTILES",
    "FAN_QUARTERLY",
    "MAX_DRAWS",
    "SHOCK_START",
    "Draws",
    "JointTrend",
    "Origins",
    "Threshold",
    "check_prior",
    "check_threshold",
    "difference_fan",
    "draw_innovations",
    "draw_parameters",
    "fan",
    "forecast_gap",
    "paired_draws",
    "parse_threshold",
    "priors",
    "probability",
    "simulate_draws",
]

FAN_PERCENTILES = (5, 25, 50, 75, 95)
"""Percentiles of a fan (columns ``p05 ... p95``)."""
FAN_QUARTERLY = (
    "gdp_real_yoy", "gdp_real_yoy_ytd", "digital_core_real_yoy_ytd", "gdp", "gdp_ytd", "revenue",
    "revenue_ytd", "revenue_yoy_ytd",
)
"""Quarterly (and year-to-date) indicators in ``fan.csv``, from 2020Q1 to the horizon."""
FAN_ANNUAL = ("gdp", "gdp_real_yoy", "digital_core_real_yoy", "revenue", "revenue_yoy")
"""Calendar-year indicators in ``fan.csv``, for every complete year from 2020."""
DEFAULT_THRESHOLDS = ("gdp_real_yoy@2020>=3", "revenue_yoy@2020>=0")
"""Probabilities reported unless the scenario or the command line names others."""
SHOCK_START = str(CALENDAR.first_scenario)
"""First quarter of the forecast shocks (H1 2020 is observed)."""
FAN_START = str(CALENDAR.report_start)
MAX_ROUNDS = 50
MIN_ACCEPTANCE = 0.02


# -- thresholds --------------------------------------------------------------------------------

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
    text: str, *, horizon: str = str(LAST_HORIZON), file: str | None = None, key: str = "--threshold"
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


# -- priors and draws --------------------------------------------------------------------------


def check_priors(settings: UncertaintyTable, parameters: Mapping[str, float], *, file: str | None = None) -> None:
    """Check ``[uncertainty.priors]`` and ``scale`` against the registry; raise :class:`UserError`.

    Every prior override must name a drawn parameter and keep its centre within the bounds; every
    prior must remain a valid distribution at ``scale`` when centred on the scenario's value (the
    calibrated parameters' centres are known only after calibration and are checked when drawn).
    ``parameters`` are the scenario's overrides.
    """
    from model.inputs.registry import registry

    reg = registry()
    for name, table in settings.priors.items():
        key = f"uncertainty.priors.{name}"
        par = reg.lookup(name, file=file, key=key)
        if par.per_draw:
            raise UserError("this parameter is solved in every draw to meet the H1 2020 targets; it has no "
                            "prior to set", file=file, key=key)
        if name not in reg.uncertain:
            hint = " (its forecast-shock sd is scaled by uncertainty.scale)" if name == "shock_annual_sd" else ""
            raise UserError(f"this parameter is not drawn: it is treated as known{hint}", file=file, key=key)
        if table.mean is not None:
            par.check(table.mean, file=file, key=f"{key}.mean")
    origins = Origins(settings, file, frozenset(parameters))
    for name in reg.uncertain:
        par = reg[name]
        table = settings.priors.get(name)
        centre = table.mean if table is not None and table.mean is not None else parameters.get(name, par.value)
        check_prior(name, _effective(par.prior, table, centre), par.bounds, settings.scale, origins)


def check_threshold(text: str, horizon: str, *, file: str | None = None, key: str = "--threshold") -> Threshold:
    """:func:`parse_threshold` against the scenario's ``horizon``."""
    return parse_threshold(text, horizon=horizon, file=file, key=key)


@dataclass(frozen=True)
class Origins:
    """Where the settings that shape the priors of a run came from, to name the right one in an error.

    Attributes
    ----------
    settings : UncertaintyTable
        ``[uncertainty]``: prior overrides and ``scale``.
    file : str or None
        The scenario file.
    parameters : frozenset of str
        Names set in the scenario's ``[parameters]``.
    set_by_user : frozenset of str
        Names set in the ``params`` a run starts from, which the command line sets with ``--set``
        (a scenario's ``[parameters]`` win over them).
    """

    settings: UncertaintyTable
    file: str | None = None
    parameters: frozenset[str] = frozenset()
    set_by_user: frozenset[str] = frozenset()

    @classmethod
    def of(cls, scenario: Scenario, params: ParameterSet, settings: UncertaintyTable) -> Origins:
        """The origins of a run of ``scenario`` from ``params``."""
        mine = frozenset(scenario.parameters)
        return cls(settings, scenario.path, mine, frozenset(params.fixed) - mine)

    def centre(self, name: str) -> tuple[str | None, str]:
        """``(file, key)`` of the setting that centres ``name``'s prior."""
        table = self.settings.priors.get(name)
        if table is not None and table.mean is not None:
            return self.file, f"uncertainty.priors.{name}.mean"
        if name in self.parameters:
            return self.file, f"parameters.{name}"
        if name in self.set_by_user:
            return None, f"--set {name}"
        if table is not None and table.dist is not None:
            return self.file, f"uncertainty.priors.{name}.dist"
        return None, name  # the calibrated value or the registry default

    def spread(self, name: str, *, scale_alone: bool) -> tuple[str | None, str]:
        """``(file, key)`` of the setting that makes ``name``'s prior too wide: ``scale`` when
        ``scale_alone`` (the prior is valid at scale 1), else its sd or family in
        ``[uncertainty.priors]``, else what moved its centre close to a bound."""
        table = self.settings.priors.get(name)
        if scale_alone:
            return self.file, "uncertainty.scale"
        if table is not None and table.sd is not None:
            return self.file, f"uncertainty.priors.{name}.sd"
        if table is not None and table.dist is not None:
            return self.file, f"uncertainty.priors.{name}.dist"
        return self.centre(name)


def check_prior(name: str, prior: Prior, bounds: tuple[float, float], scale: float, origins: Origins) -> None:
    """Raise :class:`UserError` naming the setting to blame if ``prior`` (centred on ``prior.mean``,
    sd times ``scale``) is no valid distribution on ``bounds`` (a beta prior too wide for its centre,
    or centred on a bound)."""
    try:
        prior.ppf(0.5, bounds, scale=scale)
    except ValueError:
        pass
    else:
        return
    lo, hi = bounds
    c, sd = prior.mean, prior.sd * scale
    where = f"a beta prior centred on {c:g} within [{lo:g}, {hi:g}]"
    if not lo < c < hi:
        file, key = origins.centre(name)
        message = (f"{where} needs its centre strictly inside the bounds (set a value inside them, or another "
                   f"family in [uncertainty.priors.{name}])")
    else:
        try:
            prior.ppf(0.5, bounds)
            scale_alone = scale > 1
        except ValueError:
            scale_alone = False
        file, key = origins.spread(name, scale_alone=scale_alone)
        m = (c - lo) / (hi - lo)
        message = f"{where} needs an sd below {(hi - lo) * np.sqrt(m * (1 - m)):.3g}, got {sd:g}"
    raise UserError(message if name in key else f"{name}: {message}", file=file, key=key)


def _effective(base: Prior | None, table: PriorTable | None, centre: float) -> Prior:
    assert base is not None
    if table is None:
        return replace(base, mean=centre)
    changed = any(v is not None for v in (table.dist, table.mean, table.sd))
    return Prior(
        table.dist or base.dist,
        centre,
        base.sd if table.sd is None else table.sd,
        table.source or ("scenario [uncertainty.priors]" if changed else base.source),
    )


def priors(params: ParameterSet, settings: UncertaintyTable | None = None) -> dict[str, Prior]:
    """The prior every uncertain parameter is drawn from, centred where the draws are.

    The centre is ``[uncertainty.priors.<name>].mean`` if set, else the parameter's value in
    ``params`` (calibrated or set); family and sd come from the override or the registry.
    The sd is before ``scale``.
    """
    settings = settings or UncertaintyTable()
    out = {}
    for name in params.registry.uncertain:
        table = settings.priors.get(name)
        centre = table.mean if table is not None and table.mean is not None else params[name]
        out[name] = _effective(params.registry[name].prior, table, centre)
    return out


@dataclass(frozen=True)
class JointTrend:
    """The jointly estimated trend parameters (:data:`model.core.blocks.trend.JOINT`) as one normal.

    Correlation from the OLS covariance of :func:`model.inputs.estimates.trend_estimate`, centres and sds
    from the priors (sds times ``scale``): :math:`x = \\mu + L z` with :math:`L` the Cholesky factor
    of the covariance and :math:`z` standard normal.  Both analyses truncate it to the
    parameters' bounds, each as its sampling scheme allows: the Monte Carlo by rejection
    (:meth:`sample`), the Sobol analysis, which needs a deterministic map from the unit cube, by
    clipping (:meth:`ppf`: a row beyond a bound takes the bound, so the bound gets the
    probability mass beyond it).  At the default priors every bound lies more than 8 sds from
    its centre, so neither ever binds.
    """

    names: tuple[str, ...]
    mean: np.ndarray
    chol: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def of(cls, priors: Mapping[str, Prior], params: ParameterSet, scale: float) -> JointTrend | None:
        """The trend parameters among ``priors`` with normal priors, or ``None`` if fewer than two
        (then each is drawn alone from its prior)."""
        names = tuple(n for n in JOINT if n in priors and priors[n].dist == "normal")
        if len(names) < 2:
            return None
        reg = params.registry
        cov = trend_estimate().cov.loc[list(names), list(names)].to_numpy()
        corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
        sd = np.array([priors[j].sd for j in names]) * scale
        chol = np.linalg.cholesky(corr) * sd[:, None]
        return cls(names, np.array([priors[j].mean for j in names]), chol,
                   np.array([reg[j].bounds[0] for j in names]), np.array([reg[j].bounds[1] for j in names]))

    def values(self, z: np.ndarray) -> np.ndarray:
        """Parameter rows ``(n, k)`` from standard-normal rows ``z``, before truncation."""
        return self.mean + z @ self.chol.T

    def sample(self, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
        """``n`` draws, ``(n, 1)`` a parameter, truncated to the bounds by rejection (rows outside
        are drawn again, in at most 100 rounds; then clipped)."""
        x = self.values(rng.standard_normal((n, len(self.names))))
        for _ in range(100):  # rounds of rejection, not a loop over draws
            bad = np.flatnonzero(np.any((x < self.lo) | (x > self.hi), axis=1))
            if bad.size == 0:
                break
            x[bad] = self.values(rng.standard_normal((bad.size, len(self.names))))
        return self._columns(np.clip(x, self.lo, self.hi))

    def ppf(self, u: np.ndarray) -> dict[str, np.ndarray]:
        """The parameters at unit-cube rows ``u`` ``(n, k)``, strictly inside (0, 1): ``z`` is the
        standard normal inverse CDF of ``u``, and the values are clipped to the bounds; ``(n, 1)`` a
        parameter."""
        return self._columns(np.clip(self.values(special.ndtri(u)), self.lo, self.hi))

    def _columns(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {j: x[:, i : i + 1] for i, j in enumerate(self.names)}


def _stream(seed: int, label: str) -> np.random.Generator:
    """A generator for one label (a parameter, the trend group, the shocks) under ``seed``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(label.encode()),)))


class _Sampler:
    """Draws parameters in rounds from per-label streams (so rejection redraws continue them)."""

    def __init__(self, params: ParameterSet, settings: UncertaintyTable, seed: int, origins: Origins) -> None:
        self.params = params
        self.origins = origins
        self.priors = priors(params, settings) if settings.draw_parameters else {}
        self.scale = settings.scale
        self.joint = JointTrend.of(self.priors, params, self.scale)
        joint = self.joint.names if self.joint else ()
        self.streams = {n: _stream(seed, n) for n in self.priors if n not in joint}
        self.streams["trend"] = _stream(seed, "trend")
        for name, prior in self.priors.items():
            check_prior(name, prior, params.registry[name].bounds, self.scale, origins)

    @property
    def drawn(self) -> tuple[str, ...]:
        """Parameters that vary across draws."""
        return tuple(n for n, p in self.priors.items() if p.sd * self.scale > 0)

    def draw(self, n: int) -> dict[str, np.ndarray]:
        reg = self.params.registry
        joint = self.joint.names if self.joint else ()
        out = {name: prior.sample(self.streams[name], n, reg[name].bounds, center=prior.mean,
                                  scale=self.scale)[:, None]
               for name, prior in self.priors.items() if name not in joint}
        if self.joint:
            out.update(self.joint.sample(self.streams["trend"], n))
        return out


def draw_parameters(
    params: ParameterSet, n: int, *, seed: int, settings: UncertaintyTable | None = None
) -> dict[str, np.ndarray]:
    """``n`` draws of every uncertain parameter, ``(n, 1)`` each, before re-calibration.

    Parameters
    ----------
    params : ParameterSet
        Calibrated parameters: the centres of the draws.
    n : int
    seed : int
        Seed of the per-parameter random streams.
    settings : UncertaintyTable, optional
        ``scale``, ``draw_parameters`` and prior overrides (default: registry priors, scale 1).

    Returns
    -------
    dict
        Drawn parameters only; the others keep their values in ``params``.
    """
    settings = settings or UncertaintyTable()
    return _Sampler(params, settings, seed, Origins(settings)).draw(n)


def _n_shock_quarters() -> int:
    """Quarters from 2020Q3 to the last horizon a scenario may have."""
    first = parse_period(SHOCK_START)
    return 4 * (LAST_HORIZON.year - first.year) + LAST_HORIZON.quarter - first.quarter + 1


def draw_innovations(n: int, span: Span, *, seed: int) -> np.ndarray:
    """Standard-normal forecast-shock innovations ``(n, T)`` over ``span``, zero before 2020Q3.

    Drawn for every quarter from 2020Q3 to the last possible horizon and then cut to ``span``,
    so that scenarios with different horizons share their common quarters' shocks.
    """
    e = _stream(seed, "forecast_shocks").standard_normal((n, _n_shock_quarters()))
    start = span.index(SHOCK_START)
    out = np.zeros((n, span.n))
    width = min(span.n - start, e.shape[1])
    out[:, start : start + width] = e[:, :width]
    return out


# -- the Monte Carlo ---------------------------------------------------------------------------


def _settings(scenario: Scenario, **overrides: Any) -> UncertaintyTable:
    base = scenario.uncertainty or UncertaintyTable()
    changes = {k: v for k, v in overrides.items() if v is not None}
    if "draws" in changes and not (isinstance(changes["draws"], int) and 0 < changes["draws"] <= MAX_DRAWS):
        raise UserError(f"expected a whole number of draws from 1 to {MAX_DRAWS}, got {changes['draws']!r}",
                        key="draws")
    if "seed" in changes and not (isinstance(changes["seed"], int) and changes["seed"] >= 0):
        raise UserError(f"expected a non-negative whole number, got {changes['seed']!r}", key="seed")
    if "scale" in changes and not (np.isfinite(changes["scale"]) and 0 <= changes["scale"] <= 10):
        raise UserError(f"expected a number from 0 to 10, got {changes['scale']!r}", key="scale")
    if "thresholds" in changes:
        changes["thresholds"] = tuple(changes["thresholds"])
    return base.model_copy(update=changes)


def _progress(total: int, desc: str, enabled: bool | None) -> Any:
    """A tqdm bar on stderr, by default only when it is a terminal, and only once the work has
    taken half a second."""
    from tqdm.auto import tqdm

    show = sys.stderr.isatty() if enabled is None else enabled
    return tqdm(total=total, desc=desc, unit="draw", disable=not show, delay=0.5, leave=False)


def _draw_and_solve(
    params: ParameterSet, settings: UncertaintyTable, origins: Origins, progress: bool | None, name: str
) -> tuple[dict[str, np.ndarray], int, tuple[str, ...]]:
    """Draw ``settings.draws`` accepted parameter sets, each re-calibrated; return them, the
    number of draws tried and the names drawn."""
    n = settings.draws
    file = origins.file
    sampler = _Sampler(params, settings, settings.seed, origins)
    base = {k: np.full((1, 1), v) for k, v in params.theta().items()}
    if not sampler.drawn:  # nothing varies: every draw is the calibrated point
        return {k: np.broadcast_to(v, (n, 1)) for k, v in base.items()}, n, ()
    with _progress(n, f"{name}: draws", progress) as bar:
        theta, ok = recalibrate(params, {**base, **sampler.draw(n)})
        theta = {k: np.array(np.broadcast_to(v, (n, 1))) for k, v in theta.items()}
        tried = n
        bar.update(int(ok.sum()))
        for _ in range(MAX_ROUNDS):
            bad = np.flatnonzero(~ok)
            if bad.size == 0:
                break
            if ok.sum() < MIN_ACCEPTANCE * tried and tried >= 5 * n:
                break
            fresh, ok_fresh = recalibrate(params, {**base, **sampler.draw(bad.size)})
            for k, v in fresh.items():
                theta[k][bad] = np.broadcast_to(v, (bad.size, 1))
            ok[bad] = ok_fresh
            tried += bad.size
            bar.update(int(ok_fresh.sum()))
    if not ok.all():
        raise UserError(
            f"only {ok.sum():,} of {tried:,} draws reproduce the H1 2020 targets within the parameters' "
            "bounds; narrow the priors (uncertainty.scale, uncertainty.priors) or free the parameters "
            "set in [parameters] that the calibration needs", file=file, key="uncertainty",
        )
    return theta, tried, sampler.drawn


def simulate_draws(
    scenario: Scenario | str | Path,
    *,
    draws: int | None = None,
    seed: int | None = None,
    scale: float | None = None,
    params: ParameterSet | None = None,
    innovations: np.ndarray | None = None,
    thresholds: Sequence[str] | None = None,
    progress: bool | None = None,
) -> Draws:
    """Monte Carlo of ``scenario``: draws of parameters and forecast shocks, each re-calibrated.

    Parameters
    ----------
    scenario : Scenario or path
    draws, seed, scale : optional
        Override the scenario's ``[uncertainty]`` settings (defaults: 10,000 draws, seed
        20200630, scale 1).
    params : ParameterSet, optional
        Starting parameters, as in :func:`model.run`.
    innovations : ndarray, optional
        Explicit standard-normal shock innovations ``(draws, T)`` over the scenario's span (see
        :func:`draw_innovations`); default: drawn from the seed.
    thresholds : sequence of str, optional
        Events whose probabilities :meth:`Draws.probabilities` reports by default.
    progress : bool, optional
        Show a progress bar on a terminal (default: when stderr is one).

    Returns
    -------
    Draws

    Raises
    ------
    UserError
        For bad settings, or when too few draws can reproduce the H1 2020 targets.

    Notes
    -----
    1. Run the scenario deterministically (:func:`model.run`): its calibrated parameters
       :math:`\\theta_c` centre the priors.
    2. Draw :math:`n` parameter sets (:func:`draw_parameters`), solve the ``per_draw`` parameters
       of all of them at once (:func:`model.fitting.calibration.recalibrate`), and draw again those that
       cannot meet the H1 targets within bounds, until :math:`n` are accepted.
    3. Forecast gap :math:`u_t = a u_{t-1} + \\sigma s e_t` from 2020Q3 with :math:`s` = ``scale``
       (:func:`model.core.blocks.shock.stochastic_gap`), added to both sectors' gaps.
    4. One call of :func:`model.core.simulate.simulate` on the ``(n, T)`` arrays.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    settings = _settings(scenario, draws=draws, seed=seed, scale=scale, thresholds=thresholds)
    for t in settings.thresholds or DEFAULT_THRESHOLDS:
        check_threshold(t, scenario.horizon, file=scenario.path, key="thresholds")
    point = run(scenario, params=params)
    origins = Origins.of(scenario, point.params, settings)
    theta, tried, drawn = _draw_and_solve(point.params, settings, origins, progress, scenario.name)
    return _simulate(point, settings, theta, tried, drawn, innovations)


def _simulate(
    point: Results, settings: UncertaintyTable, theta: dict[str, np.ndarray], tried: int,
    drawn: tuple[str, ...], innovations: np.ndarray | None,
) -> Draws:
    scenario = point.scenario
    n = settings.draws
    inputs = scenario.inputs()
    span = inputs.span
    if innovations is None:
        innovations = draw_innovations(n, span, seed=settings.seed)
    innovations = np.asarray(innovations, dtype=float)
    if innovations.shape != (n, span.n):
        raise ValueError(f"innovations must have shape {(n, span.n)}, got {innovations.shape}")
    paths = simulate(theta, replace(inputs, noise=forecast_gap(point.params, settings, innovations, span)))
    solved = solved_per_draw(point.params) if drawn else ()
    return Draws(scenario, point, settings, theta, innovations, paths, span, tried, drawn, solved)


def forecast_gap(params: ParameterSet, settings: UncertaintyTable, innovations: np.ndarray, span: Span) -> np.ndarray:
    """The forecast-shock gap ``(n, T)`` in percent of trend from standard-normal ``innovations``
    ``(n, T)`` over ``span``: :func:`model.core.blocks.shock.stochastic_gap` from 2020Q3 at ``params``'
    ``shock_ar`` and ``shock_annual_sd``, its innovation sd times ``scale`` (zero without
    ``draw_shocks``)."""
    shock_theta = {k: np.full((1, 1), params[k]) for k in ("shock_annual_sd", "shock_ar")}
    return stochastic_gap(shock_theta, innovations, span, SHOCK_START, scale=settings.scale * settings.draw_shocks)


# -- results -----------------------------------------------------------------------------------


def fan(
    values: Mapping[str, np.ndarray], labels: Sequence[str], *, percentiles: Sequence[int] = FAN_PERCENTILES
) -> pd.DataFrame:
    """Percentiles over draws: one row a (period, variable), columns ``p05 ... p95``.

    ``values`` maps a variable to an ``(n, P)`` array whose columns are the periods ``labels``.
    """
    names = list(values)
    stack = np.concatenate([np.asarray(values[v], dtype=float) for v in names], axis=1)
    pct = np.percentile(stack, list(percentiles), axis=0).T  # (V * P, len(percentiles))
    frame = pd.DataFrame(pct, columns=[f"p{q:02d}" for q in percentiles])
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
        return [str(y) for y in range(2020, (last.year if last.quarter == 4 else last.year - 1) + 1)]

    def inputs(self) -> Inputs:
        """The exogenous inputs of the draws: the scenario's levers and shocks, and the forecast-shock
        gap ``(n, T)`` (``simulate(self.theta, self.inputs())`` gives :attr:`paths`)."""
        return replace(self.scenario.inputs(),
                       noise=forecast_gap(self.results.params, self.settings, self.innovations, self.span))

    def values(self, variable: str, period: str) -> np.ndarray:
        """Every draw's value of ``variable`` in ``period`` (a year or a quarter), ``(n,)``."""
        if "Q" in str(period).upper():
            return self.quarterly[variable][:, self.span.index(period)]
        return self.annual[variable][:, int(period) - self.span.first_year]

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
        if "Q" in str(period).upper():
            return float(self.results.quarterly.loc[parse_period(period), variable])
        return float(self.results.annual.loc[int(period), variable])

    def headline(self) -> pd.DataFrame:
        """Fan of the calendar-year headline figures with the deterministic value beside."""
        frame = self.fan(quarterly=(), annual=("gdp_real_yoy", "revenue_yoy", "gdp", "revenue"))
        frame["point"] = [self.point(v, p) for v, p in zip(frame.variable, frame.period, strict=True)]
        return frame

    def summary(self) -> str:
        """Settings, acceptance, the calendar-year fan and the probabilities, as text."""
        s = self.settings
        head = self.headline().to_string(index=False, float_format=lambda x: f"{x:,.2f}")
        probs = self.probabilities()
        lines = [
            f"Uncertainty: {self.n:,} draws (seed {s.seed}, scale {s.scale:g}), each re-calibrated to H1 2020; "
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
        return (
            f"<h4>Scenario {self.name}: {self.n:,} draws</h4>"
            f"<p>seed {s.seed}, scale {s.scale:g}; every draw re-calibrated to H1 2020; "
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

    def plot(self, variable: str = "gdp_real_yoy_ytd", *, ax: Axes | None = None, title: str | None = None) -> Axes:
        """Fan chart of a quarterly indicator: 5-95% and 25-75% bands, median, deterministic path
        and the observed H1 2020 points."""
        from model.present.plotting import plot_paths

        f = self.fan(quarterly=(variable,), annual=())
        f.index = pd.PeriodIndex(f.period, freq="Q")
        median = pd.DataFrame({variable: f.p50})
        point = self.results.quarterly[[variable]]
        band = {"5-95%": (f.p05, f.p95), "25-75%": (f.p25, f.p75)}
        frames = {"deterministic": point, "median of draws": median}
        return plot_paths(frames, [variable], observed=self.results.observed(),
                          ax=ax, title=title or f"{variable}: fan of {self.n:,} draws", band=band)

    def write(self, directory: str | Path) -> Path:
        """Write the deterministic run's files and the fan's into ``directory`` atomically
        (:func:`model.present.output.write_run`, :mod:`model.present.fans`)."""
        from model.present.output import write_run

        return write_run(self.results, Path(directory), draws=self)

    def __repr__(self) -> str:
        return f"<Draws {self.name}: {self.n:,} draws to {self.scenario.horizon}, seed {self.settings.seed}>"


# -- differences between scenarios -------------------------------------------------------------


def paired_draws(
    scenario: Scenario | str | Path,
    baseline: Scenario | str | Path,
    *,
    draws: int | None = None,
    seed: int | None = None,
    scale: float | None = None,
    params: ParameterSet | None = None,
    progress: bool | None = None,
) -> tuple[Draws, Draws]:
    """Monte Carlos of two scenarios on common random numbers.

    ``scenario``'s uncertainty settings serve both.  When the two scenarios calibrate to the same
    parameters (they differ in levers and shocks only), the baseline reuses the scenario's
    re-calibrated draws and shocks exactly, so a draw-by-draw difference isolates the measures.
    Otherwise each is drawn from the same seed: the same random numbers for the same parameters,
    mapped through each scenario's priors.
    """
    a = simulate_draws(scenario, draws=draws, seed=seed, scale=scale, params=params, progress=progress)
    if not isinstance(baseline, Scenario):
        baseline = load_scenario(baseline)
    base = baseline.model_copy(update={"uncertainty": a.settings})
    point = run(base, params=params)
    if point.params == a.results.params:
        innov = draw_innovations(a.n, point.span, seed=a.settings.seed)  # the same shocks, cut to its span
        b = _simulate(point, a.settings, a.theta, a.tried, a.drawn, innov)
    else:
        b = simulate_draws(base, params=params, progress=progress)
    return a, b


def difference_fan(
    scenario: Scenario | str | Path,
    baseline: Scenario | str | Path,
    *,
    draws: int | None = None,
    seed: int | None = None,
    params: ParameterSet | None = None,
    quarterly: Sequence[str] = FAN_QUARTERLY,
    annual: Sequence[str] = FAN_ANNUAL,
) -> pd.DataFrame:
    """Fan of ``scenario - baseline``, draw by draw on common random numbers (:func:`paired_draws`).

    Columns as ``fan.csv``: ``period, variable, p05, p25, p50, p75, p95``; growth differences in
    pp, levels in 亿元.
    """
    a, b = paired_draws(scenario, baseline, draws=draws, seed=seed, params=params)
    return a.fan(quarterly=quarterly, annual=annual, minus=b)
