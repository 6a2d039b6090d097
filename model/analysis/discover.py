"""Scenario discovery: which parameter and lever ranges lead to an outcome, by PRIM (EMA Workbench).

A Monte Carlo of the scenario (:func:`model.analysis.montecarlo.simulate_draws`, on the chunked
path: ``workers`` or Dask) gives every draw's uncertain parameters and outcome.  The outcome is an
event like ``gdp_real_yoy@2020<3``; PRIM (Friedman and Fisher's patient rule induction, the
maintained implementation of :mod:`ema_workbench.analysis.prim`) peels the box of parameter space
in which the event is most frequent.  Reported: the peeling trajectory (``coverage``: share of all
the event's draws inside the box; ``density``: share of the box's draws with the event; ``mass``;
``res_dim``: parameters restricted), the chosen box (the first on the trajectory whose density
reaches ``threshold``) as the parameter limits it imposes, and the trade-off figure.

The search covers lever sizes too: every draw scales each lever in ``levers`` by its own factor,
drawn uniformly from the lever's range (a factor on the scenario's amounts: relief granted,
project spending, voucher money), and PRIM peels those factors beside the parameters (rows
``levers.<name>`` of the box).  Ranges are the user's (``--lever relief=0.5:2``), or by default
:data:`DEFAULT_LEVER_RANGE` (half to one and a half times the scenario's amounts) for every lever
the scenario sets.  A lever's injection is linear in its amounts, so a draw's lever is the factor
times the scenario's injection, in one vectorised simulation.
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

__all__ = ["DEFAULT_LEVER_RANGE", "MAX_LEVER_FACTOR", "Discovery", "discover", "lever_ranges", "parse_lever_range"]

DEFAULT_LEVER_RANGE = (0.5, 1.5)
"""Factors on a lever's amounts searched by default: from half to one and a half times the
scenario's (assumption: a stated rule, wide enough to matter and within what a budget could fund)."""
MAX_LEVER_FACTOR = 10.0
"""Largest factor a lever range may reach."""


def parse_lever_range(text: str, *, key: str = "--lever") -> tuple[str, tuple[float, float]]:
    """``NAME=LO:HI`` (factors on the scenario's amounts) as ``(name, (lo, hi))``, or a one-line
    :class:`UserError`."""
    from model.core.errors import UserError

    name, eq, rest = text.partition("=")
    lo_text, colon, hi_text = rest.partition(":")
    try:
        lo, hi = float(lo_text), float(hi_text)
    except ValueError:
        lo = hi = float("nan")
    if not (eq and colon and name.strip()) or not np.isfinite([lo, hi]).all():
        raise UserError(f"expected LEVER=LOW:HIGH, factors on the scenario's amounts like relief=0.5:2, got {text!r}",
                        key=key)
    return name.strip(), _check_range(name.strip(), lo, hi, key=key)


def _check_range(name: str, lo: float, hi: float, *, key: str) -> tuple[float, float]:
    from model.core.errors import UserError

    if not 0.0 <= lo < hi <= MAX_LEVER_FACTOR:
        raise UserError(f"expected factors 0 <= LOW < HIGH <= {MAX_LEVER_FACTOR:g} for lever {name!r}, got {lo:g}:{hi:g}",
                        key=key)
    return float(lo), float(hi)


def lever_ranges(scenario: Scenario, levers: dict[str, tuple[float, float]] | None, *,
                 key: str = "--lever") -> dict[str, tuple[float, float]]:
    """The ranges searched: ``levers`` (checked: levers the scenario sets, amounts at both ends
    valid), or :data:`DEFAULT_LEVER_RANGE` for every lever the scenario sets."""
    from model.core.errors import UserError

    set_ = scenario.lever_configs()
    if levers is None:
        levers = dict.fromkeys(set_, DEFAULT_LEVER_RANGE)
    out = {}
    for name, (lo, hi) in levers.items():
        if name not in set_:
            sets = ", ".join(set_) or "none"
            raise UserError(f"the scenario sets no {name!r} lever to search (it sets: {sets})", key=key)
        out[name] = _check_range(name, lo, hi, key=key)
        for f in out[name]:
            scenario.scaled(name, f)  # the amounts at both ends pass the scenario's checks
    return out


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
             threshold: float = 0.5, workers: int = 1, scheduler: str | None = None,
             levers: dict[str, tuple[float, float]] | None = None) -> Discovery:
    """PRIM on a Monte Carlo of ``scenario`` for the event ``outcome`` (``VARIABLE@PERIOD<VALUE``),
    over the uncertain parameters and the factors on the levers' amounts (``levers``: name to
    ``(low, high)``; default :data:`DEFAULT_LEVER_RANGE` for every lever the scenario sets; ``{}``:
    parameters only)."""
    from model.analysis.sampling import _stream
    from model.core.errors import UserError
    from model.inputs.uncertainty_settings import UncertaintyTable, check_draws, check_seed

    event = parse_threshold(outcome, horizon=scenario.horizon, key="--outcome")
    if not 0.0 < threshold <= 1.0:
        raise UserError(f"expected a density threshold in (0, 1], got {threshold!r}", key="--density")
    ranges = lever_ranges(scenario, levers)
    n = check_draws(draws)
    root = check_seed(seed) if seed is not None else (scenario.uncertainty or UncertaintyTable()).seed
    scales = {name: _stream(root, f"lever_scale.{name}").uniform(lo, hi, n) for name, (lo, hi) in ranges.items()}
    d = simulate_draws(scenario, draws=n, seed=seed, progress=False, workers=workers, scheduler=scheduler,
                       lever_scales=scales)
    values = d.values(event.variable, event.period)
    y = {">=": values >= event.value, ">": values > event.value, "<=": values <= event.value,
         "<": values < event.value}[event.op]
    if y.all() or not y.any():
        raise UserError(f"{'every' if y.all() else 'no'} draw meets {event.label}; there is nothing to discover",
                        key="--outcome")
    x = pd.DataFrame({**{name: d.theta[name][:, 0] for name in d.drawn},
                      **{f"levers.{name}": f for name, f in scales.items()}})
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
