"""Attribution of a scenario's difference from a baseline to its measures: exact Shapley values.

The *players* are what the scenario changes against the baseline:

* every lever whose injection differs (its quarterly amounts from 2020Q3 switched from the
  baseline's to the scenario's; the H1 2020 history in ``data/levers_h1.csv`` is part of both and
  never a player);
* ``shocks``, when the scenario's shock set differs from the baseline's (the whole set switches);
* ``parameters``, when the calibrated parameter sets differ (a parameter override changes the
  calibration, so this player switches the whole calibrated :class:`~model.core.parameters.ParameterSet`).

Why Shapley.  The model is not additive in its measures: tax revenue is current-price GDP raised to
the buoyancy :math:`b`, growth rates are ratios, and a parameter change interacts with every lever.
A one-at-a-time decomposition would leave an unexplained residual.  The Shapley value of player
:math:`i` for an indicator :math:`v` (any indicator, at any period) is

.. math::

    \\phi_i = \\sum_{S \\subseteq N \\setminus \\{i\\}}
        \\frac{|S|!\\,(P - |S| - 1)!}{P!}\\,\\bigl[v(S \\cup \\{i\\}) - v(S)\\bigr],

where :math:`v(S)` is the indicator when the players in :math:`S` take the scenario's values and
the others the baseline's, and :math:`P = |N|`.  Shapley values add up exactly,
:math:`\\sum_i \\phi_i = v(N) - v(\\emptyset)`, i.e. baseline plus contributions equals the
scenario, for every indicator and period, including the nonlinear revenue and year-to-date growth;
a player whose effect is additive gets exactly its own effect, and interactions are split equally
between the players involved.

All :math:`2^P` coalitions are simulated in one batched :func:`~model.core.simulate.simulate` call, one
coalition a row: lever injections are ``(2^P, T)``, the parameters stack per row (via
:func:`~model.core.simulate.as_theta`) and the shocks' depths are ``(2^P, 1)`` columns that are zero in the
rows where the shock is switched off.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.core import indicators
from model.core.blocks.shock import ShockSpec
from model.core.levers import REGISTRY as LEVERS
from model.core.periods import Span
from model.core.simulate import Inputs, as_theta, simulate

if TYPE_CHECKING:
    from model.analysis.results import Results
    from model.core.parameters import ParameterSet

__all__ = ["PARAMETERS", "SHOCKS", "Attribution", "attribute", "coalitions", "shapley_weights", "switch_players"]

SHOCKS = "shocks"
"""Player name of the scenario's shock set."""
PARAMETERS = "parameters"
"""Player name of the scenario's (calibrated) parameter set."""
MAX_PLAYERS = 12
"""At most ``2**12`` coalitions in one batch."""


@cache
def coalitions(p: int) -> np.ndarray:
    """Every coalition of ``p`` players as a ``(2**p, p)`` boolean matrix (read-only).

    Row ``r`` holds player ``i`` when bit ``i`` of ``r`` is set: row 0 is the empty coalition (the
    baseline), the last row the grand coalition (the scenario).
    """
    r = np.arange(2**p)[:, None]
    out = (r >> np.arange(p)[None, :]) & 1 == 1
    out.flags.writeable = False
    return out


@cache
def shapley_weights(p: int) -> np.ndarray:
    """The ``(p, 2**p)`` matrix :math:`W` with :math:`\\phi = W v` (read-only).

    :math:`W_{i,S} = w(|S| - 1)` if :math:`i \\in S` and :math:`-w(|S|)` otherwise, where
    :math:`w(s) = s!\\,(p - s - 1)!/p!` is the weight of the marginal contribution of a player
    joining a coalition of size :math:`s`.  Every row sums to zero, so :math:`W` ignores a constant,
    and the columns add up to :math:`e_N - e_\\emptyset`, so the contributions sum to
    :math:`v(N) - v(\\emptyset)`.
    """
    m = coalitions(p)
    size = m.sum(axis=1)
    fact = math.factorial
    w = np.array([fact(s) * fact(p - s - 1) / fact(p) for s in range(p)] + [0.0])
    out = np.where(m.T, w[np.maximum(size - 1, 0)][None, :], -w[size][None, :])
    out.flags.writeable = False
    return out


@dataclass(frozen=True)
class Attribution:
    """Shapley contributions of each player to the difference between two runs.

    Attributes
    ----------
    players : tuple of str
        Lever names, then ``shocks`` and ``parameters`` when they differ; empty when the two runs
        have the same inputs.
    span : Span
        The simulated quarters (from 2018).
    quarterly, annual : dict of ndarray
        Contributions to every indicator of :func:`model.core.indicators.quarterly` (``(P, T)``) and
        :func:`model.core.indicators.annual` (``(P, Y)``), in the indicator's unit (pp for growth).
    values_quarterly, values_annual : dict of ndarray
        The indicators of every coalition, ``(2**P, T)`` and ``(2**P, Y)``: row 0 is the baseline,
        the last row the scenario.
    """

    players: tuple[str, ...]
    span: Span
    quarterly: Mapping[str, np.ndarray]
    annual: Mapping[str, np.ndarray]
    values_quarterly: Mapping[str, np.ndarray]
    values_annual: Mapping[str, np.ndarray]

    @property
    def levers(self) -> tuple[str, ...]:
        """The players that are levers."""
        return tuple(p for p in self.players if p in LEVERS)

    @property
    def years(self) -> pd.Index:
        return pd.Index(np.arange(self.span.first_year, self.span.last_year + 1), name="year")

    def frame(self, variable: str, *, annual: bool = False) -> pd.DataFrame:
        """Contributions to ``variable`` as a frame: one row a quarter (or year), one column a player."""
        source = self.annual if annual else self.quarterly
        if variable not in source:
            kind = "annual" if annual else "quarterly"
            raise KeyError(f"no {kind} indicator {variable!r}")
        index = self.years if annual else self.span.periods
        return pd.DataFrame(source[variable].T, index=index, columns=list(self.players))




