"""Run every benchmark: ``python benchmarks/run.py [-k NAME] [--json FILE]``.

Importing the ``bench_*`` modules registers their cases with the harness.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import harness  # noqa: E402

for path in sorted(HERE.glob("bench_*.py")):
    importlib.import_module(path.stem)

if __name__ == "__main__":
    sys.exit(harness.main())
