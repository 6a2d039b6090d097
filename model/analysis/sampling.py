"""Random draws of a Monte Carlo: parameters from their priors and forecast-shock innovations.

Random numbers come from streams derived from one seed and a label (each parameter's name, the
trend group, the shocks), so two runs with the same seed use the same numbers for the same
parameter, whatever else differs: common random numbers for scenario differences.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.core.blocks.shock import stochastic_gap
from model.core.blocks.trend import JOINT
from model.core.calendar import CALENDAR
from model.core.parameters import ParameterSet, Prior
from model.core.periods import Span, parse_period
from model.inputs.uncertainty_settings import Origins, UncertaintyTable, check_prior, priors

__all__ = ["CHUNK", "OWN_SHOCKS", "SHOCK_START", "JointTrend", "chunks", "draw_innovations", "draw_parameters",
           "forecast_gap", "own_innovations", "own_noise", "trend_correlation"]

CHUNK = 10_000
"""Draws a chunk: a Monte Carlo is drawn, re-calibrated and simulated in chunks of this many draws,
chunk ``i`` from its own random streams (:func:`_stream`), whatever the number of workers."""


def chunks(n: int, size: int | None = None) -> list[tuple[int, int]]:
    """``(chunk index, draws in it)`` for ``n`` draws in chunks of ``size`` (default :data:`CHUNK`)."""
    size = size or CHUNK
    return [(i, min(size, n - i * size)) for i in range(-(-n // size))]

SHOCK_START = str(CALENDAR.first_scenario)
"""First quarter of the forecast shocks (H1 2020 is observed)."""


@dataclass(frozen=True)
class JointTrend:
    """The trend parameters (:data:`model.core.blocks.trend.JOINT`) as one normal.

    Centres and sds from the priors (sds times ``scale``), correlation from the estimators the run's
    trend actually comes from (:func:`trend_correlation`): :math:`x = \\mu + L z` with :math:`L` the
    Cholesky factor of the covariance and :math:`z` standard normal.  Both analyses truncate it to the
    parameters' bounds, each as its sampling scheme allows: the Monte Carlo by rejection
    (:meth:`sample`), the Sobol analysis, which needs a deterministic map from the unit cube, by
    clipping (:meth:`ppf`: a row beyond a bound takes the bound, so the bound gets the
    probability mass beyond it).  At the default priors every bound lies more than 8 sds from
    its centre, so neither ever binds.
    """

    names: tuple[str, ...]
    mean: np.ndarray
    chol: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def of(cls, priors: Mapping[str, Prior], params: ParameterSet, scale: float) -> JointTrend | None:
        """The trend parameters among ``priors`` with normal priors, or ``None`` if fewer than two
        (then each is drawn alone from its prior)."""
        names = tuple(n for n in JOINT if n in priors and priors[n].dist == "normal")
        if len(names) < 2:
            return None
        reg = params.registry
        corr = trend_correlation(names)
        sd = np.array([priors[j].sd for j in names]) * scale
        chol = np.linalg.cholesky(corr) * sd[:, None]
        return cls(names, np.array([priors[j].mean for j in names]), chol,
                   np.array([reg[j].bounds[0] for j in names]), np.array([reg[j].bounds[1] for j in names]))

    def values(self, z: np.ndarray) -> np.ndarray:
        """Parameter rows ``(n, k)`` from standard-normal rows ``z``, before truncation."""
        return self.mean + z @ self.chol.T

    def sample(self, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
        """``n`` draws, ``(n, 1)`` a parameter, truncated to the bounds by rejection (rows outside
        are drawn again, in at most 100 rounds; then clipped)."""
        x = self.values(rng.standard_normal((n, len(self.names))))
        for _ in range(100):  # rounds of rejection, not a loop over draws
            bad = np.flatnonzero(np.any((x < self.lo) | (x > self.hi), axis=1))
            if bad.size == 0:
                break
            x[bad] = self.values(rng.standard_normal((bad.size, len(self.names))))
        return self._columns(np.clip(x, self.lo, self.hi))

    def ppf(self, u: np.ndarray) -> dict[str, np.ndarray]:
        """The parameters at unit-cube rows ``u`` ``(n, k)``, strictly inside (0, 1): ``z`` is the
        standard normal inverse CDF of ``u``, and the values are clipped to the bounds; ``(n, 1)`` a
        parameter."""
        from scipy.special import ndtri

        return self._columns(np.clip(self.values(ndtri(u)), self.lo, self.hi))

    def _columns(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {j: x[:, i : i + 1] for i, j in enumerate(self.names)}


def trend_correlation(names: tuple[str, ...]) -> np.ndarray:
    """Correlation of the trend parameters ``names`` (a subset of :data:`~model.core.blocks.trend.JOINT`)
    as the run's trend estimators define them: the identity.

    The run's total trend (``trend_growth_2020``, ``trend_drift``) comes from the chosen estimator
    (:mod:`model.inputs.run_trend`, ``anchored`` by default), which yields the trend's mean and se for
    2020 and 2021 and no covariance; the registry turns them into the parameters with the drift's
    variance the difference of the two years' (:func:`model.inputs.registry.total_trend`; the anchor's
    combination, :func:`model.inputs.trend_estimators.combine_anchor`, does the same), which is the
    rule that the 2020 trend and the drift are uncorrelated.  The digital core's trend
    (``trend_growth_digital``) comes from another regression (the pooled OLS of
    :mod:`model.inputs.estimates`), not fitted with the run's total: uncorrelated with it too.  The
    pooled OLS's correlation (which the Monte Carlo used before) belongs to a total trend the run no
    longer uses.
    """
    return np.eye(len(names))


def _stream(seed: int, label: str, chunk: int = 0) -> np.random.Generator:
    """A generator for one label (a parameter, the trend group, the shocks) under ``seed``, for
    chunk ``chunk`` of the draws.

    The label's sequence is ``SeedSequence(seed, spawn_key=(crc32(label),))``; chunk 0 draws from
    it (so a run of up to :data:`CHUNK` draws keeps the numbers it had before chunking), chunk
    ``i >= 1`` from its ``i``-th child (``SeedSequence.spawn``), independent streams that depend
    only on the seed, the label and ``i``: never on how many workers share the chunks.
    """
    root = np.random.SeedSequence(seed, spawn_key=(zlib.crc32(label.encode()),))
    return np.random.default_rng(root if chunk == 0 else root.spawn(chunk + 1)[chunk])


class _Sampler:
    """Draws parameters in rounds from per-label streams (so rejection redraws continue them)."""

    def __init__(self, params: ParameterSet, settings: UncertaintyTable, seed: int, origins: Origins,
                 chunk: int = 0) -> None:
        self.params = params
        self.origins = origins
        self.priors = priors(params, settings) if settings.draw_parameters else {}
        self.scale = settings.scale
        self.joint = JointTrend.of(self.priors, params, self.scale)
        joint = self.joint.names if self.joint else ()
        self.streams = {n: _stream(seed, n, chunk) for n in self.priors if n not in joint}
        self.streams["trend"] = _stream(seed, "trend", chunk)
        for name, prior in self.priors.items():
            check_prior(name, prior, params.registry[name].bounds, self.scale, origins)

    @property
    def drawn(self) -> tuple[str, ...]:
        """Parameters that vary across draws."""
        return tuple(n for n, p in self.priors.items() if p.sd * self.scale > 0)

    def draw(self, n: int) -> dict[str, np.ndarray]:
        reg = self.params.registry
        joint = self.joint.names if self.joint else ()
        out = {name: prior.sample(self.streams[name], n, reg[name].bounds, center=prior.mean,
                                  scale=self.scale)[:, None]
               for name, prior in self.priors.items() if name not in joint}
        if self.joint:
            out.update(self.joint.sample(self.streams["trend"], n))
        return out


def draw_parameters(
    params: ParameterSet, n: int, *, seed: int, settings: UncertaintyTable | None = None
) -> dict[str, np.ndarray]:
    """``n`` draws of every uncertain parameter, ``(n, 1)`` each, before re-calibration.

    Parameters
    ----------
    params : ParameterSet
        Calibrated parameters: the centres of the draws.
    n : int
    seed : int
        Seed of the per-parameter random streams.
    settings : UncertaintyTable, optional
        ``scale``, ``draw_parameters`` and prior overrides (default: registry priors, scale 1).

    Returns
    -------
    dict
        Drawn parameters only; the others keep their values in ``params``.
    """
    settings = settings or UncertaintyTable()
    return _Sampler(params, settings, seed, Origins(settings)).draw(n)


def _n_shock_quarters() -> int:
    """Quarters from 2020Q3 to the last horizon a scenario may have."""
    first = parse_period(SHOCK_START)
    return 4 * (CALENDAR.last_horizon.year - first.year) + CALENDAR.last_horizon.quarter - first.quarter + 1


OWN_SHOCKS = {"digital": "digital_shocks", "revenue": "revenue_shocks"}
"""The forecast shocks of their own, by process (the ``prefix`` of
:func:`model.core.blocks.shock.stochastic_gap`), and the label of each one's random stream."""


