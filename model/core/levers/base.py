"""What a policy lever is, and the registry of lever types.

A lever turns its scenario table (a pydantic model) into one exogenous quarterly injection in 亿元,
and turns that injection into effects: real value added by sector, a direct effect on general public
budget revenue, and a fiscal cost.  A new lever is one new module with one :class:`Lever` subclass,
listed in :data:`model.core.levers.LEVER_TYPES`; nothing else in the code needs to change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, ClassVar

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict

from model.core.calendar import CALENDAR, Calendar
from model.core.parameters import Parameter
from model.core.periods import Span, parse_period

__all__ = [
    "Effect",
    "Lever",
    "LeverConfig",
    "Path",
    "path_array",
]


def _check_path(path: dict[str, float]) -> dict[str, float]:
    out = {}
    for key, value in path.items():
        try:
            p = parse_period(key)
        except ValueError:
            raise ValueError(f"{key!r} is not a quarter like 2020Q3") from None
        if not np.isfinite(value):
            raise ValueError(f"{key}: expected a finite number, got {value}")
        if value < 0:
            raise ValueError(f"{key}: expected a non-negative amount, got {value:g}")
        out[str(p)] = float(value)
    return out


Path = Annotated[dict[str, float], AfterValidator(_check_path)]
"""A quarterly path written as a TOML inline table, ``{ 2020Q3 = 150, 2020Q4 = 150 }``."""


class LeverConfig(BaseModel):
    """Base of every lever's scenario table: frozen, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    def periods(self) -> dict[str, list[str]]:
        """Every quarter named in this table, by field, for checking against the scenario's window."""
        return {k: list(v) for k, v in self.model_dump().items() if isinstance(v, dict)}

    def scaled(self, factor: float, field: str | None = None) -> LeverConfig:
        """A copy with every amount (or only ``field``) multiplied by ``factor``.

        Paths are scaled value by value; scalar amounts are scaled; periods and counts named in
        ``_not_scaled`` are left alone unless named as ``field``.  Scaling every amount scales the
        lever's injection by ``factor``.
        """
        data = self.model_dump()
        if field is not None and field not in data:
            raise ValueError(f"no field {field!r}; expected one of {', '.join(self.numeric_fields())}")
        names = [field] if field else [k for k in data if k not in self._not_scaled()]
        for k in names:
            v = data[k]
            if isinstance(v, dict):
                data[k] = {p: x * factor for p, x in v.items()}
            elif isinstance(v, int | float) and not isinstance(v, bool):
                data[k] = v * factor
        return type(self).model_validate(data)

    @classmethod
    def _not_scaled(cls) -> set[str]:
        return set()

    @classmethod
    def _shares(cls) -> set[str]:
        """Numeric fields that are shares or rates, not amounts: never scaled, even when named."""
        return set()

    @classmethod
    def numeric_fields(cls) -> tuple[str, ...]:
        """Fields that goal seek may scale: amounts and paths (not :meth:`_shares`)."""
        out = []
        for name, info in cls.model_fields.items():
            ann = str(info.annotation)
            if ("float" in ann or "dict" in ann) and name not in cls._shares():
                out.append(name)
        return tuple(out)


@dataclass(frozen=True)
class Effect:
    """A lever's effects, each of shape ``(n_draws, n_quarters)``.

    Attributes
    ----------
    gdp_real_digital, gdp_real_rest : ndarray
        Value added in 亿元 at 2019 prices, by sector.
    revenue : ndarray
        Direct effect on general public budget revenue, 亿元 (e.g. relief forgone); the indirect
        effect through GDP comes from the revenue block.
    cost : ndarray
        Net fiscal cost to the general public budget, 亿元 (revenue forgone or spending).
    injection : ndarray
        The lever's headline amount, 亿元 (relief granted, project spending, voucher subsidy).
    revenue_parts : mapping
        ``revenue`` by revenue component (``vat``, ``cit``, ..., ``nontax``; see
        :data:`model.core.blocks.revenue.COMPONENTS`); empty means all of it is ``other_tax``.
    retail : ndarray or None
        Retail sales the lever adds, 亿元 at current prices (None: none).
    """

    gdp_real_digital: np.ndarray
    gdp_real_rest: np.ndarray
    revenue: np.ndarray
    cost: np.ndarray
    injection: np.ndarray
    revenue_parts: Mapping[str, np.ndarray] = field(default_factory=dict)
    retail: np.ndarray | None = None


class Lever:
    """A lever type.  Subclasses set the class attributes and implement two methods."""

    name: ClassVar[str]
    title: ClassVar[str]
    config: ClassVar[type[LeverConfig]]
    parameters: ClassVar[tuple[Parameter, ...]]
    history_field: ClassVar[str]
    """The field of ``data/levers_h1.csv`` that holds this lever's H1 2020 injections."""

    @classmethod
    def injection(cls, cfg: LeverConfig, span: Span) -> np.ndarray:
        """The quarterly injection in 亿元 that ``cfg`` describes, shape ``(span.n,)``."""
        raise NotImplementedError

    @classmethod
    def transmit(
        cls, x: np.ndarray, theta: dict[str, np.ndarray], deflator: np.ndarray, span: Span | None = None, *,
        calendar: Calendar = CALENDAR,
    ) -> Effect:
        """Effects of injection ``x`` (shape ``(m, T)``, m = 1 or n_draws) given parameters ``theta``
        (arrays of shape ``(n, 1)``) and the GDP deflator (``(n, T)``, 2019 = 1), over ``span``
        (dates from ``calendar``; a lever that keys on a date, like the relief's repayment, needs it)."""
        raise NotImplementedError


def path_array(path: dict[str, float], span: Span) -> np.ndarray:
    """A ``{period: value}`` path as an array over ``span`` (zeros elsewhere)."""
    out = np.zeros(span.n)
    for key, value in path.items():
        out[span.index(key)] += value
    return out
