"""The model's equation blocks: pure functions of parameters (``theta``) and paths.

Every array carries a leading draw axis: parameters are ``(n, 1)``, paths ``(n, T)``.  No block
reads data: what a block needs from the data (the base year, the trend estimates, prior centres)
arrives as an argument, built in :mod:`model.inputs`.
"""

from model.core.blocks import base_year, prices, property, retail, revenue, shock, trend

__all__ = ["base_year", "prices", "property", "retail", "revenue", "shock", "trend"]
