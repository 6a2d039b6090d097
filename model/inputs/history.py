"""The H1 2020 policy history as simulation inputs: every lever's observed injections, no shocks.

The inputs of a span are built once and cached as immutable data (read-only arrays in a read-only
mapping): every run, goal-seek step and slider move used to filter the lever history with pandas
again.  The cache is tied to the data object it was built from, so new data rebuild it.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from model.core.levers import REGISTRY as LEVERS
from model.core.levers.base import path_array
from model.core.periods import Span
from model.core.simulate import Inputs
from model.inputs.base import base
from model.inputs.data import Data
from model.inputs.vintage import DEFAULT_VINTAGE, Vintage

__all__ = ["frozen_array", "history_inputs"]

_CACHE: dict[tuple[Span, Vintage], tuple[Data, Inputs]] = {}


def frozen_array(x: np.ndarray) -> np.ndarray:
    """``x`` marked read-only (in place) and returned, for inputs shared between calls."""
    x.flags.writeable = False
    return x


def history_inputs(span: Span, vintage: Vintage = DEFAULT_VINTAGE) -> Inputs:
    """Inputs with only the policy history (``levers_h1.csv`` up to the round) and no scenario shocks.

    ``vintage`` is the data folder and round (default: the project's data as of 2020Q2); the inputs
    carry its calendar.  Cached by span and vintage (for the same loaded data); the injections are
    read-only ``(1, T)`` arrays.
    """
    data = vintage.data
    key = (span, vintage)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is data:
        return hit[1]
    injections = {}
    for name, lever in LEVERS.items():
        hist = data.lever_history(name, lever.history_field)
        injections[name] = frozen_array(path_array({str(p): v for p, v in hist.items()}, span)[None, :])
    out = Inputs(span, base(vintage), MappingProxyType(injections), calendar=vintage.calendar)
    _CACHE[key] = (data, out)
    return out
