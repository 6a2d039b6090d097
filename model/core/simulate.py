"""Assemble the blocks into one simulation: parameters and inputs in, quarterly paths out.

:func:`simulate` is the hot path.  It is arithmetic on ``(n_draws, n_quarters)`` arrays with no loop
over draws or quarters, so one call serves a deterministic run (``n = 1``), a Monte Carlo of ten
thousand draws, a batch of finite-difference perturbations in the calibration, and the lever
subsets of an attribution, all alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from model.core.blocks import base_year, prices, property, retail, revenue, shock, trend
from model.core.blocks.base_year import Base
from model.core.blocks.shock import ShockSpec
from model.core.calendar import CALENDAR, Calendar
from model.core.levers import REGISTRY as LEVERS
from model.core.periods import Span

__all__ = ["Inputs", "as_theta", "simulate"]


@dataclass(frozen=True)
class Inputs:
    """Exogenous inputs of one simulation.

    Attributes
    ----------
    span : Span
        Whole years from ``calendar.model_start`` (2018).
    base : Base
        The published base-year figures (:func:`model.inputs.base.base`).
    injections : dict
        Lever name to quarterly injection in 亿元, ``(m, T)`` with ``m`` 1 or the number of draws;
        history (H1 2020) included.  A lever that is absent injects nothing.
    shocks : tuple of ShockSpec
        Scenario shocks.
    noise : ndarray or None
        Forecast-uncertainty gap in percent, ``(n, T)``, common to both sectors.
    digital_noise : ndarray or None
        The digital core's own forecast gap in percent of its trend, ``(n, T)``; the rest's gap moves
        by minus it times the ratio of the two trends, so that total output at trend is unchanged.
    revenue_noise : ndarray or None
        Revenue's own forecast shock in percent of the model's revenue, ``(n, T)``
        (:func:`model.core.blocks.revenue.revenue`).
    calendar : Calendar
        The model's date anchors.

    The inputs layer builds them (:meth:`model.inputs.scenario.Scenario.inputs`,
    :func:`model.inputs.history.history_inputs`); the blocks read nothing else.
    """

    span: Span
    base: Base
    injections: Mapping[str, np.ndarray] = field(default_factory=dict)
    shocks: tuple[ShockSpec, ...] = ()
    noise: np.ndarray | None = None
    calendar: Calendar = CALENDAR
    digital_noise: np.ndarray | None = None
    revenue_noise: np.ndarray | None = None

    def __reduce__(self) -> tuple[type[Inputs], tuple[object, ...]]:
        # the inputs layer caches inputs with read-only mappings (which do not pickle); a copy sent
        # to a worker process carries a plain dict of the same arrays
        return (Inputs, (self.span, self.base, dict(self.injections), self.shocks, self.noise, self.calendar,
                         self.digital_noise, self.revenue_noise))


def as_theta(values: Mapping[str, float | np.ndarray], n: int | None = None) -> dict[str, np.ndarray]:
    """Parameter values as ``(n, 1)`` arrays, broadcast to a common number of draws."""
    arrays = {k: np.asarray(v, dtype=float).reshape(-1, 1) for k, v in values.items()}
    n = n or max(a.shape[0] for a in arrays.values())
    return {k: a if a.shape[0] == n else np.broadcast_to(a, (n, 1)) for k, a in arrays.items()}


def simulate(theta: Mapping[str, np.ndarray], inputs: Inputs) -> dict[str, np.ndarray]:
    """Run the model.

    Parameters
    ----------
    theta : mapping
        Every registry parameter, as ``(n, 1)`` arrays (see :func:`as_theta`).
    inputs : Inputs

    Returns
    -------
    dict of ndarray
        Paths of shape ``(n, T)`` over ``inputs.span`` (n is the larger of the draws of ``theta``
        and of the injections): real value added (亿元, 2019 prices) ``gdp_real``,
        ``digital_real``, ``rest_real`` and the no-policy ``trend_real``; current-price ``gdp``
        and ``digital``; ``deflator``; budget ``revenue``, ``tax_revenue``, ``nontax_revenue`` and the
        taxes by type ``revenue_vat``, ``_cit``, ``_pit``, ``_property``, ``_other_tax``; ``retail``
        sales (current prices);
        the output gaps ``gap_digital``, ``gap_rest``; and per lever ``<lever>_gdp_real``,
        ``<lever>_revenue_direct``, ``<lever>_cost`` and ``<lever>_injection`` (and ``<lever>_retail``
        for a lever measured in retail spending).
    """
    span, b, cal = inputs.span, inputs.base, inputs.calendar
    gdp_2019, revenue_2019 = base_year.quarters_2019(theta, b)
    trend_digital, trend_rest = trend.levels(theta, b, gdp_2019, span)
    gap_digital, gap_rest = shock.gaps(theta, span, inputs.shocks, inputs.noise, calendar=cal)
    if inputs.digital_noise is not None:  # the core's own gap, offset in the rest: total unchanged at trend
        gap_digital = gap_digital + inputs.digital_noise / 100.0
        gap_rest = gap_rest - inputs.digital_noise / 100.0 * trend_digital / trend_rest
    deflator = prices.deflator(theta, span, calendar=cal)
    deflator_filled = np.nan_to_num(deflator, nan=1.0)  # levers inject nothing in 2018

    digital = trend_digital * (1.0 - gap_digital)
    rest = trend_rest * (1.0 - gap_rest) * property.va_factor(theta, span, calendar=cal)
    direct: dict[str, np.ndarray] = {}
    retail_levers = np.zeros((1, span.n))
    out: dict[str, np.ndarray] = {}
    for name, lever in LEVERS.items():  # a loop over lever types, not over draws or quarters
        x = inputs.injections.get(name)
        if x is None:
            continue
        eff = lever.transmit(x, theta, deflator_filled, span, calendar=cal)
        digital = digital + eff.gdp_real_digital
        rest = rest + eff.gdp_real_rest
        for part, value in (eff.revenue_parts or {"other_tax": eff.revenue}).items():
            direct[part] = direct[part] + value if part in direct else value
        if eff.retail is not None:
            retail_levers = retail_levers + eff.retail
            out[f"{name}_retail"] = eff.retail
        out[f"{name}_gdp_real"] = eff.gdp_real_digital + eff.gdp_real_rest
        out[f"{name}_revenue_direct"] = eff.revenue
        out[f"{name}_cost"] = eff.cost
        out[f"{name}_injection"] = eff.injection

    gdp_real = digital + rest
    gdp = gdp_real * deflator
    parts = revenue.revenue(theta, b, revenue_2019, gdp, digital * deflator, direct, span, calendar=cal,
                            shock=inputs.revenue_noise)
    tax = sum(parts[c] for c in revenue.TAXES)
    nontax = parts["nontax"]
    sales = retail.retail(theta, b.retail_2019, b.retail_growth_2019, gdp_2019, gdp, gap_rest, retail_levers)
    n = gdp_real.shape[0]
    out.update({f"revenue_{c}": v for c, v in parts.items() if c != "nontax"})
    out.update(
        gdp_real=gdp_real,
        digital_real=digital,
        rest_real=rest,
        trend_real=np.broadcast_to(trend_digital + trend_rest, (n, span.n)),
        gdp=gdp,
        digital=digital * deflator,
        deflator=np.broadcast_to(deflator, (n, span.n)),
        revenue=tax + nontax,
        tax_revenue=tax,
        nontax_revenue=nontax,
        retail=sales,
        gap_digital=np.broadcast_to(gap_digital, (n, span.n)),
        gap_rest=np.broadcast_to(gap_rest, (n, span.n)),
    )
    shape = (n, span.n)
    return {k: v if v.shape == shape else np.broadcast_to(v, shape) for k, v in out.items()}
