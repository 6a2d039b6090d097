"""Runs as of a release round (``--as-of``) on an analyst's data folder (``--data``).

The 2020Q3 rows these tests add are SYNTHETIC, made for the tests and marked so in their source
column: the model's own Q1-Q3 2020 values at the default calibration (so that a calibration that
works must meet them), and 160 亿元 of Q3 relief (the baseline scenario's assumption).  They are not
real outturns, and nothing after 2020Q2 is added to the shipped data.
"""

import filecmp
import json
import os
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model.cli import main
from model.core.calendar import CALENDAR, Calendar, release_name
from model.core.errors import UserError
from model.core.simulate import as_theta, simulate
from model.fitting.calibration import cal_span, calibrate, recalibrate, target_values, targets
from model.fitting.targets import _INDICATORS, TARGET_KINDS
from model.inputs.data import DATA_DIR, load_data
from model.inputs.history import history_inputs
from model.inputs.registry import default_params
from model.inputs.scenario import load_scenario
from model.inputs.vintage import DEFAULT_VINTAGE, Vintage, vintage

SYNTHETIC = '"SYNTHETIC (test): not a real figure"'


def _copy(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("observations.csv", "levers_h1.csv"):
        shutil.copy(DATA_DIR / name, folder / name)
    return folder


def _touch(path: Path) -> None:
    """A later modification time, so that the load cache sees the edit whatever the clock's grain."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


def _add_synthetic_q3(folder: Path) -> dict[str, float]:
    """Append the synthetic 2020Q3 release and Q3 relief to ``folder``; return the release by variable."""
    with (folder / "levers_h1.csv").open("a", encoding="utf-8") as fh:
        fh.write(f"tax_fee_relief,amount,2020Q3,160,亿元,{SYNTHETIC}\n")
    v = Vintage(str(folder), "2020Q3")  # unchecked: the Q3 GDP release is not there yet
    point = calibrate(default_params()).params  # the default calibration (as of 2020Q2)
    span = cal_span(v)
    paths = simulate(as_theta(point.theta()), history_inputs(span, v))
    i = span.index("2020Q3")
    release = {obs: round(float(_INDICATORS[var](paths)[0, i]), 3) for var, obs, _, _ in TARGET_KINDS}
    with (folder / "observations.csv").open("a", encoding="utf-8") as fh:
        for (_, obs, unit, _), x in zip(TARGET_KINDS, release.values(), strict=True):
            fh.write(f"hangzhou,{obs},2020Q3,ytd,{x},{unit},{SYNTHETIC}\n")
    _touch(folder / "observations.csv")
    _touch(folder / "levers_h1.csv")
    return release


@pytest.fixture(scope="module")
def q3_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, float]]:
    folder = _copy(tmp_path_factory.mktemp("q3data"))
    return folder, _add_synthetic_q3(folder)


# -- the calendar ------------------------------------------------------------------------------


def test_the_default_round_gives_the_default_calendar():
    assert DEFAULT_VINTAGE.calendar == CALENDAR
    assert Calendar.from_as_of("2020Q2", full_years=[2012, 2018, 2019]) == CALENDAR


def test_the_calendar_follows_the_round_and_the_data():
    cal = Calendar.from_as_of("2020Q3", full_years=range(2012, 2020))
    assert (cal.base_year, cal.model_start, str(cal.covid_start)) == (2019, 2018, "2020Q1")
    assert (str(cal.last_observed), str(cal.first_scenario), cal.calibration_end_year) == ("2020Q3", "2020Q4", 2020)
    # a round in 2021: the base year stays the last complete year before the shock
    cal = Calendar.from_as_of("2021Q1", full_years=range(2012, 2021))
    assert (cal.base_year, str(cal.first_scenario), cal.calibration_end_year) == (2019, "2021Q2", 2021)
    # without 2019's figures in the data, the base year is the last pre-shock year that has them
    assert Calendar.from_as_of("2020Q2", full_years=[2017, 2018]).base_year == 2018
    with pytest.raises(ValueError, match="before the COVID shock"):
        Calendar.from_as_of("2019Q4", full_years=[2019])
    with pytest.raises(ValueError, match="no complete year before 2020"):
        Calendar.from_as_of("2020Q2", full_years=[2020])
    assert [release_name(f"2020Q{i}") for i in range(1, 5)] == ["Q1 2020", "H1 2020", "Q1-Q3 2020", "full-year 2020"]


def test_a_synthetic_q3_release_moves_the_calendar(q3_folder):
    folder, _ = q3_folder
    v = vintage("2020Q3", folder)
    assert str(v.calendar.first_scenario) == "2020Q4" and v.calendar.base_year == 2019
    assert history_inputs(cal_span(v), v).calendar == v.calendar


# -- targets -----------------------------------------------------------------------------------


def test_the_default_targets_are_the_six_h1_figures():
    assert [t.label for t in targets()] == [
        "gdp_ytd@2020Q2", "gdp_real_yoy_ytd@2020Q2", "revenue_ytd@2020Q2", "revenue_yoy_ytd@2020Q2",
        "digital_core_real_yoy_ytd@2020Q1", "digital_core_real_yoy_ytd@2020Q2",
    ]


def test_a_q3_release_adds_its_figures_as_targets(q3_folder):
    folder, release = q3_folder
    tg = targets(vintage("2020Q3", folder))
    assert len(tg) == 11
    q3 = {t.variable: t for t in tg if t.period == "2020Q3"}
    assert q3["gdp_ytd"].observed == release["gdp"] and q3["gdp_ytd"].tolerance == 1.0
    assert q3["digital_core_real_yoy_ytd"].observed == release["digital_core_real_yoy"]
    assert all("SYNTHETIC" in t.source for t in q3.values())
    # as of 2020Q2 the same folder gives the six H1 targets, Q3 rows invisible
    assert targets(vintage("2020Q2", folder)) == targets()


def test_calibration_as_of_q3_meets_every_q1_q3_target_and_the_draws_do_too(q3_folder):
    folder, release = q3_folder
    v = vintage("2020Q3", folder)
    cal = calibrate(default_params(), vintage=v)
    assert cal.ok and len(cal.fit) == 11 and cal.release == "Q1-Q3 2020"
    # the same parameters are calibrated, with the same priors
    assert list(cal.priors.index) == list(calibrate(default_params()).priors.index)
    # per-draw re-calibration meets the same eleven targets
    rng = np.random.default_rng(3)
    theta = {k: np.full((20, 1), x) for k, x in cal.params.theta().items()}
    theta["shock_rest_decay"] = cal.params["shock_rest_decay"] + rng.normal(0, 0.02, (20, 1))
    solved, ok = recalibrate(cal.params, theta, vintage=v)
    assert ok.all()
    observed = np.array([t.observed for t in targets(v)])
    tol = np.array([t.tolerance for t in targets(v)])
    assert (np.abs(target_values(solved, vintage=v) - observed) <= tol).all()
    # a decay far from the one the Q3 figures imply: H1 alone can absorb it, Q1-Q3 cannot
    far = {**theta, "shock_rest_decay": np.full((20, 1), cal.params["shock_rest_decay"] + 0.25)}
    assert recalibrate(cal.params, far)[1].all()
    assert not recalibrate(cal.params, far, vintage=v)[1].any()


def test_a_missing_target_leaves_the_parameter_to_its_prior(tmp_path):
    folder = _copy(tmp_path / "d")
    rows = (folder / "observations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "observations.csv").write_text(
        "".join(r for r in rows if not r.startswith("hangzhou,digital_core_real_yoy,2020Q1")), encoding="utf-8")
    cal = calibrate(default_params(), vintage=vintage("2020Q2", folder))
    assert len(cal.fit) == 5 and cal.ok
    assert "digital_core_real_yoy_ytd@2020Q1" not in cal.influence.columns
    full = calibrate(default_params()).priors.data_share
    # the Q1 digital growth pinned the digital decay (share 1); without it, its prior decides more
    assert full["shock_digital_decay"] > 0.99 and cal.priors.data_share["shock_digital_decay"] < 0.9


def test_without_the_digital_releases_the_priors_decide_the_digital_shock(tmp_path):
    folder = _copy(tmp_path / "d")
    rows = (folder / "observations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "observations.csv").write_text(
        "".join(r for r in rows if not r.startswith("hangzhou,digital_core_real_yoy,2020Q")), encoding="utf-8")
    cal = calibrate(default_params(), vintage=vintage("2020Q2", folder))
    assert cal.ok and len(cal.fit) == 4
    share = cal.priors.data_share
    assert share["shock_digital_depth"] < 0.1 and share["shock_digital_decay"] < 0.02  # the priors decide
    assert share["shock_rest_depth"] > 0.5  # GDP growth still pins the rest's loss, with the digital shock at its prior


# -- the run: invariance and the synthetic Q3 round --------------------------------------------


def _same(a: Path, b: Path) -> bool:
    """Byte for byte; a workbook member by member, but for the creation time openpyxl stamps in
    ``docProps/core.xml`` (it differs between any two runs)."""
    if a.suffix != ".xlsx":
        return filecmp.cmp(a, b, shallow=False)
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        names = [n for n in za.namelist() if n != "docProps/core.xml"]
        return names == [n for n in zb.namelist() if n != "docProps/core.xml"] and all(
            za.read(n) == zb.read(n) for n in names)


@pytest.mark.slow  # two CLI runs
def test_a_later_row_changes_nothing_as_of_2020q2_byte_for_byte(tmp_path):
    folder = _copy(tmp_path / "data")
    out = tmp_path / "out"
    argv = ["run", "scenarios/baseline.toml", "--quiet", "--no-figures", "--data", str(folder), "--out", str(out)]
    assert main(argv) == 0
    before = tmp_path / "before"
    shutil.copytree(out, before)
    _add_synthetic_q3(folder)
    assert load_data(folder, as_of="2020Q3").get("gdp", "2020Q3") > 0  # the new rows are read
    assert main(argv) == 0
    files = sorted(p.relative_to(before) for p in before.rglob("*") if p.is_file())
    assert files and all(_same(before / f, out / f) for f in files)
    assert sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file()) == files
    # and the numbers are those of the shipped data
    assert main(["run", "scenarios/baseline.toml", "--quiet", "--no-figures", "--out", str(tmp_path / "shipped")]) == 0
    for name in ("quarterly.csv", "annual.csv"):
        assert (out / "baseline" / name).read_bytes() == (tmp_path / "shipped" / "baseline" / name).read_bytes()


@pytest.mark.slow  # a CLI run with 200 re-calibrated draws
def test_a_run_as_of_q3_meets_the_q1_q3_release_and_forecasts_from_q4(q3_folder, tmp_path):
    folder, release = q3_folder
    out = tmp_path / "out"
    scenario = tmp_path / "q3_view.toml"
    scenario.write_text(  # the shipped baseline's Q4 relief; forecast shocks only (see the refusal below)
        '# assumption: the baseline\'s Q4 relief, 160 亿元 (scenarios/baseline.toml)\nhorizon = "2021Q4"\n'
        "[levers.tax_fee_relief]\namount = { 2020Q4 = 160.0 }\n"
        "[uncertainty]\ndraws = 200\ndraw_parameters = false\n", encoding="utf-8")
    argv = ["run", str(scenario), "--quiet", "--no-figures", "--as-of", "2020Q3", "--data", str(folder), "--out", str(out)]
    assert main(argv) == 0
    run_dir = out / "q3_view"
    q = pd.read_csv(run_dir / "quarterly.csv", encoding="utf-8-sig", index_col="period")
    assert abs(q.loc["2020Q3", "gdp_ytd"] - release["gdp"]) <= 1.0
    assert abs(q.loc["2020Q3", "gdp_real_yoy_ytd"] - release["gdp_real_yoy"]) <= 0.05
    assert abs(q.loc["2020Q3", "revenue_yoy_ytd"] - release["revenue_yoy"]) <= 0.05
    assert abs(q.loc["2020Q3", "digital_core_real_yoy_ytd"] - release["digital_core_real_yoy"]) <= 0.05
    assert q.loc["2020Q3", "tax_fee_relief_injection"] == 160.0  # the Q3 measure is history now
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["inputs"]["as_of"] == "2020Q3" and summary["inputs"]["data"] == str(folder)
    cal = summary["calibration"]
    assert cal["as_of"] == "2020Q3" and cal["release"] == "Q1-Q3 2020" and cal["all_targets_met"]
    assert {(t["target"], t["period"]) for t in cal["targets"]} >= {("gdp_ytd", "2020Q3"), ("gdp_ytd", "2020Q2")}
    assert len(cal["targets"]) == 11
    report = (run_dir / "report.md").read_text(encoding="utf-8")
    assert "Data: the release round as of 2020Q3 (`--as-of`)." in report
    assert "## Calibration to Q1-Q3 2020" in report and "the forecast starts in 2020Q4" in report
    assert "forecast shocks from 2020Q4" in report
    # the draws: every draw meets Q1-Q3, so the fan opens only from 2020Q4
    fan = pd.read_csv(run_dir / "fan.csv", encoding="utf-8-sig")
    gdp = fan[fan.variable == "gdp_ytd"].set_index("period")
    assert gdp.loc["2020Q3", "p95"] - gdp.loc["2020Q3", "p05"] <= 2.0
    assert gdp.loc["2020Q4", "p95"] - gdp.loc["2020Q4", "p05"] > 20.0
    assert q.loc["2020Q4", "tax_fee_relief_injection"] == 160.0


@pytest.mark.slow  # a Monte Carlo that is refused
def test_drawn_parameters_that_cannot_meet_a_q3_release_are_refused_in_one_line(q3_folder, tmp_path, capsys):
    folder, _ = q3_folder
    argv = ["run", "scenarios/no_new_measures.toml", "--quiet", "--no-figures", "--as-of", "2020Q3",
            "--data", str(folder), "--draws", "100"]
    message = _refused(argv, tmp_path, capsys)
    assert message.startswith("error: scenarios/no_new_measures.toml: uncertainty: only ")
    assert message.endswith("uncertainty.draw_parameters = false draws the forecast shocks only")


# -- refusals ----------------------------------------------------------------------------------


def _refused(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    out = tmp_path / "r"
    extra = ["--out", str(out)] if argv[0] == "run" else []
    assert main([*argv, *extra]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err.strip()


@pytest.mark.parametrize("command", ["run", "calibrate"])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2020H1", "error: --as-of: expected a release round written as a quarter like 2020Q2, got '2020H1'"),
        ("2020Q3", f"error: --as-of: 2020Q3: {DATA_DIR / 'observations.csv'} has no Hangzhou YTD GDP release for "
                   "that round (gdp, gdp_real_yoy), which the scenario model is calibrated to; the rounds it holds: 2020Q2"),
        ("2020Q1", f"error: --as-of: 2020Q1: {DATA_DIR / 'observations.csv'} has no Hangzhou YTD GDP release for "
                   "that round (gdp, gdp_real_yoy), which the scenario model is calibrated to; the rounds it holds: 2020Q2"),
        ("2019Q2", "error: --as-of: 2019Q2 is before the COVID shock (2020Q1): the data as of it hold no shock to "
                   "calibrate; expected a round from 2020Q1 on (earlier rounds: `backtest --as-of`)"),
    ],
)
def test_rounds_the_scenario_model_cannot_run_are_refused(command, value, message, tmp_path, capsys):
    assert _refused([command, "--as-of", value], tmp_path, capsys) == message


def test_a_data_folder_that_is_not_there_is_refused(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert _refused(["run", "--data", str(missing)], tmp_path, capsys) == (
        f"error: --data: expected a data folder holding observations.csv and levers_h1.csv, got '{missing}'")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _refused(["calibrate", "--data", str(empty)], tmp_path, capsys) == (
        f"error: {empty / 'observations.csv'}: file not found")


def test_a_bad_row_in_the_analysts_folder_names_the_file_and_row(tmp_path, capsys):
    folder = _copy(tmp_path / "d")
    with (folder / "observations.csv").open("a", encoding="utf-8") as fh:
        fh.write(f"hangzhou,gdp,2020Q3,ytd,oops,亿元,{SYNTHETIC}\n")
    assert _refused(["run", "--data", str(folder)], tmp_path, capsys) == (
        f"error: {folder / 'observations.csv'}: row 54: value 'oops' is not a finite number")


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('[levers.tax_fee_relief]\namount = { 2020Q3 = 10.0 }\n', "levers.tax_fee_relief.amount.2020Q3"),
        ('[levers.major_projects]\ntotal = 100.0\nstart = "2020Q3"\nend = "2021Q4"\n', "levers.major_projects.start"),
        ('[shocks.wave]\nstart = "2020Q3"\ndepth = 3.0\n', "shocks.wave.start"),
    ],
)
def test_an_entry_in_a_quarter_that_is_history_as_of_the_round_is_refused(q3_folder, tmp_path, capsys, body, key):
    folder, _ = q3_folder
    f = tmp_path / "late.toml"
    f.write_text('horizon = "2021Q4"\n' + body, encoding="utf-8")
    assert load_scenario(f).name == "late"  # fine as of 2020Q2
    message = _refused(["run", str(f), "--as-of", "2020Q3", "--data", str(folder)], tmp_path, capsys)
    assert message == (f"error: {f}: {key}: 2020Q3 is outside the scenario window 2020Q4 to the horizon 2021Q4 "
                       "(history as of the Q1-Q3 2020 release, --as-of 2020Q3)")


def test_a_parent_file_with_a_lever_in_history_is_named(q3_folder, tmp_path, capsys):
    folder, _ = q3_folder
    (tmp_path / "parent.toml").write_text('[levers.tax_fee_relief]\namount = { 2020Q3 = 1.0 }\n', encoding="utf-8")
    child = tmp_path / "child.toml"
    child.write_text('extends = "parent.toml"\n', encoding="utf-8")
    message = _refused(["run", str(child), "--as-of", "2020Q3", "--data", str(folder)], tmp_path, capsys)
    assert message.startswith(f"error: {(tmp_path / 'parent.toml').resolve()}: levers.tax_fee_relief.amount.2020Q3: ")


def test_a_file_cannot_set_the_vintage(tmp_path):
    f = tmp_path / "v.toml"
    f.write_text('vintage = "2020Q3"\n', encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_scenario(f)
    assert str(err.value).startswith(f"{f.resolve()}: vintage: unknown key")


def test_compare_takes_the_round_too(tmp_path, capsys):
    message = _refused(["compare", "--as-of", "2020Q3", "--out", str(tmp_path / "c")], tmp_path, capsys)
    assert message.startswith("error: --as-of: 2020Q3: ") and not (tmp_path / "c").exists()


@pytest.mark.slow  # two runs and their comparison
def test_compare_as_of_q3(q3_folder, tmp_path):
    folder, _ = q3_folder
    plan = tmp_path / "q4_relief.toml"
    plan.write_text('# assumption: the baseline\'s Q4 relief (scenarios/baseline.toml)\nhorizon = "2021Q4"\n'
                    "[levers.tax_fee_relief]\namount = { 2020Q4 = 160.0 }\n", encoding="utf-8")
    out = tmp_path / "c"
    assert main(["compare", str(plan), "--baseline", "scenarios/no_new_measures.toml", "--quiet", "--as-of", "2020Q3",
                 "--data", str(folder), "--out", str(out)]) == 0
    comp = pd.read_csv(out / "comparison.csv", encoding="utf-8-sig")
    relief = comp[(comp.variable == "gdp_ytd") & (comp.period == "2020Q3")]
    assert np.allclose(relief.difference, 0.0)  # Q3 is history in both
    later = comp[(comp.variable == "gdp_ytd") & (comp.period == "2020Q4")]
    assert (later.difference > 0).all()


def test_an_edited_folder_is_never_answered_from_the_cache(tmp_path):
    folder = _copy(tmp_path / "d")
    before = vintage("2020Q2", folder)
    assert len(targets(before)) == 6
    rows = (folder / "observations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "observations.csv").write_text(
        "".join(r for r in rows if not r.startswith("hangzhou,digital_core_real_yoy,2020Q1")), encoding="utf-8")
    _touch(folder / "observations.csv")
    after = vintage("2020Q2", folder)
    assert after != before and len(targets(after)) == 5
