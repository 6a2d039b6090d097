"""The tables of a scenario file: the strict base every table shares, and ``[shocks.*]``.

``[uncertainty]`` and its priors live in :mod:`model.inputs.uncertainty_settings`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from model.core.periods import parse_period

__all__ = ["ShockTable", "Table"]


class Table(BaseModel):
    """A frozen, strict pydantic model that rejects unknown keys."""

    # strict: a TOML true or "160" is not a number; whole numbers are still accepted as floats
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)



class ShockTable(Table):
    """``[shocks.<name>]``: output lost against trend, from ``start``."""

    start: str
    """First quarter of the shock, like 2020Q4."""
    depth: float = Field(ge=-50.0, le=60.0, allow_inf_nan=False)
    """Percent of trend output lost in the first quarter (negative: a boost)."""
    sector: Literal["digital", "rest", "both"] = "both"
    decay: float = Field(default=0.5, ge=0.0, le=0.99, allow_inf_nan=False)
    """Quarterly decay of the transitory part."""
    persistent_share: float = Field(default=0.0, ge=0.0, le=1.0, allow_inf_nan=False)
    """Share of the loss that decays only at ``shock_persistent_decay``."""
    description: str = ""

    @field_validator("start")
    @classmethod
    def _quarter(cls, v: str) -> str:
        return str(parse_period(v))
