"""The base of every scenario-file table: a frozen, strict pydantic model that rejects unknown keys."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Table"]


class Table(BaseModel):
    # strict: a TOML true or "160" is not a number; whole numbers are still accepted as floats
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
