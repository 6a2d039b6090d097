"""Benchmarks of comparison, attribution and goal seek (issue 3).

Runs are made once (calibrations are cached), so the cases time the work a user waits for after
the first run: the Shapley attribution of the three-lever plan (2**3 coalitions in one batched
simulation), a whole comparison with its frames, goal seeks, and a comparison with Monte Carlo
ranges (10,000 re-calibrated draws on common random numbers, the Shapley contributions in every draw).
"""

from __future__ import annotations

from pathlib import Path

from harness import case

import model
from model.analysis.attribution import attribute
from model.analysis.compare import compare
from model.analysis.goalseek import solve

ROOT = Path(__file__).resolve().parent.parent
BASELINE = model.run(ROOT / "scenarios" / "baseline.toml")
PLAN_SCENARIO = model.load_scenario(ROOT / "scenarios" / "h2_plan.toml")
PLAN = model.run(PLAN_SCENARIO)
WAVE = model.run(ROOT / "scenarios" / "second_wave.toml")


@case("compare: Shapley attribution, h2_plan (3 levers, 8 rows)", goal=20e-3, repeat=50)
def attribution_three_levers() -> object:
    return attribute(PLAN, BASELINE)


@case("compare: Shapley attribution, second_wave (4 players)", goal=20e-3, repeat=50)
def attribution_four_players() -> object:
    return attribute(WAVE, BASELINE)


@case("compare: h2_plan vs baseline, all frames (no I/O)", goal=0.1, repeat=20)
def comparison_frames() -> object:
    c = compare(PLAN, BASELINE)
    return c.frame(), c.contributions(), c.cost_effectiveness(), c.headline()


@case("compare: h2_plan vs baseline with 10,000 draws", goal=2.0, repeat=7)
def comparison_ten_thousand_draws() -> object:
    """Draws and re-calibration, both runs, the fan of every difference, 8 coalitions x 10,000 draws
    for the contribution ranges, and the frames (no I/O)."""
    c = compare(PLAN, BASELINE, draws=10_000, seed=20200630, progress=False)
    return c.frame(), c.cost_effectiveness(), c.headline()


@case("compare: goal seek, 1 target, 1 instrument (brentq)", goal=0.1, repeat=20)
def goal_seek_one() -> object:
    return solve(PLAN_SCENARIO, "gdp_real_yoy_ytd@2020Q4=4.0", "consumption_events")


@case("compare: goal seek, 2 targets, 2 instruments (lsq)", goal=0.3, repeat=10)
def goal_seek_two() -> object:
    return solve(PLAN_SCENARIO, ["gdp_real_yoy@2020=4.2", "gdp_real_yoy@2021=9.1"],
                 ["major_projects.total", "tax_fee_relief"])
