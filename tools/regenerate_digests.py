"""Pin the SHA-256 digests of the output files of every shipped scenario: ``tests/data/digests.json``.

``tests/test_digests.py`` reruns the same commands and compares, byte for byte: a refactoring must
not change a number.  When a change is *meant* to change the numbers (new data, a new equation, a
new default), regenerate the digests in the same commit and say why in its message::

    python tools/regenerate_digests.py                 # this tree
    python tools/regenerate_digests.py --tree DIR      # another checkout (e.g. a git worktree of an
                                                       # older commit), written into this tree's file

The commands are the command line's (unchanged for users across refactorings), so the digests of
an older tree and of this one are comparable: ``run`` of every scenario in ``scenarios/`` with
``--draws 50 --seed 1`` (quarterly.csv, annual.csv, fan.csv) and ``compare`` of every scenario
against the baseline with ``--draws 40 --seed 3`` (comparison.csv).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
DIGESTS = HERE / "tests" / "data" / "digests.json"
RUN_DRAWS, RUN_SEED = 50, 1
COMPARE_DRAWS, COMPARE_SEED = 40, 3
RUN_FILES = ("quarterly.csv", "annual.csv", "fan.csv")


def commands(out: Path, scenarios: list[str]) -> list[list[str]]:
    """The command-line arguments whose files are pinned (after ``python -m model``)."""
    return [
        ["run", *scenarios, "--out", str(out), "--quiet", "--draws", str(RUN_DRAWS), "--seed", str(RUN_SEED)],
        ["compare", "--out", str(out / "compare"), "--quiet", "--draws", str(COMPARE_DRAWS),
         "--seed", str(COMPARE_SEED)],
    ]


def scenarios(tree: Path) -> list[str]:
    return sorted(str(p.relative_to(tree)) for p in (tree / "scenarios").glob("*.toml"))


def digests(out: Path, names: list[str]) -> dict[str, str]:
    """SHA-256 of every pinned file under ``out``, by ``<scenario>/<file>``."""
    files = [f"{n}/{f}" for n in names for f in RUN_FILES] + ["compare/comparison.csv"]
    return {f: hashlib.sha256((out / f).read_bytes()).hexdigest() for f in files}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=HERE, help="checkout to run (default: this one)")
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    env = {**os.environ, "PYTHONPATH": str(tree), "MPLBACKEND": "Agg"}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        found = scenarios(tree)
        for cmd in commands(out, found):
            subprocess.run([sys.executable, "-m", "model", *cmd], cwd=tree, env=env, check=True,
                           stdout=subprocess.DEVNULL)
        names = [Path(s).stem for s in found]
        pinned = {"scenarios": found, "files": digests(out, names)}
    DIGESTS.parent.mkdir(parents=True, exist_ok=True)
    DIGESTS.write_text(json.dumps(pinned, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {DIGESTS} ({len(pinned['files'])} files, from {tree})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
