"""Policy levers: the explicit tuple :data:`LEVER_TYPES` and its read-only index :data:`REGISTRY`.

To add a lever, write a module with a :class:`~model.core.levers.base.Lever` subclass and add the
class to :data:`LEVER_TYPES` below (the tuple's order is the reporting order).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from model.core.levers.base import Effect, Lever, LeverConfig
from model.core.levers.consumption_events import ConsumptionEvents
from model.core.levers.major_projects import MajorProjects
from model.core.levers.tax_fee_relief import TaxFeeRelief

__all__ = ["LEVER_TYPES", "REGISTRY", "Effect", "Lever", "LeverConfig"]

LEVER_TYPES: tuple[type[Lever], ...] = (TaxFeeRelief, MajorProjects, ConsumptionEvents)
"""Every lever type, in reporting order."""


def _index(types: tuple[type[Lever], ...]) -> Mapping[str, type[Lever]]:
    names = [t.name for t in types]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"lever names declared twice: {dup}")
    return MappingProxyType({t.name: t for t in types})


REGISTRY: Mapping[str, type[Lever]] = _index(LEVER_TYPES)
"""The lever types by name (read-only), in the order of :data:`LEVER_TYPES`."""
