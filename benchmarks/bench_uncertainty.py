"""Benchmarks of the uncertainty analysis (issue 4): Monte Carlo with re-calibration, Sobol indices.

``python benchmarks/bench_uncertainty.py --memory`` measures the peak memory of the 10,000-draw
case alone, in a fresh process (peak RSS and the tracemalloc peak of numpy's allocations).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import model  # noqa: E402
from model.analysis.sensitivity import sobol  # noqa: E402
from model.analysis.uncertainty import draw_parameters, simulate_draws  # noqa: E402
from model.fitting.calibration import calibrate, recalibrate  # noqa: E402
from model.inputs.registry import default_params  # noqa: E402
from model.present.fans import write_fan_csv  # noqa: E402

SCENARIO = model.load_scenario(ROOT / "scenarios" / "h2_plan.toml")
N = 10_000
SEED = 20200630


def monte_carlo(directory: Path | None = None) -> object:
    """10,000 draws, each re-calibrated, 2020Q3-2021Q4; fan (quarters, YTD, years), probabilities,
    ``fan.csv``."""
    d = simulate_draws(SCENARIO, draws=N, seed=SEED, progress=False)
    fan, probs = d.fan(), d.probabilities()
    with tempfile.TemporaryDirectory() as tmp:
        write_fan_csv(d, Path(directory or tmp) / "fan.csv")
    return fan, probs


def _memory() -> dict[str, float]:
    """Peak memory of :func:`monte_carlo` in this (fresh) process."""
    import resource
    import tracemalloc

    calibrate(SCENARIO.apply(default_params()))  # the deterministic calibration, cached in a session
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    tracemalloc.start()
    monte_carlo()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {"peak_rss_mb": rss, "rss_before_mb": base, "tracemalloc_peak_mb": peak / 2**20}


if __name__ == "__main__" and "--memory" in sys.argv:
    print(json.dumps(_memory()))
    sys.exit(0)

from harness import case  # noqa: E402

P = calibrate(SCENARIO.apply(default_params())).params
THETA = {**{k: np.full((1, 1), v) for k, v in P.theta().items()}, **draw_parameters(P, N, seed=SEED)}


@case("uncertainty: 10,000 draws + recalibration + fan.csv", goal=1.0, repeat=7, peak_memory=True)
def ten_thousand_draws() -> object:
    return monte_carlo()


@case("uncertainty: recalibrate 10,000 draws (H1 targets)", goal=0.5, repeat=7)
def recalibration() -> object:
    return recalibrate(P, THETA)


_PRINTED: list[bool] = []


@case("uncertainty: peak memory, 10,000 draws (fresh process)", goal=5.0, repeat=1)
def memory_fresh_process() -> object:
    out = subprocess.run([sys.executable, __file__, "--memory"], cwd=ROOT, check=True, capture_output=True,
                         text=True, env={**os.environ, "MPLBACKEND": "Agg"})
    mem = json.loads(out.stdout)
    if _PRINTED:
        return mem
    _PRINTED.append(True)
    print(f"uncertainty memory (fresh process, 10,000 draws): peak RSS {mem['peak_rss_mb']:.0f} MB "
          f"(after imports and calibration {mem['rss_before_mb']:.0f} MB), tracemalloc peak "
          f"{mem['tracemalloc_peak_mb']:.0f} MB", file=sys.stderr)
    return mem


@case("uncertainty: Sobol, 2020 real GDP growth (N=1024)", goal=10.0, repeat=3)
def sobol_gdp() -> object:
    """About 34,800 re-calibrated runs (32 factors, Saltelli scheme), indices with bootstrap CIs."""
    return sobol(SCENARIO, samples=1024, seed=SEED, outputs=("gdp_real_yoy@2020",), progress=False)


@case("uncertainty: `run --draws 10000` end to end (h2_plan)", goal=5.0, repeat=3)
def cli_draws() -> object:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "model", "run", "--quiet", "--draws", "10000", "--out", tmp],
                       cwd=ROOT, check=True, env={**os.environ, "MPLBACKEND": "Agg"})


def _million_rss() -> dict[str, float]:
    """``python -m model run --no-figures --draws 1000000`` in a fresh process: its peak RSS (the
    only child of a fresh wrapper, whose ``RUSAGE_CHILDREN`` is then that run's) and wall time."""
    wrapper = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0, time.perf_counter() - t)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "model", "run", "--quiet",
                              "--no-figures", "--draws", "1000000", "--out", tmp], cwd=ROOT, check=True,
                             capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    rss, wall = map(float, out.stdout.split())
    return {"peak_rss_mb": rss, "wall_s": wall}


_MILLION: list[dict[str, float]] = []


@case("uncertainty: peak RSS, `run --no-figures --draws 1000000` (fresh process; goal 2 GB)", goal=600.0,
      repeat=1)
def million_draws_memory() -> object:
    """Measured once (the harness's warm-up); the timed repeat returns the figure already measured."""
    if not _MILLION:
        _MILLION.append(_million_rss())
        m = _MILLION[0]
        print(f"one million re-calibrated draws: peak RSS {m['peak_rss_mb']:.0f} MB "
              f"({m['peak_rss_mb'] / 1024:.2f} GiB; goal 2 GB), {m['wall_s']:.0f} s", file=sys.stderr)
    return _MILLION[0]