def _players(base_inj: Mapping[str, np.ndarray], scen_inj: Mapping[str, np.ndarray],
             base_in: Inputs, scen_in: Inputs, base_p: ParameterSet, scen_p: ParameterSet) -> tuple[str, ...]:
    out = [n for n in LEVERS if not np.array_equal(base_inj[n], scen_inj[n])]
    if base_in.shocks != scen_in.shocks:
        out.append(SHOCKS)
    if base_p.values != scen_p.values:
        out.append(PARAMETERS)
    if len(out) > MAX_PLAYERS:
        raise ValueError(f"at most {MAX_PLAYERS} players can be attributed exactly, got {len(out)}")
    return tuple(out)


def _switched_shocks(shocks: tuple[ShockSpec, ...], on: np.ndarray | bool) -> tuple[ShockSpec, ...]:
    """``shocks`` with a per-row depth that is zero where ``on`` (``(R, 1)`` or a bool) is false."""
    return tuple(replace(s, depth=np.where(on, float(s.depth), 0.0)) for s in shocks)


def switch_players(
    member: Callable[[str], np.ndarray | bool], players: tuple[str, ...], span: Span,
    base_in: Inputs, scen_in: Inputs, base_theta: Mapping[str, np.ndarray], scen_theta: Mapping[str, np.ndarray],
) -> tuple[dict[str, np.ndarray], Inputs]:
    """The one coalition switcher: parameters and inputs where the players in a coalition take the
    scenario's values and the others the baseline's.

    ``member(name)`` says whether player ``name`` is in the coalition: a bool (one coalition, any
    number of draws) or an ``(R, 1)`` boolean column (``R`` coalitions in the rows of one batch).
    A lever takes the scenario's injection; ``shocks`` the scenario's shock set (the other set's
    depths are zero in its rows); ``parameters`` the scenario's ``theta`` and its forecast-shock
    gap (``noise``).  Everything is cut to ``span``; the result goes straight into
    :func:`~model.core.simulate.simulate`.
    """

    def pick(name: str, scen: np.ndarray, base: np.ndarray) -> np.ndarray:
        return np.where(member(name), scen, base) if name in players else base

    injections = {n: pick(n, scen_in.injections[n][:, : span.n], base_in.injections[n][:, : span.n]) for n in LEVERS}
    shocks = base_in.shocks
    if SHOCKS in players:
        on = member(SHOCKS)
        shocks = _switched_shocks(base_in.shocks, np.logical_not(on)) + _switched_shocks(scen_in.shocks, on)
    theta = {k: pick(PARAMETERS, scen_theta[k], v) for k, v in base_theta.items()}
    noise = None
    if base_in.noise is not None and scen_in.noise is not None:
        noise = pick(PARAMETERS, scen_in.noise[:, : span.n], base_in.noise[:, : span.n])
    return theta, replace(base_in, span=span, injections=injections, shocks=shocks, noise=noise)


def _simulate_coalitions(
    m: np.ndarray, players: tuple[str, ...], span: Span, base_in: Inputs, scen_in: Inputs,
    base_p: ParameterSet, scen_p: ParameterSet,
) -> dict[str, np.ndarray]:
    """Simulate the coalitions in the rows of ``m`` (``(R, P)``) in one call."""

    def member(name: str) -> np.ndarray:
        return m[:, players.index(name)][:, None]

    theta, inputs = switch_players(member, players, span, replace(base_in, noise=None), replace(scen_in, noise=None),
                                   as_theta(base_p.theta()), as_theta(scen_p.theta()))
    return simulate(as_theta(theta), inputs)


def attribute(scenario: Results, baseline: Results) -> Attribution:
    """Shapley attribution of ``scenario - baseline`` to the players that differ.

    Parameters
    ----------
    scenario, baseline : Results
        Two runs; their scenarios supply the levers and shocks, their calibrations the parameters.

    Returns
    -------
    Attribution
        On the shorter of the two spans (whole years from 2018 to the earlier horizon's year).

    Notes
    -----
    One batched simulation of the ``2**P`` coalitions, then :math:`\\phi = W\\,(v - v(\\emptyset))` for every indicator with :func:`shapley_weights`;
    subtracting the baseline first keeps the rounding error at the scale of the differences.
    """
    # the shorter span: the model is causal, so quarters beyond it never move those within it
    span = scenario.span if scenario.span.n <= baseline.span.n else baseline.span
    base_in, scen_in = baseline.scenario.inputs(), scenario.scenario.inputs()
    base_inj = {n: base_in.injections[n][:, : span.n] for n in LEVERS}
    scen_inj = {n: scen_in.injections[n][:, : span.n] for n in LEVERS}
    base_p, scen_p = baseline.params, scenario.params
    players = _players(base_inj, scen_inj, base_in, scen_in, base_p, scen_p)
    m = coalitions(len(players))
    paths = _simulate_coalitions(m, players, span, base_in, scen_in, base_p, scen_p)
    vq, va = indicators.quarterly(paths), indicators.annual(paths)
    w = shapley_weights(len(players))

    def contributions(values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        out = {}
        for k, v in values.items():
            v = np.broadcast_to(v, (m.shape[0], v.shape[1]))
            c = w @ (v - v[:1])
            c.flags.writeable = False
            out[k] = c
        return out

    return Attribution(players, span, contributions(vq), contributions(va), vq, va)
