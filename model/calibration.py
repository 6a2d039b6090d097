"""Calibration to the published H1 2020 figures.

Targets (interview): H1 GDP 7388 亿元 and +1.5% real YTD; H1 budget revenue 1276 亿元 and +1.2% YTD;
digital-economy core +6.1% real YTD in Q1 and +10.5% in H1.  The H1 levers (the relief granted and
the spring vouchers) are part of history, so the calibrated shock is the shock net of H1 policy.

Two solvers share one target function:

* :func:`calibrate`: penalised least squares with :func:`scipy.optimize.least_squares` over the
  calibrated parameters the user has not fixed, the priors entering as penalties
  :math:`(\\theta_j - \\mu_j)/\\sigma_j` beside the target errors :math:`(m_i - o_i)/s_i`.  Each
  target's scale :math:`s_i` is a fiftieth of its acceptance tolerance, so the targets bind and the
  priors only decide what the targets leave open.
* :func:`recalibrate`: the same fit for many draws at once (the uncertainty analysis), by
  Gauss-Newton steps whose Jacobians come from one batched simulation of every draw and every
  perturbation, then solved as a stack of small normal-equation systems.  No loop over draws.

The revenue level and growth targets carry the same information (the H1 2019 base is derived from
them), so the six targets identify five parameters; the identification table shows which.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from model.data import load_data
from model.parameters import ParameterSet
from model.periods import Span, ytd_growth, ytd_sum
from model.simulate import Inputs, as_theta, history_inputs, simulate

__all__ = ["CAL_SPAN", "Calibration", "Target", "calibrate", "recalibrate", "target_values", "targets"]

CAL_SPAN = Span(2018, 2020)
"""The calibration simulates 2018-2020 with the H1 levers only."""

_INDICATORS: dict[str, Callable[[Mapping[str, np.ndarray]], np.ndarray]] = {
    "gdp_ytd": lambda p: ytd_sum(p["gdp"]),
    "gdp_real_yoy_ytd": lambda p: ytd_growth(p["gdp_real"]),
    "revenue_ytd": lambda p: ytd_sum(p["revenue"]),
    "revenue_yoy_ytd": lambda p: ytd_growth(p["revenue"]),
    "digital_core_real_yoy_ytd": lambda p: ytd_growth(p["digital_real"]),
}


@dataclass(frozen=True)
class Target:
    """One calibration target: an indicator at a period, its observed value and tolerance."""

    variable: str
    period: str
    observed: float
    unit: str
    tolerance: float
    source: str

    @property
    def scale(self) -> float:
        """The residual scale in the penalised least squares: a fiftieth of the tolerance."""
        return self.tolerance / 50.0

    @property
    def label(self) -> str:
        return f"{self.variable}@{self.period}"


@lru_cache(maxsize=1)
def targets() -> tuple[Target, ...]:
    """The six H1 2020 targets, read from ``data/observations.csv``."""
    data = load_data()
    rows = [
        ("gdp_ytd", "gdp", "2020Q2", "亿元", 1.0),
        ("gdp_real_yoy_ytd", "gdp_real_yoy", "2020Q2", "%", 0.05),
        ("revenue_ytd", "revenue", "2020Q2", "亿元", 1.0),
        ("revenue_yoy_ytd", "revenue_yoy", "2020Q2", "%", 0.05),
        ("digital_core_real_yoy_ytd", "digital_core_real_yoy", "2020Q1", "%", 0.05),
        ("digital_core_real_yoy_ytd", "digital_core_real_yoy", "2020Q2", "%", 0.05),
    ]
    return tuple(
        Target(var, period, data.get(obs, period), unit, tol, data.source(obs, period))
        for var, obs, period, unit, tol in rows
    )


def target_values(theta: Mapping[str, np.ndarray], inputs: Inputs | None = None) -> np.ndarray:
    """The model's value of every target, ``(n, n_targets)``."""
    inputs = inputs or _history()
    paths = simulate(theta, inputs)
    cache: dict[str, np.ndarray] = {}
    cols = []
    for t in targets():
        if t.variable not in cache:
            cache[t.variable] = _INDICATORS[t.variable](paths)
        cols.append(cache[t.variable][:, inputs.span.index(t.period)])
    return np.stack(cols, axis=1)


@lru_cache(maxsize=1)
def _history() -> Inputs:
    return history_inputs(CAL_SPAN)


