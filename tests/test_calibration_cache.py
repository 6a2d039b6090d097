"""The calibration kept on disk between runs (model.fitting.cache): the same result, never a stale one."""

import pickle
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from model import default_params
from model.fitting import cache
from model.fitting.calibration import _fit, calibrate
from model.inputs.vintage import DEFAULT_VINTAGE


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HANGZHOU_MODEL_CACHE", str(tmp_path / "cache"))
    calibrate.cache_clear()
    yield tmp_path / "cache" / "calibrations"
    calibrate.cache_clear()


def _same(a, b) -> None:
    assert a.params == b.params
    pd.testing.assert_frame_equal(a.fit, b.fit)
    pd.testing.assert_frame_equal(a.priors, b.priors)
    pd.testing.assert_frame_equal(a.influence, b.influence)
    np.testing.assert_array_equal(a.singular_values, b.singular_values)


def test_a_second_process_reads_the_same_calibration(folder, monkeypatch) -> None:
    params = default_params()
    first = calibrate(params)
    files = list(folder.glob("*.pickle"))
    assert len(files) == 1 and files[0].stem == cache.cache_key(params, DEFAULT_VINTAGE)
    calibrate.cache_clear()  # as a new process: only the disk is left

    def no_fit(*args):
        raise AssertionError("fitted again although the cache holds the calibration")

    monkeypatch.setattr("model.fitting.calibration._fit", no_fit)
    _same(calibrate(params), first)


def test_the_key_follows_the_parameters_the_round_and_the_data(tmp_path) -> None:
    params = default_params()
    key = cache.cache_key(params, DEFAULT_VINTAGE)
    assert cache.cache_key(params.replace(deflator_h1=2.0), DEFAULT_VINTAGE) != key  # a value, now fixed
    assert cache.cache_key(params, replace(DEFAULT_VINTAGE, as_of="2020Q3")) != key
    data = tmp_path / "data"
    data.mkdir()
    for p in DEFAULT_VINTAGE.folder.iterdir():
        if p.is_file():
            (data / p.name).write_bytes(p.read_bytes())
    copy = replace(DEFAULT_VINTAGE, directory=str(data))
    assert cache.cache_key(params, copy) == cache.cache_key(params, copy)
    with (data / "observations.csv").open("a", encoding="utf-8") as f:
        f.write("\n")
    assert cache.cache_key(params, copy) != cache.cache_key(params, DEFAULT_VINTAGE)


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["garbage", "other_fit", "other_targets", "not_a_calibration"])
def test_a_damaged_or_foreign_entry_is_fitted_afresh(folder, damage) -> None:
    params = default_params()
    good = _fit(params, DEFAULT_VINTAGE)
    path = folder / f"{cache.cache_key(params, DEFAULT_VINTAGE)}.pickle"
    folder.mkdir(parents=True)
    if damage == "garbage":
        path.write_bytes(b"not a pickle")
    elif damage == "not_a_calibration":
        path.write_bytes(pickle.dumps({"params": params}))
    else:
        fit = good.fit.copy()
        column = "model" if damage == "other_fit" else "observed"
        fit[column] = fit[column] + 1e-9  # a fit the model (or the release) does not give
        path.write_bytes(pickle.dumps(replace(good, fit=fit)))
    _same(calibrate(params), good)
    assert pickle.loads(path.read_bytes()).fit.equals(good.fit)  # the entry was replaced by the good one


def test_no_cache_folder_writes_nothing(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HANGZHOU_MODEL_CACHE", "")
    monkeypatch.chdir(tmp_path)
    calibrate.cache_clear()
    try:
        calibrate(default_params())
    finally:
        calibrate.cache_clear()
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_cache_costs_only_time(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("HANGZHOU_MODEL_CACHE", str(blocker / "cache"))  # mkdir fails: ignored
    calibrate.cache_clear()
    try:
        assert calibrate(default_params()).ok
    finally:
        calibrate.cache_clear()
