"""What goal seek is asked: targets ``VAR@PERIOD=VALUE`` and instruments ``LEVER[.FIELD]``,
parsed and checked against a scenario before anything runs."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches

import numpy as np

from model.core.errors import UserError
from model.core.indicators import At, split_at
from model.core.levers import REGISTRY as LEVERS
from model.core.periods import parse_period
from model.inputs.scenario import FIRST_SCENARIO_QUARTER, Scenario

__all__ = ["Instrument", "Target", "check_target", "parse_instrument", "parse_target"]


@dataclass(frozen=True)
class Target(At):
    """``variable`` at ``period`` (a quarter ``2020Q4`` or a year ``2020``) should equal ``value``."""

    value: float

    @property
    def label(self) -> str:
        return self.at

    def __str__(self) -> str:
        return f"{self.label}={self.value:g}"


def parse_target(text: str) -> Target:
    """Parse ``VAR@PERIOD=VALUE``; the variable is checked later, against a run.

    Raises
    ------
    UserError
        If the text is not of that form, the period is neither a quarter nor a year, or the value
        is not a finite number.
    """
    key = f"--target {text}"
    lhs, eq, value = str(text).partition("=")
    if not (eq and "@" in lhs):
        raise UserError(f"expected VAR@PERIOD=VALUE, like gdp_real_yoy_ytd@2020Q4=5.0, got {text!r}", key="--target")
    try:
        variable, period = split_at(lhs)
    except ValueError as exc:
        raise UserError(str(exc).replace("VARIABLE@PERIOD", "VAR@PERIOD=VALUE"), key=key) from None
    try:
        x = float(value)
    except ValueError:
        raise UserError(f"expected a number after '=', got {value!r}", key=key) from None
    if not np.isfinite(x):
        raise UserError(f"expected a finite number after '=', got {value!r}", key=key)
    return Target(variable, period, x)


@dataclass(frozen=True)
class Instrument:
    """Lever ``lever`` scaled as a whole (``field`` None) or only its ``field``."""

    lever: str
    field: str | None = None

    @property
    def label(self) -> str:
        return self.lever if self.field is None else f"{self.lever}.{self.field}"

    def __str__(self) -> str:
        return self.label


def parse_instrument(text: str, scenario: Scenario) -> Instrument:
    """Parse ``LEVER`` or ``LEVER.FIELD`` and check it against ``scenario``.

    Raises
    ------
    UserError
        For an unknown lever or field (with the closest name), a field that is not an amount, or a
        lever the scenario does not set (a lever absent from the scenario cannot be scaled).
    """
    key = f"--instrument {text}"
    lever, _, field = str(text).strip().partition(".")
    if lever not in LEVERS:
        near = get_close_matches(lever, list(LEVERS), n=1)
        hint = f"did you mean {near[0]!r}?" if near else f"expected one of {', '.join(LEVERS)}"
        raise UserError(f"unknown lever {lever!r}; {hint}", key=key)
    config = LEVERS[lever].config
    scalable = config.numeric_fields()
    if field:
        if field not in config.model_fields:
            near = get_close_matches(field, list(scalable), n=1)
            hint = f"did you mean {near[0]!r}?" if near else f"expected one of {', '.join(scalable)}"
            raise UserError(f"lever {lever!r} has no field {field!r}; {hint}", key=key)
        if field not in scalable:
            raise UserError(f"field {field!r} is not an amount and cannot be scaled; expected one of "
                            f"{', '.join(scalable)}", key=key)
    if lever not in scenario.lever_configs():
        raise UserError(
            f"scenario {scenario.name!r} sets no {lever!r} lever, and a lever absent from the scenario "
            f"cannot be scaled: add a [levers.{lever}] table with its amounts first",
            file=scenario.path, key=key,
        )
    return Instrument(lever, field or None)


def check_target(t: Target, horizon: str) -> None:
    """Raise :class:`UserError` unless ``t`` names a reported indicator in a period from the first
    scenario quarter to ``horizon`` (earlier quarters are history)."""
    try:
        t.check(first=FIRST_SCENARIO_QUARTER, last=parse_period(horizon))
    except ValueError as exc:
        why = " (earlier quarters are history, which the measures cannot move)" if "quarter" in str(exc) else ""
        raise UserError(f"{exc}{why}", key=f"--target {t}") from None
