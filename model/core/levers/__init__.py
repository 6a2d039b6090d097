"""Policy levers.  Importing this package registers every lever type in :data:`REGISTRY`.

To add a lever, write a module with a :class:`~model.core.levers.base.Lever` subclass decorated with
:func:`~model.core.levers.base.register`, and import it below (the import order is the reporting order).
"""

# isort: off
from model.core.levers import tax_fee_relief, major_projects, consumption_events  # noqa: F401
# isort: on
from model.core.levers.base import REGISTRY, Effect, Lever, LeverConfig

__all__ = ["REGISTRY", "Effect", "Lever", "LeverConfig"]
