"""The command line: outputs of a run, and one clear line for every user mistake."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import model.present.report
from model.cli import main

REQUIRED = ["gdp", "gdp_ytd", "gdp_real_yoy", "gdp_real_yoy_ytd", "digital_core_real_yoy_ytd",
            "revenue", "revenue_ytd", "revenue_yoy_ytd"]


@pytest.fixture(scope="module")
def default_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("results")
    assert main(["run", "--quiet", "--out", str(out)]) == 0
    return out / "h2_plan"


@pytest.mark.slow  # end-to-end CLI: the whole pipeline and its files
def test_default_run_writes_every_file(default_run):
    names = {p.name for p in default_run.iterdir()}
    assert {"quarterly.csv", "annual.csv", "summary.json", "report.md"} <= names
    assert any(n.endswith(".png") for n in names)


@pytest.mark.slow  # end-to-end CLI: the whole pipeline and its files
def test_quarterly_csv_has_one_row_a_quarter_and_the_required_columns(default_run):
    q = pd.read_csv(default_run / "quarterly.csv")
    assert list(q.columns[:1]) == ["period"]
    assert set(REQUIRED) <= set(q.columns)
    assert q.period.tolist() == [str(p) for p in pd.period_range("2019Q1", "2021Q4", freq="Q")]
    h1 = q.set_index("period").loc["2020Q2"]
    assert h1.gdp_ytd == pytest.approx(7388.0, abs=1.0)
    assert h1.gdp_real_yoy_ytd == pytest.approx(1.5, abs=0.05)
    assert h1.revenue_ytd == pytest.approx(1276.0, abs=1.0)
    assert h1.revenue_yoy_ytd == pytest.approx(1.2, abs=0.05)


@pytest.mark.slow  # end-to-end CLI: the whole pipeline and its files
def test_summary_json_holds_headline_fit_hash_and_version(default_run):
    s = json.loads((default_run / "summary.json").read_text(encoding="utf-8"))
    assert s["model_version"]
    assert len(s["scenario"]["sha256"]) == 64 and len(s["scenario"]["file_sha256"]) == 64
    assert s["calibration"]["all_targets_met"] is True
    for t in s["calibration"]["targets"]:
        assert abs(t["error"]) <= t["tolerance"]
    assert set(s["headline"]) == {"2019", "2020", "2021"}
    assert s["headline"]["2019"]["gdp"] == pytest.approx(15373.0)


@pytest.mark.slow  # end-to-end CLI: the whole pipeline and its files
def test_report_shows_the_fit_and_the_figures_exist(default_run):
    text = (default_run / "report.md").read_text(encoding="utf-8")
    assert "## Calibration to H1 2020" in text and "7,388.000" in text
    for line in text.splitlines():
        if line.startswith("!["):
            assert (default_run / line.split("(")[1].rstrip(")")).is_file()


@pytest.mark.slow  # end-to-end CLI: the whole pipeline and its files
def test_several_scenarios_and_other_commands(tmp_path, capsys):
    assert main(["run", "--quiet", "--out", str(tmp_path), "scenarios/baseline.toml", "scenarios/second_wave.toml"]) == 0
    assert {p.name for p in tmp_path.iterdir()} == {"baseline", "second_wave"}
    assert main(["validate", "scenarios/h2_plan.toml"]) == 0
    assert "ok: scenarios/h2_plan.toml" in capsys.readouterr().out
    assert main(["calibrate"]) == 0
    assert "gdp_real_yoy_ytd" in capsys.readouterr().out
    assert main(["params", "--format", "csv"]) == 0
    assert "relief_multiplier" in capsys.readouterr().out


def _bad(tmp_path: Path, text: str) -> str:
    p = tmp_path / "bad.toml"
    p.write_text(text, encoding="utf-8")
    return str(p)


CASES = [
    (lambda t: ["run", _bad(t, '[levers\n')], "malformed TOML"),
    (lambda t: ["run", _bad(t, 'horizn = "2021Q4"\n')], "horizn: unknown key; did you mean 'horizon'?"),
    (lambda t: ["run", _bad(t, '[levers.tax_fee_relief]\namount = { 2020Q3 = -1.0 }\n')], "expected a non-negative amount"),
    (lambda t: ["run", _bad(t, '[levers.tax_fee_relief]\namount = { 2019Q4 = 1.0 }\n')], "outside the scenario window"),
    (lambda t: ["run", _bad(t, '[levers.tax_fee_relief]\namount = { 2020Q3 = nan }\n')], "expected a finite number"),
    (lambda t: ["run", str(t / "missing.toml")], "missing.toml: file not found"),
    (lambda t: ["run", _bad(t, '[parameters]\nrelief_multiplier = 7.0\n')], "parameters.relief_multiplier: 7 is outside the bounds"),
    (lambda t: ["run", "--set", "relief_multiplier=7"], "--set relief_multiplier: 7 is outside the bounds [0, 1.5]"),
    (lambda t: ["run", "--set", "relief_multplier=0.2"], "did you mean 'relief_multiplier'?"),
    (lambda t: ["run", "--set", "relief_multiplier"], "--set: expected NAME=VALUE"),
    (lambda t: ["run", "--set", "relief_multiplier=abc"], "expected a number after '='"),
    (lambda t: ["run", "--bogus"], "unrecognized arguments: --bogus"),
    (lambda t: ["frobnicate"], "invalid choice: 'frobnicate'"),
    (lambda t: ["run", _bad(t, 'name = "../escape"\n')], "name: expected letters, digits"),
    (lambda t: ["run", "scenarios/h2_plan.toml", "scenarios/h2_plan.toml"], "two scenarios are named 'h2_plan'"),
]


@pytest.mark.parametrize(("argv", "message"), CASES, ids=[m[:35] for _, m in CASES])
def test_user_mistakes_give_one_line_exit_2_and_write_nothing(tmp_path, capsys, argv, message):
    out = tmp_path / "out"
    code = main([*argv(tmp_path), "--out", str(out)] if argv(tmp_path)[0] == "run" else argv(tmp_path))
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert message in err, err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.slow  # end-to-end CLI: the whole pipeline and its files
def test_real_process_exit_status_and_no_traceback(tmp_path):
    bad = _bad(tmp_path, 'horizn = "2021Q4"\n')
    proc = subprocess.run([sys.executable, "-m", "model", "run", bad, "--out", str(tmp_path / "o")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {bad}: horizn: unknown key; did you mean 'horizon'?"
    assert not (tmp_path / "o").exists()


@pytest.mark.slow  # end-to-end CLI: the whole pipeline and its files
def test_a_run_that_fails_halfway_leaves_earlier_results_untouched(tmp_path, monkeypatch):
    assert main(["run", "--quiet", "--out", str(tmp_path)]) == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "h2_plan").iterdir()}

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(model.present.report, "run_report", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        main(["run", "--quiet", "--out", str(tmp_path), "--set", "projects_multiplier=1.4"])
    after = {p.name: p.read_bytes() for p in (tmp_path / "h2_plan").iterdir()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["h2_plan"]  # no temporary folder left behind


@pytest.mark.slow  # end-to-end CLI: the whole pipeline and its files
def test_results_stay_inside_the_results_folder(tmp_path):
    assert main(["run", "--quiet", "--out", str(tmp_path / "res"), _bad(tmp_path, 'name = "ok-name_1"\n')]) == 0
    assert [p.relative_to(tmp_path).as_posix() for p in (tmp_path / "res").iterdir()] == ["res/ok-name_1"]


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--quiet", "--out", "{file}"],
        ["run", "--quiet", "--out", "{file}/sub"],
        ["compare", "scenarios/h2_plan.toml", "--quiet", "--out", "{file}/sub"],
        ["solve", "scenarios/h2_plan.toml", "--target", "gdp_real_yoy_ytd@2020Q4=4.0", "--instrument",
         "consumption_events", "--quiet", "--out", "{file}/x.toml"],
    ],
    ids=["run-file", "run-under-file", "compare-under-file", "solve-under-file"],
)
def test_an_output_path_blocked_by_a_file_is_one_line(tmp_path, capsys, argv):
    blocker = tmp_path / "afile"
    blocker.write_text("keep me", encoding="utf-8")
    code = main([a.replace("{file}", str(blocker)) for a in argv])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert f"--out: cannot write {blocker}" in err and "is a file, not a folder" in err
    assert blocker.read_text(encoding="utf-8") == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["afile"]
