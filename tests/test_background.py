"""Work on the second core (model.present.background): the same results, and no error lost."""

import os
from pathlib import Path

import pytest

from model.present import background


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return path.name


def _fail(path: Path) -> None:
    raise ValueError(f"cannot draw {path.name}")


def _pid() -> int:
    return os.getpid()


def test_start_returns_the_childs_result(tmp_path) -> None:
    wait = background.start(_write, tmp_path / "a.txt", "一")
    assert wait() == "a.txt"
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "一"


def test_work_is_done_in_another_process(tmp_path) -> None:
    assert background.start(_pid)() != os.getpid()
    with background.Worker() as worker:
        assert worker.submit(_pid)() not in (os.getpid(), 0)


def test_a_failed_child_is_done_again_here_and_raises(tmp_path) -> None:
    with pytest.raises(ValueError, match="cannot draw x.png"):
        background.start(_fail, tmp_path / "x.png")()
    with background.Worker() as worker, pytest.raises(ValueError, match="cannot draw y.png"):
        worker.submit(_fail, tmp_path / "y.png")()


def test_a_worker_does_jobs_one_after_another_after_warming_up(tmp_path) -> None:
    warmed = tmp_path / "warm"
    with background.Worker(warm=lambda: warmed.write_text("ok")) as worker:
        assert worker.submit(_write, tmp_path / "a", "1")() == "a"
        assert worker.submit(_write, tmp_path / "b", "2")() == "b"
    assert warmed.read_text() == "ok"
    assert worker.pid == 0  # closed and reaped


def test_without_fork_the_work_is_done_here(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(background.NO_FORK_ENV, "1")
    assert background.start(_pid)() == os.getpid()
    with background.Worker() as worker:
        assert worker.pid == 0 and worker.submit(_pid)() == os.getpid()


def test_in_parallel_writes_every_file_and_raises_a_childs_error(tmp_path) -> None:
    background.in_parallel([lambda i=i: _write(tmp_path / f"{i}.txt", str(i)) for i in range(3)])
    assert sorted(p.read_text() for p in tmp_path.glob("*.txt")) == ["0", "1", "2"]
    with pytest.raises(ValueError, match="cannot draw z.png"):
        background.in_parallel([lambda: _fail(tmp_path / "z.png"), lambda: None])


@pytest.mark.slow
def test_figures_in_parallel_are_the_same_bytes(tmp_path) -> None:
    import model
    from model.present.report import figures

    r = model.run("scenarios/h2_plan.toml")
    (tmp_path / "one").mkdir()
    (tmp_path / "par").mkdir()
    names = figures(r, tmp_path / "one")
    assert figures(r, tmp_path / "par", parallel=True) == names
    assert all((tmp_path / "one" / n).read_bytes() == (tmp_path / "par" / n).read_bytes() for n in names)


def test_nothing_is_forked_from_a_process_with_other_threads(tmp_path) -> None:
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not background.can_fork()
        assert background.start(_pid)() == os.getpid()
        with background.Worker() as worker:
            assert worker.pid == 0 and worker.submit(_pid)() == os.getpid()
    finally:
        stop.set()
        other.join()
    assert background.can_fork() == hasattr(os, "fork")
