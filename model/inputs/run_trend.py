"""Trend growth of the scenario model's run from the estimator the backtest's record chooses.

The backtest (``python -m model backtest``) runs the method with every trend estimator of
:mod:`model.inputs.trend_estimators` on China, Zhejiang and Hangzhou before 2020 and stores the
scorecard in ``data/track_record.json``.  The run takes Hangzhou's total trend growth for 2020 and
2021 from the estimator :data:`TREND_ESTIMATOR`, fitted exactly as the backtest fits it: on
Hangzhou's full-year growth of the years before 2020 as published by the run's as-of round (2017,
which has no full-year release, gets its H1 figure plus the mean H1 -> full-year change of the
earlier years with both, with that change's sd as its own uncertainty), and for ``anchored`` with
the published anchor (China's pre-COVID 2020 target "around 6%" plus Hangzhou's 2019 premium over
China, 6.8 - 6.1 = 0.7 pp; ``data/releases.csv``).

**The rule** (:func:`choose`): among the trend estimators, the lowest mean CRPS of full-year GDP
growth forecast from the H1 release (the run's stage), all regions, pre-2020; estimators within
:data:`TIE` of the best are tied, and a tie goes to the one whose prior uses published anchors
(issue 10), then to the one with fewer fitted parameters.  On the stored record (n = 27 H1
forecasts) ``anchored`` has the lowest CRPS, 0.327, ahead of ``rw_drift`` (0.339), ``llt`` (0.340),
``mean_recent`` (0.346), ``ols_drift`` (0.365) and ``damped`` (0.368); over all three releases it is
also the lowest (0.321, n = 72).  The differences are small beside their sampling error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np

from model.inputs.regions import REGIONS
from model.inputs.releases import RELEASES_FILE, Releases, load_releases
from model.inputs.trend_estimators import ESTIMATORS, TrendFit, combine_anchor, fit_trend

__all__ = ["CHOICE_STAGE", "ESTIMATOR_NAMES", "RUN_AS_OF", "TIE", "TREND_ESTIMATOR", "anchor_for", "choose",
           "fit_run_trend", "run_trend", "stored_trend_entry", "trend_history", "trend_of"]

TREND_ESTIMATOR = "anchored"
"""The trend estimator of the run (chosen by :func:`choose` on ``data/track_record.json``)."""
ESTIMATOR_NAMES = (*ESTIMATORS, "anchored")
"""Every trend estimator the run and the backtest know."""
RUN_AS_OF = "2020Q2"
"""The release the run's trend is fitted as of (the mission's H1 2020 release)."""
CHOICE_STAGE = "H1"
"""The release the choice is scored at: the run's own (H1 2020)."""
TIE = 0.005
"""CRPS difference (pp) below which two estimators tie (assumption: the third decimal the record stores)."""
_PARSIMONY = {"mean_recent": 0, "ols_drift": 2, "rw_drift": 2, "damped": 4, "llt": 3, "anchored": 3}
"""Fitted parameters of each estimator (for the last tie-break)."""
_STANDIN_SD = 1.0
"""sd (pp) of a stand-in when no year yet has both figures (assumption: a normal-year residual sd)."""


def choose(record: Mapping[str, Any], stage: str = CHOICE_STAGE) -> str:
    """The trend estimator the rule picks from the stored backtest ``record`` (see the module doc)."""
    crps = {m: record["methods"][m]["all"][stage]["crps"] for m in ESTIMATOR_NAMES if m in record["methods"]}
    best = min(crps.values())
    tied = [m for m, v in crps.items() if v - best <= TIE]
    return min(tied, key=lambda m: (m != "anchored", _PARSIMONY[m], crps[m]))


def _standin_change(rel: Releases, indicator: str, stage: str, before: int) -> tuple[float, float]:
    """Mean and sd of (full year - ``stage`` release), first releases, years before ``before``."""
    diffs = []
    for r in REGIONS:
        fy = rel.series(r, indicator, "FY")
        st = rel.series(r, indicator, stage)
        common = [y for y in st.index if y in fy.index and y < before]
        diffs += [fy[y] - st[y] for y in common]
    if len(diffs) < 2:
        return 0.0, _STANDIN_SD
    d = np.asarray(diffs)
    return float(d.mean()), float(d.std(ddof=1))


