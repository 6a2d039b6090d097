"""The H1 2020 policy history as simulation inputs: every lever's observed injections, no shocks."""

from __future__ import annotations

from model.core.levers import REGISTRY as LEVERS
from model.core.levers.base import path_array
from model.core.periods import Span
from model.core.simulate import Inputs
from model.inputs.base import base
from model.inputs.data import load_data

__all__ = ["history_inputs"]


def history_inputs(span: Span) -> Inputs:
    """Inputs with only the H1 2020 levers (from ``data/levers_h1.csv``) and no scenario shocks."""
    data = load_data()
    injections = {}
    for name, lever in LEVERS.items():
        hist = data.lever_history(name, lever.history_field)
        injections[name] = path_array({str(p): v for p, v in hist.items()}, span)[None, :]
    return Inputs(span, base(), injections)
