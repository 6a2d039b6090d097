"""Markdown tables: the one helper every report uses (a leaf: it imports nothing of the model)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["md_table", "number_word"]


def md_table(frame: pd.DataFrame, *, digits: int = 2, index: bool = True) -> str:
    """A GitHub-flavoured markdown table (no extra dependency)."""
    df = frame.reset_index() if index else frame

    def cell(v: object) -> str:
        if isinstance(v, float | np.floating):
            return "" if not np.isfinite(v) else f"{v:,.{digits}f}"
        return str(v)

    head = "| " + " | ".join(str(c) for c in df.columns) + " |"
    rule = "|" + "|".join("---" for _ in df.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


def number_word(n: int) -> str:
    """A count as a word up to ten (``six targets``), as digits above."""
    return ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")[n] if 0 <= n <= 10 else str(n)
