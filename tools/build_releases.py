"""Build ``data/releases.csv`` from ``../shared/data/releases_through_2020Q2.csv`` (provenance tool).

Keeps the rows the model uses (real GDP growth YTD, budget revenue growth YTD, growth targets),
lower-cases the region, adds a ``published`` column (the release round, as the quarter whose data
the round publishes: a first release of 2019 H1 is published in round 2019Q2, in July 2019) and
appends the Hangzhou releases that ``data/observations.csv`` and the review hold but the shared file
lacks, each with its source.  Rounds of revisions come from the date in the row's notes; where no
date is given the round is an assumption (four quarters after the period), said in ``notes``.

Run from the project root: ``python tools/build_releases.py``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "releases_through_2020Q2.csv"
OUT = Path(__file__).resolve().parents[1] / "data" / "releases.csv"
KEEP = {"gdp_real_growth_ytd", "revenue_growth_ytd", "target_growth"}
END = {"Q1": 1, "H1": 2, "Q1-Q3": 3, "FY": 4}
MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
DROP = {
    # two first releases of one figure: keep one (the loader refuses duplicates)
    ("China", "revenue_growth_ytd", "2008H1", "33"),  # rounded, as cited in Jan 2009; keep MOF's Aug 2008 33.3
    ("China", "revenue_growth_ytd", "2015FY", "5.8"),  # comparable basis; keep the headline 8.4 like other years
}
COLUMNS = ["region", "indicator", "period", "value", "unit", "vintage", "published", "source", "notes"]

EXTRA = [
    # region, indicator, period, value, vintage, published, source, notes
    ("hangzhou", "gdp_real_growth_ytd", "2013FY", "8.0", "first release", "2013Q4",
     "bookingtool.com.cn/zhuantifanwen/gongwenfanwen/120116.html (2014 government work report repost)",
     "from data/observations.csv and the facts file"),
    ("hangzhou", "gdp_real_growth_ytd", "2015FY", "10.2", "first release", "2015Q4",
     "big5.china.com.cn/gate/big5/finance.china.com.cn/roll/20160125/3561476.shtml (Xinhua, initial release)",
     "from data/observations.csv and the facts file"),
    ("hangzhou", "gdp_real_growth_ytd", "2016H1", "10.8", "first release", "2016Q2",
     "pressreader.com/china/china-daily-canada/20160902/281900182646241",
     "from data/observations.csv and the facts file"),
    ("hangzhou", "gdp_real_growth_ytd", "2019H1", "6.9", "first release", "2019Q2",
     "aimsen.com/information/85203 (2019-08-01) \"GDP +6.9%, digital core +15.5%\"",
     "as cited in shared/REVIEW.md section 7; not re-read here"),
]


def _round_of(period: str, vintage: str, notes: str) -> tuple[str, str]:
    year, stage = int(period[:4]), period[4:]
    end_q = END[stage]
    if vintage != "revised":
        return f"{year}Q{end_q}", notes
    m = re.search(r"(\d{4})-(\d{2})", notes)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
    else:
        m = re.search(r"([A-Z][a-z]{2})[a-z]*[ -](\d{4})", notes)
        if m and m.group(1).lower() in MONTHS:
            y, mo = int(m.group(2)), MONTHS[m.group(1).lower()]
        else:
            y, mo = year + 1, 3 * end_q  # four quarters after the period
            notes = (notes + "; " if notes else "") + "publication round: assumption (4 quarters after the period)"
    q = (mo - 1) // 3  # the round published in month mo is the previous quarter's
    y, q = (y - 1, 4) if q == 0 else (y, q)
    if (y, q) < (year, end_q):
        y, q = year, end_q
    return f"{y}Q{q}", notes


def _number_revisions(rows: list[list[str]]) -> None:
    """Label revisions ``revised 1``, ``revised 2``, ... in the order of their rounds."""
    seen: dict[tuple[str, str, str], list[list[str]]] = {}
    for r in rows:
        if r[5] == "revised":
            seen.setdefault((r[0], r[1], r[2]), []).append(r)
    for group in seen.values():
        for i, r in enumerate(sorted(group, key=lambda r: (r[6], r[3])), start=1):
            r[5] = f"revised {i}"


def main() -> None:
    rows = []
    with SHARED.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["indicator"] not in KEEP or r["period"][4:] not in END:
                continue
            if (r["region"], r["indicator"], r["period"], r["value"]) in DROP:
                continue
            if r["region"] == "Hangzhou" and r["period"] == "2003FY":
                continue  # a forecast by the planning commission, not an outturn
            value, notes = r["value"], r["notes"]
            if re.fullmatch(r"[\d.]+-[\d.]+", value):  # a target range: its midpoint
                lo, hi = (float(v) for v in value.split("-"))
                notes = (notes + "; " if notes else "") + f"range {value}: midpoint"
                value = f"{(lo + hi) / 2:g}"
            if r["verified"] == "derived":
                notes = (notes + "; " if notes else "") + "derived"
            if r["indicator"] == "target_growth":
                published = f"{r['period'][:4]}Q1"  # announced by the March congress (national) or January
                notes = (notes + "; " if notes else "") + "announced before the year's Q1 release"
            else:
                published, notes = _round_of(r["period"], r["vintage"], notes)
            rows.append([r["region"].lower(), r["indicator"], r["period"], value, r["unit"],
                         r["vintage"], published, r["source"], notes])
    rows += [[a, b, c, d, "%", e, f, g, h] for a, b, c, d, e, f, g, h in EXTRA]
    _number_revisions(rows)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