@dataclass(frozen=True)
class Calibration:
    """The outcome of :func:`calibrate`.

    Attributes
    ----------
    params : ParameterSet
        All parameters, with the calibrated ones set.
    fit : DataFrame
        One row a target: ``target, period, unit, observed, model, error, tolerance, within, source``.
    priors : DataFrame
        One row a free parameter: ``prior, prior_mean, prior_sd, calibrated, z`` (distance from the
        prior mean in prior sds) and ``identified_by`` (the target that moves most per prior sd).
    identification : DataFrame
        Targets by free parameters: change of each target (its unit) per prior sd of each parameter.
    singular_values : ndarray
        Of the Jacobian scaled by target scales and prior sds; a zero means a direction the
        targets do not identify.
    """

    params: ParameterSet
    fit: pd.DataFrame
    priors: pd.DataFrame
    identification: pd.DataFrame
    singular_values: np.ndarray
    success: bool
    message: str
    nfev: int

    @property
    def ok(self) -> bool:
        """Whether every target is met within its tolerance."""
        return bool(self.fit.within.all())

    def _repr_html_(self) -> str:
        fmt = {"float_format": lambda x: f"{x:,.4g}"}
        status = "all targets met" if self.ok else "targets missed"
        return (
            f"<h4>Calibration to H1 2020 ({status})</h4>"
            + self.fit.drop(columns="source").to_html(index=False, **fmt)
            + "<p>Calibrated parameters against their priors</p>" + self.priors.to_html(**fmt)
        )

    def summary(self) -> str:
        """The fit, the priors and the identification, as text tables."""
        fit = self.fit.drop(columns="source").to_string(float_format=lambda x: f"{x:,.3f}")
        pri = self.priors.to_string(float_format=lambda x: f"{x:,.4g}")
        ide = self.identification.to_string(float_format=lambda x: f"{x:,.3g}")
        return (
            "Calibration to H1 2020 (penalised least squares)\n\n" + fit
            + "\n\nCalibrated parameters against their priors\n\n" + pri
            + "\n\nIdentification: change in each target per prior sd of each parameter\n\n" + ide
            + f"\n\nsolver: {self.message} ({self.nfev} evaluations)"
        )


def _theta_with(params: ParameterSet, free: Sequence[str], x: np.ndarray) -> dict[str, np.ndarray]:
    values: dict[str, np.ndarray | float] = dict(params.theta())
    for j, name in enumerate(free):
        values[name] = x[..., j]
    return as_theta(values)


