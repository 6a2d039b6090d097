"""``sweep`` (issue 13): a grid of lever factors and parameter values x draws, one tidy table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from model.analysis import sampling, sweep
from model.cli import main

GRID = """draws = 200
seed = 3
outputs = ["gdp_real_yoy@2020"]
[levers]
tax_fee_relief = [0.0, 1.0]
[parameters]
projects_multiplier = [0.6, 1.2]
"""


def _grid(tmp_path: Path, text: str = GRID) -> Path:
    p = tmp_path / "grid.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_sweep_writes_one_tidy_table(tmp_path: Path) -> None:
    assert main(["sweep", str(_grid(tmp_path)), "--quiet", "--out", str(tmp_path / "out")]) == 0
    t = pd.read_csv(tmp_path / "out" / "h2_plan" / "sweep" / "sweep.csv")
    assert list(t.columns) == ["point", "levers.tax_fee_relief", "projects_multiplier", "output", "mean",
                               "p05", "p25", "p50", "p75", "p95"]
    assert len(t) == 4 and list(t.point) == [0, 1, 2, 3]
    assert (t.p05 <= t.p50).all() and (t.p50 <= t.p95).all()
    # more relief and a larger multiplier both raise 2020 growth, draw for draw (common random numbers)
    m = t.set_index(["levers.tax_fee_relief", "projects_multiplier"])["mean"]
    assert m[(1.0, 0.6)] > m[(0.0, 0.6)] and m[(0.0, 1.2)] > m[(0.0, 0.6)]


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_sweep_byte_identical_across_workers_and_dask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sampling, "CHUNK", 80)
    grid = _grid(tmp_path)
    runs = {"w1": ["--workers", "1"], "w2": ["--workers", "2"]}
    try:
        import dask.distributed  # noqa: F401

        runs["dask"] = ["--workers", "2", "--scheduler", "local"]
    except ImportError:
        pass
    for name, extra in runs.items():
        assert main(["sweep", str(grid), "--quiet", "--out", str(tmp_path / name), *extra]) == 0
    ref = (tmp_path / "w1" / "h2_plan" / "sweep" / "sweep.csv").read_bytes()
    for name in runs:
        assert (tmp_path / name / "h2_plan" / "sweep" / "sweep.csv").read_bytes() == ref


def test_grid_over_the_limit_needs_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sweep, "MAX_POINTS", 3)
    grid = _grid(tmp_path)
    out = tmp_path / "out"
    assert main(["sweep", str(grid), "--quiet", "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"error: {grid}: grid: a grid of 4 points is more than 3; shrink it or pass --force\n"
    assert not out.exists()
    assert main(["sweep", str(grid), "--quiet", "--force", "--out", str(out)]) == 0


@pytest.mark.parametrize("text, message", [
    ("[levers]\nvouchers = [1.0]\n", "levers.vouchers: unknown lever; expected one of"),
    ("[levers]\ntax_fee_relief = []\n", "levers.tax_fee_relief: expected a non-empty list of numbers, got []"),
    ("[parameters]\nprojects_multiplier = [9.0]\n", "parameters.projects_multiplier: 9 is outside the bounds"),
    ("draws = 0\n[levers]\ntax_fee_relief = [1.0]\n", "draws: expected a whole number of draws from 1 to"),
    ("draws = 10\n", "a sweep needs at least one list under [levers] or [parameters]"),
])
def test_bad_grid_one_line_exit_2(tmp_path: Path, text: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    grid = _grid(tmp_path, text)
    assert main(["sweep", str(grid), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {grid}: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()
