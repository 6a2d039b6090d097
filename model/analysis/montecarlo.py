"""Monte Carlo over parameters and forecast shocks, every draw consistent with H1 2020.

A draw is a set of parameter values and a path of forecast shocks:

* **Parameters.**  Every uncertain parameter of the registry (:attr:`Registry.uncertain`: those
  with a prior, except the ones solved per draw and whole numbers) is drawn from its prior,
  centred on its value in the run: calibrated, set in the scenario's ``[parameters]``, or the
  registry default.  The prior's sd and family come from the registry (each with its source), or
  from ``[uncertainty.priors.<name>]``.  The three trend parameters
  (:data:`model.core.blocks.trend.JOINT`) are drawn from their joint normal (the run's estimators'
  correlation, :func:`model.analysis.sampling.trend_correlation`; truncated to the bounds by
  rejection: :class:`JointTrend`).  ``scale`` multiplies every sd.
* **Re-calibration.**  In every draw the ``per_draw`` parameters (shock depths, the digital
  core's decay, the H1 deflator, the H1 revenue residual) are solved again so that the draw
  reproduces the six H1 2020 targets (:func:`model.fitting.calibration.recalibrate`, batched Newton).
  Draws that cannot meet the targets within the parameters' bounds are drawn again: rejection
  sampling, which conditions the prior on H1.  The acceptance rate is reported.
* **Forecast shocks.**  An AR(1) output gap common to both sectors from 2020Q3,
  :math:`u_t = a u_{t-1} + \\sigma e_t` with :math:`e_t \\sim N(0, 1)`, ``a = shock_ar`` and
  :math:`\\sigma` the innovation sd at which the gap adds ``shock_annual_sd`` pp (the backtest's
  scale) to the sd of annual growth, whatever ``a`` (:func:`model.core.blocks.shock.innovation_sd`),
  times ``scale``.  Two more of the same form, each from its own stream and independent: the
  digital core's own gap (``digital_shock_*``; the rest's gap offsets it, so total output at trend
  is unchanged) and revenue's own multiplicative shock (``revenue_shock_*``, its sd estimated from
  the releases: :mod:`model.inputs.revenue_shock`).

Random numbers come from streams derived from one seed and a label (each parameter's name, the
trend group, the shocks), so two runs with the same seed use the same numbers for the same
parameter, whatever else differs: common random numbers for scenario differences
(:func:`difference_fan`).  With ``innovations`` given, shocks are explicit and a run is
deterministic given its seed.
"""


from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.analysis.draw_store import KEEP_PATHS, keep, kept, simulate_chunks
from model.analysis.draws import (
    FAN_ANNUAL,
    FAN_QUARTERLY,
    FAN_START,
    Draws,
    kept_variables,
    scaled_inputs,
)
from model.analysis.executors import map_chunks
from model.analysis.results import Results, run
from model.analysis.sampling import (
    OWN_SHOCKS,
    _Sampler,
    chunks,
    draw_innovations,
    forecast_gap,
    own_noise,
)
from model.core.calendar import CALENDAR, release_name
from model.core.errors import UserError
from model.core.parameters import ParameterSet
from model.core.progress import progress_bar
from model.fitting.calibration import recalibrate, solved_per_draw
from model.inputs.scenario import Scenario, UncertaintyTable, load_scenario
from model.inputs.thresholds import DEFAULT_THRESHOLDS, check_threshold
from model.inputs.uncertainty_settings import Origins, check_draws, check_seed
from model.inputs.vintage import DEFAULT_VINTAGE, Vintage

__all__ = ["MAX_WORKERS", "check_workers", "difference_fan", "paired_draws", "simulate_draws"]

MAX_ROUNDS = 50
"""Most rounds of redrawing the draws that cannot meet the H1 2020 targets."""
MIN_ACCEPTANCE = 0.02
"""Below this acceptance rate (after five times the draws asked for) the Monte Carlo gives up."""


def _settings(scenario: Scenario, **overrides: Any) -> UncertaintyTable:
    base = scenario.uncertainty or UncertaintyTable()
    changes = {k: v for k, v in overrides.items() if v is not None}
    if "draws" in changes:
        changes["draws"] = check_draws(changes["draws"])
    if "seed" in changes:
        changes["seed"] = check_seed(changes["seed"])
    if "scale" in changes and not (np.isfinite(changes["scale"]) and 0 <= changes["scale"] <= 10):
        raise UserError(f"expected a number from 0 to 10, got {changes['scale']!r}", key="scale")
    if "thresholds" in changes:
        changes["thresholds"] = tuple(changes["thresholds"])
    return base.model_copy(update=changes)


