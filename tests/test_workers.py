"""``--workers``: draws in fixed chunks with their own seed streams, byte-identical for any number of
workers (issue 13).  Chunks are made small here so that a few thousand draws span several."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from model.analysis import sampling
from model.analysis.montecarlo import check_workers
from model.analysis.uncertainty import draw_innovations, simulate_draws
from model.cli import main
from model.core.errors import UserError
from model.core.periods import Span


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sampling, "CHUNK", 400)
    return 400


def test_chunks_are_fixed() -> None:
    assert sampling.chunks(25_000) == [(0, 10_000), (1, 10_000), (2, 5_000)]
    assert sampling.chunks(7, 3) == [(0, 3), (1, 3), (2, 1)]


def test_draws_identical_for_any_number_of_workers(small_chunks: int) -> None:
    runs = [simulate_draws("scenarios/h2_plan.toml", draws=1_000, seed=5, progress=False, workers=w) for w in (1, 2, 3)]
    first = runs[0]
    for d in runs[1:]:
        assert d.tried == first.tried
        assert all(np.array_equal(d.theta[k], first.theta[k]) for k in first.theta)
        assert all(np.array_equal(d.paths[k], first.paths[k], equal_nan=True) for k in first.paths)
        assert d.fan().equals(first.fan())
    # the chunks draw different numbers (their own streams), not copies of chunk 0
    x = first.theta["projects_multiplier"][:, 0]
    assert not np.array_equal(x[:small_chunks], x[small_chunks : 2 * small_chunks])


def test_first_chunk_keeps_the_single_stream_numbers(small_chunks: int) -> None:
    span = Span(2018, 2021)
    e = draw_innovations(900, span, seed=3)
    full = np.random.default_rng(np.random.SeedSequence(3, spawn_key=(sampling.zlib.crc32(b"forecast_shocks"),)))
    head = full.standard_normal((small_chunks, sampling._n_shock_quarters()))
    start = span.index("2020Q3")
    assert np.array_equal(e[:small_chunks, start:], head[:, : span.n - start])


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_cli_run_files_byte_identical_across_workers(small_chunks: int, tmp_path: Path) -> None:
    for w in ("1", "2"):
        assert main(["run", "--quiet", "--no-figures", "--draws", "900", "--seed", "11", "--workers", w,
                     "--out", str(tmp_path / w)]) == 0
    one, two = tmp_path / "1" / "h2_plan", tmp_path / "2" / "h2_plan"
    for name in ("fan.csv", "quarterly.csv", "annual.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes()
    # summary.json and report.md record the command as typed (its --workers and --out differ): the
    # rest of them, every figure included, is the same byte for byte
    s1, s2 = (json.loads((d / "summary.json").read_text(encoding="utf-8")) for d in (one, two))
    assert s1["inputs"].pop("command") != s2["inputs"].pop("command")
    assert s1 == s2
    r1, r2 = ([ln for ln in (d / "report.md").read_text(encoding="utf-8").splitlines() if "--workers" not in ln]
              for d in (one, two))
    assert r1 == r2


@pytest.mark.parametrize("value", ["0", "-1", "257", "two", "1.5"])
def test_bad_workers_one_line_exit_2_nothing_written(value: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--draws", "10", f"--workers={value}", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err == f"error: --workers: expected a whole number of workers from 1 to 256, got {value!r}\n"
    assert not (tmp_path / "out").exists()


def test_check_workers_in_the_api() -> None:
    assert check_workers(None) == 1 and check_workers(4) == 4
    for bad in (0, 257, True, 2.0):
        with pytest.raises(UserError, match="from 1 to 256"):
            check_workers(bad)  # type: ignore[arg-type]


def test_dask_local_cluster_byte_identical_to_one_worker(small_chunks: int) -> None:
    """An in-process LocalCluster with two workers (well under a second)."""
    pytest.importorskip("dask.distributed")
    one = simulate_draws("scenarios/h2_plan.toml", draws=1_000, seed=5, progress=False, workers=1)
    dask = simulate_draws("scenarios/h2_plan.toml", draws=1_000, seed=5, progress=False, workers=2,
                          scheduler="local")
    assert dask.tried == one.tried
    assert all(np.array_equal(dask.theta[k], one.theta[k]) for k in one.theta)
    assert dask.fan().equals(one.fan())


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_unreachable_scheduler_one_line_exit_2_nothing_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("dask.distributed")
    from model.analysis import executors

    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", 1)
    out = tmp_path / "out"
    assert main(["run", "--quiet", "--draws", "20", "--scheduler", "tcp://127.0.0.1:9", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == "error: --scheduler: cannot reach a Dask scheduler at 'tcp://127.0.0.1:9' (within 1 s)\n"
    assert not out.exists()


def test_sensitivity_identical_on_workers_and_dask(monkeypatch: pytest.MonkeyPatch) -> None:
    from model.analysis import sensitivity

    monkeypatch.setattr(sensitivity, "BATCH", 500)
    runs = [sensitivity.sobol("scenarios/h2_plan.toml", samples=32, seed=2, progress=False, workers=1)]
    runs.append(sensitivity.sobol("scenarios/h2_plan.toml", samples=32, seed=2, progress=False, workers=2))
    if importlib.util.find_spec("distributed") is not None:
        runs.append(sensitivity.sobol("scenarios/h2_plan.toml", samples=32, seed=2, progress=False, workers=2,
                                      scheduler="local"))
    assert runs[0].rows > 1_000  # several batches
    for r in runs[1:]:
        assert r.indices.equals(runs[0].indices) and r.outputs.equals(runs[0].outputs)
