"""``major_projects``: the 337 "六新" projects over 1 亿元, total investment 4643 亿元 (interview).

Injection :math:`x_t`: project investment spending in quarter :math:`t`, 亿元, either an explicit
path or a programme phased evenly (or rising) over its quarters.  4643 亿元 is the list's lifetime
total investment, and the list includes projects already under way: the programme spends the total
net of what was spent before ``start`` (``spent_share`` of it), so a stock is not spent as a new flow.

Investment spending is not value added.  Only the additional share :math:`a` (spending not already
in the trend's investment pipeline) counts; the literature's spending multiplier :math:`m`
(output per yuan of government spending, estimated for provinces) is scaled by :math:`\\ell`, the
share of that effect a city keeps rather than leaks to other regions (land purchases, equipment and
materials from elsewhere); the effect is spread over a geometric lag:
:math:`\\Delta Y_t = m \\ell a \\sum_s (1-\\lambda)\\lambda^{t-s} x_s / P_s`.
The fiscal cost is the share :math:`b` of the additional spending that the general public budget
pays; the rest is SOE, special-bond (government-fund budget) and private money.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from model.core.calendar import CALENDAR, Calendar
from model.core.lags import distributed_lag
from model.core.levers.base import Effect, Lever, LeverConfig, Path, path_array
from model.core.parameters import Parameter, Prior
from model.core.periods import Span, parse_period


class MajorProjectsConfig(LeverConfig):
    """Scenario table ``[levers.major_projects]``."""

    amount: Path = {}
    """Explicit spending path, 亿元 per quarter (added to any programme below)."""
    total: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)
    """Programme lifetime total investment, 亿元; what is left of it is phased over ``start``-``end``."""
    spent_share: float = Field(default=0.3, ge=0.0, le=1.0, allow_inf_nan=False)
    """Share of ``total`` spent before ``start``.  Default 0.3, an assumption: the list (issued mid-2020)
    includes projects under way, and a major project builds over three to five years; the list's
    start years were not published with it."""
    start: str | None = None
    """First quarter of the programme, like 2020Q3."""
    end: str | None = None
    """Last quarter of the programme; may lie beyond the horizon (spending there is not simulated)."""
    profile: Literal["flat", "ramp"] = "flat"
    """``flat``: equal spending per quarter; ``ramp``: rising linearly (1, 2, 3, ...)."""

    @model_validator(mode="after")
    def _programme(self) -> MajorProjectsConfig:
        if self.total > 0 and (self.start is None or self.end is None):
            raise ValueError("a programme total needs start and end quarters")
        if "total" not in self.model_fields_set and (self.start is not None or self.end is not None):
            raise ValueError("start and end phase a programme total: set total (or give an amount path only)")
        for key in ("start", "end"):
            value = getattr(self, key)
            if value is not None:
                try:
                    parse_period(value)
                except ValueError:
                    raise ValueError(f"{key}: {value!r} is not a quarter like 2020Q3") from None
        if self.start and self.end and parse_period(self.end) < parse_period(self.start):
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    @classmethod
    def _not_scaled(cls) -> set[str]:
        return {"start", "end", "profile", "spent_share"}

    @classmethod
    def _shares(cls) -> set[str]:
        return {"spent_share"}  # a share of the programme, not an amount

    def periods(self) -> dict[str, list[str]]:
        out = super().periods()
        if self.start:
            out["start"] = [self.start]
        return out

    def schedule(self) -> dict[str, float]:
        """The programme's spending by quarter from ``start``, 亿元: the total less what was spent before."""
        if self.total == 0 or self.start is None or self.end is None:
            return {}
        quarters = [str(p) for p in pd.period_range(parse_period(self.start), parse_period(self.end), freq="Q")]
        w = np.ones(len(quarters)) if self.profile == "flat" else np.arange(1.0, len(quarters) + 1)
        remaining = self.total * (1.0 - self.spent_share)
        return dict(zip(quarters, remaining * w / w.sum(), strict=True))


