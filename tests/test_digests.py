"""Every shipped scenario's output files are byte for byte those pinned in ``tests/data/digests.json``.

The digests were computed on the tree before the layered refactoring (commit fe164f9) by
``python tools/regenerate_digests.py --tree <a worktree of fe164f9>``.  A change that means to
change the numbers regenerates them in the same commit and says why (see that script).
"""

import importlib.util
import json
from pathlib import Path

import pytest

from model.cli import main

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("regenerate_digests", ROOT / "tools" / "regenerate_digests.py")
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)
PINNED = json.loads((ROOT / "tests" / "data" / "digests.json").read_text(encoding="utf-8"))


def test_the_pins_cover_every_shipped_scenario():
    assert PINNED["scenarios"] == tool.scenarios(ROOT)
    assert len(PINNED["files"]) == 3 * len(PINNED["scenarios"]) + 1


@pytest.mark.slow  # end-to-end CLI: runs every scenario with draws, and compare
def test_output_files_match_the_pinned_digests(tmp_path):
    for cmd in tool.commands(tmp_path, PINNED["scenarios"]):
        assert main(cmd) == 0
    names = [Path(s).stem for s in PINNED["scenarios"]]
    got = tool.digests(tmp_path, names)
    changed = sorted(f for f in PINNED["files"] if got[f] != PINNED["files"][f])
    assert changed == [], "outputs differ from the pinned digests; if meant, run tools/regenerate_digests.py"
