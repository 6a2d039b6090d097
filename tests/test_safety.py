"""What a careless or hurried user can do, and what they get: one line, exit 2, nothing written or
lost (issue 12, items 1-4 and 6)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from model.cli import main
from model.inputs.scenario import load_scenario

SOLVE = ["solve", "scenarios/h2_plan.toml", "--target", "gdp_real_yoy_ytd@2020Q4=4", "--instrument",
         "consumption_events", "--quiet"]


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.rstrip("\n")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- 1. solve never overwrites unless --force, never its source or a shipped scenario ---------


def test_solve_refuses_an_existing_file_without_force(tmp_path, capsys):
    out = tmp_path / "plan.toml"
    out.write_text("# my plan, with comments\n", encoding="utf-8")
    assert main([*SOLVE, "--out", str(out)]) == 2
    assert _one_line(capsys) == f"error: --out: {out} exists; pass --force to replace it"
    assert out.read_text(encoding="utf-8") == "# my plan, with comments\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.toml"]


def test_solve_never_writes_over_its_own_source_even_with_force(tmp_path, capsys):
    src = tmp_path / "mine.toml"
    text = load_scenario("scenarios/h2_plan.toml").to_toml()  # standalone, no extends
    src.write_text(text, encoding="utf-8")
    argv = ["solve", str(src), *SOLVE[2:], "--force", "--out", str(src)]
    assert main(argv) == 2
    assert _one_line(capsys) == f"error: --out: {src} is the scenario being solved; choose another file"
    assert src.read_text(encoding="utf-8") == text


def test_solve_never_writes_over_a_shipped_scenario_even_with_force(capsys):
    before = (ROOT / "scenarios" / "baseline.toml").read_bytes()
    assert main([*SOLVE, "--force", "--out", "scenarios/baseline.toml"]) == 2
    assert _one_line(capsys) == "error: --out: scenarios/baseline.toml is a shipped scenario; choose another file"
    assert (ROOT / "scenarios" / "baseline.toml").read_bytes() == before


def test_solve_with_force_replaces_a_file_atomically(tmp_path):
    out = tmp_path / "plan.toml"
    out.write_text("# old\n", encoding="utf-8")
    assert main([*SOLVE, "--force", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("# Solved scenario written by")
    assert [p.name for p in tmp_path.iterdir()] == ["plan.toml"]  # no temporary file left


_KILLED_SOLVE = """
import os, signal, sys
import model.inputs.files as files
from model.cli import main

def killed(fd):  # the file is written but not yet renamed into place: die here
    os.kill(os.getpid(), signal.SIGKILL)

