"""Lags along the quarter axis, by recursion over quarters vectorised over draws.

Every function here costs time and memory linear in the number of quarters ``T``: a geometric lag
is a first-order recursion, run as a loop over the few dozen quarters in which each step is one
vectorised operation on all draws (never a loop over draws, never a ``draws x T x T`` array).
"""

from __future__ import annotations

import numpy as np

__all__ = ["distributed_lag", "geometric_filter", "lag_matrix", "shift"]


def shift(x: np.ndarray, k: int | np.ndarray) -> np.ndarray:
    """``x`` (``(m, T)``) delayed by ``k`` quarters along the last axis, zeros shifted in.

    ``k`` is a whole number, or an ``(n, 1)`` array of them, one delay a row (then the result is
    ``(max(m, n), T)``).
    """
    k = np.asarray(k)
    if k.size == 1:
        k = int(k.flat[0])
        if k <= 0:
            return x
        out = np.zeros_like(x)
        out[..., k:] = x[..., :-k]
        return out
    t = x.shape[-1]
    rows = max(x.shape[0], k.shape[0])
    src = np.arange(t)[None, :] - k.reshape(-1, 1).astype(int)  # (n, T): the quarter each row reads
    taken = np.take_along_axis(np.broadcast_to(x, (rows, t)), np.broadcast_to(np.maximum(src, 0), (rows, t)), axis=1)
    return np.where(src >= 0, taken, 0.0)


def lag_matrix(x: np.ndarray) -> np.ndarray:
    """``out[j, t] = x[t - j]`` for ``t >= j``, else 0: the path ``x`` at every lag.

    ``(T, T)``: kept for tests and for checking the recursions against the matrix formula; no hot
    path uses it.
    """
    t = x.shape[-1]
    lags = np.subtract.outer(np.arange(t), np.arange(t)).T  # lags[j, t] = t - j
    return np.where(lags >= 0, x[np.maximum(lags, 0)], 0.0)


def geometric_filter(x: np.ndarray, a: float | np.ndarray) -> np.ndarray:
    r"""The first-order recursion :math:`y_t = a\,y_{t-1} + x_t`, :math:`y_{-1} = 0`, along the last axis.

    Equivalently :math:`y_t = \sum_{s \le t} a^{t-s} x_s`.  ``x`` is ``(m, T)``; ``a`` a number or
    an ``(n, 1)`` array, one coefficient a row; the result is ``(max(m, n), T)``, a new array.

    One vectorised multiply-add per quarter on a quarter-major copy (``(T, rows)``, contiguous), so
    the cost is :math:`O(\text{rows} \cdot T)` in time and memory.
    """
    x = np.asarray(x, dtype=float)
    a = np.asarray(a, dtype=float)
    t = x.shape[-1]
    rows = max(x.shape[0], a.reshape(-1, 1).shape[0] if a.ndim else 1)
    col = a.reshape(-1) if a.ndim else a  # (n,) or a scalar: one coefficient a row
    y = np.empty((t, rows))
    y[...] = x.T  # quarter-major, broadcast over the draws of ``a``
    if t == 0:
        return y.T
    tmp = np.empty(rows)
    for i in range(1, t):  # a loop over quarters, vectorised over draws
        np.multiply(y[i - 1], col, out=tmp)
        y[i] += tmp
    return np.ascontiguousarray(y.T)


def distributed_lag(x: np.ndarray, decay: np.ndarray) -> np.ndarray:
    r"""Spread ``x`` over the quarters that follow with geometric weights that sum to one.

    .. math:: y_t = \sum_{s \le t} (1 - \lambda) \lambda^{t-s} x_s
              \quad\Longleftrightarrow\quad y_t = \lambda\, y_{t-1} + (1 - \lambda)\, x_t

    ``decay`` (:math:`\lambda`) is ``(n, 1)``; ``x`` is ``(m, T)``; the result is
    ``(max(m, n), T)``.  Weight beyond the end of the span is lost, as it lies beyond the horizon.
    Computed by the recursion (:func:`geometric_filter`), linear in ``T``.
    """
    d = np.asarray(decay, dtype=float).reshape(-1, 1)
    return geometric_filter((1.0 - d) * x, d)
