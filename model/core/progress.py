"""Progress bars: on a terminal for work that takes a while, silent everywhere else.

One helper for every long loop (Monte Carlo draws, Sobol samples), so that they all behave alike:
a :mod:`tqdm` bar on stderr that appears only once the work has taken :data:`DELAY` seconds, and
only when stderr is a terminal (never in a pipe, a log file, a notebook kernel's captured stderr
or a test).  A leaf module: it imports nothing from the model.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["DELAY", "progress_bar", "wants_progress"]

DELAY = 2.0
"""Seconds before a bar appears.  Reason: a deterministic run takes about one second; a bar for
work shorter than two seconds only flickers, longer work without one looks hung."""


def wants_progress(enabled: bool | None) -> bool:
    """``enabled``, or by default whether stderr is a terminal."""
    if enabled is not None:
        return enabled
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


def progress_bar(total: int, desc: str, enabled: bool | None = None, *, unit: str = "draw") -> Any:
    """A context-manager bar of ``total`` steps (call ``.update(k)``), shown per :func:`wants_progress`
    once the work has taken :data:`DELAY` seconds; disabled, it costs nothing and prints nothing."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not wants_progress(enabled), delay=DELAY,
                leave=False, file=sys.stderr)
