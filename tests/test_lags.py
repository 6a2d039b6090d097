"""The lags by recursion against the matrix formulas they replaced (issue 13), on seeded random inputs."""

from __future__ import annotations

import numpy as np
import pytest

from model.core.lags import distributed_lag, geometric_filter, lag_matrix


def _old_distributed_lag(x: np.ndarray, decay: np.ndarray) -> np.ndarray:
    """The matrix formula of the model before issue 13 (a ``draws x T x T`` array when both vary)."""
    t = x.shape[-1]
    d = np.asarray(decay, dtype=float).reshape(-1, 1)
    weights = (1.0 - d) * d ** np.arange(t)
    if d.shape[0] == 1:
        return x @ lag_matrix(weights[0])
    if x.shape[0] == 1:
        return weights @ lag_matrix(x[0])
    lags = np.subtract.outer(np.arange(t), np.arange(t))
    w = np.where(lags >= 0, weights[:, np.maximum(lags, 0)], 0.0)
    return np.matmul(w, x[..., None])[..., 0]


@pytest.mark.parametrize("rows", [(1, 1), (1, 50), (50, 1), (50, 50)])
@pytest.mark.parametrize("t", [1, 8, 32, 128])
def test_distributed_lag_equals_the_matrix_formula(rows: tuple[int, int], t: int) -> None:
    rng = np.random.default_rng(13 + t)
    m, n = rows
    x = rng.normal(100.0, 50.0, (m, t))
    d = rng.uniform(0.0, 0.95, (n, 1))
    new, old = distributed_lag(x, d), _old_distributed_lag(x, d)
    assert new.shape == old.shape == (max(m, n), t)
    np.testing.assert_allclose(new, old, rtol=1e-12, atol=1e-12 * np.abs(x).max())


def test_geometric_filter_equals_the_lag_matrix_product() -> None:
    """The AR(1) gap of the forecast shocks: ``e @ lag_matrix(a ** arange(T))`` before issue 13."""
    rng = np.random.default_rng(20200630)
    e = rng.standard_normal((200, 64))
    for a in (0.0, 0.5, 0.95):
        old = e @ lag_matrix(a ** np.arange(64))
        np.testing.assert_allclose(geometric_filter(e, a), old, rtol=1e-12, atol=1e-12)


def test_geometric_filter_edge_cases() -> None:
    x = np.array([[1.0, 2.0, 3.0]])
    assert np.array_equal(geometric_filter(x, 0.0), x)  # no memory: the input itself
    assert np.array_equal(geometric_filter(x, 1.0), np.cumsum(x, axis=1))  # a running sum
    assert np.array_equal(geometric_filter(x, np.array([[0.0], [1.0]])), np.r_[x, np.cumsum(x, axis=1)])
    assert geometric_filter(np.zeros((2, 0)), 0.5).shape == (2, 0)
    x0 = x.copy()
    geometric_filter(x, 0.5)
    assert np.array_equal(x, x0)  # the input is not modified