def _jacobian(params: ParameterSet, free: Sequence[str], x: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Forward-difference Jacobian of the targets, ``(n_targets, n_free)``, in one batched run."""
    xs = np.vstack([x, x + np.diag(step)])  # (1 + k, k)
    vals = target_values(_theta_with(params, free, xs))
    return ((vals[1:] - vals[0]) / step[:, None]).T


@lru_cache(maxsize=256)
def calibrate(params: ParameterSet) -> Calibration:
    """Calibrate the free parameters of ``params`` to the H1 2020 targets.

    Free parameters are the registry's calibrated ones that the user has not fixed
    (:meth:`ParameterSet.free`).  Results are cached by parameter set.
    """
    reg = params.registry
    free = params.free()
    tg = targets()
    observed = np.array([t.observed for t in tg])
    scale = np.array([t.scale for t in tg])
    if free:
        priors = [reg[n].prior for n in free]
        mu = np.array([p.mean for p in priors])
        sd = np.array([p.sd for p in priors])
        lo = np.array([reg[n].bounds[0] for n in free])
        hi = np.array([reg[n].bounds[1] for n in free])

        def residuals(x: np.ndarray) -> np.ndarray:
            model = target_values(_theta_with(params, free, x[None, :]))[0]
            return np.r_[(model - observed) / scale, (x - mu) / sd]

        sol = least_squares(
            residuals, np.clip(mu, lo, hi), bounds=(lo, hi), x_scale=sd, xtol=1e-12, ftol=1e-12,
            gtol=1e-12, max_nfev=2000,
        )
        x, success, message, nfev = sol.x, bool(sol.success), str(sol.message), int(sol.nfev)
        calibrated = params.with_calibrated(dict(zip(free, x.tolist(), strict=True)))
    else:
        x, success, message, nfev = np.zeros(0), True, "nothing to calibrate", 0
        calibrated = params
    model = target_values(as_theta(calibrated.theta()))[0]
    fit = pd.DataFrame(
        {
            "target": [t.variable for t in tg],
            "period": [t.period for t in tg],
            "unit": [t.unit for t in tg],
            "observed": observed,
            "model": model,
            "error": model - observed,
            "tolerance": [t.tolerance for t in tg],
            "source": [t.source for t in tg],
        }
    )
    fit["within"] = fit.error.abs() <= fit.tolerance
    labels = [t.label for t in tg]
    if free:
        jac = _jacobian(calibrated, free, x, 1e-4 * sd)
        ident = pd.DataFrame(jac * sd, index=labels, columns=list(free))
        sv = np.linalg.svd(jac * sd / scale[:, None], compute_uv=False)
        strength = np.abs(jac * sd / np.array([t.tolerance for t in tg])[:, None])
        prior_table = pd.DataFrame(
            {
                "prior": [p.describe() for p in priors],
                "prior_mean": mu,
                "prior_sd": sd,
                "calibrated": x,
                "z": (x - mu) / sd,
                "identified_by": [labels[i] for i in strength.argmax(axis=0)],
            },
            index=pd.Index(free, name="parameter"),
        )
    else:
        ident = pd.DataFrame(index=labels)
        sv = np.zeros(0)
        prior_table = pd.DataFrame(columns=["prior", "prior_mean", "prior_sd", "calibrated", "z", "identified_by"])
    return Calibration(calibrated, fit, prior_table, ident, sv, success, message, nfev)


def recalibrate(
    params: ParameterSet,
    theta: Mapping[str, np.ndarray],
    *,
    free: Sequence[str] | None = None,
    max_iter: int = 12,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Re-fit the free parameters in every draw of ``theta`` so that each draw meets the targets.

    Parameters
    ----------
    params : ParameterSet
        The calibrated point; its free parameters start every draw's search.
    theta : mapping
        Every parameter as ``(n, 1)`` draws.
    free : sequence of str, optional
        Parameters to solve for; default: the free parameters marked ``per_draw`` (the five the
        targets identify).  The others in ``theta`` stay as drawn.

    Returns
    -------
    theta : dict
        ``theta`` with the free parameters solved, ``(n, 1)`` each.
    converged : ndarray of bool, ``(n,)``
        Draws whose targets are all met within their tolerances and whose solution lies inside the
        bounds.

    Notes
    -----
    Gauss-Newton on the targets scaled by their tolerances.  Each iteration runs one simulation of
    ``n * (k + 1)`` rows (every draw and its ``k`` forward perturbations) and solves ``n`` ``k x k``
    normal-equation systems with one :func:`numpy.linalg.solve` call.  Steps are clipped to the
    bounds.  No prior penalty: a draw must reproduce H1 exactly, as the data demand.
    """
    reg = params.registry
    free = tuple(n for n in params.free() if reg[n].per_draw) if free is None else tuple(free)
    theta = as_theta(theta)
    n = next(iter(theta.values())).shape[0]
    k = len(free)
    tg = targets()
    observed = np.array([t.observed for t in tg])
    tol = np.array([t.tolerance for t in tg])
    if k == 0:
        err = np.abs(target_values(theta) - observed) / tol
        return dict(theta), (err <= 1.0).all(axis=1)
    lo = np.array([reg[f].bounds[0] for f in free])
    hi = np.array([reg[f].bounds[1] for f in free])
    step = np.array([1e-4 * reg[f].prior.sd for f in free])
    x = np.tile([params[f] for f in free], (n, 1))  # (n, k)
    others = {name: v for name, v in theta.items() if name not in free}

    def run(xs: np.ndarray) -> np.ndarray:
        rows = xs.shape[0] // n
        values = {name: np.tile(v, (rows, 1)) for name, v in others.items()}
        values.update({f: xs[:, j : j + 1] for j, f in enumerate(free)})
        return (target_values(values) - observed) / tol

    for _ in range(max_iter):
        stacked = np.concatenate([x] + [x + step * np.eye(k)[j] for j in range(k)], axis=0)
        r_all = run(stacked).reshape(k + 1, n, -1)
        r = r_all[0]  # (n, m)
        if np.all(np.abs(r) < 1e-6):
            break
        jac = np.moveaxis((r_all[1:] - r) / step[:, None, None], 0, -1)  # (n, m, k)
        jtj = np.einsum("nmi,nmj->nij", jac, jac)
        jtj = jtj + 1e-10 * np.eye(k) * np.diagonal(jtj, axis1=1, axis2=2)[:, :, None]  # tiny damping
        jtr = np.einsum("nmi,nm->ni", jac, r)
        dx = -np.linalg.solve(jtj, jtr[..., None])[..., 0]
        x = np.clip(x + dx, lo, hi)
    r = run(x)
    converged = np.all(np.abs(r) <= 1.0, axis=1) & np.all(np.isfinite(r), axis=1)
    solved = dict(theta)
    solved.update({f: x[:, j : j + 1] for j, f in enumerate(free)})
    return solved, converged
