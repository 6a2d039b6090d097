#!/usr/bin/env bash
# Mutation testing of the core equations (model/core/blocks, model/core/levers, model/core/indicators.py)
# with the fast test tier (pytest -m "not slow"); configuration in pyproject.toml [tool.mutmut].
#
#   tools/mutation.sh            # run (about 15 min on 2 cores), then print the survivors
#   .venv/bin/mutmut show NAME   # the diff of one surviving mutant
#
# mutmut 3 copies the tree into mutants/ (git-ignored) and runs there.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export MPLBACKEND=Agg
"$PY" -m mutmut run --max-children "${MUTMUT_CHILDREN:-2}" || true
"$PY" -m mutmut results
