"""National growth forecasts published by mid-2020 and the history of Hangzhou's growth premium.

``data/topdown.csv`` holds, each with its source and publication date: the forecasts of China's 2020
growth published by July 2020 (IMF, World Bank, Bloomberg, Nikkei, Reuters), China's H1 2020 growth,
and the first-release H1 and full-year growth of Hangzhou and China in the years with both (2015,
2016, 2018, 2019), plus the H1 weights that turn an H1 and a full-year rate into an H2 rate.
Nothing published after July 2020 is in it.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from model.core.errors import UserError
from model.inputs.data import DATA_DIR

__all__ = ["TopDown", "load_topdown"]

_COLUMNS = ["kind", "source_name", "region", "period", "value", "unit", "published", "source"]
_LAST_PUBLISHED = pd.Timestamp("2020-07-31")


class TopDown:
    """The validated contents of ``data/topdown.csv``.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row a figure, columns as in the file.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    def value(self, region: str, period: str) -> float:
        """The historical figure of ``region`` for ``period`` (``2019H1``, ``2019FY``, ``2019H1share``)."""
        f = self.frame
        hit = f[(f.kind == "history") & (f.region == region) & (f.period == period)]
        if hit.empty:
            raise KeyError(f"no {region} {period} in data/topdown.csv")
        return float(hit.value.iloc[0])

    def forecasts(self) -> pd.DataFrame:
        """The national 2020 forecasts: ``source_name, published, value, source``."""
        f = self.frame
        return f[f.kind == "forecast"][["source_name", "published", "value", "source"]].reset_index(drop=True)

    def history_years(self) -> list[int]:
        """Years with both an H1 and a full-year figure for Hangzhou and for China."""
        f = self.frame[self.frame.kind == "history"]
        have = {(r, p) for r, p in zip(f.region, f.period, strict=True)}
        years = sorted({int(p[:4]) for _, p in have if p.endswith("FY")})
        return [y for y in years if all((r, f"{y}{h}") in have for r in ("hangzhou", "china") for h in ("H1", "FY"))]


@cache
def load_topdown() -> TopDown:
    """Read and check ``data/topdown.csv`` (columns, finite values, sources, nothing after July 2020).

    Raises
    ------
    UserError
        If the file is malformed.
    """
    path = DATA_DIR / "topdown.csv"
    frame = pd.read_csv(path, dtype={"period": str, "published": str})
    if list(frame.columns) != _COLUMNS:
        raise UserError(f"expected columns {', '.join(_COLUMNS)}", file=str(path))
    if not np.isfinite(frame.value.to_numpy(dtype=float)).all() or frame.source.isna().any():
        raise UserError("every row needs a finite value and a source", file=str(path))
    published = pd.to_datetime(frame.published, format="mixed")
    if (published > _LAST_PUBLISHED).any():
        raise UserError("a figure published after July 2020 (the forecast must be honest)", file=str(path))
    return TopDown(frame)
