"""Scenario discovery: which parameter ranges lead to an outcome, by PRIM (EMA Workbench).

A Monte Carlo of the scenario (:func:`model.analysis.montecarlo.simulate_draws`, on the chunked
path: ``workers`` or Dask) gives every draw's uncertain parameters and outcome.  The outcome is an
event like ``gdp_real_yoy@2020<3``; PRIM (Friedman and Fisher's patient rule induction, the
maintained implementation of :mod:`ema_workbench.analysis.prim`) peels the box of parameter space
in which the event is most frequent.  Reported: the peeling trajectory (``coverage``: share of all
the event's draws inside the box; ``density``: share of the box's draws with the event; ``mass``;
``res_dim``: parameters restricted), the chosen box (the first on the trajectory whose density
reaches ``threshold``) as the parameter limits it imposes, and the trade-off figure.

Only parameters are searched; lever sizes enter through :mod:`model.analysis.sweep`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.analysis.montecarlo import simulate_draws
from model.inputs.scenario import Scenario
from model.inputs.thresholds import Threshold, parse_threshold

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Discovery", "discover"]


@dataclass(frozen=True, eq=False)
class Discovery:
    """PRIM's result: the event, its share of draws, the trajectory, the chosen box's limits."""

    event: Threshold
    share: float
    trajectory: pd.DataFrame
    box: pd.DataFrame
    stats: dict[str, float]
    _box: object

    def summary(self) -> str:
        s = self.stats
        return "\n".join([
            f"Scenario discovery for {self.event.label}: {100 * self.share:.1f}% of draws",
            f"box: coverage {s['coverage']:.3f}, density {s['density']:.3f}, mass {s['mass']:.3f}, "
            f"{int(s['res_dim'])} parameters restricted",
            self.box.to_string(float_format=lambda x: f"{x:.4g}"),
        ])

    def figure(self) -> Figure:
        """The peeling trajectory, density against coverage (EMA Workbench's ``show_tradeoff``)."""
        return self._box.show_tradeoff()


def discover(scenario: Scenario, outcome: str, *, draws: int = 2_000, seed: int | None = None,
             threshold: float = 0.5, workers: int = 1, scheduler: str | None = None) -> Discovery:
    """PRIM on a Monte Carlo of ``scenario`` for the event ``outcome`` (``VARIABLE@PERIOD<VALUE``)."""
    from model.core.errors import UserError

    event = parse_threshold(outcome, horizon=scenario.horizon, key="--outcome")
    if not 0.0 < threshold <= 1.0:
        raise UserError(f"expected a density threshold in (0, 1], got {threshold!r}", key="--density")
    d = simulate_draws(scenario, draws=draws, seed=seed, progress=False, workers=workers, scheduler=scheduler)
    values = d.values(event.variable, event.period)
    y = {">=": values >= event.value, ">": values > event.value, "<=": values <= event.value,
         "<": values < event.value}[event.op]
    if y.all() or not y.any():
        raise UserError(f"{'every' if y.all() else 'no'} draw meets {event.label}; there is nothing to discover",
                        key="--outcome")
    x = pd.DataFrame({name: d.theta[name][:, 0] for name in d.drawn})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench warns at import about optional back-ends
        try:
            from ema_workbench.analysis import prim
        except ImportError:
            raise UserError('needs EMA Workbench: pip install "hangzhou-scenario-model[discover]"',
                            key="discover") from None

        box = prim.Prim(x, y, threshold=threshold).find_box()
    traj = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].copy()
    if len(traj) == 1 and traj.density.iloc[0] < threshold:
        raise UserError(f"no box reaches a density of {threshold:g} for {event.label}; lower --density",
                        key="--density")
    chosen = int(np.flatnonzero((traj.coverage == box.coverage) & (traj.density == box.density))[0])
    lims = box.box_lims[chosen]
    full = box.box_lims[0]
    restricted = [c for c in lims.columns if not np.allclose(lims[c].to_numpy(), full[c].to_numpy())]
    table = pd.DataFrame({"low": lims.loc[0, restricted].astype(float), "high": lims.loc[1, restricted].astype(float),
                          "prior_low": full.loc[0, restricted].astype(float),
                          "prior_high": full.loc[1, restricted].astype(float)})
    table.index.name = "parameter"
    stats = {k: float(traj.iloc[chosen][k]) for k in traj.columns}
    return Discovery(event, float(y.mean()), traj, table, stats, box)