def trend_history(rel: Releases, region: str, indicator: str, year: int) -> tuple[np.ndarray, list[tuple[int, float]]]:
    """Full-year growth of the years before ``year`` as known in ``rel`` (oldest first), a year
    without a full-year figure filled by its latest cumulative release plus the mean change from
    that stage to the full year; and the stand-ins as ``(index, sd)``."""
    fy = rel.series(region, indicator, "FY", vintage="latest")
    first = min([*fy.index, year])
    years = np.arange(first, year)
    y = np.array([fy.get(v, np.nan) for v in years], dtype=float)
    standins = []
    for i, v in enumerate(years):
        if np.isfinite(y[i]):
            continue
        for stage in ("Q1-Q3", "H1", "Q1"):
            val = rel.value(region, indicator, f"{v}{stage}", vintage="latest")
            if val is not None:
                mean, sd = _standin_change(rel, indicator, stage, year)
                y[i] = val + mean
                standins.append((i, sd))
                break
    return y, standins


def anchor_for(rel: Releases, region: str, year: int) -> float | None:
    """The published anchor for ``region``'s GDP growth in ``year`` as known in ``rel``: its own
    growth target, else its benchmark region's target plus its last premium over that region's
    growth (latest vintages of the year before); ``None`` where the releases hold neither."""
    ind = "gdp_real_growth_ytd"
    target = rel.value(region, "target_growth", f"{year}FY")
    bench = REGIONS[region].benchmark
    if target is not None or bench is None:
        return target
    national = rel.value(bench, "target_growth", f"{year}FY")
    own = rel.value(region, ind, f"{year - 1}FY", vintage="latest")
    nat_last = rel.value(bench, ind, f"{year - 1}FY", vintage="latest")
    if None in (national, own, nat_last):
        return None
    return national + (own - nat_last)  # type: ignore[operator]


def trend_of(method: str, history: np.ndarray, standins: Sequence[tuple[int, float]], anchor: float | None) -> TrendFit:
    """The trend under ``method`` on ``history``, its se widened by the stand-ins' own uncertainty
    (through the estimator's sensitivity to each), combined with ``anchor`` for ``anchored``."""
    if method not in ESTIMATOR_NAMES:
        raise KeyError(f"unknown trend estimator {method!r}; expected one of {', '.join(ESTIMATOR_NAMES)}")
    name = "llt" if method == "anchored" else method
    y = np.asarray(history, dtype=float)
    fit = fit_trend(name, y)
    if standins:
        extra = np.zeros(2)
        for i, sd in standins:
            bumped = y.copy()
            bumped[i] += 1.0
            f2 = fit_trend(name, bumped)
            extra += (np.subtract(f2.mean, fit.mean) * sd) ** 2
        fit = TrendFit(fit.mean, tuple(np.sqrt(np.square(fit.se) + extra)), fit.estimator)  # type: ignore[arg-type]
    if method == "anchored":
        fit = combine_anchor(fit, anchor)
    return fit


@cache
def fit_run_trend(method: str = TREND_ESTIMATOR) -> TrendFit:
    """Hangzhou's total trend growth in 2020 and 2021 (%, se in pp) under ``method``, fitted afresh
    on the releases published by 2020Q2, as the backtest fits it.  The se is unpooled: Hangzhou's
    total series alone (the pooled OLS borrows the digital core's residuals)."""
    rel = load_releases(as_of=RUN_AS_OF)
    hist, standins = trend_history(rel, "hangzhou", "gdp_real_growth_ytd", 2020)
    return trend_of(method, hist, standins, anchor_for(rel, "hangzhou", 2020))


def _releases_digest() -> str:
    return hashlib.sha256(RELEASES_FILE.read_bytes()).hexdigest()


def stored_trend_entry() -> dict[str, Any]:
    """Every estimator's run trend, for ``data/track_record.json`` (``backtest --update-record``),
    with the digest of the releases it was fitted on."""
    fits = {m: fit_run_trend(m) for m in ESTIMATOR_NAMES}
    return {"as_of": RUN_AS_OF, "releases_sha256": _releases_digest(),
            "fits": {m: {"mean": [round(float(v), 6) for v in f.mean], "se": [round(float(v), 6) for v in f.se],
                         "estimator": f.estimator} for m, f in fits.items()}}


@cache
def run_trend(method: str = TREND_ESTIMATOR) -> TrendFit:
    """:func:`fit_run_trend`, read from the stored record when it was fitted on the same releases
    (a run then needs no statsmodels: importing it costs most of a second), else fitted afresh."""
    from model.inputs.record import load_record

    entry = (load_record() or {}).get("run_trend")
    if entry and entry.get("releases_sha256") == _releases_digest() and method in entry["fits"]:
        f = entry["fits"][method]
        return TrendFit(tuple(f["mean"]), tuple(f["se"]), f["estimator"])  # type: ignore[arg-type]
    return fit_run_trend(method)
