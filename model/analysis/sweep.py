"""Sweeps: a grid of lever sizes and parameter values, each point a Monte Carlo, in one tidy table.

A sweep file (TOML) declares the grid::

    draws = 1000                          # Monte Carlo draws at every point (default 1,000)
    seed = 20200630                       # the same seed at every point: common random numbers
    outputs = ["gdp_real_yoy@2020", "revenue_yoy@2020"]
    [levers]                              # factors that scale a lever's amounts (LeverConfig.scaled)
    tax_fee_relief = [0.5, 1.0, 1.5]
    [parameters]                          # values of registry parameters, set as in a scenario
    projects_multiplier = [0.6, 0.8, 1.0]

The grid is the Cartesian product of every list (here 9 points).  A parameter value is set as in a
scenario's ``[parameters]``: fixed against calibration, and the centre of its prior if it is drawn.  Every point runs
:func:`model.analysis.montecarlo.simulate_draws` on the same chunked path as ``run --draws``
(``workers``, ``scheduler``: byte-identical for any number of workers or on Dask).  The table has one
row a (point, output): the point's lever factors and parameter values, then ``mean, p05, p25, p50,
p75, p95`` over the draws.  A grid of more than :data:`MAX_POINTS` points needs ``force``.
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.analysis.draws import FAN_PERCENTILES
from model.analysis.montecarlo import simulate_draws
from model.core.errors import UserError
from model.core.levers import REGISTRY as LEVERS
from model.inputs.registry import registry
from model.inputs.scenario import Scenario
from model.inputs.thresholds import parse_threshold
from model.inputs.uncertainty_settings import check_draws, check_seed

__all__ = ["MAX_POINTS", "Grid", "load_grid", "sweep"]

MAX_POINTS = 256
"""Most grid points a sweep runs without ``force``."""


@dataclass(frozen=True)
class Grid:
    """A validated sweep grid: lever factors and parameter values, draws, seed and outputs."""

    levers: dict[str, tuple[float, ...]]
    parameters: dict[str, tuple[float, ...]]
    draws: int = 1_000
    seed: int = 20200630
    outputs: tuple[str, ...] = ("gdp_real_yoy@2020", "revenue_yoy@2020")
    path: str | None = None

    @property
    def size(self) -> int:
        return int(np.prod([len(v) for v in (*self.levers.values(), *self.parameters.values())]))

    def points(self) -> list[dict[str, float]]:
        """Every point, ``{"levers.<name>": factor, "<parameter>": value}``, in grid order."""
        keys = [f"levers.{k}" for k in self.levers] + list(self.parameters)
        return [dict(zip(keys, combo, strict=True))
                for combo in itertools.product(*self.levers.values(), *self.parameters.values())]


def _numbers(value: object, file: str, key: str) -> tuple[float, ...]:
    if not isinstance(value, list) or not value or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and np.isfinite(v) for v in value):
        raise UserError(f"expected a non-empty list of numbers, got {value!r}", file=file, key=key)
    return tuple(float(v) for v in value)


def load_grid(path: str | Path) -> Grid:
    """Read and check a sweep file; :class:`UserError` (file, key, what was expected) if it is wrong."""
    file = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError("no such file", file=file) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"not valid TOML: {exc}", file=file) from None
    unknown = set(data) - {"draws", "seed", "outputs", "levers", "parameters"}
    if unknown:
        raise UserError("unknown key; expected draws, seed, outputs, levers, parameters", file=file,
                        key=sorted(unknown)[0])
    levers = {}
    for name, v in (data.get("levers") or {}).items():
        if name not in LEVERS:
            raise UserError(f"unknown lever; expected one of {', '.join(LEVERS)}", file=file, key=f"levers.{name}")
        levers[name] = _numbers(v, file, f"levers.{name}")
        if min(levers[name]) < 0:
            raise UserError("expected non-negative factors", file=file, key=f"levers.{name}")
    params = {}
    reg = registry()
    for name, v in (data.get("parameters") or {}).items():
        par = reg.lookup(name, file=file, key=f"parameters.{name}")
        params[name] = tuple(par.check(x, file=file, key=f"parameters.{name}")
                             for x in _numbers(v, file, f"parameters.{name}"))
    if not levers and not params:
        raise UserError("a sweep needs at least one list under [levers] or [parameters]", file=file)
    draws, seed = data.get("draws", 1_000), data.get("seed", 20200630)
    if isinstance(draws, str) or isinstance(seed, str):  # a TOML string is not a number
        key = "draws" if isinstance(draws, str) else "seed"
        raise UserError(f"expected a whole number, got {data[key]!r}", file=file, key=key)
    draws, seed = check_draws(draws, file=file), check_seed(seed, file=file)
    outputs = data.get("outputs", list(Grid.outputs))
    if not isinstance(outputs, list) or not outputs or not all(isinstance(o, str) for o in outputs):
        raise UserError("expected a non-empty list of VARIABLE@PERIOD", file=file, key="outputs")
    return Grid(levers, params, draws, seed, tuple(outputs), file)


def sweep(scenario: Scenario, grid: Grid, *, force: bool = False, workers: int = 1,
          scheduler: str | None = None) -> pd.DataFrame:
    """Run every point of ``grid`` on ``scenario`` (a Monte Carlo each) and return the tidy table.

    Raises
    ------
    UserError
        For a grid larger than :data:`MAX_POINTS` without ``force``, a lever the scenario does not
        set, or an output outside the scenario's horizon.
    """
    if grid.size > MAX_POINTS and not force:
        raise UserError(f"a grid of {grid.size:,} points is more than {MAX_POINTS}; shrink it or pass --force",
                        file=grid.path, key="grid")
    for name in grid.levers:
        if name not in scenario.lever_configs():
            raise UserError(f"scenario {scenario.name!r} sets no {name!r} lever to scale", file=grid.path,
                            key=f"levers.{name}")
    outs = [parse_threshold(f"{o}>=0", horizon=scenario.horizon, file=grid.path, key="outputs") for o in grid.outputs]
    rows = []
    for k, point in enumerate(grid.points()):
        sc = scenario
        for key, value in point.items():
            if key.startswith("levers."):
                sc = sc.scaled(key.removeprefix("levers."), value)
        values = {key: v for key, v in point.items() if not key.startswith("levers.")}
        if values:
            sc = sc.with_parameters(**values)
        d = simulate_draws(sc, draws=grid.draws, seed=grid.seed, progress=False, workers=workers, scheduler=scheduler)
        for o, t in zip(grid.outputs, outs, strict=True):
            x = d.values(t.variable, t.period)
            pct = np.percentile(x, FAN_PERCENTILES)
            rows.append({"point": k, **point, "output": o, "mean": float(np.mean(x)),
                         **{f"p{q:02d}": float(v) for q, v in zip(FAN_PERCENTILES, pct, strict=True)}})
    return pd.DataFrame(rows)
