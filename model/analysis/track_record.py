"""Run the backtest: every method and naive rule, fans sized by the record, and the method choice.

The forecast-error process of each method (innovation sd ``sigma`` and AR coefficient ``ar`` of
the gap after the release, see :mod:`model.analysis.backtest`) is calibrated on the pre-2020
record for GDP: among the grid points whose 90% bands cover 80-97% of outturns, the one with the
lowest mean CRPS.  This is an in-sample choice of two numbers per method.  Revenue's is not chosen
on the record: each revenue case's innovation sd is estimated from the years before it
(:func:`model.analysis.backtest.revenue_sigmas`), and cases too early to estimate it are not
scored (by the naive rules neither, so both are scored on the same revenue cases).  The naive rules get
the same treatment (their density is normal around the point with the rule's own pre-2020 RMSE at
each stage), so the comparison is even.  The method whose GDP forecasts have the lowest mean CRPS
is the one the scenario model adopts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from model.analysis.backtest import (
    METHODS,
    Case,
    benchmark_points,
    build_cases,
    method_draws,
    revenue_sigmas,
)
from model.analysis.scoring import score_draws, scorecard
from model.inputs.releases import Releases
from model.inputs.run_trend import CHOICE_STAGE, choose, stored_trend_entry

__all__ = ["AR_GRID", "CRISIS_YEARS", "SIGMA_GRID", "Backtest", "run_backtest"]

SIGMA_GRID = tuple(np.round(np.arange(0.0, 3.01, 0.25), 2))
"""Innovation sds tried (% of trend a quarter)."""
AR_GRID = (0.0, 0.5, 0.8)
"""AR coefficients tried for the gap after the release."""
CRISIS_YEARS = {"china": (2003, 2008, 2009), "zhejiang": (2008, 2009), "hangzhou": (2003, 2008, 2009)}
"""SARS (2003) and the 2008-09 crisis and stimulus: the past cases of a shock and a V-shaped recovery."""
COLUMNS = ["method", "region", "year", "as_of", "stage", "variable", "forecast", "outturn", "error",
           "p05", "p25", "p50", "p75", "p95", "pit", "crps", "interval_score"]


@dataclass(frozen=True)
class Backtest:
    """Backtest rows, scorecard, calibrated fan scales and the chosen method."""

    rows: pd.DataFrame
    scorecard: pd.DataFrame
    scales: pd.DataFrame
    chosen: str
    crisis_ratio: float
    n_draws: int
    as_of: str

    def record(self) -> dict[str, Any]:
        """Every method's record by region and stage (full-year GDP growth), for forecasts to quote."""
        sc = self.scorecard
        out: dict[str, Any] = {"chosen": self.chosen, "as_of": self.as_of, "crisis_rmse_ratio": round(self.crisis_ratio, 3),
                               "n_draws": self.n_draws, "methods": {}}
        out["scales"] = {f"{r.method}/{r.variable}": {"sigma": r.sigma, "ar": r.ar} for r in self.scales.itertuples()}
        out["run_trend"] = stored_trend_entry()
        for r in sc[sc.variable == "gdp_real_growth"].itertuples():
            out["methods"].setdefault(r.method, {}).setdefault(r.region, {})[r.stage] = {
                "n": int(r.n), "rmse": round(r.rmse, 3), "bias": round(r.bias, 3),
                "coverage90": round(r.coverage90, 3), "crps": round(r.crps, 3),
            }
        return out


def _frame(method: str, cases: list[Case], draws: np.ndarray, outturn: np.ndarray, variable: list[str]) -> pd.DataFrame:
    ok = np.isfinite(outturn)
    s = score_draws(draws[ok], outturn[ok])
    meta = pd.DataFrame({
        "method": method,
        "region": [c.region for c, k in zip(cases, ok, strict=True) if k],
        "year": [c.year for c, k in zip(cases, ok, strict=True) if k],
        "as_of": [c.as_of for c, k in zip(cases, ok, strict=True) if k],
        "stage": [c.stage for c, k in zip(cases, ok, strict=True) if k],
        "variable": [v for v, k in zip(variable, ok, strict=True) if k],
    })
    return pd.concat([meta, s], axis=1)[COLUMNS]


def _both(method: str, cases: list[Case], fy: np.ndarray, nxt: np.ndarray) -> pd.DataFrame:
    o = np.array([c.outturn for c in cases])
    o2 = np.array([np.nan if c.outturn_next is None else c.outturn_next for c in cases])
    v = [c.variable for c in cases]
    return pd.concat([_frame(method, cases, fy, o, v), _frame(method, cases, nxt, o2, [x + "_next" for x in v])])


