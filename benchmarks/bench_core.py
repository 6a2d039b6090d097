"""Benchmarks of the core model (issue 2): one run, 10,000 draws, calibration, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from harness import case

import model
from model.core.simulate import as_theta, simulate
from model.fitting.calibration import calibrate
from model.inputs.registry import default_params

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = model.load_scenario(ROOT / "scenarios" / "h2_plan.toml")
PARAMS = calibrate(SCENARIO.apply(default_params())).params
INPUTS = SCENARIO.inputs()
THETA = as_theta(PARAMS.theta())


@case("core: one deterministic run of h2_plan (simulate, no I/O)", goal=1e-3, repeat=200)
def one_run() -> object:
    return simulate(THETA, INPUTS)


@case("core: one deterministic run with YTD/annual frames (no I/O)", goal=5e-3, repeat=50)
def one_run_frames() -> object:
    res = model.analysis.results.Results(SCENARIO, calibrate(PARAMS), simulate(THETA, INPUTS), INPUTS.span)
    return res.quarterly, res.annual


def _draws(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    reg = PARAMS.registry
    theta = {k: np.full((n, 1), v) for k, v in PARAMS.theta().items()}
    for name in reg.uncertain:
        p = reg[name]
        theta[name] = p.prior.sample(rng, n, p.bounds, center=PARAMS[name])[:, None]
    return theta


DRAWS = _draws(10_000)


@case("core: 10,000 draws of h2_plan, all uncertain parameters drawn", goal=0.5, repeat=7)
def ten_thousand_draws() -> object:
    return simulate(DRAWS, INPUTS)


@case("core: calibration to H1 2020 (uncached: neither in memory nor on disk)", goal=3.0, repeat=7)
def calibration() -> object:
    calibrate.cache_clear()
    saved = os.environ.get("HANGZHOU_MODEL_CACHE")
    os.environ["HANGZHOU_MODEL_CACHE"] = ""  # no disk cache (model.fitting.cache)
    try:
        return calibrate(default_params())
    finally:
        if saved is None:
            del os.environ["HANGZHOU_MODEL_CACHE"]
        else:
            os.environ["HANGZHOU_MODEL_CACHE"] = saved


@case("core: calibration to H1 2020 from the disk cache (checked: one run reproduces the fit)", goal=3.0,
      repeat=7)
def calibration_disk() -> object:
    calibrate.cache_clear()
    return calibrate(default_params())


@case("core: `python -m model run` end to end (h2_plan)", goal=5.0, repeat=5)
def cli_end_to_end() -> object:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MPLBACKEND": "Agg"}
        subprocess.run(
            [sys.executable, "-m", "model", "run", "--quiet", "--out", tmp],
            cwd=ROOT, check=True, env=env,
        )
