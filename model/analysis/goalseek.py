"""Goal seek: how large must a measure be to hit a target?

``solve(scenario, targets, instruments)`` scales the instruments' levers (or one field of a lever)
by factors :math:`f_k` within bounds so that the targets are met:

* a target is an indicator at a period, ``VAR@PERIOD=VALUE``: any quarterly indicator at a quarter
  (``gdp_real_yoy_ytd@2020Q4=5.0``) or any calendar-year indicator at a year
  (``gdp_real_yoy@2020=5.0``), as in ``quarterly.csv`` and ``annual.csv``;
* an instrument is a lever, ``consumption_events`` (every amount scaled, as
  :meth:`model.inputs.scenario.Scenario.scaled` does), or one field of it, ``major_projects.total``.
  Each lever can be one instrument, and only a lever the scenario sets can be scaled.

One target and one instrument: root finding.  A grid of factors over the bounds, simulated in one
batched call, brackets the root nearest the scenario's own factor 1, and
:func:`scipy.optimize.brentq` polishes it.  Several targets or instruments: bounded least squares
(:func:`scipy.optimize.least_squares`, trust-region reflective) on the target errors, with a
Jacobian from one batched simulation of the forward perturbations.

The calibration does not depend on the H2 levers, so every evaluation is one simulation with the
scenario's calibrated parameters.  A lever's injection is linear in its amounts (checked at three
factors), so an evaluation is :math:`x_\\ell(f) = x_\\ell(0) + f\\,[x_\\ell(1) - x_\\ell(0)]`.  The
solved scenario is then built with :meth:`~model.inputs.scenario.Scenario.scaled`, run, and its achieved
values are the ones reported.  A target out of reach within the bounds raises
:class:`TargetOutOfReach`, which says how close the instruments get.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import brentq, least_squares, minimize_scalar

from model.analysis.results import Results, run
from model.core import indicators
from model.core.errors import UserError
from model.core.levers import REGISTRY as LEVERS
from model.core.parameters import ParameterSet
from model.core.simulate import Inputs, as_theta, simulate
from model.inputs.goals import Instrument, Target, check_target, parse_instrument, parse_target
from model.inputs.history import history_inputs
from model.inputs.scenario import FIRST_SCENARIO_QUARTER, Scenario, load_scenario

__all__ = [
    "DEFAULT_BOUNDS",
    "Instrument",
    "Solution",
    "Target",
    "TargetOutOfReach",
    "parse_instrument",
    "parse_target",
    "solve",
]

DEFAULT_BOUNDS = (0.0, 20.0)
"""Default range of the scale factors: from dropping the measure to twenty times its size."""
GRID = 41
"""Factors simulated at once to bracket a single root and to find the closest reach."""


class TargetOutOfReach(UserError):
    """The targets cannot be met within the bounds.  ``factors`` and ``achieved`` are the closest
    the instruments get (as arrays over instruments and targets)."""

    def __init__(self, message: str, *, key: str | None, factors: np.ndarray, achieved: np.ndarray) -> None:
        super().__init__(message, key=key)
        self.factors = factors
        self.achieved = achieved


# -- the fast evaluation --------------------------------------------------------------------


@dataclass(frozen=True)
class _Problem:
    """Targets as a function of the instruments' factors, evaluated for many factor rows at once."""

    theta: dict[str, np.ndarray]
    inputs: Inputs
    base: dict[str, np.ndarray]  # lever -> (1, T) injection with the instrument at factor 0
    direction: dict[str, np.ndarray]  # lever -> (1, T) injection per unit of factor
    instruments: tuple[Instrument, ...]
    targets: tuple[Target, ...]

    def values(self, factors: np.ndarray) -> np.ndarray:
        """Target values for factor rows ``(m, k)``: ``(m, n_targets)``."""
        f = np.atleast_2d(np.asarray(factors, dtype=float))
        inj = dict(self.inputs.injections)
        for k, ins in enumerate(self.instruments):
            inj[ins.lever] = self.base[ins.lever] + f[:, k : k + 1] * self.direction[ins.lever]
        paths = simulate(self.theta, replace(self.inputs, injections=inj))
        span = self.inputs.span
        out = np.empty((f.shape[0], len(self.targets)))
        q = indicators.quarterly(paths) if any(not t.annual for t in self.targets) else {}
        a = indicators.annual(paths) if any(t.annual for t in self.targets) else {}
        for j, t in enumerate(self.targets):
            out[:, j] = np.broadcast_to(t.lookup(q, a, span), (f.shape[0],))
        return out


