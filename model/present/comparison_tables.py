"""Comparison tables as the users read them: the difference from the baseline in the variable's
unit (亿元, or pp for a growth rate) and in percent, and quarter-on-quarter growth (环比) beside
year-on-year growth (同比).

:meth:`model.analysis.comparison.Comparison.frame` stays the model's contract; this module adds
the columns and rows that ``comparison.csv``, the workbook and the briefing show.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from model.analysis.comparison import Comparison

__all__ = ["QOQ", "comparison_table", "qoq"]

QOQ = {"gdp_real_qoq": "gdp_real", "gdp_qoq": "gdp", "revenue_qoq": "revenue"}
"""Quarter-on-quarter growth rows (环比, %) and the quarterly level each is computed from.  The
levels are not seasonally adjusted, so 环比 carries the seasonal pattern; the difference from the
baseline (in pp) is what a measure changes."""


def qoq(level: pd.Series) -> pd.Series:
    """Growth over the previous quarter, percent: ``100 (x_t / x_{t-1} - 1)``."""
    return 100.0 * (level / level.shift(1) - 1.0)


def _qoq_rows(c: Comparison) -> pd.DataFrame:
    s, b = c.scenario.quarterly, c.baseline.quarterly
    quarters = [str(p) for p in c.quarters]
    parts = []
    for var, level in QOQ.items():
        sv = qoq(s[level]).reindex(c.quarters).to_numpy()
        bv = qoq(b[level]).reindex(c.quarters).to_numpy()
        parts.append(pd.DataFrame({"scenario": c.name, "period": quarters, "variable": var, "value": sv,
                                   "baseline": bv, "difference": sv - bv, "unit": "%"}))
    return pd.concat(parts, ignore_index=True)


def comparison_table(comparisons: Sequence[Comparison]) -> pd.DataFrame:
    """``comparison.csv``: :meth:`Comparison.frame` of every comparison with 环比 rows
    (``gdp_real_qoq``, ``gdp_qoq``, ``revenue_qoq``) after each scenario's quarterly rows, and a
    ``difference_pct`` column after ``difference``: the difference as a percentage of the baseline
    for levels (亿元), empty for rates (their ``difference`` is already in pp)."""
    frames = []
    for c in comparisons:
        f = c.frame()
        if f.empty:
            frames.append(f)
            continue
        quarterly = f.period.str.contains("Q")
        extra = _qoq_rows(c)
        f = pd.concat([f[quarterly], extra, f[~quarterly]], ignore_index=True)
        frames.append(f)
    out = pd.concat([f for f in frames if not f.empty] or frames[:1], ignore_index=True)
    level = out.unit != "%"
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(level & (out.baseline != 0), 100.0 * out.difference / out.baseline.where(out.baseline != 0),
                       np.nan)
    out.insert(out.columns.get_loc("difference") + 1, "difference_pct", pct)
    return out
