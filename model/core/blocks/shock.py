"""Shocks: the 2020 COVID disruption, scenario shocks, and forecast uncertainty, as output gaps.

A gap is the share of trend output lost, in percent.  The COVID gap of sector :math:`s` at
:math:`k` quarters after 2020Q1 is

.. math:: \\text{gap}_{s,k} = d_s \\left[(1 - \\pi_s)\\,\\rho_s^{k} + \\pi_s\\,\\phi^{k}\\right],

a transitory part that decays at :math:`\\rho_s` per quarter and a persistent part (share
:math:`\\pi_s`) that decays slowly at :math:`\\phi`: output lost for longer than the horizon's first
quarters.  H1 2020 pins the depth :math:`d_s` of both sectors and the digital core's decay (its Q1 and
H1 growth are both published); the rest's decay and both persistent shares keep their priors, which
come from the national and Zhejiang paths known by mid-2020.  H1 alone cannot tell a fast rebound to
trend from a gap that lingers: scenarios may override these parameters.

Scenario shocks (a second wave, an export slump) add gaps of the same shape from their start.
Forecast uncertainty adds an AR(1) gap from 2020Q3 whose innovations are explicit inputs; its
innovation sd follows from the annual-growth sd it should add (``shock_annual_sd``, the 2012-2019
trend residuals) and its AR coefficient.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from model.core.calendar import CALENDAR, Calendar
from model.core.lags import geometric_filter
from model.core.parameters import Parameter, Prior
from model.core.periods import Span

__all__ = [
    "DIGITAL_SHOCK_ANNUAL_SD", "ShockSpec", "default_annual_sd", "gaps", "growth_sd_factor", "innovation_sd", "parameters", "stochastic_gap",
]


@dataclass(frozen=True)
class ShockSpec:
    """A scenario shock: ``depth`` % of trend output lost in ``start``, in ``sector``.

    ``sector`` is ``digital``, ``rest`` or ``both``; the gap decays at ``decay`` per quarter except a
    ``persistent_share`` that decays at ``shock_persistent_decay``.  ``depth`` may also be an
    ``(n, 1)`` array, one depth a row (the attribution switches a shock off in some rows with zeros).
    """

    name: str
    start: str
    depth: float | np.ndarray
    sector: str = "both"
    decay: float = 0.5
    persistent_share: float = 0.0


def parameters(resid_sd: float, scale: tuple[float, float, str] | None = None) -> tuple[Parameter, ...]:
    """The block's parameters; ``resid_sd`` is the trend regression's residual sd (pp of annual growth).

    ``scale`` is ``(innovation sd, AR coefficient, source)`` of the forecast-error process as the
    backtest calibrates it; then ``shock_ar`` is its AR coefficient and ``shock_annual_sd`` the
    annual-growth sd at which the gap's innovation sd is its sd.  Without it, the regression's
    residual sd at ``shock_ar = 0.5`` (an assumption).
    """
    if scale is not None:
        sigma, ar, src = scale
        annual_sd, ar_src, sd_src = float(sigma * growth_sd_factor(ar)), src, src
    else:
        ar, annual_sd, ar_src = 0.5, default_annual_sd(resid_sd), "assumption"
        sd_src = "estimated: residual sd of annual real growth in the 2012-2019 trend regression"
    national = "NBS: China Q1 2020 -6.8%, Q2 +3.2% year on year; Zhejiang Q1 -5.6%, H1 +0.5%"
    return (
        Parameter(
            "shock_digital_depth", 8.0, "% of trend", (-20.0, 60.0),
            source="calibrated to the digital core's Q1 2020 growth (+6.1%); prior: assumption "
            "(digital core hit less than the rest)",
            description="Digital-core output lost in 2020Q1", block="shock",
            prior=Prior("normal", 8.0, 5.0), calibrated=True, per_draw=True,
            bounds_reason="assumption: -20 (Q1 output 20% above trend) to 60 (more than half the output lost); wide so that the calibration, which searches within them, is not stopped by a bound",
        ),
        Parameter(
            "shock_digital_decay", 0.2, "per quarter", (-0.9, 0.99),
            source="calibrated to the digital core's H1 2020 growth (+10.5%); prior: assumption. "
            "Negative values mean a Q2 overshoot above trend",
            description="Quarterly decay of the digital core's transitory gap", block="shock",
            prior=Prior("normal", 0.2, 0.3), calibrated=True, per_draw=True,
            bounds_reason="decay per quarter below 1 so the gap closes (0.99); down to -0.9 to allow the Q2 overshoot above trend that the calibration may need",
        ),
        Parameter(
            "shock_rest_depth", 12.0, "% of trend", (0.0, 60.0),
            source=f"calibrated to H1 2020 real GDP growth (+1.5%); prior: {national} "
            "(a Q1 gap of about 11-12% against 6-6.5% trend growth)",
            description="Rest-of-economy output lost in 2020Q1", block="shock",
            prior=Prior("normal", 12.0, 4.0, national), calibrated=True, per_draw=True,
            bounds_reason="0 (no loss) to 60% of trend output, far beyond the national Q1 gap of about 12%; the calibration searches within them",
        ),
        Parameter(
            "shock_rest_decay", 0.15, "per quarter", (0.0, 0.95),
            source=f"assumption from {national}: the national Q2 gap was about a quarter of Q1's, "
            "part of which is the persistent share",
            description="Quarterly decay of the rest's transitory gap", block="shock",
            prior=Prior("beta", 0.15, 0.10, national),
            bounds_reason="decay per quarter from 0 (gone next quarter) to 0.95, below 1 so the gap closes",
        ),
        Parameter(
            "shock_rest_persistent", 0.35, "share", (0.0, 1.0),
            source="top-down (model.analysis.topdown, data/topdown.csv): set so that the baseline's H2 2020 "
            "premium over China's H2 implied by the IMF, World Bank, Bloomberg, Nikkei and Reuters "
            "forecasts of June-July 2020 (mean 4.1%) equalled the premium's 2015-2019 mean (+1.44 pp, sd "
            "1.40) under the OLS trend; with the anchored trend it stays within a quarter sd of that mean "
            "(tests/test_economics.py; report.md's top-down check); sd 0.2 moves the premium by about 1 pp (REVIEW 3.3: 0.2 +- 0.1 or a gap prior of "
            "1.5 +- 1% of trend). A scenario choice: override it in [parameters]",
            description="Persistent share of the rest's 2020 gap", block="shock",
            prior=Prior("beta", 0.35, 0.2, "top-down: national forecasts of mid-2020 and Hangzhou's H2 premium"),
            bounds_reason="a share: 0 to 1",
        ),
        Parameter(
            "shock_digital_persistent", 0.02, "share", (0.0, 0.5),
            source="assumption: the digital core was back near trend growth by Q2 (interview: H1 +10.5%)",
            description="Persistent share of the digital core's 2020 gap", block="shock",
            prior=Prior("beta", 0.02, 0.02),
            bounds_reason="a share, capped at 0.5: the digital core grew 10.5% in H1 2020 (interview), so most of its gap was not persistent",
        ),
        Parameter(
            "shock_persistent_decay", 0.95, "per quarter", (0.5, 1.0),
            source="assumption: a persistent loss halves in about three and a half years",
            description="Quarterly decay of the persistent parts of all gaps", block="shock",
            prior=Prior("beta", 0.95, 0.02),
            bounds_reason="decay per quarter from 0.5 (a persistent loss halves within a quarter, no longer persistent) to 1 (never closes)",
        ),
        Parameter(
            "shock_ar", ar, "per quarter", (0.0, 0.95),
            source=ar_src,
            description="AR(1) coefficient of the forecast-uncertainty gap (its innovation sd follows from "
            "shock_annual_sd)", block="shock",
            bounds_reason="an AR(1) coefficient per quarter: 0 to 0.95, below 1 so the process is stationary",
        ),
        Parameter(
            "shock_annual_sd", annual_sd, "pp of annual growth", (0.0, 10.0),
            source=sd_src,
            description="Standard deviation of annual real growth that the forecast-uncertainty gap adds",
            block="shock",
            bounds_reason="assumption: 0 (no forecast uncertainty) to 10 pp, about ten times the OLS trend residual sd (0.99) and seven times the backtest's scale (1.37)",
        ),
        Parameter(
            "digital_shock_ar", 0.8, "per quarter", (0.0, 0.95),
            source="assumption: the common forecast gap's AR coefficient (shock_ar, the backtest's); the "
            "core's three growth figures cannot identify one",
            description="AR(1) coefficient of the digital core's own forecast gap", block="shock",
            bounds_reason="an AR(1) coefficient per quarter: 0 to 0.95, below 1 so the process is stationary",
        ),
        Parameter(
            "digital_shock_annual_sd", DIGITAL_SHOCK_ANNUAL_SD, "pp of annual growth", (0.0, 10.0),
            source="assumption: the core's growth history is too short to estimate it (data/observations.csv "
            "and data/releases.csv hold 15.0% for 2018 Q1-Q3, 15.5% for 2019 H1, 15.1% for 2019: three "
            "overlapping YTD figures whose spread, 0.26 pp, says nothing about a year's surprise). 2 pp, "
            "about 1.5 times the total's forecast-shock sd (1.37), because one sector's value added is more "
            "volatile than the total; a plausible range is 0-4 pp, inside the bounds (treated as known, like "
            "shock_annual_sd: [uncertainty] scale widens it)",
            description="Standard deviation of the digital core's annual real growth that its own gap adds, "
            "relative to the rest (the rest's gap offsets it, leaving total GDP unchanged at trend)",
            block="shock",
            bounds_reason="assumption: 0 (none) to 10 pp, five times the assumed 2 pp",
        ),
    )


DIGITAL_SHOCK_ANNUAL_SD = 2.0
"""Default annual-growth sd (pp) of the digital core's own forecast gap (assumption, see its parameter)."""

