"""Benchmarks of issue 13: simulate against its fused-numpy floor, the horizon, drawing parameters.

The machine is shared, so absolute times are noisy; the ratios are the primary figures.  Each ratio
is measured in one process by alternating the two functions run by run (the median of each over
the same stretch of load), and printed to stderr once.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from harness import case
from reference import reference_simulate

import model
from model.analysis.uncertainty import draw_parameters, priors
from model.core.levers import REGISTRY as LEVERS
from model.core.periods import Span
from model.core.simulate import Inputs, as_theta, simulate
from model.fitting.calibration import calibrate
from model.inputs.history import history_inputs
from model.inputs.registry import default_params

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = model.load_scenario(ROOT / "scenarios" / "h2_plan.toml")
PARAMS = calibrate(SCENARIO.apply(default_params())).params
N = 10_000


def inputs_for(last_year: int) -> Inputs:
    """h2_plan's levers on a span from 2018 to ``last_year`` (2025: 32 quarters; 2049: 128)."""
    span = Span(2018, last_year)
    injections = dict(history_inputs(span).injections)
    for name, cfg in SCENARIO.lever_configs().items():
        injections[name] = injections[name] + LEVERS[name].injection(cfg, span)[None, :]
    return Inputs(span, history_inputs(span).base, injections)


THETA = as_theta({**{k: np.full((1, 1), v) for k, v in PARAMS.theta().items()},
                  **draw_parameters(PARAMS, N, seed=13)})
IN32, IN128 = inputs_for(2025), inputs_for(2049)
_a, _b = simulate(THETA, IN32), reference_simulate(THETA, IN32)
assert all(np.array_equal(_a[k], _b[k], equal_nan=True) for k in _a), "reference and simulate differ"


def ratio(f: Callable[[], object], g: Callable[[], object], repeat: int = 15) -> tuple[float, float, float]:
    """``median(f) / median(g)``, the two run alternately; also both medians in seconds."""
    f(), g()
    tf, tg = [], []
    for _ in range(repeat):
        for fn, ts in ((f, tf), (g, tg)):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    mf, mg = statistics.median(tf), statistics.median(tg)
    return mf / mg, mf, mg


_PRINTED: set[str] = set()


def _report(label: str, value: tuple[float, float, float], names: tuple[str, str]) -> None:
    if label in _PRINTED:
        return
    _PRINTED.add(label)
    r, a, b = value
    print(f"{label}: {r:.2f} ({names[0]} {a * 1e3:.1f} ms, {names[1]} {b * 1e3:.1f} ms)", file=sys.stderr)


@case("speed: simulate, 10,000 x 32 quarters", goal=0.1, repeat=15)
def simulate_32() -> object:
    return simulate(THETA, IN32)


@case("speed: fused-numpy reference, 10,000 x 32 quarters", goal=0.1, repeat=15)
def reference_32() -> object:
    return reference_simulate(THETA, IN32)


@case("speed: simulate, 10,000 x 128 quarters", goal=0.5, repeat=7)
def simulate_128() -> object:
    return simulate(THETA, IN128)


@case("speed: ratio simulate / reference at 10,000 x 32 (goal 1.5)", goal=5.0, repeat=1)
def ratio_reference() -> object:
    out = ratio(lambda: simulate(THETA, IN32), lambda: reference_simulate(THETA, IN32))
    _report("simulate / reference, 10,000 x 32", out, ("simulate", "reference"))
    return out


@case("speed: ratio 128 / 32 quarters, simulate at 10,000 draws (goal 5)", goal=10.0, repeat=1)
def ratio_horizon() -> object:
    out = ratio(lambda: simulate(THETA, IN128), lambda: simulate(THETA, IN32), repeat=7)
    _report("simulate 128 / 32 quarters, 10,000 draws", out, ("128", "32"))
    return out


PRIORS = priors(PARAMS)
U = np.random.default_rng(13).random(N)