def _calibrate(cases: list[Case], method: str, n: int, seed: int) -> tuple[float, float]:
    """The grid point whose 90% bands cover 80-97% of outturns both for the year and (where held)
    the next year, the horizons a run reports; among those the lowest mean CRPS of the two."""
    o = np.array([c.outturn for c in cases])
    o2 = np.array([np.nan if c.outturn_next is None else c.outturn_next for c in cases])
    ok = np.isfinite(o2)
    best: tuple[float, float, float, float] | None = None  # (penalty, crps, sigma, ar)
    for ar in AR_GRID:
        for sigma in SIGMA_GRID:
            fy, nxt = method_draws(cases, method, n, sigma=sigma, ar=ar, seed=seed)
            s = score_draws(fy, o)
            covs = [float(((s.p05 <= o) & (o <= s.p95)).mean())]
            crps = float(s.crps.mean())
            if ok.sum() >= 5:
                s2 = score_draws(nxt[ok], o2[ok])
                covs.append(float(((s2.p05 <= o2[ok]) & (o2[ok] <= s2.p95)).mean()))
                crps += float(s2.crps.mean())
            penalty = sum(0.0 if 0.80 <= c <= 0.97 else abs(c - 0.9) for c in covs)
            key = (penalty, crps, sigma, ar)
            if best is None or key < best:
                best = key
    assert best is not None
    return best[2], best[3]


def _benchmarks(cases: list[Case], n: int) -> pd.DataFrame:
    """Naive rules as normal densities with their own pre-2020 RMSE by stage and variable."""
    z = stats.norm.ppf((np.arange(n) + 0.5) / n)
    o = np.array([c.outturn for c in cases])
    o2 = np.array([np.nan if c.outturn_next is None else c.outturn_next for c in cases])
    stage = np.array([c.stage for c in cases])
    var = np.array([c.variable for c in cases])
    out = []
    for name, point in benchmark_points(cases).items():
        for target, suffix in ((o, ""), (o2, "_next")):
            sd = np.full(len(cases), np.nan)
            for key in {(s, v) for s, v in zip(stage, var, strict=True)}:
                m = (stage == key[0]) & (var == key[1]) & np.isfinite(point) & np.isfinite(target)
                if m.sum() >= 2:
                    sd[m] = np.sqrt(np.mean((point[m] - target[m]) ** 2))
            ok = np.isfinite(point) & np.isfinite(sd)
            draws = point[:, None] + sd[:, None] * z[None, :]
            tgt = np.where(ok, target, np.nan)
            idx = np.flatnonzero(ok)
            sub = [cases[i] for i in idx]
            out.append(_frame(name, sub, draws[idx], tgt[idx], [c.variable + suffix for c in sub]))
    return pd.concat(out)


def run_backtest(releases: Releases, *, n: int = 2000, seed: int = 2020, methods: tuple[str, ...] = METHODS) -> Backtest:
    """Backtest every method and naive rule on the releases published by ``releases``' cut.

    Parameters
    ----------
    releases : Releases
        Cut at the backtest's as-of round (only outturns published by then are scored).
    n : int
        Draws per forecast (each re-calibrated to its release).
    seed : int
        Seed of the random streams (one per case, shared by the methods).
    """
    from model.core.blocks.shock import growth_sd_factor
    from model.inputs.registry import registry

    cases = build_cases(releases)
    rev_ar = float(registry()["revenue_shock_ar"].value)
    # revenue cases need years before them to size their own shock; those without are not scored
    own = dict(zip(cases, revenue_sigmas(cases, releases, gdp_annual_sd=0.0, ar=rev_ar), strict=True))
    cases = [c for c in cases if c.variable != "revenue_growth" or np.isfinite(own[c])]
    frames, scales = [], []
    for method in methods:
        per_var = []
        gdp_sd = 0.0
        for variable in sorted({c.variable for c in cases}):  # gdp_real_growth first
            sub = [c for c in cases if c.variable == variable]
            if variable == "revenue_growth":
                sigma = revenue_sigmas(sub, releases, gdp_annual_sd=gdp_sd, ar=rev_ar)
                ar = rev_ar
                scales.append({"method": method, "variable": variable, "sigma": round(float(sigma.mean()), 3), "ar": ar})
            else:
                s0, ar = _calibrate(sub, method, min(n, 500), seed)
                gdp_sd = float(s0 * growth_sd_factor(ar))
                sigma = s0
                scales.append({"method": method, "variable": variable, "sigma": s0, "ar": ar})
            fy, nxt = method_draws(sub, method, n, sigma=sigma, ar=ar, seed=seed)
            per_var.append(_both(method, sub, fy, nxt))
        frames.append(pd.concat(per_var))
    frames.append(_benchmarks(cases, n))
    rows = pd.concat(frames, ignore_index=True)
    card = scorecard(rows)
    gdp = card[(card.variable == "gdp_real_growth") & (card.region == "all") & (card.stage == CHOICE_STAGE)]
    chosen = choose({"methods": {r.method: {"all": {CHOICE_STAGE: {"crps": r.crps}}}
                                 for r in gdp[gdp.method.isin(methods)].itertuples()}})
    mine = rows[(rows.method == chosen) & (rows.variable == "gdp_real_growth")]
    crisis = mine.apply(lambda r: r.year in CRISIS_YEARS.get(r.region, ()), axis=1)
    ratio = float(np.sqrt((mine.error[crisis] ** 2).mean()) / np.sqrt((mine.error[~crisis] ** 2).mean()))
    as_of = str(releases.as_of_round) if releases.as_of_round is not None else str(releases.last_round)
    return Backtest(rows, card, pd.DataFrame(scales), chosen, ratio, n, as_of)
