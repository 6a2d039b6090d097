"""The model's equation blocks: pure functions of parameters (``theta``) and paths.

Every array carries a leading draw axis: parameters are ``(n, 1)``, paths ``(n, T)``.
"""

from __future__ import annotations

from collections.abc import Iterator

from model.core.blocks import base_year, prices, property, retail, revenue, shock, trend
from model.core.parameters import Parameter

__all__ = ["base_year", "parameters", "prices", "property", "retail", "revenue", "shock", "trend"]


def parameters() -> Iterator[Parameter]:
    """Every block's parameters, in the order the blocks run."""
    for block in (base_year, trend, shock, prices, property, revenue, retail):
        yield from block.parameters()
