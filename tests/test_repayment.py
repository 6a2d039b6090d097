"""The deferrals' repayment is linear in the horizon and equals the 0/1-matrix definition."""

import numpy as np
import pytest

from model.core.levers.tax_fee_relief import repayment
from model.core.periods import Span

SPAN = Span(2018, 2025)


def _by_matrix(x: np.ndarray, lag: np.ndarray, due: np.ndarray) -> np.ndarray:
    """Deferral of quarter s repaid in max(s + lag, 2020Q1 + due): the (draws, T, T) 0/1 matrix."""
    t = SPAN.n
    s = np.arange(t)
    when = np.maximum(s[None, :] + lag.reshape(-1, 1), SPAN.index("2020Q1") + due.reshape(-1, 1))
    send = when[:, :, None] == s[None, None, :]
    rows = max(x.shape[0], send.shape[0])
    return np.einsum("rs,rst->rt", np.broadcast_to(x, (rows, t)), np.broadcast_to(send, (rows, t, t)).astype(float))


@pytest.mark.parametrize(("rows_x", "rows_lag"), [(1, 1), (6, 1), (1, 6), (6, 6)])
def test_repayment_equals_the_matrix_definition(rows_x: int, rows_lag: int) -> None:
    rng = np.random.default_rng(rows_x * 10 + rows_lag)
    x = rng.random((rows_x, SPAN.n))
    lag, due = rng.integers(1, 6, (rows_lag, 1)), rng.integers(2, 8, (rows_lag, 1))
    got = repayment(x, lag, due, SPAN)
    assert got.shape == (max(rows_x, rows_lag), SPAN.n)
    np.testing.assert_array_equal(got, _by_matrix(x, lag, due))


def test_what_falls_due_beyond_the_span_is_not_in_it() -> None:
    x = np.zeros((1, SPAN.n))
    x[0, -1] = 5.0  # granted in the last quarter, due a quarter later
    assert repayment(x, np.array([1]), np.array([0]), SPAN).sum() == 0.0
    x[0, -2] = 3.0
    assert repayment(x, np.array([1]), np.array([0]), SPAN)[0, -1] == 3.0