_C = np.r_[np.full(4, -0.25), np.full(4, 0.25)]
_LAG = np.abs(np.subtract.outer(np.arange(8), np.arange(8)))
_W = np.bincount(_LAG.ravel(), weights=np.outer(_C, _C).ravel(), minlength=8)
"""Weights of ``ar**k`` in :math:`(1 - a^2)\\, c' R c`: the sums of :math:`c_i c_j` over :math:`|i - j| = k`."""


def growth_sd_factor(ar: float | np.ndarray) -> np.ndarray:
    """Standard deviation of annual growth (pp) per unit innovation sd of a stationary AR(1) gap.

    Annual growth moves by the change in the year's mean gap, :math:`c' u` with
    :math:`c = (-1/4 \\times 4, 1/4 \\times 4)` over eight quarters; with innovation sd
    :math:`\\sigma` its variance is :math:`\\sigma^2 c' R c`, :math:`R_{ij} = a^{|i-j|} / (1 - a^2)`.
    Returns :math:`\\sqrt{c' R c}`, elementwise in ``ar``.
    """
    a = np.asarray(ar, dtype=float)
    return np.sqrt(np.polynomial.polynomial.polyval(a, _W) / (1.0 - a**2))


def innovation_sd(annual_sd: float | np.ndarray, ar: float | np.ndarray) -> np.ndarray:
    """Innovation sd (% of trend) of the AR(1) gap whose annual-growth sd is ``annual_sd`` (pp)."""
    return np.asarray(annual_sd, dtype=float) / growth_sd_factor(ar)


