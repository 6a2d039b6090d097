"""Scores of density forecasts given as draws: CRPS and interval scores from ``scoringrules``.

Every score here comes from the library (Gneiting & Raftery 2007 definitions as implemented in
``scoringrules``): the ensemble CRPS from the draws, the interval (Winkler) score of the central 90%
band.  Coverage is tested with an exact binomial test (``scipy.stats.binomtest``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scoringrules as sr
from scipy import stats

__all__ = ["QUANTILES", "score_draws", "scorecard"]

QUANTILES = (5, 25, 50, 75, 95)


def score_draws(draws: np.ndarray, outturn: np.ndarray) -> pd.DataFrame:
    """Point, quantiles, PIT, CRPS and 90% interval score of each row of ``draws`` ``(m, n)``.

    ``forecast`` is the mean of the draws; ``pit`` the share of draws at or below the outturn.
    """
    y = np.asarray(outturn, dtype=float)
    q = np.percentile(draws, QUANTILES, axis=1)
    out = pd.DataFrame({"forecast": draws.mean(axis=1), "outturn": y})
    out["error"] = out.forecast - y
    for p, row in zip(QUANTILES, q, strict=True):
        out[f"p{p:02d}"] = row
    out["pit"] = (draws <= y[:, None]).mean(axis=1)
    out["crps"] = np.asarray(sr.crps_ensemble(y, draws, backend="numpy"))
    out["interval_score"] = np.asarray(sr.interval_score(y, q[0], q[-1], 0.1, backend="numpy"))
    return out


def _group(g: pd.DataFrame) -> pd.Series:
    n = len(g)
    in50 = ((g.p25 <= g.outturn) & (g.outturn <= g.p75)).to_numpy()
    in90 = ((g.p05 <= g.outturn) & (g.outturn <= g.p95)).to_numpy()
    p90 = stats.binomtest(int(in90.sum()), n, 0.9).pvalue if n else np.nan
    p50 = stats.binomtest(int(in50.sum()), n, 0.5).pvalue if n else np.nan
    return pd.Series({
        "n": n,
        "bias": g.error.mean(),
        "rmse": float(np.sqrt(np.mean(g.error**2))),
        "mae": g.error.abs().mean(),
        "coverage50": in50.mean(),
        "coverage90": in90.mean(),
        "coverage90_binom_p": p90,
        "coverage50_binom_p": p50,
        "crps": g.crps.mean(),
        "interval_score": g.interval_score.mean(),
    })


def scorecard(rows: pd.DataFrame) -> pd.DataFrame:
    """Scores by method, variable, region (and ``all``) and stage (and ``all``)."""
    parts = []
    for region_all in (False, True):
        for stage_all in (False, True):
            f = rows.assign(
                region="all" if region_all else rows.region,
                stage="all" if stage_all else rows.stage,
            )
            parts.append(f.groupby(["method", "variable", "region", "stage"], sort=True)[list(f.columns)].apply(_group))
    out = pd.concat(parts).reset_index()
    out["n"] = out.n.astype(int)
    return out.sort_values(["variable", "region", "stage", "crps"]).reset_index(drop=True)
