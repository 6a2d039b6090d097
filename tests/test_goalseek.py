"""Goal seek: targets are hit, the solved file reproduces them, and every mistake is one line."""

from pathlib import Path

import pandas as pd
import pytest

import model
from model.analysis.goalseek import TargetOutOfReach, parse_target, solve
from model.cli import main
from model.fitting.calibration import calibrate

H2 = "scenarios/h2_plan.toml"


@pytest.fixture(scope="module")
def one() -> model.analysis.goalseek.Solution:
    return solve(H2, "gdp_real_yoy_ytd@2020Q4=4.0", "consumption_events")


def test_one_target_one_instrument_hits_the_target(one):
    assert one.method == "brentq"
    assert one.achieved[0] == pytest.approx(4.0, abs=1e-6)  # well within 0.01 pp
    assert one.results.quarterly.loc["2020Q4", "gdp_real_yoy_ytd"] == pytest.approx(4.0, abs=1e-6)
    f = one.factors[0]
    assert 1.0 < f < 20.0
    # the whole lever's money is scaled; the number of events is not
    cfg, before = one.scenario.levers.consumption_events, one.original.scenario.levers.consumption_events
    assert cfg.subsidy_per_event == pytest.approx(before.subsidy_per_event * f)
    assert cfg.events == before.events
    assert one.scenario.name == "h2_plan_solved"
    assert one.scenario.extends is None


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_the_solved_file_reproduces_the_target_when_run(one, tmp_path):
    path = one.save(tmp_path / "solved.toml")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Solved scenario")
    assert not any(line.startswith("extends") for line in text.splitlines())
    again = model.run(path)
    assert again.quarterly.loc["2020Q4", "gdp_real_yoy_ytd"] == pytest.approx(4.0, abs=1e-6)
    # ... and through the command line
    assert main(["run", str(path), "--quiet", "--out", str(tmp_path / "runs")]) == 0
    q = pd.read_csv(tmp_path / "runs" / "h2_plan_solved" / "quarterly.csv", index_col="period")
    assert q.loc["2020Q4", "gdp_real_yoy_ytd"] == pytest.approx(4.0, abs=1e-5)


def test_the_fiscal_cost_of_the_solution_is_reported(one):
    cost = one.cost().set_index(["lever", "year"])
    redemption = one.results.params["voucher_redemption"]
    amount = one.instrument_table().iloc[0]
    assert amount.amount_before == pytest.approx(5.0)  # 100 events x 0.05 亿元 in H2 2020
    assert cost.loc[("consumption_events", 2020), "change"] == pytest.approx(
        redemption * (amount.amount_after - amount.amount_before))
    assert "Fiscal cost" in one.summary()


def test_one_field_of_a_lever_and_an_annual_target():
    sol = solve(H2, "gdp_real_yoy@2020=4.0", "major_projects.total")
    assert sol.achieved[0] == pytest.approx(4.0, abs=1e-6)
    mp, before = sol.scenario.levers.major_projects, sol.original.scenario.levers.major_projects
    assert mp.total == pytest.approx(before.total * sol.factors[0])
    assert (mp.start, mp.end, mp.profile) == (before.start, before.end, before.profile)


def test_several_targets_by_least_squares():
    targets = ["gdp_real_yoy@2020=4.2", "gdp_real_yoy@2021=9.1"]
    sol = solve(H2, targets, ["major_projects.total", "tax_fee_relief"])
    assert sol.method == "least_squares"
    assert sol.achieved == pytest.approx((4.2, 9.1), abs=1e-6)
    assert all(0.0 <= f <= 20.0 for f in sol.factors)


def test_goal_seek_does_not_recalibrate(one):
    before = calibrate.cache_info()
    solve(H2, "gdp_real_yoy_ytd@2020Q4=3.9", "consumption_events")
    after = calibrate.cache_info()
    assert after.misses == before.misses  # the H2 levers do not move the calibration


def test_an_unreachable_target_says_how_close_it_gets():
    with pytest.raises(TargetOutOfReach) as err:
        solve(H2, "gdp_real_yoy_ytd@2020Q4=9.0", "consumption_events")
    msg = str(err.value)
    assert "out of reach with consumption_events scaled within [0, 20]" in msg
    assert "the closest is" in msg and "at factor 20" in msg and "\n" not in msg
    assert err.value.factors[0] == pytest.approx(20.0)
    # a lower bound that is too high overshoots instead
    with pytest.raises(TargetOutOfReach, match="over"):
        solve(H2, "gdp_real_yoy_ytd@2020Q4=3.5", "consumption_events", bounds=(0.5, 20.0))


# -- the command line ----------------------------------------------------------------------------


