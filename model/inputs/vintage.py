"""What a run sees: a data folder and the release round it is as of (``--data``, ``--as-of``).

A :class:`Vintage` names the folder (the project's ``data/`` by default, or an analyst's copy with a
later release added) and the round (2020Q2 by default, the H1 2020 release).  Its data are the rows
of the folder published by the round (:func:`model.inputs.data.load_data`), and its calendar
follows from the round and those data (:meth:`model.core.calendar.Calendar.from_as_of`): the base
year is the last complete pre-shock year whose figures are in the data, scenarios start in the
quarter after the round, the calibration span ends with it.

:func:`vintage` checks that the scenario model can run as of a round: a quarter, not before the
COVID shock, with Hangzhou's YTD GDP release (level and real growth) for that round and the base
year's figures in the data; anything else is one line naming ``--as-of`` (or ``--data``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from model.core.calendar import CALENDAR, Calendar
from model.core.errors import UserError
from model.core.periods import parse_period
from model.inputs.data import DATA_DIR, Data, load_data

__all__ = ["BASE_FIGURES", "DEFAULT_VINTAGE", "ROUND_FIGURES", "Vintage", "vintage"]

BASE_FIGURES = ("gdp", "gdp_real_yoy", "digital_core", "digital_core_real_yoy", "revenue", "revenue_yoy",
                "tax_share_of_revenue", "retail", "retail_yoy")
"""Hangzhou's full-year figures the base year needs (:func:`model.inputs.base.base_from_data`)."""
ROUND_FIGURES = ("gdp", "gdp_real_yoy")
"""Hangzhou's YTD figures a round needs: the GDP release (level and real growth) of that round."""


@dataclass(frozen=True)
class Vintage:
    """A data folder and a release round.

    Attributes
    ----------
    directory : str or None
        The data folder (``None``: the project's ``data/``).
    as_of : str
        The release round, a quarter like ``2020Q2``.
    stamp : tuple
        The modification times of the folder's files when :func:`vintage` checked them: every cache
        keyed on a vintage (targets, calibrations, inputs) is then keyed on the files' state too, so
        an edited file is never answered from an older one's cache.
    """

    directory: str | None = None
    as_of: str = str(CALENDAR.last_observed)
    stamp: tuple[int | None, ...] = ()

    @property
    def data(self) -> Data:
        """The folder's rows published by the round."""
        return load_data(self.directory, as_of=self.as_of)

    @property
    def calendar(self) -> Calendar:
        """The calendar of the round (:meth:`Calendar.from_as_of`)."""
        return _calendar(self)

    @property
    def folder(self) -> Path:
        return DATA_DIR if self.directory is None else Path(self.directory)


DEFAULT_VINTAGE = Vintage()
"""The project's ``data/`` as of 2020Q2: every default run."""


def _full_years(data: Data) -> list[int]:
    o = data.observations
    rows = o[(o.region == "hangzhou") & (o.basis == "ytd")]
    years = []
    for p in sorted({e for e in rows.end if e.quarter == 4}):
        have = set(rows[rows.end == p].variable.astype(str))
        if all(f in have for f in BASE_FIGURES):
            years.append(p.year)
    return years


def _stamp(folder: Path) -> tuple[int | None, ...]:
    files = (folder / "observations.csv", folder / "levers_h1.csv")
    return tuple(f.stat().st_mtime_ns if f.is_file() else None for f in files)


def _gdp_rounds(data: Data) -> list[str]:
    """The rounds from the COVID shock on whose Hangzhou YTD GDP release (level and growth) ``data`` hold."""
    o = data.observations
    rows = o[(o.region == "hangzhou") & (o.basis == "ytd") & (o.end >= CALENDAR.covid_start)]
    return [str(e) for e in sorted(set(rows.end))
            if set(ROUND_FIGURES) <= set(rows[rows.end == e].variable.astype(str))]


@lru_cache(maxsize=64)
def _calendar(v: Vintage) -> Calendar:
    return Calendar.from_as_of(v.as_of, full_years=_full_years(v.data))


def vintage(as_of: str | None = None, directory: str | Path | None = None) -> Vintage:
    """The vintage of ``--as-of`` and ``--data``, checked: the scenario model can run as of it.

    Raises
    ------
    UserError
        ``--data`` naming no folder; ``--as-of`` malformed, before the COVID shock, without
        Hangzhou's YTD GDP release for the round, or without the base year's figures.
    """
    if directory is not None and not Path(directory).is_dir():
        raise UserError(f"expected a data folder holding observations.csv and levers_h1.csv, got {str(directory)!r}",
                        key="--data")
    text = str(CALENDAR.last_observed) if as_of is None else str(as_of).strip()
    try:
        q = parse_period(text)
    except ValueError:
        raise UserError(f"expected a release round written as a quarter like 2020Q2, got {text!r}", key="--as-of") from None
    if q < CALENDAR.covid_start:
        raise UserError(f"{q} is before the COVID shock ({CALENDAR.covid_start}): the data as of it hold no shock "
                        f"to calibrate; expected a round from {CALENDAR.covid_start} on (earlier rounds: "
                        "`backtest --as-of`)", key="--as-of")
    stamp = () if directory is None else _stamp(Path(directory))
    v = Vintage(None if directory is None else str(directory), str(q), stamp)
    data = v.data
    file = v.folder / "observations.csv"
    o = data.observations
    have = set(o[(o.region == "hangzhou") & (o.basis == "ytd") & (o.end == q)].variable.astype(str))
    missing = [f for f in ROUND_FIGURES if f not in have]
    if missing:
        rounds = _gdp_rounds(load_data(v.directory, as_of=CALENDAR.last_horizon))
        latest = f"; the rounds it holds: {', '.join(rounds)}" if rounds else ""
        raise UserError(f"{q}: {file} has no Hangzhou YTD GDP release for that round ({', '.join(missing)}), "
                        f"which the scenario model is calibrated to{latest}", key="--as-of")
    try:
        cal = v.calendar
    except ValueError as exc:
        raise UserError(f"{q}: {exc} ({file}; the base year needs {', '.join(BASE_FIGURES)})", key="--as-of") from None
    h1 = pd.Period(f"{cal.covid_start.year}Q2", freq="Q")
    have_h1 = set(o[(o.region == "hangzhou") & (o.basis == "ytd") & (o.end == h1)].variable.astype(str))
    if not {"revenue", "revenue_yoy"} <= have_h1:
        raise UserError(f"{q}: {file} has no Hangzhou revenue release for {h1} (revenue, revenue_yoy), from which the "
                        f"model derives H1 {cal.base_year} revenue", key="--as-of")
    return v