def _problem(scenario: Scenario, res: Results, instruments: tuple[Instrument, ...],
             targets: tuple[Target, ...]) -> _Problem:
    inputs = scenario.inputs()
    span = inputs.span
    hist = history_inputs(span).injections
    base, direction = {}, {}
    for ins in instruments:
        lever = LEVERS[ins.lever]
        cfg = scenario.lever_configs()[ins.lever]
        p0, p1, p2 = (lever.injection(cfg.scaled(f, ins.field), span)[None, :] for f in (0.0, 1.0, 2.0))
        d = p1 - p0
        if not np.any(d):
            raise UserError(f"{ins.label} is zero or empty in scenario {scenario.name!r} within the horizon: "
                            "scaling it changes nothing", file=scenario.path, key=f"--instrument {ins.label}")
        if not np.allclose(p2 - p1, d, rtol=1e-12, atol=1e-12):  # pragma: no cover - every lever is linear
            raise ValueError(f"{ins.label}: the lever's injection is not linear in its amounts")
        base[ins.lever] = hist[ins.lever] + p0
        direction[ins.lever] = d
    return _Problem(as_theta(res.params.theta()), inputs, base, direction, instruments, targets)


# -- the solution ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Solution:
    """The outcome of :func:`solve`.

    Attributes
    ----------
    scenario : Scenario
        The solved scenario (resolved, no ``extends``), named ``<name>_solved``.
    results : Results
        Its run; the achieved values come from it.
    original : Results
        The run of the scenario before scaling.
    instruments, targets : tuple
    factors : tuple of float
        The scale factor of each instrument (1 = the scenario as written).
    achieved : tuple of float
        Each target's value in :attr:`results`.
    method : str
        ``brentq`` or ``least_squares``.
    evaluations : int
        Rows simulated while solving.
    bounds : (float, float)
    """

    scenario: Scenario
    results: Results
    original: Results
    instruments: tuple[Instrument, ...]
    targets: tuple[Target, ...]
    factors: tuple[float, ...]
    achieved: tuple[float, ...]
    method: str
    evaluations: int
    bounds: tuple[float, float]

    def table(self) -> pd.DataFrame:
        """One row a target: ``target, value, achieved, error``."""
        return pd.DataFrame(
            {
                "target": [t.label for t in self.targets],
                "value": [t.value for t in self.targets],
                "achieved": list(self.achieved),
                "error": [a - t.value for a, t in zip(self.achieved, self.targets, strict=True)],
            }
        )

    def instrument_table(self) -> pd.DataFrame:
        """One row an instrument: ``instrument, factor`` and the lever's amount from 2020Q3 to the
        horizon before and after (亿元; the H1 2020 history is not scaled)."""
        rows = []
        for ins, f in zip(self.instruments, self.factors, strict=True):
            before, after = (_amount(r.scenario, ins.lever) for r in (self.original, self.results))
            rows.append({"instrument": ins.label, "factor": f, "amount_before": before, "amount_after": after})
        return pd.DataFrame(rows)

    def cost(self) -> pd.DataFrame:
        """Fiscal cost to the general public budget of every lever, by year: before, after, change (亿元)."""
        a, b = self.results.annual, self.original.annual
        rows = []
        for lever in LEVERS:
            col = f"{lever}_cost"
            if col not in a:
                continue
            for year in a.index[a.index >= FIRST_SCENARIO_QUARTER.year]:
                rows.append({"lever": lever, "year": int(year), "cost_before": b.loc[year, col],
                             "cost_after": a.loc[year, col], "change": a.loc[year, col] - b.loc[year, col]})
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        fmt = {"float_format": lambda x: f"{x:,.4f}", "index": False}
        return (
            f"<h4>Solved {self.original.name} ({self.method})</h4>"
            + self.instrument_table().to_html(**fmt) + self.table().to_html(**fmt)
        )

    def summary(self) -> str:
        """What was solved, the factors, the achieved values and the fiscal cost, as text."""
        f2 = lambda x: f"{x:,.4f}"  # noqa: E731
        how = "root finding (brentq)" if self.method == "brentq" else "bounded least squares"
        cost = self.cost()
        cost = cost[cost.lever.isin({i.lever for i in self.instruments}) | (cost.change.abs() > 1e-9)]
        return "\n".join(
            [
                f"Solved {self.original.name} by {how} within factors [{self.bounds[0]:g}, {self.bounds[1]:g}] "
                f"({self.evaluations} simulated rows)",
                "",
                self.instrument_table().to_string(index=False, float_format=f2),
                "",
                self.table().to_string(index=False, float_format=f2),
                "",
                "Fiscal cost to the general public budget (亿元)",
                cost.to_string(index=False, float_format=lambda x: f"{x:,.2f}"),
            ]
        )

    def header(self) -> str:
        """The comment block written at the top of the solved TOML file."""
        from model.core.version import __version__

        src = self.original.scenario.path or self.original.name
        factors = ", ".join(f"{i.label} x {f:.6g}" for i, f in zip(self.instruments, self.factors, strict=True))
        achieved = ", ".join(f"{t.label} = {a:.6g} (target {t.value:g})"
                             for t, a in zip(self.targets, self.achieved, strict=True))
        return (
            f"Solved scenario written by `python -m model solve` (model version {__version__}) from {src}.\n"
            f"Instruments scaled: {factors}.\n"
            f"Achieved: {achieved}.\n"
            "Resolved (no extends): every other number is the source scenario's; see its comments for sources.\n"
            f"Reproduce with: python -m model run <this file>"
        )

    def save(self, path: str | Path) -> Path:
        """Write the solved scenario as a standalone TOML file (atomically); return the path."""
        return self.scenario.save(path, header=self.header())


