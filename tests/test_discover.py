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
