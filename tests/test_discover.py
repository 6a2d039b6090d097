"""``discover`` (issue 13): PRIM (EMA Workbench) finds the parameter box where an outcome is frequent."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from model.cli import main

pytest.importorskip("ema_workbench")


@pytest.mark.slow  # 1,000 re-calibrated draws and PRIM's peeling (about 3 s with the import)
def test_discover_writes_the_box_and_the_trajectory(tmp_path: Path) -> None:
    assert main(["discover", "--outcome", "gdp_real_yoy@2020<4", "--draws", "1000", "--seed", "1", "--quiet",
                 "--out", str(tmp_path)]) == 0
    folder = tmp_path / "h2_plan" / "discover"
    assert sorted(p.name for p in folder.iterdir()) == ["boxes.csv", "tradeoff.png", "trajectory.csv"]
    traj = pd.read_csv(folder / "trajectory.csv")
    assert list(traj.columns) == ["step", "coverage", "density", "mass", "res_dim"]
    assert traj.coverage.iloc[0] == 1.0 and traj.density.iloc[-1] > traj.density.iloc[0]
    box = pd.read_csv(folder / "boxes.csv", index_col="parameter")
    assert (box.low >= box.prior_low - 1e-12).all() and (box.high <= box.prior_high + 1e-12).all()
    assert ((box.low > box.prior_low) | (box.high < box.prior_high)).all()  # every listed parameter is restricted


@pytest.mark.parametrize("args, message", [
    (["--outcome", "gdp_real_yoy@2020<100"], "--outcome: every draw meets gdp_real_yoy@2020<100; there is nothing to discover"),
    (["--outcome", "gdp_real_yoy@2020"], "expected VARIABLE@PERIOD>=VALUE"),
    (["--outcome", "gdp_real_yoy@2020<4", "--density", "1.5"], "--density: expected a density threshold in (0, 1], got 1.5"),
])
def test_bad_discover_one_line_exit_2(args: list[str], message: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["discover", *args, "--draws", "50", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


# --- lever ranges -----------------------------------------------------------------------------

H2 = "scenarios/h2_plan.toml"


def test_a_draws_lever_is_the_factor_times_the_scenarios_injection() -> None:
    """By hand: scaling every amount of a lever scales its injection (LeverConfig.scaled), so a draw
    with factor f has the injection of the scenario scaled by f, and f = 1 is the scenario itself."""
    import numpy as np

    from model.analysis.draws import scaled_inputs
    from model.inputs.scenario import load_scenario

    sc = load_scenario(H2)
    for name in sc.lever_configs():
        assert scaled_inputs(sc, {name: np.ones(2)}).injections[name].tolist() == [
            sc.inputs().injections[name][0].tolist()] * 2
        f = np.array([0.0, 0.5, 2.0])
        got = scaled_inputs(sc, {name: f}).injections[name]
        for row, factor in zip(got, f, strict=True):
            np.testing.assert_allclose(row, sc.scaled(name, float(factor)).inputs().injections[name][0],
                                       rtol=1e-14, atol=1e-12)


def test_draws_with_a_lever_doubled_are_the_scenario_with_it_doubled() -> None:
    import numpy as np

    from model.analysis.montecarlo import simulate_draws
    from model.inputs.scenario import load_scenario

    sc = load_scenario(H2)
    a = simulate_draws(sc, draws=200, seed=4, progress=False, lever_scales={"tax_fee_relief": np.full(200, 2.0)})
    b = simulate_draws(sc.scaled("tax_fee_relief", 2.0), draws=200, seed=4, progress=False)
    np.testing.assert_allclose(a.values("revenue_yoy", "2020"), b.values("revenue_yoy", "2020"), rtol=1e-12)
    assert a.inputs().injections["tax_fee_relief"].shape[0] == 200


def test_lever_ranges_default_to_every_lever_the_scenario_sets() -> None:
    from model.analysis.discover import DEFAULT_LEVER_RANGE, lever_ranges, parse_lever_range
    from model.inputs.scenario import load_scenario

    sc = load_scenario(H2)
    assert lever_ranges(sc, None) == dict.fromkeys(sc.lever_configs(), DEFAULT_LEVER_RANGE)
    assert lever_ranges(sc, {}) == {}
    assert parse_lever_range(" tax_fee_relief =0:2.5") == ("tax_fee_relief", (0.0, 2.5))


@pytest.mark.slow  # 1,000 re-calibrated draws and PRIM (about 3 s)
def test_discover_finds_the_relief_size_that_sinks_revenue(tmp_path: Path) -> None:
    """More relief, less revenue: a large enough relief factor is in the box of revenue falling."""
    assert main(["discover", H2, "--outcome", "revenue_yoy@2020<-3", "--lever", "tax_fee_relief=0:4", "--draws",
                 "1000", "--seed", "1", "--quiet", "--out", str(tmp_path)]) == 0
    box = pd.read_csv(tmp_path / "h2_plan" / "discover" / "boxes.csv", index_col="parameter")
    row = box.loc["levers.tax_fee_relief"]
    assert row.low > 1.0 and row.prior_low < 0.1 and row.prior_high > 3.9


@pytest.mark.parametrize("args, message", [
    (["--lever", "tax_fee_relief"], "--lever: expected LEVER=LOW:HIGH, factors on the scenario's amounts like "
                                    "relief=0.5:2, got 'tax_fee_relief'"),
    (["--lever", "tax_fee_relief=a:b"], "--lever: expected LEVER=LOW:HIGH"),
    (["--lever", "tax_fee_relief=2:1"], "--lever: expected factors 0 <= LOW < HIGH <= 10 for lever 'tax_fee_relief', got 2:1"),
    (["--lever", "tax_fee_relief=-1:1"], "expected factors 0 <= LOW < HIGH <= 10"),
    (["--lever", "tax_fee_relief=0:11"], "expected factors 0 <= LOW < HIGH <= 10"),
    (["--lever", "tax_fee_relief=0:inf"], "--lever: expected LEVER=LOW:HIGH"),
    (["--lever", "housing=0:2"], "--lever: the scenario sets no 'housing' lever to search (it sets: "),
    (["--lever", "tax_fee_relief=0:2", "--lever", "tax_fee_relief=1:2"], "--lever: lever 'tax_fee_relief' is given twice"),
    (["--lever", "tax_fee_relief=0:2", "--no-levers"], "--no-levers: give either --lever or --no-levers, not both"),
])
def test_bad_lever_ranges_one_line_exit_2(args: list[str], message: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["discover", H2, "--outcome", "gdp_real_yoy@2020<4", *args, "--draws", "50",
                 "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists()