@pytest.mark.slow  # end-to-end CLI: the whole pipeline and its files
def test_solve_cli_writes_a_file_that_run_reproduces(tmp_path, capsys):
    out = tmp_path / "solved" / "plan.toml"
    args = ["solve", H2, "--target", "gdp_real_yoy@2020=4.0", "--instrument", "consumption_events",
            "--set", "tax_buoyancy=1.2", "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "consumption_events" in printed and f"wrote {out}" in printed
    solved = model.load_scenario(out)
    assert solved.parameters == {"tax_buoyancy": 1.2}  # --set is written into the file
    assert main(["run", str(out), "--quiet", "--out", str(tmp_path / "runs")]) == 0
    a = pd.read_csv(tmp_path / "runs" / "h2_plan_solved" / "annual.csv", index_col="year")
    assert a.loc[2020, "gdp_real_yoy"] == pytest.approx(4.0, abs=1e-5)


def test_solve_cli_default_output_path(tmp_path, monkeypatch):
    # the default is relative to the working folder: run from a copy of the scenarios
    root = Path(__file__).resolve().parent.parent
    monkeypatch.chdir(tmp_path)
    assert main(["solve", str(root / H2), "--target", "gdp_real_yoy@2020=4.0", "--instrument",
                 "major_projects.total", "--quiet"]) == 0
    assert (tmp_path / "results" / "solved" / "h2_plan_solved.toml").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "gdp_real_yoy_ytd@2020Q4=9.0", "--instrument", "consumption_events"],
         "error: --target gdp_real_yoy_ytd@2020Q4=9: out of reach with consumption_events scaled within [0, 20]: "
         "the closest is"),
        (["--target", "gdp_real_yoy@2020=5", "--instrument", "consumption_event"],
         "error: --instrument consumption_event: unknown lever 'consumption_event'; did you mean 'consumption_events'?"),
        (["--target", "gdp_real_yoy@2020=5", "--instrument", "major_projects.totl"],
         "error: --instrument major_projects.totl: lever 'major_projects' has no field 'totl'; did you mean 'total'?"),
        (["--target", "gdp_real_yoy@2020=5", "--instrument", "major_projects.start"],
         "field 'start' is not an amount and cannot be scaled; expected one of amount, total"),
        (["--target", "gdp_real_yoy@2020=5", "--instrument", "consumption_events.subsidy"],
         "consumption_events.subsidy is zero or empty in scenario 'h2_plan'"),
        (["--target", "gdp_real_yoy@2020=5", "--instrument", "consumption_events", "--instrument",
          "consumption_events.events"], "lever 'consumption_events' is named twice"),
        (["--target", "gdp_real_yoy_ydt@2020Q4=5", "--instrument", "consumption_events"],
         "unknown quarterly variable 'gdp_real_yoy_ydt'; did you mean 'gdp_real_yoy_ytd'?"),
        (["--target", "gdp_real_yoy_ytd@2020=5", "--instrument", "consumption_events"],
         "it is a quarterly variable: give a quarter like 2020Q4"),
        (["--target", "gdp_real_yoy_ytd@2020Q2=5", "--instrument", "consumption_events"],
         "quarter 2020Q2 is outside 2020Q3 to the horizon 2021Q4"),
        (["--target", "gdp_real_yoy@2023=5", "--instrument", "consumption_events"],
         "year 2023 is outside the complete years"),
        (["--target", "gdp_real_yoy@2020", "--instrument", "consumption_events"], "expected VAR@PERIOD=VALUE"),
        (["--target", "gdp_real_yoy@2020=abc", "--instrument", "consumption_events"],
         "expected a number after '=', got 'abc'"),
        (["--target", "gdp_real_yoy@20x0=5", "--instrument", "consumption_events"],
         "expected a quarter like 2020Q4 or a year like 2020, got '20x0'"),
        (["--target", "gdp_real_yoy@2020=5", "--instrument", "consumption_events", "--bounds", "5,1"],
         "error: --bounds: expected 0 <= LO < HI"),
        (["--target", "gdp_real_yoy@2020=5", "--instrument", "consumption_events", "--bounds", "x"],
         "error: --bounds: expected LO,HI"),
        (["--instrument", "consumption_events"], "the following arguments are required: --target"),
    ],
)
def test_solve_cli_errors_are_one_line_exit_2_and_write_nothing(args, message, tmp_path, capsys):
    out = tmp_path / "solved.toml"
    assert main(["solve", H2, *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert message in err
    assert not out.exists()


def test_a_lever_absent_from_the_scenario_cannot_be_scaled(tmp_path, capsys):
    out = tmp_path / "solved.toml"
    code = main(["solve", "scenarios/baseline.toml", "--target", "gdp_real_yoy@2020=5", "--instrument",
                 "major_projects", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("error: scenarios/baseline.toml: --instrument major_projects: ")
    assert "sets no 'major_projects' lever" in err and "cannot be scaled" in err
    assert not out.exists()


@pytest.mark.parametrize(("out", "message"), [(".", "expected a file name, found a directory"),
                                              ("x.txt", "expected a file name ending in .toml")])
def test_solve_cli_bad_output_path(out, message, tmp_path, capsys):
    target = tmp_path / out
    assert main(["solve", H2, "--target", "gdp_real_yoy@2020=5", "--instrument", "consumption_events",
                 "--out", str(target)]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.txt").exists()


def test_parse_target():
    t = parse_target(" gdp_real_yoy_ytd@2020q4=3 ")
    assert (t.variable, t.period, t.value, t.annual) == ("gdp_real_yoy_ytd", "2020Q4", 3.0, False)
    assert parse_target("revenue@2021=2400").annual
