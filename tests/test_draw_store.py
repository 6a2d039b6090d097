"""A large Monte Carlo keeps only what its outputs read (issue 13: a million draws under 2 GB), and
every output is the same, bit for bit, as from the full paths.  Sizes are made small here: chunks
of 100 draws, full paths kept up to 150, so 300 draws take the reduced path."""

from __future__ import annotations

import numpy as np
import pytest

from model.analysis import montecarlo, sampling
from model.analysis.draw_store import Kept, Recomputed, _rows, simulate_chunks
from model.analysis.montecarlo import simulate_draws
from model.core.simulate import Inputs

N = 300


def _draws(monkeypatch: pytest.MonkeyPatch, keep_paths: int):
    monkeypatch.setattr(sampling, "CHUNK", 100)
    monkeypatch.setattr(montecarlo, "KEEP_PATHS", keep_paths)
    return simulate_draws("scenarios/h2_plan.toml", draws=N, seed=3, progress=False,
                          thresholds=["gdp_real_yoy@2020>=3", "retail_yoy_ytd@2020Q4>=0"])


@pytest.fixture
def pair(monkeypatch: pytest.MonkeyPatch):
    return _draws(monkeypatch, 10 * N), _draws(monkeypatch, 150)


def test_a_large_monte_carlo_keeps_the_outputs_indicators_only(pair) -> None:
    full, reduced = pair
    assert isinstance(full.stored, dict) and isinstance(reduced.stored, Kept)
    kept = reduced.stored
    assert "retail_yoy_ytd" in kept.quarterly  # a threshold's variable
    assert {"gdp_real_yoy", "revenue_yoy"} <= set(kept.annual)
    assert kept.quarterly["gdp_real_yoy"].shape == (N, len(reduced.quarters))  # from 2020Q1 only
    full_bytes = sum(a.nbytes for a in full.paths.values())
    assert kept.nbytes < full_bytes / 4


def test_every_output_is_the_same_bit_for_bit(pair) -> None:
    full, reduced = pair
    assert reduced.fan().equals(full.fan())
    assert reduced.headline().equals(full.headline())
    assert reduced.probabilities().equals(full.probabilities())
    assert reduced.to_frame("draws").equals(full.to_frame("draws"))
    assert reduced.summary() == full.summary()
    np.testing.assert_array_equal(reduced.innovations, full.innovations)


def test_what_is_not_kept_is_simulated_again_with_the_same_numbers(pair) -> None:
    full, reduced = pair
    # a quarter before 2020, an indicator nobody kept, a calendar year before 2020
    np.testing.assert_array_equal(reduced.values("gdp_real_yoy", "2019Q4"), full.values("gdp_real_yoy", "2019Q4"))
    np.testing.assert_array_equal(reduced.values("tax_revenue", "2021Q2"), full.values("tax_revenue", "2021Q2"))
    np.testing.assert_array_equal(reduced.values("gdp", "2019"), full.values("gdp", "2019"))
    assert isinstance(reduced.quarterly, Recomputed) and set(reduced.quarterly) == set(full.quarterly)
    np.testing.assert_array_equal(reduced.annual["retail"], full.annual["retail"])
    assert set(reduced.paths) == set(full.paths)
    assert all(np.array_equal(reduced.paths[k], full.paths[k], equal_nan=True) for k in full.paths)
    with pytest.raises(KeyError):
        reduced.quarterly["no_such_indicator"]


def test_inputs_are_cut_row_by_row_and_single_rows_left_whole(pair) -> None:
    _, reduced = pair
    inputs = reduced.inputs()
    cut = _rows(inputs, N, 100, 200)
    assert isinstance(cut, Inputs)
    np.testing.assert_array_equal(cut.noise, inputs.noise[100:200])
    for k, v in inputs.injections.items():
        assert cut.injections[k].shape[0] == (1 if v.shape[0] == 1 else 100)
    assert cut.span is inputs.span


def test_chunks_of_paths_join_into_one_call(pair, monkeypatch: pytest.MonkeyPatch) -> None:
    full, _ = pair
    inputs = full.inputs()  # before the patch: the own shocks' innovations are drawn again from the seed, by chunk
    monkeypatch.setattr(sampling, "CHUNK", 70)  # 300 = 4 x 70 + 20: a short last chunk
    paths = simulate_chunks(full.theta, inputs, N)
    assert all(np.array_equal(paths[k], full.paths[k], equal_nan=True) for k in full.paths)
    assert all(paths[k].shape[0] == full.paths[k].shape[0] for k in full.paths)  # (1, T) stays (1, T)
