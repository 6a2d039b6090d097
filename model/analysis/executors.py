"""Where the chunks of a Monte Carlo run: in this process, on a local process pool, or on Dask.

Every backend runs the same function on the same chunks (fixed size, each with its own seed
streams) and returns the results in chunk order, so the output is byte-identical whichever runs
them and however many workers there are.  ``scheduler`` is ``None`` (this machine: ``workers``
processes), ``"local"`` (a :class:`dask.distributed.LocalCluster` of ``workers`` workers) or the
address of an existing Dask scheduler (``tcp://host:8786``).  dask is imported only when used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from model.core.errors import UserError

__all__ = ["CONNECT_TIMEOUT", "map_chunks"]

CONNECT_TIMEOUT = 5
"""Seconds to wait for a Dask scheduler before giving up with a one-line error."""


def map_chunks(
    func: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], *, workers: int = 1, scheduler: str | None = None,
    done: Callable[[int], None] | None = None,
) -> list[Any]:
    """``[func(*t) for t in tasks]``, computed on the chosen backend, in the order of ``tasks``.

    ``done(i)`` is called as task ``i`` finishes (for a progress bar).

    Raises
    ------
    UserError
        When the Dask scheduler at ``scheduler`` cannot be reached, or dask is not installed.
    """
    done = done or (lambda i: None)
    if scheduler is not None:
        return _dask(func, tasks, workers, scheduler, done)
    if workers == 1 or len(tasks) == 1:
        out = []
        for i, t in enumerate(tasks):
            out.append(func(*t))
            done(i)
        return out
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    results: list[Any] = [None] * len(tasks)
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=ctx) as pool:
        futures = {pool.submit(func, *t): i for i, t in enumerate(tasks)}
        for f in as_completed(futures):
            results[futures[f]] = f.result()
            done(futures[f])
    return results


def _dask(func: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], workers: int, scheduler: str,
          done: Callable[[int], None]) -> list[Any]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise UserError('needs dask.distributed: pip install "hangzhou-scenario-model[dask]"',
                        key="--scheduler") from None
    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=False,
                                   dashboard_address=None)
            client = Client(cluster)
        else:
            try:
                client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError):
                raise UserError(f"cannot reach a Dask scheduler at {scheduler!r} (within {CONNECT_TIMEOUT} s)",
                                key="--scheduler") from None
        with client:
            futures = [client.submit(func, *t, pure=False) for t in tasks]
            index = {f.key: i for i, f in enumerate(futures)}
            for f in as_completed(futures):
                done(index[f.key])
            return client.gather(futures)
    finally:
        if cluster is not None:
            cluster.close()
