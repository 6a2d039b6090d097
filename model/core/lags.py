"""Lags along the quarter axis, as matrix products rather than loops over quarters."""

from __future__ import annotations

import numpy as np

__all__ = ["distributed_lag", "lag_matrix", "shift"]


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
    """``out[j, t] = x[t - j]`` for ``t >= j``, else 0: the path ``x`` at every lag."""
    t = x.shape[-1]
    lags = np.subtract.outer(np.arange(t), np.arange(t)).T  # lags[j, t] = t - j
    return np.where(lags >= 0, x[np.maximum(lags, 0)], 0.0)


def distributed_lag(x: np.ndarray, decay: np.ndarray) -> np.ndarray:
    r"""Spread ``x`` over the quarters that follow with geometric weights that sum to one.

    .. math:: y_t = \sum_{s \le t} (1 - \lambda) \lambda^{t-s} x_s

    ``decay`` (:math:`\lambda`) is ``(n, 1)``; ``x`` is ``(m, T)``.  Weight beyond the end of the
    span is lost, as it lies beyond the horizon.  One matrix product: with a single decay the
    ``(T, T)`` matrix of lag weights is shared by every row of ``x``; with a single path the
    ``(T, T)`` matrix of the path at every lag is shared by every draw of the decay.
    """
    t = x.shape[-1]
    d = np.asarray(decay, dtype=float).reshape(-1, 1)
    weights = (1.0 - d) * d ** np.arange(t)  # (n, T): weight of lag j
    if d.shape[0] == 1:
        return x @ lag_matrix(weights[0])
    if x.shape[0] == 1:
        return weights @ lag_matrix(x[0])
    lags = np.subtract.outer(np.arange(t), np.arange(t))  # lags[t, s] = t - s
    w = np.where(lags >= 0, weights[:, np.maximum(lags, 0)], 0.0)  # (n, T, T)
    return np.matmul(w, x[..., None])[..., 0]
