"""Start-up (issue 13): heavy libraries are imported only where needed; ``run --no-figures``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _modules(code: str) -> set[str]:
    """Top-level packages imported after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport sys, json; print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_help_imports_no_heavy_library() -> None:
    mods = _modules("import contextlib\nfrom model.cli import main\n"
                    "with contextlib.redirect_stdout(None):\n    try:\n        main(['--help'])\n"
                    "    except SystemExit:\n        pass")
    assert not mods & {"scipy", "statsmodels", "matplotlib", "pandas", "SALib"}


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_run_without_figures_imports_neither_matplotlib_nor_statsmodels(tmp_path: Path) -> None:
    mods = _modules(f"from model.cli import main\nassert main(['run', '--quiet', '--no-figures', '--out', {str(tmp_path)!r}]) == 0")
    assert not mods & {"statsmodels", "matplotlib", "SALib"}
    written = sorted(p.name for p in (tmp_path / "h2_plan").iterdir())
    assert written == ["annual.csv", "briefing.html", "quarterly.csv", "report.md", "results.xlsx", "summary.json"]
    assert "## Figures" not in (tmp_path / "h2_plan" / "report.md").read_text(encoding="utf-8")


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_no_figures_changes_only_the_figures(tmp_path: Path) -> None:
    from model.cli import main

    assert main(["run", "--quiet", "--out", str(tmp_path / "a")]) == 0
    assert main(["run", "--quiet", "--no-figures", "--out", str(tmp_path / "b")]) == 0
    a, b = tmp_path / "a" / "h2_plan", tmp_path / "b" / "h2_plan"
    assert {p.name for p in a.iterdir()} - {p.name for p in b.iterdir()} == {
        "gdp_growth.png", "revenue.png", "levels_and_levers.png"}
    for name in ("quarterly.csv", "annual.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    sa, sb = (json.loads((d / "summary.json").read_text(encoding="utf-8")) for d in (a, b))
    assert sa["inputs"].pop("command") != sb["inputs"].pop("command")  # the command as typed differs
    assert sa == sb


def test_version_is_read_lazily() -> None:
    import model

    assert isinstance(model.__version__, str)
    assert callable(model.run)
    assert "run" in dir(model)
