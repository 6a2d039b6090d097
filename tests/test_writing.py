"""Writing results: the lock, the swap, the clean-up, symlinks, permissions and kills at random
moments (``model.present.output``)."""

import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

import model.present.output as output
from model.core.errors import UserError
from model.present.output import check_finite, folder_lock, write_dir_atomic, write_text_atomic


def _files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def _build(text: str, n: int = 3):
    def build(tmp: Path) -> None:
        for i in range(n):
            (tmp / f"f{i}.txt").write_text(text, encoding="utf-8")
    return build


def test_a_second_write_replaces_the_folder_and_leaves_nothing_beside_it(tmp_path):
    target = tmp_path / "res"
    write_dir_atomic(target, _build("old"))
    write_dir_atomic(target, _build("new", 2))
    assert _files(target) == {"f0.txt": "new", "f1.txt": "new"}
    assert [p.name for p in tmp_path.iterdir()] == ["res"]  # no lock file, no .tmp-, no .old-


def test_stale_temporaries_of_a_killed_run_are_cleaned_by_the_next_writer(tmp_path):
    target = tmp_path / "res"
    write_dir_atomic(target, _build("old"))
    for name in (".res.tmp-0123456789ab", ".res.old-ba9876543210"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "half.txt").write_text("half", encoding="utf-8")
    (tmp_path / ".other.tmp-1").mkdir()  # another folder's: not ours to remove
    write_dir_atomic(target, _build("new"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.tmp-1", "res"]
    assert set(_files(target).values()) == {"new"}


def test_an_old_folder_left_aside_by_a_two_rename_swap_is_put_back_even_if_the_next_build_fails(tmp_path):
    target = tmp_path / "res"
    aside = tmp_path / ".res.old-0123456789ab"
    aside.mkdir()
    (aside / "f0.txt").write_text("old", encoding="utf-8")

    def boom(tmp: Path) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_dir_atomic(target, boom)
    assert _files(target) == {"f0.txt": "old"}
    assert [p.name for p in tmp_path.iterdir()] == ["res"]


def test_without_an_atomic_exchange_two_renames_still_give_the_new_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    target = tmp_path / "res"
    write_dir_atomic(target, _build("old"))
    write_dir_atomic(target, _build("new"))
    assert set(_files(target).values()) == {"new"}
    assert [p.name for p in tmp_path.iterdir()] == ["res"]


def test_a_symlinked_results_folder_is_written_where_it_points_and_stays_a_link(tmp_path):
    real = tmp_path / "elsewhere" / "res"
    real.mkdir(parents=True)
    link = tmp_path / "res"
    link.symlink_to(real)
    assert write_dir_atomic(link, _build("new")) == link
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert set(_files(real).values()) == {"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "res"]
    assert [p.name for p in real.parent.iterdir()] == ["res"]


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_a_dangling_or_looping_symlink_is_refused_and_left_alone(tmp_path, kind):
    link = tmp_path / "res"
    if kind == "dangling":
        link.symlink_to(tmp_path / "gone")
    else:
        (tmp_path / "other").symlink_to(link)
        link.symlink_to(tmp_path / "other")
    with pytest.raises(UserError) as info:
        write_dir_atomic(link, _build("new"))
    assert str(info.value) == (f"--out: cannot write {link}: it is a symbolic link that points nowhere or loops; "
                               "remove it or point it at a folder")
    assert link.is_symlink() and not (tmp_path / "gone").exists()


def test_folders_and_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_dir_atomic(tmp_path / "res", _build("x"))
        write_text_atomic(tmp_path / "plan.toml", "x = 1\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "res").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "res" / "f0.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "plan.toml").stat().st_mode) == 0o644
    old = os.umask(0o077)
    try:
        write_dir_atomic(tmp_path / "private", _build("x"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "private").stat().st_mode) == 0o700


def test_a_writer_that_cannot_get_the_lock_gives_up_with_one_line_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "LOCK_TIMEOUT", 0.2)
    target = tmp_path / "res"
    write_dir_atomic(target, _build("old"))
    with folder_lock(target), pytest.raises(UserError) as info:
        write_dir_atomic(target, _build("new"))
    assert str(info.value) == (f"--out: cannot write {target}: another run is writing it (waited 0.2 s for "
                               f"{tmp_path / '.res.lock'}); try again when it has finished")
    assert set(_files(target).values()) == {"old"}
    assert [p.name for p in tmp_path.iterdir()] == ["res"]


def test_no_overwrite_refuses_an_existing_file_and_keeps_it(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text("# mine\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        write_text_atomic(path, "x = 1\n", overwrite=False)
    assert str(info.value) == f"--out: {path} exists; pass --force to replace it"
    assert path.read_text(encoding="utf-8") == "# mine\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.toml"]


def test_a_non_finite_number_names_the_file_the_column_and_the_row():
    frame = pd.DataFrame({"gdp": [1.0, float("inf")], "yoy": [float("nan"), 2.0]}, index=[2019, 2020])
    check_finite(frame[["yoy"]], "annual.csv", undefined_before=2020)  # a 2019 growth rate is undefined
    with pytest.raises(UserError) as info:
        check_finite(frame, "annual.csv", undefined_before=2020)
    assert str(info.value) == ("annual.csv: gdp: inf in row 2020; the inputs are beyond what the model can "
                               "represent (nothing written)")


# -- kills at random moments -----------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    import model.present.output as output
    if sys.argv[2] == "renames":
        output._exchange = lambda a, b: False
    target = Path(sys.argv[1])
    gen = 0
    while True:
        gen += 1
        def build(tmp, gen=gen):
            for i in range(20):
                (tmp / f"f{i:02d}.txt").write_text(str(gen) * 2000)
            (tmp / "MANIFEST").write_text(str(gen))
        output.write_dir_atomic(target, build)
        print(gen, flush=True)
""")


def _whole(target: Path) -> str:
    files = _files(target)
    gen = files.pop("MANIFEST")
    assert sorted(files) == [f"f{i:02d}.txt" for i in range(20)]
    assert all(v == gen * 2000 for v in files.values()), "a file from another generation"
    return gen


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["exchange", "renames"])
def test_killed_at_random_moments_the_folder_is_the_old_or_the_new_one_whole(tmp_path, mode):
    rng = random.Random(20200630)
    target = tmp_path / "res"
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    kills, seen = 0, False
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, str(script), str(target), mode], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "1" or target.exists()  # started writing
        time.sleep(rng.random() * 0.2)  # somewhere among the next writes
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        if mode == "renames":  # the documented recovery: the next writer puts the old folder back
            with folder_lock(target):
                output._recover(target)
        assert target.exists() or not seen, "the folder vanished"
        if target.exists():
            _whole(target)
            seen = True
    assert kills == 8 and seen
    write_dir_atomic(target, lambda tmp: (tmp / "MANIFEST").write_text("end"))
    assert [p.name for p in tmp_path.iterdir()] == ["res", "writer.py"]  # the litter is cleaned


@pytest.mark.slow
def test_a_real_run_killed_at_random_moments_leaves_the_old_or_the_new_result_whole(tmp_path):
    rng = random.Random(12)
    old_dir, new_dir, out = tmp_path / "old", tmp_path / "new", tmp_path / "out"
    cmd = [sys.executable, "-m", "model", "run", "--quiet"]
    new_args = ["--set", "projects_multiplier=1.4"]
    subprocess.run([*cmd, "--out", str(old_dir)], check=True)
    subprocess.run([*cmd, *new_args, "--out", str(new_dir)], check=True)
    old, new = (_files_bytes(d / "h2_plan") for d in (old_dir, new_dir))
    shutil.copytree(old_dir, out)
    for _ in range(5):
        proc = subprocess.Popen([*cmd, *new_args, "--out", str(out)])
        time.sleep(1.0 + rng.random() * 3.0)  # from the imports to the swap
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        got = _files_bytes(out / "h2_plan")
        assert set(got) == set(old), "a file is missing or extra"
        assert got["quarterly.csv"] in (old["quarterly.csv"], new["quarterly.csv"])
        same = new if got["quarterly.csv"] == new["quarterly.csv"] else old
        assert all(got[n] == same[n] for n in ("annual.csv", "quarterly.csv")), "files of two runs mixed"


def _files_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}