def _amount(scenario: Scenario, lever: str) -> float:
    """The lever's amount set by ``scenario`` from 2020Q3 to the horizon, 亿元 (H1 history excluded)."""
    span = scenario.span
    x = LEVERS[lever].injection(scenario.lever_configs()[lever], span)
    return float(x[: span.index(scenario.horizon) + 1].sum())


def _closest_message(instruments: Sequence[Instrument], targets: Sequence[Target], bounds: tuple[float, float],
                     x: np.ndarray, values: np.ndarray) -> str:
    ins = ", ".join(i.label for i in instruments)
    lo, hi = bounds
    x = np.round(x, 10) + 0.0  # no -0 or 1e-23 in the message
    if len(targets) == 1:
        t = targets[0]
        gap = values[0] - t.value
        return (
            f"out of reach with {ins} scaled within [{lo:g}, {hi:g}]: the closest is {values[0]:.4g} at factor "
            f"{x[0]:.4g} ({abs(gap):.4g} {'short' if gap < 0 else 'over'}); widen --bounds or add an instrument"
        )
    reach = ", ".join(f"{t.label} {v:.4g} (target {t.value:g})" for t, v in zip(targets, values, strict=True))
    at = ", ".join(f"{f:.4g}" for f in x)
    return (f"out of reach with {ins} scaled within [{lo:g}, {hi:g}]: the closest is {reach} at factors {at}; "
            "widen --bounds or change the instruments")


