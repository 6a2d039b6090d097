"""The releases file: validation on load, as-of cuts, agreement with data/observations.csv."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from model.core.errors import UserError
from model.inputs.data import load_data
from model.inputs.releases import RELEASES_FILE, load_releases, parse_as_of

HEADER = "region,indicator,period,value,unit,vintage,published,source,notes\n"


def _write(tmp_path: Path, *rows: str) -> Path:
    p = tmp_path / "releases.csv"
    p.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return p


def test_period_after_its_vintage_is_refused_with_file_and_line(tmp_path: Path) -> None:
    p = _write(tmp_path, "china,gdp_real_growth_ytd,2019H1,6.3,%,first release,2019Q2,src,",
               "china,gdp_real_growth_ytd,2019FY,6.1,%,first release,2019Q3,src,")
    with pytest.raises(UserError) as exc:
        load_releases(p)
    assert str(exc.value) == f"{p}: line 3: period 2019FY ends after its own vintage (published in round 2019Q3)"


def test_duplicate_vintage_is_refused_with_file_and_line(tmp_path: Path) -> None:
    p = _write(tmp_path, "china,gdp_real_growth_ytd,2019H1,6.3,%,first release,2019Q2,src,",
               "china,gdp_real_growth_ytd,2019H1,6.4,%,first release,2019Q2,src,")
    with pytest.raises(UserError) as exc:
        load_releases(p)
    assert str(exc.value) == f"{p}: line 3: duplicates line 2 (same region, indicator, period, vintage)"


def test_a_later_row_is_invisible_at_an_earlier_as_of(tmp_path: Path) -> None:
    p = tmp_path / "releases.csv"
    shutil.copy(RELEASES_FILE, p)
    before = load_releases(p, as_of="2020Q2").frame
    with p.open("a", encoding="utf-8") as fh:
        fh.write("hangzhou,gdp_real_growth_ytd,2020Q1-Q3,3.1,%,first release,2020Q3,test row,\n")
    after = load_releases(p)
    assert after.last_round == after.frame.published.max()
    assert after.as_of("2020Q2").frame.to_csv() == before.to_csv()


def test_first_and_latest_vintages_differ_where_nbs_revised() -> None:
    rel = load_releases()
    # NBS: 2003 H1 first released 8.2, revised to 8.8 in July 2004 (releases_README.md)
    assert rel.value("china", "gdp_real_growth_ytd", "2003H1") == 8.2
    assert rel.value("china", "gdp_real_growth_ytd", "2003H1", vintage="latest") == 8.8
    assert rel.as_of("2004Q1").value("china", "gdp_real_growth_ytd", "2003H1", vintage="latest") == 8.2


def test_hangzhou_observations_agree_with_releases() -> None:
    rel = load_releases()
    obs = load_data().observations
    rows = obs[(obs.region == "hangzhou") & (obs.variable == "gdp_real_yoy") & (obs.basis == "ytd")]
    stage = {1: "Q1", 2: "H1", 3: "Q1-Q3", 4: "FY"}
    checked = 0
    for r in rows.itertuples():
        period = f"{r.end.year}{stage[r.end.quarter]}"
        assert rel.value("hangzhou", "gdp_real_growth_ytd", period) == pytest.approx(r.value), period
        checked += 1
    assert checked == len(rows) >= 10


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2020-06", "--as-of: expected a release round written as a quarter like 2020Q2, got '2020-06'"),
        ("2001Q4", "--as-of: 2001Q4 is before the first release in {f} (2002Q4)"),
        ("2020Q3", "--as-of: 2020Q3 is after the last release in {f} (2020Q2)"),
    ],
)
def test_as_of_messages(text: str, message: str) -> None:
    with pytest.raises(UserError) as exc:
        parse_as_of(text)
    assert str(exc.value) == message.format(f=RELEASES_FILE)


def test_as_of_needs_the_region_release() -> None:
    with pytest.raises(UserError) as exc:
        parse_as_of("2020Q1", need=("hangzhou", "gdp_real_growth_ytd"))
    assert str(exc.value) == (f"--as-of: hangzhou has no gdp_real_growth_ytd release for 2020 Q1 in {RELEASES_FILE}; "
                              "expected a round with one")
    assert str(parse_as_of("2020Q2", need=("hangzhou", "gdp_real_growth_ytd"))) == "2020Q2"