def _ppf_all() -> object:
    reg = PARAMS.registry
    return {n: p.ppf(U, reg[n].bounds) for n, p in PRIORS.items()}


@case("speed: draw every uncertain parameter, 10,000 draws", goal=0.05, repeat=15)
def draw_10k() -> object:
    return draw_parameters(PARAMS, N, seed=13)


@case("speed: inverse CDFs of every uncertain parameter, 10,000 rows (Sobol)", goal=0.05, repeat=15)
def ppf_10k() -> object:
    return _ppf_all()


@case("speed: ratio draws / simulate and inverse CDFs / simulate, 10,000 x 32", goal=10.0, repeat=1)
def ratio_draws() -> object:
    a = ratio(lambda: draw_parameters(PARAMS, N, seed=13), lambda: simulate(THETA, IN32))
    b = ratio(_ppf_all, lambda: simulate(THETA, IN32))
    _report("drawing parameters / simulate, 10,000", a, ("draws", "simulate"))
    _report("inverse CDFs / simulate, 10,000", b, ("ppf", "simulate"))
    return a, b


def _cli(*args: str, **env_vars: str) -> None:
    import os
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT), **env_vars}
        extra = ("--out", tmp) if args and args[0] == "run" else ()
        subprocess.run([sys.executable, "-m", "model", *args, *extra], cwd=ROOT, check=True, env=env,
                       stdout=subprocess.DEVNULL)


@case("startup: `python -m model --help`", goal=0.3, repeat=7)
def cli_help() -> object:
    return _cli("--help")


@case("startup: `python -m model run` end to end (h2_plan, figures)", goal=1.2, repeat=7)
def cli_run() -> object:
    return _cli("run", "--quiet")


@case("startup: `python -m model run --no-figures` end to end (h2_plan)", goal=1.2, repeat=7)
def cli_run_no_figures() -> object:
    return _cli("run", "--quiet", "--no-figures")


@case("startup: `python -m model run`, no cache (a first run: calibration fitted, font subset cut)", goal=1.2,
      repeat=5)
def cli_run_cold() -> object:
    return _cli("run", "--quiet", HANGZHOU_MODEL_CACHE="")


@case("startup: `python -m model run`, figures drawn in this process (HANGZHOU_MODEL_NO_FORK)", goal=1.2,
      repeat=5)
def cli_run_one_core() -> object:
    return _cli("run", "--quiet", HANGZHOU_MODEL_NO_FORK="1")


_THETA1 = as_theta(model.run(SCENARIO).params.theta())
_IN1 = SCENARIO.inputs()


@case("speed: ratio API path / kernel, `model.run(s).quarterly` vs simulate, 1 draw (goal 3)", goal=10.0,
      repeat=1)
def ratio_api() -> object:
    out = ratio(lambda: model.run(SCENARIO).quarterly, lambda: simulate(_THETA1, _IN1), repeat=200)
    _report("API path / kernel, one run", out, ("model.run().quarterly", "simulate"))
    return out


def _mc(workers: int, scheduler: str | None = None) -> object:
    from model.analysis.uncertainty import simulate_draws

    return simulate_draws(SCENARIO, draws=40_000, seed=13, progress=False, workers=workers, scheduler=scheduler)


@case("parallel: ratios, 40,000 re-calibrated draws (4 chunks): 1 / 2 workers, Dask / workers at 2", goal=60.0,
      repeat=1)
def ratio_parallel() -> object:
    one_two = ratio(lambda: _mc(1), lambda: _mc(2), repeat=3)
    dask_two = ratio(lambda: _mc(2, "local"), lambda: _mc(2), repeat=3)
    _report("Monte Carlo 40,000 draws, 1 worker / 2 workers", one_two, ("1 worker", "2 workers"))
    _report("Monte Carlo 40,000 draws, Dask LocalCluster / process pool at 2 workers", dask_two, ("Dask", "pool"))
    return one_two, dask_two