MAX_WORKERS = 256
"""Most worker processes a Monte Carlo may use."""


def _solve_chunk(
    params: ParameterSet, settings: UncertaintyTable, origins: Origins, chunk: int, m: int,
    vintage: Vintage = DEFAULT_VINTAGE,
) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, int]:
    """Chunk ``chunk`` of the draws: ``m`` parameter sets from the chunk's own streams, each
    re-calibrated, those that cannot meet the targets drawn again (in rounds, not per draw).
    Returns the parameters' names and values ``(m, names)`` (one block, so that a million draws
    do not leave thousands of small arrays behind), which draws were accepted, and the draws tried."""
    sampler = _Sampler(params, settings, settings.seed, origins, chunk)
    base = {k: np.full((1, 1), v) for k, v in params.theta().items()}
    theta, ok = recalibrate(params, {**base, **sampler.draw(m)}, vintage=vintage)
    theta = {k: np.array(np.broadcast_to(v, (m, 1))) for k, v in theta.items()}
    tried = m
    for _ in range(MAX_ROUNDS):
        bad = np.flatnonzero(~ok)
        if bad.size == 0:
            break
        if ok.sum() < MIN_ACCEPTANCE * tried and tried >= 5 * m:
            break
        fresh, ok_fresh = recalibrate(params, {**base, **sampler.draw(bad.size)}, vintage=vintage)
        for k, v in fresh.items():
            theta[k][bad] = np.broadcast_to(v, (bad.size, 1))
        ok[bad] = ok_fresh
        tried += bad.size
    names = tuple(theta)
    return names, np.column_stack([theta[k] for k in names]), ok, tried


def check_workers(workers: int | None, *, key: str = "--workers") -> int:
    """``workers`` as a whole number from 1 to :data:`MAX_WORKERS` (``None``: 1), or :class:`UserError`."""
    if workers is None:
        return 1
    if isinstance(workers, bool) or not isinstance(workers, int | np.integer) or not 1 <= workers <= MAX_WORKERS:
        raise UserError(f"expected a whole number of workers from 1 to {MAX_WORKERS}, got {workers!r}", key=key)
    return int(workers)


def check_lever_scales(scenario: Scenario, scales: Mapping[str, np.ndarray] | None, n: int) -> dict[str, np.ndarray]:
    """``scales`` as ``(n,)`` float arrays of finite non-negative factors on levers the scenario
    sets, or :class:`UserError` naming the lever."""
    out = {}
    for name, f in (scales or {}).items():
        if name not in scenario.lever_configs():
            raise UserError(f"the scenario sets no {name!r} lever to scale", file=scenario.path, key=f"levers.{name}")
        f = np.asarray(f, dtype=float)
        if f.shape != (n,) or not np.all(np.isfinite(f) & (f >= 0)):
            raise UserError(f"expected {n:,} finite non-negative factors, one a draw", key=f"levers.{name}")
        out[name] = f
    return out


