"""Benchmark of the backtest (issue 9): every region, year and release, 2,000 re-calibrated draws each,
six methods and three naive rules, with the fan-scale calibration.  Goal: under 60 s on 2 cores."""

from __future__ import annotations

from harness import case

from model.analysis.track_record import run_backtest
from model.inputs.releases import load_releases


@case("backtest: all regions, years and releases, 2000 draws each (fresh fits)", goal=60.0, repeat=1)
def full_backtest() -> object:
    from model.analysis import backtest
    from model.inputs import trend_estimators

    trend_estimators._fit_cached.cache_clear()
    backtest._random.cache_clear()
    return run_backtest(load_releases(as_of="2020Q2"), n=2000)
