"""Shared fixtures.

Every test runs in a fresh copy of the project made of symbolic links (``project`` below): the
code, data, docs and notebooks of the checkout, a ``scenarios/`` folder that holds only the shipped
scenarios (those under version control), and an empty ``results/``.  So relative scenario paths
resolve as they do for a user, a test can only ever write into a temporary folder, and a stray
scenario a developer left in ``scenarios/`` is never picked up.
"""

import os
import shutil
import subprocess
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent


def _shipped() -> list[Path]:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "scenarios/*.toml"], capture_output=True,
                             text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: every file there
        out = []
    if not out:  # not a checkout, or an ignored copy inside one (mutmut's mutants/): every file there
        return sorted((ROOT / "scenarios").glob("*.toml"))
    return sorted(ROOT / p for p in out)


SHIPPED_SCENARIOS = _shipped()
"""The scenario files that come with the model (absolute paths in the checkout)."""


@pytest.fixture(autouse=True)
def project(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh mirror of the project as the working directory (see the module docstring)."""
    work = tmp_path_factory.mktemp("project")
    for entry in ROOT.iterdir():
        if entry.name not in ("results", "scenarios", ".git"):
            (work / entry.name).symlink_to(entry)
    (work / "scenarios").mkdir()
    for p in SHIPPED_SCENARIOS:
        (work / "scenarios" / p.name).symlink_to(p)
    (work / "results").mkdir()
    if (ROOT / "results" / "README.md").is_file():
        shutil.copy(ROOT / "results" / "README.md", work / "results" / "README.md")
    monkeypatch.chdir(work)
    # child processes (notebook kernels, `python -m model`) import this checkout's model, not an
    # installed copy
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    os.environ.setdefault("MPLBACKEND", "Agg")
    # font subsets are cached in a folder of the session, never in the user's ~/.cache
    monkeypatch.setenv("HANGZHOU_MODEL_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
    return work