def _root(prob: _Problem, target: float, bounds: tuple[float, float]) -> tuple[np.ndarray, int]:
    lo, hi = bounds
    grid = np.linspace(lo, hi, GRID)
    r = prob.values(grid[:, None])[:, 0] - target
    evals = GRID
    ok = np.isfinite(r)
    sign_change = np.flatnonzero(ok[:-1] & ok[1:] & (np.sign(r[:-1]) * np.sign(r[1:]) <= 0))
    if sign_change.size == 0:
        best = int(np.nanargmin(np.abs(r)))
        a, b = grid[max(best - 1, 0)], grid[min(best + 1, GRID - 1)]
        opt = minimize_scalar(lambda f: abs(prob.values([[f]])[0, 0] - target), bounds=(a, b), method="bounded",
                              options={"xatol": 1e-10})
        x = float(opt.x) if abs(opt.fun) < abs(r[best]) else float(grid[best])
        return np.array([x]), evals + int(opt.nfev)
    # the bracket nearest the scenario as written (factor 1)
    mids = 0.5 * (grid[sign_change] + grid[sign_change + 1])
    i = int(sign_change[np.argmin(np.abs(mids - 1.0))])
    if r[i] == 0.0:
        return np.array([grid[i]]), evals
    if r[i + 1] == 0.0:
        return np.array([grid[i + 1]]), evals
    count = [0]

    def f(x: float) -> float:
        count[0] += 1
        return float(prob.values([[x]])[0, 0] - target)

    x = brentq(f, grid[i], grid[i + 1], xtol=1e-14, rtol=4 * np.finfo(float).eps, maxiter=200)
    return np.array([x]), evals + count[0]


def _least_squares(prob: _Problem, bounds: tuple[float, float]) -> tuple[np.ndarray, int]:
    k = len(prob.instruments)
    lo, hi = bounds
    goal = np.array([t.value for t in prob.targets])
    count = [0]

    def resid(x: np.ndarray) -> np.ndarray:
        count[0] += 1
        return prob.values(x[None, :])[0] - goal

    def jac(x: np.ndarray) -> np.ndarray:
        h = 1e-6 * np.maximum(1.0, np.abs(x))
        rows = np.vstack([x, x + np.diag(h)])
        v = prob.values(rows)
        count[0] += k + 1
        return ((v[1:] - v[0]) / h[:, None]).T

    x0 = np.clip(np.ones(k), lo, hi)
    sol = least_squares(resid, x0, jac=jac, bounds=(np.full(k, lo), np.full(k, hi)), method="trf",
                        xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=200)
    return sol.x, count[0]


