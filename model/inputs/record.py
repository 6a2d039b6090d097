"""The method's stored track record, ``data/track_record.json``, which every forecast quotes.

The file is written by ``python -m model backtest --update-record`` (the backtest of the method on
the releases in ``data/``, as of 2020Q2) and committed, so a run reads a few numbers instead of
re-running the backtest.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from model.inputs.paths import DATA_DIR

__all__ = ["RECORD_FILE", "RUN_METHOD", "load_record", "record_line"]

RECORD_FILE = DATA_DIR / "track_record.json"


@cache
def load_record() -> dict[str, Any] | None:
    """The stored record, or ``None`` if the file is absent."""
    if not RECORD_FILE.is_file():
        return None
    return json.loads(RECORD_FILE.read_text(encoding="utf-8"))


RUN_METHOD = "anchored"
"""The trend estimator of the scenario model's 2020 run (:data:`model.inputs.run_trend.TREND_ESTIMATOR`;
``tests/test_run_trend.py`` checks the two agree)."""


def record_line(record: dict[str, Any] | None, stage: str = "H1", region: str = "all", method: str = RUN_METHOD) -> str:
    """One line such as ``H1 -> full year, n = 27 (...): RMSE 0.81 pp, ... 90% band covered 93%``."""
    s = None if record is None else record["methods"].get(method, {}).get(region, {}).get(stage)
    if s is None:
        return f"no backtest record for {method} {region} {stage}"
    return (f"{stage} -> full year, n = {s['n']} ({region} regions, backtest as of {record['as_of']}, "
            f"{method} trend): RMSE {s['rmse']:.2f} pp, bias {s['bias']:+.2f} pp, "
            f"90% band covered {100 * s['coverage90']:.0f}%, CRPS {s['crps']:.2f}")
