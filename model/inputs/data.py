"""The observed data: tidy CSV files in ``data/``, loaded into typed frames and validated on load.

Two files:

``observations.csv``
    ``region, variable, period, basis, value, unit, source``.  ``basis`` is ``year`` (a calendar
    year, ``period`` like ``2019``), ``ytd`` (cumulative from Q1 through ``period``, like
    ``2018Q3``) or ``quarter`` (a single quarter).  A calendar year is stored as the YTD through Q4,
    so one convention serves both.
``levers_h1.csv``
    ``lever, field, period, value, unit, source``: the policy measures of 2020 H1, which are part of
    history in every scenario.

A run is *as of* a release round (``--as-of``, default 2020Q2): it sees only the rows whose period
is at or before the round (a YTD row for period P is published in round P; a calendar year in its
fourth quarter).  Later rows may sit in the files (an analyst adds the Q1-Q3 2020 release when it
comes out) and are invisible to an earlier round, so the H2 2020 forecast as of 2020Q2 stays honest
out of sample.  The shipped files hold nothing after 2020Q2.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from model.core.calendar import CALENDAR
from model.core.errors import UserError
from model.core.periods import parse_period
from model.inputs.paths import DATA_DIR, shipped

__all__ = ["DATA_DIR", "LAST_OBSERVED", "Data", "load_data", "shipped"]

LAST_OBSERVED = CALENDAR.last_observed
"""The default release round, the last quarter the shipped data hold (:mod:`model.core.calendar`)."""

_REGIONS = ("hangzhou", "zhejiang", "china")
_UNITS = {"亿元", "%"}
_OBS_COLUMNS = ["region", "variable", "period", "basis", "value", "unit", "source"]
_LEVER_COLUMNS = ["lever", "field", "period", "value", "unit", "source"]


@dataclass(frozen=True)
class Data:
    """Validated observations and H1 2020 policy history.

    Attributes
    ----------
    observations : pandas.DataFrame
        Columns ``region, variable, end, basis, value, unit, source``; ``end`` is a quarterly
        ``Period`` (Q4 for a calendar year) and ``basis`` is ``ytd`` or ``quarter``.
    levers_h1 : pandas.DataFrame
        Columns ``lever, field, period, value, unit, source``; ``period`` quarterly.
    """

    observations: pd.DataFrame
    levers_h1: pd.DataFrame

    def get(self, variable: str, period: str, *, region: str = "hangzhou", basis: str = "ytd") -> float:
        """One observed value; ``period`` is a quarter (``'2020Q2'``) or a year (``'2019'``).

        A year means the YTD through its fourth quarter.
        """
        end = _end_period(period)
        o = self.observations
        hit = o[
            (o.region == region) & (o.variable == variable) & (o.end == end) & (o.basis == basis)
        ]
        if hit.empty:
            raise KeyError(f"no observation of {region} {variable} {basis} {period}")
        return float(hit.value.iloc[0])

    def source(self, variable: str, period: str, *, region: str = "hangzhou") -> str:
        """The source of :meth:`get`'s value."""
        end = _end_period(period)
        o = self.observations
        hit = o[(o.region == region) & (o.variable == variable) & (o.end == end)]
        return str(hit.source.iloc[0])

    def latest_ytd_by_year(self, variable: str, *, region: str = "hangzhou") -> pd.Series:
        """For each year, the latest cumulative release of ``variable`` (a full year if there is one)."""
        o = self.observations
        rows = o[(o.region == region) & (o.variable == variable) & (o.basis == "ytd")]
        rows = rows.assign(year=rows.end.map(lambda p: p.year), q=rows.end.map(lambda p: p.quarter))
        rows = rows.sort_values(["year", "q"]).groupby("year").tail(1)
        return pd.Series(rows.value.to_numpy(), index=rows.year.to_numpy(), name=variable)

    def lever_history(self, lever: str, field: str) -> pd.Series:
        """The H1 2020 path of one lever field, indexed by quarter."""
        h = self.levers_h1
        rows = h[(h.lever == lever) & (h.field == field)]
        return pd.Series(rows.value.to_numpy(), index=pd.PeriodIndex(rows.period), name=field)


def _end_period(period: str) -> pd.Period:
    s = str(period)
    if s.isdigit() and len(s) == 4:
        return pd.Period(f"{s}Q4", freq="Q")
    return parse_period(s)


def _fail(path: Path, row: int | None, message: str) -> UserError:
    key = f"row {row}" if row is not None else None
    return UserError(message, file=str(path), key=key)


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.is_file():
        raise UserError("file not found", file=str(path))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(frame.columns) != columns:
        raise _fail(path, None, f"expected columns {','.join(columns)}, found {','.join(frame.columns)}")
    for col in columns:
        empty = frame[col].str.strip() == ""
        if empty.any():
            row = int(np.flatnonzero(empty)[0]) + 2
            raise _fail(path, row, f"missing {col}")
    values = pd.to_numeric(frame["value"], errors="coerce")
    bad = ~np.isfinite(values.to_numpy(dtype=float))
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 2
        raise _fail(path, row, f"value {frame['value'].iloc[row - 2]!r} is not a finite number")
    return frame.assign(value=values.astype(float))


