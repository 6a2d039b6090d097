"""Work on the second core (model.present.background): the same results, and no error lost.

A test process runs other threads (those earlier tests leave behind, a plugin's), and nothing is
forked from such a process (:func:`model.present.background.can_fork`), so the tests of the forked
paths run their checks in a fresh, single-threaded Python."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from model.present import background

ROOT = Path(__file__).resolve().parent.parent

HELPERS = '''
import os, sys, threading
from pathlib import Path
import pytest
from model.present import background

def write(path, text):
    Path(path).write_text(text, encoding="utf-8")
    return Path(path).name

def fail(path):
    raise ValueError(f"cannot draw {Path(path).name}")

def pid():
    return os.getpid()

tmp = Path(sys.argv[1])
assert background.can_fork() == hasattr(os, "fork")
'''


def _fresh(tmp_path: Path, body: str) -> None:
    """Run ``body`` (after :data:`HELPERS`) in a fresh Python; fail with its output if it fails."""
    code = HELPERS + textwrap.dedent(body)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    env.pop(background.NO_FORK_ENV, None)
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork here: everything runs in the calling process")
def test_forked_work_returns_the_childs_result_and_a_failure_is_raised_here(tmp_path) -> None:
    _fresh(tmp_path, '''
        assert background.start(write, tmp / "a.txt", "一")() == "a.txt"
        assert (tmp / "a.txt").read_text(encoding="utf-8") == "一"
        assert background.start(pid)() != os.getpid()            # done in another process
        with pytest.raises(ValueError, match="cannot draw x.png"):  # a failed child: done again here
            background.start(fail, tmp / "x.png")()
    ''')


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork here: everything runs in the calling process")
def test_a_worker_warms_up_then_does_jobs_one_after_another(tmp_path) -> None:
    _fresh(tmp_path, '''
        warmed = tmp / "warm"
        with background.Worker(warm=lambda: warmed.write_text("ok")) as worker:
            assert worker.pid != 0
            assert worker.submit(pid)() not in (os.getpid(), 0)
            assert worker.submit(write, tmp / "a", "1")() == "a"
            assert worker.submit(write, tmp / "b", "2")() == "b"
            with pytest.raises(ValueError, match="cannot draw y.png"):
                worker.submit(fail, tmp / "y.png")()
        assert warmed.read_text() == "ok"
        assert worker.pid == 0  # closed and reaped
    ''')


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork here: everything runs in the calling process")
def test_in_parallel_writes_every_file_and_raises_a_childs_error(tmp_path) -> None:
    _fresh(tmp_path, '''
        background.in_parallel([lambda i=i: write(tmp / f"{i}.txt", str(i)) for i in range(3)])
        assert sorted(p.read_text() for p in tmp.glob("*.txt")) == ["0", "1", "2"]
        with pytest.raises(ValueError, match="cannot draw z.png"):
            background.in_parallel([lambda: fail(tmp / "z.png"), lambda: None])
    ''')


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork here: everything runs in the calling process")
def test_nothing_is_forked_from_a_process_with_other_threads(tmp_path) -> None:
    _fresh(tmp_path, '''
        stop = threading.Event()
        other = threading.Thread(target=stop.wait)
        other.start()
        try:
            assert not background.can_fork()
            assert background.start(pid)() == os.getpid()
            with background.Worker() as worker:
                assert worker.pid == 0 and worker.submit(pid)() == os.getpid()
        finally:
            stop.set()
            other.join()
        assert background.can_fork()
    ''')


def test_without_fork_the_work_is_done_here(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(background.NO_FORK_ENV, "1")
    assert not background.can_fork()
    assert background.start(os.getpid)() == os.getpid()
    with background.Worker() as worker:
        assert worker.pid == 0 and worker.submit(os.getpid)() == os.getpid()
    out = []
    background.in_parallel([lambda: out.append(1), lambda: out.append(2)])
    assert out == [1, 2]


@pytest.mark.slow
def test_figures_in_parallel_are_the_same_bytes(tmp_path) -> None:
    _fresh(tmp_path, '''
        import model
        from model.present.report import figures

        r = model.run("scenarios/h2_plan.toml")
        (tmp / "one").mkdir()
        (tmp / "par").mkdir()
        names = figures(r, tmp / "one")
        assert figures(r, tmp / "par", parallel=True) == names
        assert all((tmp / "one" / n).read_bytes() == (tmp / "par" / n).read_bytes() for n in names)
    ''')