def _draw_and_solve(
    params: ParameterSet, settings: UncertaintyTable, origins: Origins, progress: bool | None, name: str,
    workers: int = 1, scheduler: str | None = None, vintage: Vintage = DEFAULT_VINTAGE,
) -> tuple[dict[str, np.ndarray], int, tuple[str, ...]]:
    """Draw ``settings.draws`` accepted parameter sets, each re-calibrated; return them, the
    number of draws tried and the names drawn.

    The draws are made in chunks of :data:`~model.analysis.sampling.CHUNK` (:func:`_solve_chunk`),
    on ``workers`` processes or on Dask (:func:`model.analysis.executors.map_chunks`); chunk ``i`` always draws from its own streams and the chunks are put
    together in order, so the result is byte-identical for any number of workers.
    """
    n = settings.draws
    sampler = _Sampler(params, settings, settings.seed, origins)  # checks the priors here, once
    if not sampler.drawn:  # nothing varies: every draw is the calibrated point
        base = {k: np.full((1, 1), v) for k, v in params.theta().items()}
        return {k: np.broadcast_to(v, (n, 1)) for k, v in base.items()}, n, ()
    parts = chunks(n)
    with progress_bar(n, f"{name}: draws", progress) as bar:
        results = map_chunks(_solve_chunk, [(params, settings, origins, i, m, vintage) for i, m in parts], workers=workers,
                             scheduler=scheduler, done=lambda i: bar.update(parts[i][1]))
    names = results[0][0]
    ok = np.concatenate([r[2] for r in results])
    tried = sum(r[3] for r in results)
    values = np.empty((n, len(names)), order="F")  # a column a parameter: each (n, 1) view is contiguous
    lo = 0
    for i, r in enumerate(results):
        values[lo : lo + r[1].shape[0]] = r[1]
        lo += r[1].shape[0]
        results[i] = None  # free the chunk as it is joined
    theta = {k: values[:, j : j + 1] for j, k in enumerate(names)}
    if not ok.all():
        raise UserError(
            f"only {ok.sum():,} of {tried:,} draws reproduce the {release_name(vintage.as_of)} targets within the "
            "parameters' bounds; narrow the priors (uncertainty.scale, uncertainty.priors) or free the parameters "
            "set in [parameters] that the calibration needs" + (
                "; after H1 the release holds more independent figures than the per-draw parameters can meet "
                "when the others are drawn: uncertainty.draw_parameters = false draws the forecast shocks only"
                if pd.Period(vintage.as_of, freq="Q") > CALENDAR.last_observed else ""),
            file=origins.file, key="uncertainty",
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
    workers: int | None = None,
    scheduler: str | None = None,
    lever_scales: Mapping[str, np.ndarray] | None = None,
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
    workers : int, optional
        Processes that share the chunks of draws (default 1); the result does not depend on it.
    scheduler : str, optional
        Run the chunks on Dask: ``"local"`` (a LocalCluster of ``workers`` workers) or a
        scheduler's address; the result is the same as without.
    lever_scales : mapping, optional
        Lever name to a factor ``(draws,)`` on the lever's amounts in every draw (scenario
        discovery over lever sizes, :func:`model.analysis.discover.discover`); the lever's
        injection is linear in its amounts (:meth:`LeverConfig.scaled`), so a draw's injection is
        the factor times the scenario's.  The H1 2020 re-calibration does not depend on it.

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
    workers = check_workers(workers, key="workers")
    settings = _settings(scenario, draws=draws, seed=seed, scale=scale, thresholds=thresholds)
    for t in settings.thresholds or DEFAULT_THRESHOLDS:
        check_threshold(t, scenario.horizon, file=scenario.path, key="thresholds")
    point = run(scenario, params=params)
    origins = Origins.of(scenario, point.params, settings)
    scales = check_lever_scales(scenario, lever_scales, settings.draws)
    theta, tried, drawn = _draw_and_solve(point.params, settings, origins, progress, scenario.name, workers, scheduler,
                                          scenario.vintage)
    return _simulate(point, settings, theta, tried, drawn, innovations, progress, scales)


def _simulate(
    point: Results, settings: UncertaintyTable, theta: dict[str, np.ndarray], tried: int,
    drawn: tuple[str, ...], innovations: np.ndarray | None, progress: bool | None = None,
    lever_scales: Mapping[str, np.ndarray] | None = None,
) -> Draws:
    scenario = point.scenario
    n = settings.draws
    inputs = scaled_inputs(scenario, lever_scales or {})
    span = inputs.span
    if innovations is None:
        innovations = draw_innovations(n, span, seed=settings.seed)
    innovations = np.asarray(innovations, dtype=float)
    if innovations.shape != (n, span.n):
        raise ValueError(f"innovations must have shape {(n, span.n)}, got {innovations.shape}")
    start = inputs.calendar.first_scenario
    noise = forecast_gap(point.params, settings, innovations, span, start=start)
    own: dict[str, np.ndarray] = {}
    for key, label in OWN_SHOCKS.items():  # one process at a time: its innovations are freed once used
        e = draw_innovations(n, span, seed=settings.seed, label=label)
        own.update(own_noise(point.params, settings, {key: e}, span, start=start))
        del e
    inputs = replace(inputs, noise=noise, **own)
    if n <= KEEP_PATHS:
        stored = simulate_chunks(theta, inputs, n, progress=progress, name=scenario.name)
    else:  # each chunk reduced as it finishes to what the outputs read
        q, a = kept_variables(settings)
        first = span.index(FAN_START)
        stored = kept(simulate_chunks(theta, inputs, n, keep(q, a, first), progress=progress, name=scenario.name),
                      first)
    del inputs, noise, own
    solved = solved_per_draw(point.params, scenario.vintage) if drawn else ()
    return Draws(scenario, point, settings, theta, innovations, stored, span, tried, drawn, solved,
                 dict(lever_scales or {}))


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
        baseline = load_scenario(baseline, vintage=a.scenario.vintage)
    base = baseline.model_copy(update={"uncertainty": a.settings})
    point = run(base, params=params)
    if point.params == a.results.params:
        innov = draw_innovations(a.n, point.span, seed=a.settings.seed)  # the same shocks, cut to its span
        b = _simulate(point, a.settings, a.theta, a.tried, a.drawn, innov, progress)
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
