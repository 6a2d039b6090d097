"""Top-down check of the H2 2020 forecast against the national forecasts published by mid-2020.

An H2 growth rate follows from an H1 rate :math:`h` and a full-year rate :math:`f` with the H1 weight
:math:`w` (H1's share of the previous year's GDP): :math:`g_{H2} = (f - w h)/(1 - w)`.  Hangzhou's
H2 premium over China is its H2 growth less China's.  The check compares the premium the model
implies for 2020 (the model's Hangzhou H2 against China's H2 implied by each forecast, with China's
H1 2020 at -1.6%) with the premium's own history (first releases, 2015, 2016, 2018, 2019), as a
z-score.  The persistent share of the rest's loss (``shock_rest_persistent``) is set so that the
baseline's premium is near the historical mean (see its source); a scenario may override it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.inputs.topdown import TopDown, load_topdown

__all__ = ["TopDownCheck", "h2_rate", "premium_history", "topdown_check"]


def h2_rate(full_year: float | np.ndarray, h1: float | np.ndarray, weight: float) -> np.ndarray:
    """H2 growth (%) implied by full-year and H1 growth (%) with H1 weight ``weight``."""
    return (np.asarray(full_year, dtype=float) - weight * np.asarray(h1, dtype=float)) / (1.0 - weight)


def premium_history(td: TopDown | None = None) -> pd.DataFrame:
    """Hangzhou's H2 growth premium over China by year: ``hangzhou_h2, china_h2, premium`` (pp)."""
    td = td or load_topdown()
    w_hz, w_cn = td.value("hangzhou", "2018H1share"), td.value("china", "2019H1share")
    rows = []
    for y in td.history_years():
        hz = float(h2_rate(td.value("hangzhou", f"{y}FY"), td.value("hangzhou", f"{y}H1"), w_hz))
        cn = float(h2_rate(td.value("china", f"{y}FY"), td.value("china", f"{y}H1"), w_cn))
        rows.append({"year": y, "hangzhou_h2": hz, "china_h2": cn, "premium": hz - cn})
    return pd.DataFrame(rows).set_index("year")


@dataclass(frozen=True)
class TopDownCheck:
    """The check's figures.

    Attributes
    ----------
    forecasts : DataFrame
        One row a national forecast: ``source_name, published, china_2020, china_h2, premium``.
    history : DataFrame
        :func:`premium_history`.
    hangzhou_h2 : float
        The model's Hangzhou H2 2020 real growth, %.
    premium : float
        The model's premium over the forecasts' mean China H2, pp.
    z : float
        ``(premium - history mean) / history sd``.
    """

    forecasts: pd.DataFrame
    history: pd.DataFrame
    hangzhou_h2: float
    premium: float
    z: float

    @property
    def consistent(self) -> bool:
        """Whether the premium lies within one historical sd of its historical mean."""
        return abs(self.z) <= 1.0

    def lines(self) -> list[str]:
        """The check as markdown lines for ``report.md``."""
        h = self.history
        f = self.forecasts
        out = [
            f"The model's Hangzhou H2 2020 real growth is {self.hangzhou_h2:.2f}%. The national forecasts "
            f"published by July 2020 imply China H2 growth of {f.china_h2.min():.1f}-{f.china_h2.max():.1f}% "
            f"(mean {f.china_h2.mean():.2f}%, with China's H1 at -1.6%), so the model's H2 premium over China "
            f"is {self.premium:+.2f} pp. Its history (first releases, {', '.join(str(y) for y in h.index)}): "
            f"mean {h.premium.mean():+.2f} pp, sd {h.premium.std():.2f} pp; z = {self.z:+.2f} "
            + ("(consistent: within one sd)." if self.consistent else "(**outside one sd of its history**)."),
            "",
            "| forecast | published | China 2020 (%) | China H2 implied (%) | Hangzhou premium (pp) |",
            "|---|---|---|---|---|",
        ]
        out += [f"| {r.source_name} | {r.published} | {r.china_2020:.1f} | {r.china_h2:.2f} | {r.premium:+.2f} |"
                for r in f.itertuples()]
        out += ["", "| year | Hangzhou H2 (%) | China H2 (%) | premium (pp) |", "|---|---|---|---|"]
        out += [f"| {y} | {r.hangzhou_h2:.2f} | {r.china_h2:.2f} | {r.premium:+.2f} |" for y, r in h.iterrows()]
        return out


def topdown_check(hangzhou_h2: float, td: TopDown | None = None) -> TopDownCheck:
    """Check Hangzhou's H2 2020 growth ``hangzhou_h2`` (%) against the national forecasts."""
    td = td or load_topdown()
    w_cn = td.value("china", "2019H1share")
    f = td.forecasts().rename(columns={"value": "china_2020"})
    f["china_h2"] = h2_rate(f.china_2020, td.value("china", "2020H1"), w_cn)
    f["premium"] = hangzhou_h2 - f.china_h2
    hist = premium_history(td)
    premium = float(hangzhou_h2 - f.china_h2.mean())
    z = (premium - hist.premium.mean()) / hist.premium.std()
    return TopDownCheck(f.drop(columns="source"), hist, float(hangzhou_h2), premium, float(z))
