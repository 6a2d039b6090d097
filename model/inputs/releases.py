"""Releases as published: real GDP and budget revenue growth year to date, and growth targets.

``data/releases.csv`` has the columns ``region, indicator, period, value, unit, vintage, published,
source, notes``:

``period``
    ``YYYYQ1``, ``YYYYH1``, ``YYYYQ1-Q3`` or ``YYYYFY``: cumulative from Q1 of the year.
``vintage``
    ``first release``, ``revised 1``, ``revised 2``, ... (later official revisions, in order), or
    ``unknown`` (a figure cited later without saying which vintage).
``published``
    The release round in which the figure appeared, written as the quarter whose data that round
    publishes: the first release of 2019 H1 (July 2019) is round ``2019Q2``; the full-year 2019 first
    release (January 2020) is round ``2019Q4``.  A growth target is announced before the year's first
    release and has the year's Q1 round.

A run *as of* a round (``--as-of 2020Q2``, the H1 2020 release) sees exactly the rows published by
then: later rows may sit in the file but are invisible, so adding the Q1-Q3 2020 release when it
comes out changes nothing in a run as of H1 2020.

Rows are validated on load: a figure published before its own period has ended (``period`` after
``published``), or a second row with the same ``(region, indicator, period, vintage)``, is refused
with the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from model.core.errors import UserError
from model.core.periods import parse_period
from model.inputs.paths import DATA_DIR

__all__ = [
    "INDICATORS",
    "REGIONS",
    "RELEASES_FILE",
    "STAGES",
    "Releases",
    "load_releases",
    "parse_as_of",
    "stage_of",
]

RELEASES_FILE = DATA_DIR / "releases.csv"
REGIONS = ("china", "zhejiang", "hangzhou")
INDICATORS = ("gdp_real_growth_ytd", "revenue_growth_ytd", "target_growth")
PLAN_INDICATORS = ("target_growth",)
STAGES = {"Q1": 1, "H1": 2, "Q1-Q3": 3, "FY": 4}
"""Cumulative release stages and the quarter each ends in."""
_COLUMNS = ["region", "indicator", "period", "value", "unit", "vintage", "published", "source", "notes"]
_PERIOD = re.compile(r"^(\d{4})(Q1|H1|Q1-Q3|FY)$")
_VINTAGE = re.compile(r"^(first release|unknown|revised [1-9])$")
_OPTION = "--as-of"


def stage_of(quarter: int) -> str:
    """The cumulative stage that ends in ``quarter`` (1 to 4): ``Q1``, ``H1``, ``Q1-Q3``, ``FY``."""
    return {v: k for k, v in STAGES.items()}[int(quarter)]


@dataclass(frozen=True)
class Releases:
    """Validated releases, possibly cut at a release round.

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns ``region, indicator, year, stage, end, value, vintage, published, source, line``;
        ``end`` and ``published`` are quarterly periods, ``line`` the row's line in the file.
    path : str
        The file the rows came from.
    as_of_round : pandas.Period or None
        The release round the rows are cut at (``None``: every row in the file).
    """

    frame: pd.DataFrame
    path: str
    as_of_round: pd.Period | None = None

    def as_of(self, as_of: str | pd.Period) -> Releases:
        """The rows published by release round ``as_of`` (a quarter like ``2020Q2``)."""
        q = parse_period(as_of)
        return Releases(self.frame[self.frame.published <= q], self.path, q)

    @property
    def first_round(self) -> pd.Period:
        """The earliest release round in the file."""
        return self.frame.published.min()

    @property
    def last_round(self) -> pd.Period:
        """The latest release round in the file."""
        return self.frame.published.max()

    def series(self, region: str, indicator: str, stage: str = "FY", *, vintage: str = "first") -> pd.Series:
        """One value a year for ``stage``, indexed by year.

        ``vintage`` is ``first`` (the first release; a row of unknown vintage stands in where no
        first release is recorded) or ``latest`` (the latest revision published by the as-of round).
        """
        f = self.frame
        rows = f[(f.region == region) & (f.indicator == indicator) & (f.stage == stage)]
        if vintage == "first":
            rank = np.where(rows.vintage == "first release", 0, np.where(rows.vintage == "unknown", 1, 2))
            rows = rows.assign(_r=rank)[rank < 2].sort_values(["year", "_r"]).groupby("year").head(1)
        elif vintage == "latest":
            rows = rows.sort_values(["year", "published", "line"]).groupby("year").tail(1)
        else:
            raise ValueError(f"vintage must be 'first' or 'latest', not {vintage!r}")
        return pd.Series(rows.value.to_numpy(), index=rows.year.to_numpy(dtype=int), name=f"{region} {indicator} {stage}")

    def value(self, region: str, indicator: str, period: str, *, vintage: str = "first") -> float | None:
        """One value (``period`` like ``2019H1``), or ``None`` if it is not in the rows."""
        m = _PERIOD.match(period)
        if m is None:
            raise ValueError(f"period {period!r}: expected YYYYQ1, YYYYH1, YYYYQ1-Q3 or YYYYFY")
        s = self.series(region, indicator, m.group(2), vintage=vintage)
        year = int(m.group(1))
        return float(s.loc[year]) if year in s.index else None


def _fail(path: Path, line: int, message: str) -> UserError:
    return UserError(message, file=str(path), key=f"line {line}")


def _load(path: Path) -> Releases:
    if not path.is_file():
        raise UserError("file not found", file=str(path))
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(raw.columns) != _COLUMNS:
        raise UserError(f"expected columns {','.join(_COLUMNS)}, found {','.join(raw.columns)}", file=str(path))
    out: list[dict] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for line, r in enumerate(raw.itertuples(index=False), start=2):
        for col in ("region", "indicator", "period", "value", "unit", "vintage", "published", "source"):
            if not str(getattr(r, col)).strip():
                raise _fail(path, line, f"missing {col}")
        if r.region not in REGIONS:
            raise _fail(path, line, f"region {r.region!r} is not one of {', '.join(REGIONS)}")
        if r.indicator not in INDICATORS:
            raise _fail(path, line, f"indicator {r.indicator!r} is not one of {', '.join(INDICATORS)}")
        m = _PERIOD.match(r.period)
        if m is None:
            raise _fail(path, line, f"period {r.period!r}: expected YYYYQ1, YYYYH1, YYYYQ1-Q3 or YYYYFY")
        if r.unit != "%":
            raise _fail(path, line, f"unit {r.unit!r}: growth rates are in %")
        try:
            value = float(r.value)
        except ValueError:
            value = float("nan")
        if not np.isfinite(value):
            raise _fail(path, line, f"value {r.value!r} is not a finite number")
        if _VINTAGE.match(r.vintage) is None:
            raise _fail(path, line, f"vintage {r.vintage!r}: expected 'first release', 'revised N' or 'unknown'")
        try:
            published = parse_period(r.published)
        except ValueError:
            raise _fail(path, line, f"published {r.published!r}: expected a release round like 2020Q2") from None
        year, stage = int(m.group(1)), m.group(2)
        end = pd.Period(year=year, quarter=STAGES[stage], freq="Q")
        known = pd.Period(year=year, quarter=1, freq="Q") if r.indicator in PLAN_INDICATORS else end
        if published < known:
            raise _fail(path, line, f"period {r.period} ends after its own vintage (published in round {published})")
        key = (r.region, r.indicator, r.period, r.vintage)
        if key in seen:
            raise _fail(path, line, f"duplicates line {seen[key]} (same region, indicator, period, vintage)")
        seen[key] = line
        out.append({"region": r.region, "indicator": r.indicator, "year": year, "stage": stage, "end": end, "value": value,
                        "vintage": r.vintage, "published": published, "source": r.source, "line": line})
    frame = pd.DataFrame(out, columns=["region", "indicator", "year", "stage", "end", "value", "vintage",
                                       "published", "source", "line"])
    return Releases(frame, str(path))


@cache
def _load_default() -> Releases:
    return _load(RELEASES_FILE)


def load_releases(path: str | Path | None = None, *, as_of: str | pd.Period | None = None) -> Releases:
    """Load and validate a releases file; cut it at release round ``as_of`` if given.

    Parameters
    ----------
    path : path, optional
        Defaults to ``data/releases.csv`` (read once and cached).
    as_of : str or Period, optional
        Keep only the rows published by this release round.

    Raises
    ------
    UserError
        On a missing file, wrong columns, a value, unit, period, vintage or round that is not
        understood, a period after its own vintage, or a duplicate (region, indicator, period,
        vintage); the message names the file and line.
    """
    rel = _load_default() if path is None else _load(Path(path))
    return rel if as_of is None else rel.as_of(as_of)


def parse_as_of(text: str, releases: Releases | None = None, *, need: tuple[str, str] | None = None) -> pd.Period:
    """Check an ``--as-of`` value against the release rounds in ``data/``.

    Parameters
    ----------
    text : str
        A release round written as a quarter, like ``2020Q2`` (the H1 2020 release).
    releases : Releases, optional
        Defaults to :func:`load_releases`.
    need : (region, indicator), optional
        The region must have a release of ``indicator`` in round ``text`` itself.

    Raises
    ------
    UserError
        A one-line message naming ``--as-of`` and what was expected.
    """
    rel = releases or load_releases()
    try:
        q = parse_period(text)
    except ValueError:
        raise UserError(f"expected a release round written as a quarter like 2020Q2, got {text!r}", key=_OPTION) from None
    if q < rel.first_round:
        raise UserError(f"{q} is before the first release in {rel.path} ({rel.first_round})", key=_OPTION)
    if q > rel.last_round:
        raise UserError(f"{q} is after the last release in {rel.path} ({rel.last_round})", key=_OPTION)
    if need is not None:
        region, indicator = need
        f = rel.frame
        hit = f[(f.region == region) & (f.indicator == indicator) & (f.end == q) & (f.published <= q)]
        if hit.empty:
            stage = stage_of(q.quarter)
            raise UserError(f"{region} has no {indicator} release for {q.year} {stage} in {rel.path}; "
                            f"expected a round with one", key=_OPTION)
    return q
