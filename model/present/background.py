"""Work for the second core while the first writes the rest: a forked child process.

``python -m model run`` draws three PNGs with matplotlib (about half a second on the 2-core
development machine, import included) while it also writes the CSVs, ``summary.json`` and the
workbook; :func:`start` does the drawing in a forked child so the two overlap.  The child only
writes files into the folder being built (:func:`model.present.output.write_dir_atomic`), and sends
back the function's result (the file names) through a pipe.  Where ``os.fork`` is missing
(Windows), or ``$HANGZHOU_MODEL_NO_FORK`` is set, the work runs in the calling process, with the
same result.  If the child fails for any reason, the work is done again in the calling process,
so its error is raised there, as one line or a traceback as usual; no error is ever lost.

Nothing is forked from a process that runs other threads (a notebook's kernel, a Dask client, a
progress bar's monitor, a test runner's spinner): a child of such a process gets only the forking
thread, and a lock another thread held at that moment (the import lock, a stream's, the allocator's)
would never be released in it.  There, too, the work runs in the calling process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["NO_FORK_ENV", "Worker", "can_fork", "in_parallel", "start"]

T = TypeVar("T")
NO_FORK_ENV = "HANGZHOU_MODEL_NO_FORK"
"""Set (to anything non-empty) to do the work in the calling process."""


def can_fork() -> bool:
    """Whether work may go to a forked child: ``os.fork`` exists, :data:`NO_FORK_ENV` is not set and
    this process runs no other thread."""
    return hasattr(os, "fork") and not os.environ.get(NO_FORK_ENV) and threading.active_count() == 1


def start(fn: Callable[..., T], *args: Any, **kwargs: Any) -> Callable[[], T]:
    """Start ``fn(*args, **kwargs)`` in a forked child; return a function that waits for it and
    returns its result."""
    if not can_fork():
        result = fn(*args, **kwargs)
        return lambda: result
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: do the work, send the result, leave without the parent's exit handlers
        code = 1
        try:
            os.close(read)
            data = pickle.dumps(fn(*args, **kwargs))
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
            code = 0
        except BaseException:
            pass
        finally:
            os._exit(code)
    os.close(write)

    def wait() -> T:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status == 0 and data:
            return pickle.loads(data)
        return fn(*args, **kwargs)

    return wait


def _read(fd: int) -> bytes:
    head = os.read(fd, 8)
    if len(head) < 8:
        return b""
    size, chunks = int.from_bytes(head, "little"), []
    while size > 0:
        part = os.read(fd, min(size, 1 << 20))
        if not part:
            return b""
        chunks.append(part)
        size -= len(part)
    return b"".join(chunks)


def _write(fd: int, data: bytes) -> None:
    view = memoryview(len(data).to_bytes(8, "little") + data)
    while view:
        view = view[os.write(fd, view):]


class Worker:
    """A forked child that gets ready (``warm()``, e.g. importing matplotlib) while the parent
    computes, then does the parent's jobs one at a time (:meth:`submit`).

    ``python -m model run`` starts one before it calibrates, so that importing matplotlib and
    loading the font (about 0.4 s) overlap the computation and the figures are drawn beside the
    writing of the other files.  Jobs and results travel as pickles through two pipes.  A job the
    worker cannot do (it failed, died, or there is no ``os.fork``) is done in the parent.  The
    worker ends when the parent closes it (:meth:`close`) or exits.
    """

    def __init__(self, warm: Callable[[], Any] | None = None) -> None:
        self.pid = 0
        if not can_fork():
            return
        jobs_r, self._jobs = os.pipe()
        self._results, results_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            os.close(self._jobs)
            os.close(self._results)
            code = 0
            try:
                if warm is not None:
                    warm()
                while data := _read(jobs_r):
                    fn, args, kwargs = pickle.loads(data)
                    try:
                        _write(results_w, pickle.dumps((True, fn(*args, **kwargs))))
                    except Exception:
                        _write(results_w, pickle.dumps((False, None)))
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(jobs_r)
        os.close(results_w)
        self.pid = pid

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Callable[[], T]:
        """Send ``fn(*args, **kwargs)`` to the worker; return a function that waits for its result
        (or, if the worker cannot do it, does it in this process)."""
        if self.pid:
            try:
                _write(self._jobs, pickle.dumps((fn, args, kwargs)))
            except (OSError, pickle.PicklingError, TypeError, AttributeError):
                self.close()
        if not self.pid:
            return start(fn, *args, **kwargs)

        def wait() -> T:
            try:
                data = _read(self._results)
                ok, value = pickle.loads(data) if data else (False, None)
            except OSError:
                ok, value = False, None
            if not ok:
                self.close()
                return fn(*args, **kwargs)
            return value

        return wait

    def close(self) -> None:
        """End the worker (it finishes no job after this) and reap it."""
        if not self.pid:
            return
        pid, self.pid = self.pid, 0
        for fd in (self._jobs, self._results):
            with contextlib.suppress(OSError):
                os.close(fd)
        try:
            os.kill(pid, 15)
            os.waitpid(pid, 0)
        except OSError:
            pass

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def in_parallel(jobs: Sequence[Callable[[], Any]]) -> None:
    """Do ``jobs`` (functions that write files and return nothing) at once: all but the last in
    forked children, the last here; a job whose child fails is done again here, so its error is
    raised here.  Without ``os.fork`` one after the other."""
    if not can_fork() or len(jobs) < 2:
        for job in jobs:
            job()
        return
    children = []
    for job in jobs[:-1]:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                job()
                code = 0
            except BaseException:
                pass
            finally:
                os._exit(code)
        children.append((pid, job))
    try:
        jobs[-1]()
    finally:
        failed = [job for pid, job in children if os.waitpid(pid, 0)[1] != 0]
    for job in failed:
        job()
