"""The ``compare`` entry point: run two scenarios, attribute their difference and, with draws, give
every difference and contribution its Monte Carlo range (:class:`~model.analysis.comparison.Comparison`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.analysis.attribution import coalitions, shapley_weights, switch_players
from model.analysis.comparison import (
    ANNUAL_VARIABLES,
    DEFAULT_BASELINE,
    QUARTERLY_VARIABLES,
    RANGE_CONTRIBUTIONS,
    Comparison,
    compare_runs,
)
from model.analysis.draws import FAN_PERCENTILES, percentile_columns
from model.analysis.montecarlo import paired_draws
from model.analysis.results import Results, run
from model.core import indicators
from model.core.simulate import simulate
from model.inputs.scenario import Scenario

if TYPE_CHECKING:
    from model.analysis.draws import Draws
    from model.core.parameters import ParameterSet

__all__ = ["compare"]


def _as_results(x: Results | Scenario | str | Path, params: ParameterSet | None) -> Results:
    return x if isinstance(x, Results) else run(x, params=params)


def compare(
    scenario: Results | Scenario | str | Path,
    baseline: Results | Scenario | str | Path = DEFAULT_BASELINE,
    *,
    params: ParameterSet | None = None,
    draws: int | None = None,
    seed: int | None = None,
    progress: bool | None = None,
) -> Comparison:
    """Compare ``scenario`` with ``baseline`` (default ``scenarios/baseline.toml``).

    Parameters
    ----------
    scenario, baseline : Results, Scenario or path
        A run, or a scenario (object or file) to run.
    params : ParameterSet, optional
        Starting parameters for the runs this function makes (see :func:`model.run`).
    draws : int, optional
        Also compute Monte Carlo ranges of every difference and contribution from this many
        draws (see Notes).  Default: none, a deterministic comparison.
    seed : int, optional
        Seed of the draws (default: the scenario's ``[uncertainty]`` seed, else 20200630).
    progress : bool, optional
        Progress bar of the draws (default: when stderr is a terminal).

    Returns
    -------
    Comparison

    Notes
    -----
    With ``draws``: both scenarios run on common random numbers
    (:func:`model.analysis.uncertainty.paired_draws`, with the scenario's ``[uncertainty]`` settings): the
    same parameter draws, each re-calibrated to H1 2020, and the same forecast shocks; when the two
    calibrate to the same parameters the baseline reuses the scenario's draws exactly.  For every
    draw :math:`d`, :math:`\\Delta_d = y^{s}_d - y^{b}_d`; the ranges are percentiles of
    :math:`\\Delta_d` over draws (:attr:`Comparison.ranges`).  Every coalition of players is also
    simulated in every draw, and the Shapley contributions :math:`\\phi_d = W (v_d - v_d(\\emptyset))`
    give :attr:`Comparison.contribution_ranges`.

    Examples
    --------
    >>> c = model.compare("scenarios/h2_plan.toml")                     # doctest: +SKIP
    >>> c.contributions().query("period == '2020'")                     # doctest: +SKIP
    >>> model.compare("scenarios/h2_plan.toml", draws=2000).frame()     # doctest: +SKIP
    """
    if draws is None and seed is not None:
        raise ValueError("seed needs draws")
    s, b = _as_results(scenario, params), _as_results(baseline, params)
    c = compare_runs(s, b)
    if draws is None:
        return c
    return _with_monte_carlo(c, draws=draws, seed=seed, params=params, progress=progress)


def _with_monte_carlo(
    c: Comparison, *, draws: int, seed: int | None, params: ParameterSet | None, progress: bool | None
) -> Comparison:
    """``c`` with the ranges of its differences and contributions from ``draws`` paired draws."""
    a, b = paired_draws(c.scenario.scenario, c.baseline.scenario, draws=draws, seed=seed, params=params,
                        progress=progress)
    for d, res in ((a, c.scenario), (b, c.baseline)):
        if d.results.params != res.params:
            raise ValueError(f"run {res.name!r} was made from other starting parameters than the draws; "
                             "pass the same params= to compare()")
    ranges = a.fan(quarterly=tuple(QUARTERLY_VARIABLES), annual=tuple(ANNUAL_VARIABLES), minus=b)
    s = a.settings
    note = (f"{a.n:,} Monte Carlo draws (seed {s.seed}{'' if s.scale == 1 else f', scale {s.scale:g}'}), every "
            "draw re-calibrated to H1 2020, both runs on the same draws (common random numbers)")
    return c.with_ranges(ranges, contributions=_contribution_fan(c, a, b), note=note)


def _contribution_fan(c: Comparison, a: Draws, b: Draws) -> pd.DataFrame:
    """Percentiles over draws of every player's Shapley contribution to the calendar-year
    indicators :data:`RANGE_CONTRIBUTIONS`: ``lever, period, variable, p05 ... p95``.

    Every coalition is one :func:`~model.core.simulate.simulate` call over all draws (a loop over the
    ``2**P`` coalitions, never over draws): the levers, shocks and parameters of the players in it
    take the scenario's values (the scenario's draws of ``theta`` for ``parameters``), the others
    the baseline's; both runs' forecast shocks are the same random numbers.
    """
    pct = percentile_columns()
    players = c.players
    if not players or not len(c.years):
        return pd.DataFrame(columns=["lever", "period", "variable", *pct])
    span = c.attribution.span
    s_in, b_in = a.inputs(), b.inputs()
    yi = np.asarray(c.years) - span.first_year
    m = coalitions(len(players))
    values = {var: np.empty((m.shape[0], a.n, yi.size)) for var in RANGE_CONTRIBUTIONS}
    for r, row in enumerate(m):
        on = dict(zip(players, row, strict=True))
        theta, inputs = switch_players(on.__getitem__, players, span, b_in, s_in, b.theta, a.theta)
        ann = indicators.annual(simulate(theta, inputs))
        for var in RANGE_CONTRIBUTIONS:
            values[var][r] = ann[var][:, yi]
    rows = []
    for var, v in values.items():
        for d, row in ((b, 0), (a, -1)):  # the empty and grand coalitions reproduce the two Monte Carlos
            if not np.allclose(v[row], d.annual[var][:, yi], rtol=1e-10, atol=1e-8):
                raise RuntimeError(f"the coalitions do not reproduce the draws of {d.name!r} ({var})")
        phi = np.einsum("pr,rny->pny", shapley_weights(len(players)), v - v[:1])
        q = np.percentile(phi, list(FAN_PERCENTILES), axis=1)  # (Q, P, Y)
        for j, player in enumerate(players):
            block = pd.DataFrame(q[:, j, :].T, columns=pct)
            block.insert(0, "variable", var)
            block.insert(0, "period", [str(y) for y in c.years])
            block.insert(0, "lever", player)
            rows.append(block)
    return pd.concat(rows, ignore_index=True)
