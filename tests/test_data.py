"""The data contract: published figures pinned to their sources, and validation on load."""

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from model.core.errors import UserError
from model.inputs.data import DATA_DIR, LAST_OBSERVED, load_data

SHARED_FACTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "facts_through_2020H1.csv"

# (variable, period, value, source): the published figures the model stands on.
PUBLISHED = [
    ("gdp", "2019", 15373.0, "drc.hangzhou.gov.cn 2020-05-29"),
    ("gdp_real_yoy", "2019", 6.8, "drc.hangzhou.gov.cn 2020-05-29"),
    ("revenue", "2019", 1965.97, "drc.hangzhou.gov.cn 2020-05-29"),
    ("revenue_yoy", "2019", 7.7, "drc.hangzhou.gov.cn 2020-05-29"),
    ("tax_share_of_revenue", "2019", 91.1, "drc.hangzhou.gov.cn 2020-05-29"),
    ("digital_core", "2019", 3795.0, "interview (shared/seed)"),
    ("digital_core_real_yoy", "2019", 15.1, "interview (shared/seed)"),
    ("gdp", "2020Q2", 7388.0, "interview (shared/seed)"),
    ("gdp_real_yoy", "2020Q2", 1.5, "interview (shared/seed)"),
    ("revenue", "2020Q2", 1276.0, "interview (shared/seed)"),
    ("revenue_yoy", "2020Q2", 1.2, "interview (shared/seed)"),
    ("digital_core_real_yoy", "2020Q1", 6.1, "interview (shared/seed)"),
    ("digital_core_real_yoy", "2020Q2", 10.5, "interview (shared/seed)"),
    ("gdp", "2018Q2", 6356.0, "riril.cn/i32990.htm"),
    ("gdp", "2018Q3", 9673.0, "jp.hangzhou.com.cn 2018-12-13"),
]


@pytest.mark.parametrize(("variable", "period", "value", "source"), PUBLISHED)
def test_published_figures(variable, period, value, source):
    assert load_data().get(variable, period) == pytest.approx(value, abs=1e-9), source


def test_h1_2020_policy_history_is_the_interviews_630_and_the_spring_vouchers():
    data = load_data()
    assert data.lever_history("tax_fee_relief", "amount").sum() == pytest.approx(630.0)
    assert data.lever_history("consumption_events", "subsidy").sum() == pytest.approx(5.0)


@pytest.mark.skipif(not SHARED_FACTS.exists(), reason="../shared not beside the project")
def test_every_hangzhou_level_agrees_with_the_verified_facts_file():
    facts = list(csv.DictReader(SHARED_FACTS.open(encoding="utf-8")))
    values = set()
    for r in facts:
        try:
            values.add(float(r["value"]))
        except ValueError:  # ranges such as '3.5-5.8'
            continue
    obs = load_data().observations
    levels = obs[(obs.unit == "亿元")]
    missing = [v for v in levels.value if v not in values]
    assert not missing, f"levels not in the verified facts: {missing}"


def test_every_row_has_a_source_and_nothing_is_after_2020q2():
    data = load_data(as_of="2025Q4")  # every row of the shipped files, whatever the round
    assert (data.observations.source.str.len() > 5).all()
    assert (data.levers_h1.source.str.len() > 5).all()
    assert (data.observations.end <= LAST_OBSERVED).all()
    assert (data.levers_h1.period <= LAST_OBSERVED).all()


def test_frames_are_typed():
    obs = load_data().observations
    assert isinstance(obs.end.dtype, pd.PeriodDtype)
    assert obs.value.dtype == float
    assert set(obs.basis) <= {"ytd", "quarter"}


def _copy(tmp_path: Path) -> Path:
    for name in ("observations.csv", "levers_h1.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def _append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('hangzhou,gdp,2019,year,15373,亿元,"again"', "duplicates an earlier row"),
        ('hangzhou,gdp,2011,year,7000,万元,"x"', "unit '万元' is not one of"),
        ('hangzhou,gdp,2011,year,nan,亿元,"x"', "is not a finite number"),
        ('hangzhou,gdp,2011,year,,亿元,"x"', "missing value"),
        ('hangzhou,gdp,2011,year,7000,亿元,', "missing source"),
        ('hangzhou,gdp,2011Q5,ytd,7000,亿元,"x"', "expected a quarter like 2020Q3"),
        ('shanghai,gdp,2011,year,7000,亿元,"x"', "region 'shanghai' is not one of"),
        ('hangzhou,gdp_real_yoy,2011,year,7.0,亿元,"x"', "does not fit variable"),
    ],
)
def test_bad_observations_are_rejected_with_file_and_row(tmp_path, line, message):
    d = _copy(tmp_path)
    _append(d / "observations.csv", line)
    with pytest.raises(UserError, match="observations.csv: row") as err:
        load_data(d)
    assert message in str(err.value)


def test_rows_after_the_round_are_loaded_but_invisible_to_it(tmp_path):
    d = _copy(tmp_path)
    # SYNTHETIC rows for the test, not real outturns: a 2020Q3 release and Q3 relief
    _append(d / "observations.csv", 'hangzhou,gdp,2020Q3,ytd,11000,亿元,"synthetic (test)"')
    _append(d / "levers_h1.csv", 'tax_fee_relief,amount,2020Q3,100,亿元,"synthetic (test)"')
    h1, q3 = load_data(d), load_data(d, as_of="2020Q3")
    assert h1.observations.to_csv() == load_data().observations.to_csv()
    assert h1.levers_h1.to_csv() == load_data().levers_h1.to_csv()
    assert q3.get("gdp", "2020Q3") == 11000.0
    assert q3.lever_history("tax_fee_relief", "amount").sum() == pytest.approx(730.0)
    with pytest.raises(KeyError):
        h1.get("gdp", "2020Q3")
    assert load_data(d, as_of="2020Q1").get("digital_core_real_yoy", "2020Q1") == 6.1
    with pytest.raises(KeyError):
        load_data(d, as_of="2020Q1").get("gdp", "2020Q2")


def test_an_edited_file_is_read_again(tmp_path):
    d = _copy(tmp_path)
    before = load_data(d)
    _append(d / "observations.csv", 'hangzhou,gdp,2011,year,7000,亿元,"synthetic (test)"')
    import os

    st = (d / "observations.csv").stat()
    os.utime(d / "observations.csv", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # a later modification time
    after = load_data(d)
    assert len(after.observations) == len(before.observations) + 1


def test_a_bad_row_after_the_round_is_still_refused(tmp_path):
    d = _copy(tmp_path)
    _append(d / "observations.csv", 'hangzhou,gdp,2020Q3,ytd,11000,万元,"synthetic (test)"')
    with pytest.raises(UserError, match="observations.csv: row 54: unit '万元'"):
        load_data(d)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('tax_fee_relif,amount,2020Q1,10,亿元,"x"', "lever 'tax_fee_relif' is not one of"),
        ('tax_fee_relief,amout,2020Q1,10,亿元,"x"', "field 'amout': the history of tax_fee_relief is its 'amount'"),
        ('consumption_events,subsidy,2020Q1,10,万元,"x"', "unit '万元': lever amounts are in 亿元"),
    ],
)
def test_lever_history_rows_must_match_the_lever_registry(tmp_path, line, message):
    d = _copy(tmp_path)
    _append(d / "levers_h1.csv", line)
    with pytest.raises(UserError, match="levers_h1.csv: row 5") as err:
        load_data(d)
    assert message in str(err.value)


def test_missing_data_file(tmp_path):
    with pytest.raises(UserError, match="observations.csv: file not found"):
        load_data(tmp_path)