def solve(
    scenario: Scenario | str | Path,
    targets: str | Target | Sequence[str | Target],
    instruments: str | Sequence[str],
    *,
    bounds: tuple[float, float] = DEFAULT_BOUNDS,
    params: ParameterSet | None = None,
    tol: float = 1e-6,
) -> Solution:
    """Scale the instruments so that the scenario meets the targets.

    Parameters
    ----------
    scenario : Scenario or path
    targets : str, Target or sequence of them
        ``VAR@PERIOD=VALUE``, e.g. ``"gdp_real_yoy_ytd@2020Q4=5.0"`` or ``"gdp_real_yoy@2020=5.0"``.
    instruments : str or sequence of str
        ``LEVER`` (scale all its amounts) or ``LEVER.FIELD`` (scale one field), e.g.
        ``"consumption_events"``, ``"major_projects.total"``; each lever at most once.
    bounds : (float, float)
        Range of every scale factor, ``0 <= lo < hi`` (amounts cannot be negative).
    params : ParameterSet, optional
        Starting parameters (see :func:`model.run`).
    tol : float
        A target counts as met when the achieved value is within ``tol`` of it (its unit: pp for
        growth, 亿元 for levels).

    Returns
    -------
    Solution
        With the solved scenario (:attr:`Solution.scenario`) and its run (:attr:`Solution.results`).

    Raises
    ------
    UserError
        For a malformed target, an unknown variable, lever or field (with the closest name), a
        lever absent from the scenario, bad bounds.
    TargetOutOfReach
        When the targets cannot be met within the bounds; the message says how close they get.

    Notes
    -----
    One target and one instrument: :math:`g(f) = y(f) - y^*` is evaluated on a grid of
    :data:`GRID` factors in one batched simulation; :func:`scipy.optimize.brentq` refines the
    bracket nearest :math:`f = 1`.  Otherwise :func:`scipy.optimize.least_squares` minimises
    :math:`\\sum_j (y_j(f) - y_j^*)^2` over the box of bounds, starting from :math:`f = 1`; with more
    instruments than targets many factors hit the targets, and the one reported is where the
    search from the scenario as written ends.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    tgs = tuple(parse_target(t) if isinstance(t, str) else t for t in ([targets] if isinstance(targets, str | Target) else targets))
    names = [instruments] if isinstance(instruments, str) else list(instruments)
    if not tgs:
        raise UserError("give at least one target", key="--target")
    if not names:
        raise UserError("give at least one instrument", key="--instrument")
    lo, hi = (float(b) for b in bounds)
    if not (np.isfinite(lo) and np.isfinite(hi) and 0.0 <= lo < hi):
        raise UserError(f"expected 0 <= LO < HI (amounts cannot be negative), got {lo:g},{hi:g}", key="--bounds")
    ins = tuple(parse_instrument(n, sc) for n in names)
    levers = [i.lever for i in ins]
    dup = sorted({lv for lv in levers if levers.count(lv) > 1})
    if dup:
        raise UserError(f"lever {dup[0]!r} is named twice; each lever can be one instrument", key="--instrument")
    labels = [t.label for t in tgs]
    dup = sorted({lb for lb in labels if labels.count(lb) > 1})
    if dup:
        raise UserError(f"{dup[0]} is targeted twice", key="--target")

    original = run(sc, params=params)
    for t in tgs:
        check_target(t, original.scenario.horizon)
    prob = _problem(sc, original, ins, tgs)
    if len(ins) == 1 and len(tgs) == 1:
        x, evals = _root(prob, tgs[0].value, (lo, hi))
        method = "brentq"
    else:
        x, evals = _least_squares(prob, (lo, hi))
        method = "least_squares"
    x = np.clip(x, lo, hi)
    fast = prob.values(x[None, :])[0]
    goal = np.array([t.value for t in tgs])
    if not np.all(np.abs(fast - goal) <= tol):
        key = "--target " + ", ".join(str(t) for t in tgs)
        raise TargetOutOfReach(_closest_message(ins, tgs, (lo, hi), x, fast), key=key, factors=x, achieved=fast)

    solved = sc
    for i, f in zip(ins, x, strict=True):
        solved = solved.scaled(i.lever, float(f), i.field)
    desc = "; ".join(f"{i.label} x {f:.4g}" for i, f in zip(ins, x, strict=True))
    goals = ", ".join(str(t) for t in tgs)
    solved = solved.renamed(f"{sc.name[:57]}_solved", f"{sc.description} Solved: {desc} for {goals}.".strip())
    results = run(solved, params=params)
    achieved = tuple(
        float((results.annual.loc[int(t.period), t.variable]) if t.annual else results.quarterly.loc[t.period, t.variable])
        for t in tgs
    )
    if not np.all(np.abs(np.array(achieved) - goal) <= tol):  # pragma: no cover - an internal invariant
        raise RuntimeError(f"the solved scenario misses its targets when run: {achieved} against {goal}")
    return Solution(solved, results, original, ins, tgs, tuple(float(f) for f in x), achieved, method, evals, (lo, hi))