def default_annual_sd(resid_sd: float) -> float:
    """The trend regression's residual sd of annual growth, ``resid_sd``, rounded as the model has
    applied it.

    The registry used to hold the innovation sd at ``ar = 0.5``, rounded to 0.953 % of trend.  The
    default is the annual-growth sd that gives exactly that innovation sd at ``ar = 0.5``: 0.991318 pp
    against the regression's 0.991323 pp, so that default runs keep their numbers to the last digit.
    """
    f = float(growth_sd_factor(0.5))
    return round(resid_sd / f, 3) * f


def _shape(k: np.ndarray, decay: np.ndarray, persistent: np.ndarray, phi: np.ndarray) -> np.ndarray:
    kk = np.maximum(k, 0).astype(float)
    on = k >= 0
    return np.where(on, (1.0 - persistent) * decay**kk + persistent * phi**kk, 0.0)


def gaps(
    theta: dict[str, np.ndarray], span: Span, shocks: Iterable[ShockSpec] = (), noise: np.ndarray | None = None,
    *, calendar: Calendar = CALENDAR,
) -> tuple[np.ndarray, np.ndarray]:
    """Output gaps of the digital core and the rest, fractions of trend, ``(n, T)``.

    ``noise`` is an extra gap common to both sectors, in percent, ``(n, T)`` (see
    :func:`stochastic_gap`).  The COVID gap starts in ``calendar.covid_start``.
    """
    k = span.since(calendar.covid_start)[None, :]
    phi = theta["shock_persistent_decay"]
    digital = theta["shock_digital_depth"] * _shape(
        k, theta["shock_digital_decay"], theta["shock_digital_persistent"], phi)
    rest = theta["shock_rest_depth"] * _shape(k, theta["shock_rest_decay"], theta["shock_rest_persistent"], phi)
    for s in shocks:
        g = s.depth * _shape(span.since(s.start)[None, :], s.decay, s.persistent_share, phi)
        if s.sector in ("digital", "both"):
            digital = digital + g
        if s.sector in ("rest", "both"):
            rest = rest + g
    if noise is not None:
        digital = digital + noise
        rest = rest + noise
    return digital / 100.0, rest / 100.0


def stochastic_gap(
    theta: dict[str, np.ndarray], innovations: np.ndarray, span: Span, start: str, *, scale: float = 1.0,
    prefix: str = "",
) -> np.ndarray:
    """AR(1) gap in percent from ``start`` on, driven by standard-normal ``innovations`` ``(n, T)``.

    ``prefix`` picks the process: ``""`` the output gap common to both sectors (``shock_ar``,
    ``shock_annual_sd``), ``"digital_"`` the digital core's own gap, ``"revenue_"`` revenue's own
    shock (``<prefix>shock_ar``, ``<prefix>shock_annual_sd``).

    ``u_t = a u_{t-1} + s sigma e_t``, zero before ``start``, computed by the recursion over quarters
    (:func:`model.core.lags.geometric_filter`; ``a`` is ``shock_ar``, the same in every row).  The innovation
    sd ``sigma`` is the one at which the stationary gap adds ``shock_annual_sd`` pp to the sd of
    annual growth (:func:`innovation_sd`), so changing ``a`` keeps that sd; ``scale`` (``s``)
    multiplies it.
    """
    on = (span.since(start) >= 0)[None, :]
    a = np.asarray(theta[f"{prefix}shock_ar"], dtype=float).reshape(-1)
    if not np.all(a == a[0]):
        raise ValueError(f"{prefix}shock_ar must be the same in every draw")
    sigma = innovation_sd(theta[f"{prefix}shock_annual_sd"], a[0]) * scale
    e = sigma * innovations * on
    return geometric_filter(e, a[0])