files.os.fsync = killed
main(sys.argv[1:])
"""


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_a_killed_solve_leaves_a_temporary_file_that_the_next_write_of_the_same_path_removes(tmp_path):
    import fcntl

    out = tmp_path / "plan.toml"
    argv = [*SOLVE[:1], str(ROOT / SOLVE[1]), *SOLVE[2:], "--out", str(out)]
    done = subprocess.run([sys.executable, "-c", _KILLED_SOLVE, *argv], cwd=ROOT, capture_output=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == -9, done.stderr
    stale = [p.name for p in tmp_path.iterdir()]
    assert len(stale) == 1 and stale[0].startswith(".plan.toml.tmp-") and not out.exists()
    # a live writer's temporary of the same file (locked) and another file's are left alone
    live = tmp_path / ".plan.toml.tmp-0123456789ab"
    other = tmp_path / ".other.toml.tmp-0123456789ab"
    other.write_text("not ours", encoding="utf-8")
    with open(live, "w", encoding="utf-8") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert main([*argv[:-2], "--out", str(out)]) == 0  # the next write of the same path
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".other.toml.tmp-0123456789ab",
                                                                      ".plan.toml.tmp-0123456789ab", "plan.toml"])
    assert out.read_text(encoding="utf-8").startswith("# Solved scenario written by")
    assert other.read_text(encoding="utf-8") == "not ours"


# -- 2. plausible amounts; nothing non-finite --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[levers.major_projects]\ntotal = 1e300\nstart = "2020Q3"\nend = "2020Q4"\n',
         "levers.major_projects: 3.5e+299 亿元 in 2020Q3 is more than 2 times Hangzhou's quarterly GDP "
         "(7,686 亿元); expected a plausible amount"),
        ('[levers.consumption_events]\nevents = { 2020Q3 = 50.0 }\nsubsidy_per_event = 1.7e308\n',
         "levers.consumption_events: inf 亿元 in 2020Q3 is more than 2 times Hangzhou's quarterly GDP "
         "(7,686 亿元); expected a plausible amount"),
    ],
    ids=["total-1e300", "subsidy-overflow"],
)
def test_an_implausible_amount_is_one_line_and_writes_nothing(tmp_path, capsys, text, message):
    path = tmp_path / "big.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    assert _one_line(capsys) == f"error: {path}: {message}"
    assert not (tmp_path / "out").exists()


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_a_non_finite_result_is_an_error_never_a_file(tmp_path, capsys, monkeypatch):
    import model.analysis.results as results

    real = results.simulate

    def overflow(theta, inputs):
        paths = real(theta, inputs)
        paths["revenue"] = paths["revenue"] * float("inf")
        return paths

    monkeypatch.setattr(results, "simulate", overflow)
    assert main(["run", "--quiet", "--out", str(tmp_path)]) == 2
    err = _one_line(capsys)
    assert err.startswith("error: quarterly.csv: ") and err.endswith(
        "; the inputs are beyond what the model can represent (nothing written)"), err
    assert list(tmp_path.iterdir()) == []


# -- 3. a missed calibration is an error in run, unless accepted --------------------------------

MISS = 'name = "miss"\n[parameters]\ngdp_share_h1 = 0.4  # a fixed value the targets cannot live with\n'
MISSED = ("calibration: misses the H1 2020 targets gdp_ytd@2020Q2 (off by -123 亿元, tolerance 1), "
          "gdp_real_yoy_ytd@2020Q2 (off by +5.9 %, tolerance 0.05), digital_core_real_yoy_ytd@2020Q2 "
          "(off by +3.7 %, tolerance 0.05) with gdp_share_h1 = 0.4 fixed; change the fixed values or pass "
          "--accept-calibration-miss")


def test_a_missed_calibration_is_an_error_in_run(tmp_path, capsys):
    path = tmp_path / "miss.toml"
    path.write_text(MISS, encoding="utf-8")
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    assert _one_line(capsys) == f"error: {path}: {MISSED}"
    assert not (tmp_path / "out").exists()


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_an_accepted_calibration_miss_is_written_and_stated(tmp_path):
    path = tmp_path / "miss.toml"
    path.write_text(MISS, encoding="utf-8")
    assert main(["run", str(path), "--quiet", "--accept-calibration-miss", "--out", str(tmp_path / "out")]) == 0
    summary = json.loads((tmp_path / "out" / "miss" / "summary.json").read_text(encoding="utf-8"))
    assert summary["calibration"]["all_targets_met"] is False and summary["calibration"]["miss_accepted"] is True
    report = (tmp_path / "out" / "miss" / "report.md").read_text(encoding="utf-8")
    assert ("**The calibration misses some H1 2020 targets; the run was accepted anyway "
            "(`--accept-calibration-miss`).**") in report


def test_a_missed_calibration_is_an_error_in_compare_too(tmp_path, capsys):
    path = tmp_path / "miss.toml"
    path.write_text(MISS, encoding="utf-8")
    assert main(["compare", str(path), "--out", str(tmp_path / "out")]) == 2
    assert _one_line(capsys) == f"error: {path}: {MISSED}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["miss.toml"]  # nothing written


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_an_accepted_calibration_miss_in_compare_is_stated(tmp_path, monkeypatch):
    import model.present.briefing

    monkeypatch.setattr(model.present.briefing, "figures", lambda comps, directory, **kw: [])
    path = tmp_path / "miss.toml"
    path.write_text(MISS, encoding="utf-8")
    argv = ["compare", str(path), "--quiet", "--accept-calibration-miss", "--out", str(tmp_path / "out")]
    assert main(argv) == 0
    report = (tmp_path / "out" / "miss" / "report.md").read_text(encoding="utf-8")
    assert ("**The calibration of `miss` misses some H1 2020 targets; the comparison was accepted anyway "
            "(`--accept-calibration-miss`).**") in report
    plain = ["compare", "scenarios/h2_plan.toml", "--quiet", "--accept-calibration-miss", "--out", str(tmp_path / "b")]
    assert main(plain) == 0  # nothing missed: nothing to state
    assert "accept-calibration-miss" not in (tmp_path / "b" / "h2_plan" / "report.md").read_text(encoding="utf-8")


# -- 4. OS errors a user can cause --------------------------------------------------------------


def _fifo(tmp_path: Path) -> str:
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    return str(path)


def _loop(tmp_path: Path) -> str:
    (tmp_path / "a.toml").symlink_to(tmp_path / "b.toml")
    (tmp_path / "b.toml").symlink_to(tmp_path / "a.toml")
    return str(tmp_path / "a.toml")


def _extends(target: str):
    def make(tmp_path: Path) -> str:
        path = tmp_path / "child.toml"
        path.write_text(f'extends = "{target}"\n', encoding="utf-8")
        return str(path)
    return make


def _large(tmp_path: Path) -> str:
    path = tmp_path / "large.toml"
    path.write_text("# padding\n" * 200_000, encoding="utf-8")
    return str(path)


OS_CASES = [
    (_fifo, "{p}: expected a TOML file, found a FIFO (named pipe)"),
    (_loop, "{p}: cannot read: the path is a symbolic link loop"),
    (lambda t: str(t), "{p}: expected a TOML file, found a directory"),
    (lambda t: "/dev/zero", "{p}: expected a TOML file, found a character device"),
    (_extends("/dev/zero"), "{p}: extends: /dev/zero: expected a TOML file, found a character device"),
    (_large, "{p}: expected a scenario file of at most 1024 KiB; this one is larger"),
]


@pytest.mark.parametrize(("make", "message"), OS_CASES, ids=["fifo", "loop", "folder", "dev-zero", "extends-dev-zero", "large"])
def test_an_unreadable_scenario_path_is_one_line_and_does_not_hang(tmp_path, capsys, make, message):
    path = make(tmp_path)
    start = time.monotonic()
    assert main(["run", path, "--out", str(tmp_path / "out")]) == 2
    assert time.monotonic() - start < 10
    assert _one_line(capsys) == "error: " + message.format(p=path)
    assert not (tmp_path / "out").exists()


def test_an_unreadable_scenario_file_is_one_line(tmp_path, capsys, monkeypatch):
    path = tmp_path / "secret.toml"
    path.write_text('name = "secret"\n', encoding="utf-8")
    real = os.open

    def denied(p, *a, **k):
        if str(p) == str(path):
            raise PermissionError(13, "Permission denied", str(p))
        return real(p, *a, **k)

    monkeypatch.setattr(os, "open", denied)  # as root, chmod 000 would not stop the read
    assert main(["validate", str(path)]) == 2
    assert _one_line(capsys) == f"error: {path}: cannot read: Permission denied"


def test_an_unreadable_scenario_folder_is_one_line(tmp_path, capsys, monkeypatch):
    def denied(self, pattern):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "glob", denied)
    assert main(["compare", "--quiet", "--out", str(tmp_path / "out")]) == 2
    assert _one_line(capsys) == "error: scenarios: Permission denied"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("out", "why"), [("/proc/results", "No such file or directory"),
                                         ("/sys/kernel/results", "Operation not permitted")])
def test_an_impossible_out_folder_is_one_line(capsys, out, why):
    assert main(["run", "--quiet", "--out", out]) == 2
    assert _one_line(capsys) == f"error: --out: cannot write {out}/h2_plan: {why}"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_out_folder_is_one_line(tmp_path, capsys):
    tmp_path.chmod(0o555)
    try:
        assert main(["run", "--quiet", "--out", str(tmp_path)]) == 2
    finally:
        tmp_path.chmod(0o755)
    assert _one_line(capsys) == f"error: --out: cannot write {tmp_path / 'h2_plan'}: Permission denied"


@pytest.mark.slow
def test_output_piped_into_a_closed_reader_exits_quietly(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "model", "params", "--format", "csv"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # like `| head` that has already gone
    err = proc.stderr.read().decode()
    assert proc.wait() == 141
    assert err == ""


# -- 6. every input that changes the numbers is recorded ----------------------------------------


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_set_and_the_command_are_recorded_in_summary_and_report(tmp_path):
    argv = ["run", "--quiet", "--set", "projects_multiplier=1.4", "--out", str(tmp_path)]
    assert main(argv) == 0
    summary = json.loads((tmp_path / "h2_plan" / "summary.json").read_text(encoding="utf-8"))
    made_by = summary["inputs"]
    assert made_by["parameters_set_by_caller"] == {"projects_multiplier": 1.4}
    assert summary["scenario"]["parameters_set"] == {"projects_multiplier": 1.4}
    assert made_by["command"] == "python -m model " + " ".join(argv)
    assert made_by["options"]["--set"] == ["projects_multiplier=1.4"]
    assert made_by["calibration_miss_accepted"] is False
    report = (tmp_path / "h2_plan" / "report.md").read_text(encoding="utf-8")
    assert "Parameters set besides the scenario file: `projects_multiplier = 1.4`." in report
    assert f"Made by `python -m model {' '.join(argv)}`." in report


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_as_of_is_recorded_in_summary_and_report(tmp_path):
    argv = ["run", "--quiet", "--as-of", "2020Q2", "--no-figures", "--out", str(tmp_path)]
    assert main(argv) == 0
    made_by = json.loads((tmp_path / "h2_plan" / "summary.json").read_text(encoding="utf-8"))["inputs"]
    assert made_by["as_of"] == "2020Q2" and made_by["options"]["--as-of"] == "2020Q2"
    report = (tmp_path / "h2_plan" / "report.md").read_text(encoding="utf-8")
    assert "Data: the release round as of 2020Q2 (`--as-of`)." in report
    assert main(["run", "--quiet", "--no-figures", "--out", str(tmp_path / "b")]) == 0  # the default, recorded too
    made_by = json.loads((tmp_path / "b" / "h2_plan" / "summary.json").read_text(encoding="utf-8"))["inputs"]
    assert made_by["as_of"] == "2020Q2" and made_by["options"]["--as-of"] == "2020Q2"


@pytest.mark.slow
def test_draws_and_seed_are_recorded(tmp_path):
    assert main(["run", "--quiet", "--draws", "40", "--seed", "7", "--out", str(tmp_path)]) == 0
    made_by = json.loads((tmp_path / "h2_plan" / "summary.json").read_text(encoding="utf-8"))["inputs"]
    assert (made_by["draws"], made_by["seed"]) == (40, 7)
    assert "Monte Carlo: 40 draws, seed 7." in (tmp_path / "h2_plan" / "report.md").read_text(encoding="utf-8")


# -- 8. solve and compare report the same fiscal cost, and say which quarters it covers ----------


def test_solve_and_compare_report_the_same_fiscal_cost_for_the_same_thing():
    import model
    from model.analysis.compare import compare

    sol = model.solve("scenarios/h2_plan.toml", "gdp_real_yoy_ytd@2020Q4=4.0", "consumption_events")
    cost = sol.cost().set_index(["lever", "year"])
    assert cost.loc[("consumption_events", 2020), "period"] == "2020Q3-2020Q4"
    assert cost.loc[("consumption_events", 2020), "cost_before"] == pytest.approx(3.51)  # H1 history excluded
    # against the scenario without H2 measures, so every lever of the plan is a measure in compare
    ce = compare(sol.results, model.run("scenarios/no_new_measures.toml")).cost_effectiveness()
    ce = ce.set_index(["lever", "period"]).fiscal_cost
    for lever, year in cost.index:
        assert cost.loc[(lever, year), "cost_after"] == pytest.approx(ce.loc[(lever, str(year))], abs=1e-9)
    assert "Fiscal cost to the general public budget of the measures from 2020Q3" in sol.summary()


# -- 5. concurrent writers ------------------------------------------------------------------------


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_a_run_refused_by_another_writers_lock_is_one_line_and_keeps_the_old_result(tmp_path, capsys, monkeypatch):
    import model.present.output as output

    assert main(["run", "--quiet", "--out", str(tmp_path)]) == 0
    before = _tree(tmp_path)
    monkeypatch.setattr(output, "LOCK_TIMEOUT", 0.1)
    with output.folder_lock(tmp_path / "h2_plan"):
        assert main(["run", "--quiet", "--set", "projects_multiplier=1.4", "--out", str(tmp_path)]) == 2
    assert _one_line(capsys) == (
        f"error: --out: cannot write {tmp_path / 'h2_plan'}: another run is writing it (waited 0.1 s for "
        f"{tmp_path / '.h2_plan.lock'}); try again when it has finished")
    assert _tree(tmp_path) == before


@pytest.mark.slow
def test_two_runs_writing_the_same_folder_at_once_are_serialised(tmp_path):
    cmd = [sys.executable, "-m", "model", "run", "--quiet", "--out", str(tmp_path)]
    procs = [subprocess.Popen([*cmd, "--set", f"projects_multiplier={m}"], stderr=subprocess.PIPE, text=True)
             for m in (1.2, 1.4)]
    errs = [p.communicate()[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h2_plan"]
    summary = json.loads((tmp_path / "h2_plan" / "summary.json").read_text(encoding="utf-8"))
    assert summary["inputs"]["parameters_set_by_caller"]["projects_multiplier"] in (1.2, 1.4)
    assert {"quarterly.csv", "annual.csv", "report.md"} <= {p.name for p in (tmp_path / "h2_plan").iterdir()}
