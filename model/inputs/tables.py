"""The tables inside a scenario file besides the levers: ``[shocks.*]``, ``[uncertainty]`` and its
``[uncertainty.priors.*]`` (used by :mod:`model.inputs.scenario`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from model.core.periods import parse_period

__all__ = ["MAX_DRAWS", "PriorTable", "ShockTable", "UncertaintyTable"]


class _Table(BaseModel):
    # strict: a TOML true or "160" is not a number; whole numbers are still accepted as floats
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ShockTable(_Table):
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


class PriorTable(_Table):
    """``[uncertainty.priors.<name>]``: a prior that replaces the registry's in the draws."""

    dist: Literal["normal", "beta", "uniform"] | None = None
    """Family; default: the registry prior's (``normal`` is truncated to the bounds)."""
    mean: float | None = Field(default=None, allow_inf_nan=False)
    """Centre of the draws; default: the parameter's value (calibrated, or set in ``[parameters]``)."""
    sd: float | None = Field(default=None, ge=0.0, allow_inf_nan=False)
    """Standard deviation; default: the registry prior's.  0 holds the parameter at its centre."""
    source: str = ""
    """Where the range comes from (a citation, or "assumption")."""


MAX_DRAWS = 200_000
"""Most Monte Carlo draws a run may ask for (``[uncertainty] draws``, ``--draws``, the API)."""


class UncertaintyTable(_Table):
    """``[uncertainty]``: Monte Carlo settings (see ``docs/uncertainty.md`` and
    :mod:`model.analysis.uncertainty`)."""

    draws: int = Field(default=10_000, gt=0, le=MAX_DRAWS)
    """Number of draws (each re-calibrated to H1 2020)."""
    seed: int = Field(default=20200630, ge=0)
    """Seed of the random generator."""
    scale: float = Field(default=1.0, ge=0.0, le=10.0, allow_inf_nan=False)
    """Multiplies every prior sd and the forecast-shock sd; 0 collapses the fan onto the point path."""
    draw_parameters: bool = True
    """Draw the uncertain parameters from their priors."""
    draw_shocks: bool = True
    """Draw forecast shocks (an AR(1) output gap from 2020Q3 that adds ``shock_annual_sd`` pp to the
    sd of annual growth)."""
    thresholds: tuple[str, ...] | None = Field(default=None, strict=False)  # a TOML array
    """Probabilities to report, like ``"gdp_real_yoy@2020>=3"``; default: 2020 real growth >= 3%
    and 2020 revenue growth >= 0."""
    priors: dict[str, PriorTable] = {}
    """Priors that replace the registry's, by parameter name."""

    def check(self, parameters: dict[str, float], horizon: str, file: str | None) -> None:
        """Check prior overrides, ``scale`` and thresholds against the model and the horizon;
        raise :class:`UserError`."""
        from model.analysis.uncertainty import check_priors, check_threshold

        check_priors(self, parameters, file=file)
        for i, text in enumerate(self.thresholds or ()):
            check_threshold(text, horizon, file=file, key=f"uncertainty.thresholds[{i}]")