def draw_innovations(n: int, span: Span, *, seed: int, label: str = "forecast_shocks") -> np.ndarray:
    """Standard-normal forecast-shock innovations ``(n, T)`` over ``span``, zero before 2020Q3.

    Drawn for every quarter from 2020Q3 to the last possible horizon and then cut to ``span``,
    so that scenarios with different horizons share their common quarters' shocks; in chunks of
    :data:`CHUNK` draws, chunk ``i`` from its own stream (:func:`_stream`).  ``label`` names the
    stream: ``forecast_shocks`` (the common output gap) or one of :data:`OWN_SHOCKS`.
    """
    q = _n_shock_quarters()
    e = np.concatenate([_stream(seed, label, i).standard_normal((m, q)) for i, m in chunks(n)]
                       or [np.zeros((0, q))])
    start = span.index(SHOCK_START)
    out = np.zeros((n, span.n))
    width = min(span.n - start, e.shape[1])
    out[:, start : start + width] = e[:, :width]
    return out


def forecast_gap(
    params: ParameterSet, settings: UncertaintyTable, innovations: np.ndarray, span: Span, *,
    start: str | pd.Period = SHOCK_START,
) -> np.ndarray:
    """The forecast-shock gap ``(n, T)`` in percent of trend from standard-normal ``innovations``
    ``(n, T)`` over ``span``: :func:`model.core.blocks.shock.stochastic_gap` from ``start`` (the
    quarter after the round, 2020Q3 by default) at ``params``' ``shock_ar`` and ``shock_annual_sd``,
    its innovation sd times ``scale`` (zero without ``draw_shocks``)."""
    shock_theta = {k: np.full((1, 1), params[k]) for k in ("shock_annual_sd", "shock_ar")}
    return stochastic_gap(shock_theta, innovations, span, str(start), scale=settings.scale * settings.draw_shocks)


