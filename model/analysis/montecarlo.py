"""Monte Carlo over parameters and forecast shocks, every draw consistent with H1 2020.

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

import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.analysis.draws import FAN_ANNUAL, FAN_QUARTERLY, Draws
from model.analysis.results import Results, run
from model.analysis.sampling import _Sampler, draw_innovations, forecast_gap
from model.core.errors import UserError
from model.core.parameters import ParameterSet
from model.core.simulate import simulate
from model.fitting.calibration import recalibrate, solved_per_draw
from model.inputs.scenario import MAX_DRAWS, Scenario, UncertaintyTable, load_scenario
from model.inputs.thresholds import DEFAULT_THRESHOLDS, check_threshold
from model.inputs.uncertainty_settings import Origins

__all__ = ["difference_fan", "paired_draws", "progress_bar", "simulate_draws"]

MAX_ROUNDS = 50
"""Most rounds of redrawing the draws that cannot meet the H1 2020 targets."""
MIN_ACCEPTANCE = 0.02
"""Below this acceptance rate (after five times the draws asked for) the Monte Carlo gives up."""


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


def progress_bar(total: int, desc: str, enabled: bool | None) -> Any:
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
    with progress_bar(n, f"{name}: draws", progress) as bar:
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