class MajorProjects(Lever):
    name = "major_projects"
    title = "Major projects (六新)"
    config = MajorProjectsConfig
    history_field = "amount"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter(
            "projects_multiplier", 0.8, "ratio", (0.0, 3.0),
            source="Chen, Ratnovski & Tsai (IMF WP/17/273): provincial multipliers 0.75 (2001-08) "
            "to 1.4 (2010-15), 0.8 over 2001-15; Guo, Liu & Ma (2016): county 0.6",
            description="Output per 亿元 of additional government investment spending (province level)",
            block="major_projects",
            prior=Prior("normal", 0.8, 0.3, "IMF WP/17/273 range 0.75-1.4; county 0.6 (Guo, Liu & Ma 2016)"),
            bounds_reason="a multiplier: 0 (no effect) to 3, over twice the largest provincial estimate (1.4, IMF WP/17/273) and about seven prior sds above the centre",
        ),
        Parameter(
            "projects_local_content", 0.7, "share", (0.0, 1.0),
            source="assumption: a city leaks more demand to other regions than the provinces behind "
            "the multiplier estimates",
            description="Share of the provincial multiplier effect that stays in Hangzhou",
            block="major_projects", prior=Prior("beta", 0.7, 0.1),
            bounds_reason="a share: 0 to 1",
        ),
        Parameter(
            "projects_additionality", 0.15, "share", (0.0, 1.0),
            source="REVIEW 3.4: 0.15 +- 0.1; Chinese cities publish a major-project list every year, so the "
            "2012-2019 trend already contains such programmes, and special bonds (national policy) fund them",
            description="Share of programme spending that is additional to the trend",
            block="major_projects", prior=Prior("beta", 0.15, 0.1, "REVIEW 3.4: 0.15 +- 0.1"),
            bounds_reason="a share: 0 to 1",
        ),
        Parameter(
            "projects_lag_decay", 0.6, "per quarter", (0.0, 0.95),
            source="assumption: construction spending feeds value added over about a year",
            description="Geometric decay of project spending's effect on value added",
            block="major_projects", prior=Prior("beta", 0.6, 0.15),
            bounds_reason="decay per quarter from 0 to 0.95, below 1 so the effect fades",
        ),
        Parameter(
            "projects_budget_share", 0.15, "share", (0.0, 1.0),
            source="assumption: SOEs, special bonds (government-fund budget) and private capital "
            "finance most major projects",
            description="Share of additional project spending paid by the general public budget",
            block="major_projects", prior=Prior("beta", 0.15, 0.08),
            bounds_reason="a share: 0 to 1",
        ),
        Parameter(
            "projects_digital_share", 0.2, "share", (0.0, 1.0),
            source="assumption: 新基建 (5G, data centres, industrial internet) is one of the six 六新 "
            "groups (interview)",
            description="Share of the projects' value added that accrues to the digital-economy core",
            block="major_projects", prior=Prior("beta", 0.2, 0.08),
            bounds_reason="a share: 0 to 1",
        ),
    )

    @classmethod
    def injection(cls, cfg: MajorProjectsConfig, span: Span) -> np.ndarray:
        last = span.periods[-1]
        within = {p: v for p, v in cfg.schedule().items() if parse_period(p) <= last}
        return path_array(cfg.amount, span) + path_array(within, span)

    @classmethod
    def transmit(
        cls, x: np.ndarray, theta: dict[str, np.ndarray], deflator: np.ndarray, span: Span | None = None, *,
        calendar: Calendar = CALENDAR,
    ) -> Effect:
        additional = theta["projects_additionality"] * x
        scale = theta["projects_multiplier"] * theta["projects_local_content"]
        gdp = scale * distributed_lag(additional / deflator, theta["projects_lag_decay"])
        digital = theta["projects_digital_share"] * gdp
        cost = theta["projects_budget_share"] * additional
        return Effect(digital, gdp - digital, np.zeros_like(gdp), np.broadcast_to(cost, gdp.shape),
                      np.broadcast_to(x, gdp.shape))
