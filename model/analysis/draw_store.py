"""What a Monte Carlo keeps of its draws, and the chunked simulation that produces it.

Up to :data:`KEEP_PATHS` draws a Monte Carlo keeps every draw's paths (about 4 KB a draw, and its
indicators another 7.5 KB once asked for).  Beyond that, each chunk of
:data:`~model.analysis.sampling.CHUNK` draws is reduced as soon as it is simulated to the
indicators its outputs read (:class:`Kept`: the fan's quarterly indicators from
:data:`~model.analysis.draws.FAN_START`, the calendar-year ones, the thresholds' variables), in
float64, so a million draws fit in memory.  Anything else (the full paths, another indicator) is
simulated again chunk by chunk from the draws' parameters and innovations when asked for.

The model is row by row in the draws, so whichever way the rows are cut into chunks the numbers
are the same, bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from model.analysis.sampling import chunks
from model.core import indicators
from model.core.progress import progress_bar
from model.core.simulate import Inputs, simulate

__all__ = ["KEEP_PATHS", "Kept", "Recomputed", "simulate_chunks"]

KEEP_PATHS = 20_000
"""Most draws for which a Monte Carlo keeps every path (beyond: :class:`Kept`)."""


@dataclass(frozen=True, eq=False)
class Kept:
    """The reduced draws: quarterly indicators ``(n, T - first)`` over the span's quarters from
    position ``first`` on, calendar-year indicators ``(n, years)`` over the span's years."""

    first: int
    quarterly: dict[str, np.ndarray]
    annual: dict[str, np.ndarray]

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (*self.quarterly.values(), *self.annual.values()))


def _rows(inputs: Inputs, n: int, lo: int, hi: int) -> Inputs:
    """``inputs`` of ``n`` draws cut to the draws ``lo:hi``: every array (and mapping of arrays)
    with a row a draw; arrays with one row (the same in every draw) are left as they are."""

    def cut(x: Any) -> Any:
        if isinstance(x, np.ndarray):
            return x[lo:hi] if x.ndim == 2 and x.shape[0] == n and n > 1 else x
        if isinstance(x, Mapping):
            return {k: cut(v) for k, v in x.items()}
        return x

    return replace(inputs, **{f.name: cut(getattr(inputs, f.name)) for f in fields(inputs)
                              if isinstance(getattr(inputs, f.name), np.ndarray | Mapping)})


def simulate_chunks(
    theta: Mapping[str, np.ndarray], inputs: Inputs, n: int, reduce: Callable[[dict[str, np.ndarray]], dict] | None = None,
    *, progress: bool | None = False, name: str = "",
) -> dict:
    """:func:`simulate` of ``n`` draws in chunks of :data:`~model.analysis.sampling.CHUNK` (one
    call for up to a chunk), each chunk's paths passed through ``reduce`` (default: kept whole) as
    soon as it is simulated, the pieces put together in order; a progress bar advances a chunk at
    a time.

    Arrays that do not vary by draw (``(1, T)``, e.g. a lever's injection) stay ``(1, T)``."""
    reduce = reduce or (lambda paths: paths)
    parts = chunks(n)
    if len(parts) == 1:
        return reduce(simulate(theta, inputs))

    def rows(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
        return x if x.shape[0] == 1 else x[lo:hi]

    out: dict = {}
    constant: set = set()  # keys whose arrays have had one row in every chunk so far
    with progress_bar(n, f"{name}: paths", progress) as bar:
        lo = 0
        for _, m in parts:
            hi = lo + m
            piece = reduce(simulate({k: rows(v, lo, hi) for k, v in theta.items()}, _rows(inputs, n, lo, hi)))
            for k, a in piece.items():  # written into the whole as it comes: no chunk is kept
                if a.shape[0] == 1 and (k in constant or (lo == 0 and m > 1)):
                    if lo == 0:
                        out[k] = a
                        constant.add(k)
                    continue  # the same in every draw
                if k in constant:  # one row so far, rows now: the rows before were that row
                    whole = np.empty((n, *a.shape[1:]), dtype=np.result_type(out[k], a))
                    whole[:lo] = out[k]
                    out[k] = whole
                    constant.discard(k)
                elif k not in out:
                    out[k] = np.empty((n, *a.shape[1:]), dtype=a.dtype)
                out[k][lo:hi] = a
            del piece
            bar.update(m)
            lo = hi
    return out


def keep(quarterly: tuple[str, ...], annual: tuple[str, ...], first: int) -> Callable[[dict[str, np.ndarray]], dict]:
    """A ``reduce`` for :func:`simulate_chunks`: the ``quarterly`` indicators from position
    ``first`` and the ``annual`` ones (keys ``("q", name)`` and ``("a", name)``)."""

    def reduce(paths: dict[str, np.ndarray]) -> dict:
        q, a = indicators.quarterly(paths), indicators.annual(paths)
        return {**{("q", v): np.ascontiguousarray(q[v][:, first:]) for v in quarterly},
                **{("a", v): a[v] for v in annual}}

    return reduce


def kept(pieces: dict, first: int) -> Kept:
    """The :class:`Kept` of what :func:`keep` reduced."""
    return Kept(first, {v: x for (f, v), x in pieces.items() if f == "q"},
                {v: x for (f, v), x in pieces.items() if f == "a"})


class Recomputed(Mapping[str, np.ndarray]):
    """Indicators of every draw, simulated again chunk by chunk when first asked for (one
    indicator at a time; each is cached), ``(n, T)`` or ``(n, years)``."""

    def __init__(self, annual: bool, names: tuple[str, ...], compute: Callable[[str], np.ndarray]) -> None:
        self._annual, self._names, self._compute = annual, names, compute
        self._cache: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            if name not in self._names:
                raise KeyError(name)
            self._cache[name] = self._compute(name)
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)