def _load_observations(path: Path) -> pd.DataFrame:
    raw = _read(path, _OBS_COLUMNS)
    ends, bases = [], []
    for i, r in enumerate(raw.itertuples(index=False), start=2):
        if r.region not in _REGIONS:
            raise _fail(path, i, f"region {r.region!r} is not one of {', '.join(_REGIONS)}")
        if r.unit not in _UNITS:
            raise _fail(path, i, f"unit {r.unit!r} is not one of {', '.join(sorted(_UNITS))}")
        if r.basis == "year":
            if not (r.period.isdigit() and len(r.period) == 4):
                raise _fail(path, i, f"period {r.period!r}: a year basis expects a year like 2019")
            end, basis = pd.Period(f"{r.period}Q4", freq="Q"), "ytd"
        elif r.basis in ("ytd", "quarter"):
            try:
                end = parse_period(r.period)
            except ValueError as exc:
                raise _fail(path, i, f"period {r.period!r}: {exc}") from None
            basis = r.basis
        else:
            raise _fail(path, i, f"basis {r.basis!r} is not one of year, ytd, quarter")
        unit_ok = (r.unit == "%") == r.variable.endswith(("_yoy", "_share_of_revenue"))
        if not unit_ok:
            raise _fail(path, i, f"unit {r.unit!r} does not fit variable {r.variable!r}")
        ends.append(end)
        bases.append(basis)
    obs = raw.assign(end=pd.PeriodIndex(ends, freq="Q"), basis=bases).drop(columns="period")
    key = ["region", "variable", "end", "basis"]
    dup = obs.duplicated(key)
    if dup.any():
        row = int(np.flatnonzero(dup)[0]) + 2
        raise _fail(path, row, "duplicates an earlier row (same region, variable, period, basis)")
    obs = obs[["region", "variable", "end", "basis", "value", "unit", "source"]]
    return obs.astype({"region": "category", "variable": "category", "basis": "category"})


def _load_levers(path: Path) -> pd.DataFrame:
    from model.core.levers import REGISTRY as LEVERS

    raw = _read(path, _LEVER_COLUMNS)
    periods = []
    for i, r in enumerate(raw.itertuples(index=False), start=2):
        if r.lever not in LEVERS:
            raise _fail(path, i, f"lever {r.lever!r} is not one of {', '.join(LEVERS)}")
        if r.field != LEVERS[r.lever].history_field:
            raise _fail(path, i, f"field {r.field!r}: the history of {r.lever} is its {LEVERS[r.lever].history_field!r}")
        if r.unit != "亿元":
            raise _fail(path, i, f"unit {r.unit!r}: lever amounts are in 亿元")
        try:
            p = parse_period(r.period)
        except ValueError as exc:
            raise _fail(path, i, f"period {r.period!r}: {exc}") from None
        if r.value < 0:
            raise _fail(path, i, f"value {r.value}: expected a non-negative amount")
        periods.append(p)
    out = raw.assign(period=pd.PeriodIndex(periods, freq="Q"))
    dup = out.duplicated(["lever", "field", "period"])
    if dup.any():
        raise _fail(path, int(np.flatnonzero(dup)[0]) + 2, "duplicates an earlier row")
    return out


def load_data(directory: str | Path | None = None, *, as_of: str | pd.Period | None = None) -> Data:
    """Load and validate ``observations.csv`` and ``levers_h1.csv`` from ``directory``, as of a round.

    Parameters
    ----------
    directory : path, optional
        Defaults to the project's ``data/``.
    as_of : str or Period, optional
        The release round (default :data:`LAST_OBSERVED`, 2020Q2): rows after it are dropped.

    Loads are cached by (folder, as-of) and the files' modification times, so an edited file is
    read again.

    Raises
    ------
    UserError
        On a missing file, wrong columns, a unit, period or basis that is not understood, a missing
        or non-finite value, or a duplicate row (anywhere in the file, also after the round).
    """
    d = DATA_DIR if directory is None else Path(directory)
    q = LAST_OBSERVED if as_of is None else pd.Period(as_of, freq="Q")
    files = (d / "observations.csv", d / "levers_h1.csv")
    stamps = tuple(f.stat().st_mtime_ns if f.is_file() else None for f in files)
    return _load(str(d.resolve()), str(d), str(q), stamps)


@lru_cache(maxsize=32)
def _load(folder: str, shown: str, as_of: str, stamps: tuple[int | None, ...]) -> Data:
    full = _load_all(folder, shown, stamps)
    q = pd.Period(as_of, freq="Q")
    obs, lev = full.observations, full.levers_h1
    if (obs.end <= q).all() and (lev.period <= q).all():
        return full
    return Data(obs[obs.end <= q].reset_index(drop=True), lev[lev.period <= q].reset_index(drop=True))


@lru_cache(maxsize=8)
def _load_all(folder: str, shown: str, stamps: tuple[int | None, ...]) -> Data:
    d = Path(shown)  # errors name the folder as the user wrote it
    return Data(_load_observations(d / "observations.csv"), _load_levers(d / "levers_h1.csv"))