def own_innovations(n: int, span: Span, *, seed: int) -> dict[str, np.ndarray]:
    """Standard-normal innovations ``(n, T)`` of the digital core's and revenue's own forecast shocks,
    each from its own stream (:data:`OWN_SHOCKS`), chunked as :func:`draw_innovations`, independent of
    the common gap's and of each other."""
    return {k: draw_innovations(n, span, seed=seed, label=label) for k, label in OWN_SHOCKS.items()}


def own_noise(params: ParameterSet, settings: UncertaintyTable, innovations: Mapping[str, np.ndarray],
              span: Span, *, start: str | pd.Period = SHOCK_START) -> dict[str, np.ndarray]:
    """The digital core's own gap and revenue's own shock, percent, ``(n, T)`` each, as
    :class:`model.core.simulate.Inputs` fields ``digital_noise`` and ``revenue_noise``: AR(1) from
    ``start`` (2020Q3 by default; :func:`model.core.blocks.shock.stochastic_gap` with prefix ``digital_`` or ``revenue_``),
    innovation sd times ``scale``, zero without ``draw_shocks``."""
    out = {}
    for k, e in innovations.items():
        theta = {f"{k}_{p}": np.full((1, 1), params[f"{k}_{p}"]) for p in ("shock_annual_sd", "shock_ar")}
        out[f"{k}_noise"] = stochastic_gap(theta, e, span, str(start), scale=settings.scale * settings.draw_shocks,
                                           prefix=f"{k}_")
    return out
