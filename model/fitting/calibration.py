"""Calibration to the published 2020 YTD figures of the release the run is as of (default: H1 2020).

Targets (:mod:`model.fitting.targets`; as of 2020Q2, the interview's): H1 GDP 7388 亿元 and +1.5%
real YTD; H1 budget revenue 1276 亿元 and +1.2% YTD; digital-economy core +6.1% real YTD in Q1 and
+10.5% in H1.  As of a later round, its YTD figures join them.  The H1 levers (the relief granted and
the spring vouchers) are part of history, so the calibrated shock is the shock net of H1 policy.

Two solvers share one target function:

* :func:`calibrate`: penalised least squares with :func:`scipy.optimize.least_squares` over the
  calibrated parameters the user has not fixed, the priors entering as penalties
  :math:`(\\theta_j - \\mu_j)/\\sigma_j` beside the target errors :math:`(m_i - o_i)/s_i`.  Each
  target's scale :math:`s_i` is a fiftieth of its acceptance tolerance, so the targets bind and the
  priors only decide what the targets leave open.
* :func:`recalibrate`: the same fit for many draws at once (the uncertainty analysis), by
  batched Newton steps with a Jacobian model (the Jacobian at the calibrated point and its
  derivatives, from one batched simulation of a few hundred rows), each step a stack of small
  normal-equation systems.  No loop over draws, no finite differences per draw.

The revenue level and growth targets carry the same information (the H1 2019 base is derived from
them), so the six targets identify five parameters; the identification table shows which.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from model.core.calendar import release_name
from model.core.parameters import ParameterSet
from model.core.periods import Span
from model.core.simulate import Inputs, as_theta
from model.fitting import targets as _targets
from model.fitting.cache import cached
from model.fitting.targets import Target, targets
from model.inputs.history import history_inputs
from model.inputs.vintage import DEFAULT_VINTAGE, Vintage

__all__ = [
    "CAL_SPAN", "Calibration", "Target", "calibrate", "recalibrate", "solved_per_draw", "target_values", "targets",
]

CAL_SPAN = Span(2018, 2020)
"""The default calibration span: 2018-2020 with the H1 levers only (:func:`cal_span` as of a round)."""


def cal_span(vintage: Vintage = DEFAULT_VINTAGE) -> Span:
    """The calibration span as of ``vintage``: the model's first year to the round's year."""
    cal = vintage.calendar
    return Span(cal.model_start, cal.calibration_end_year)


def target_values(
    theta: Mapping[str, np.ndarray], inputs: Inputs | None = None, *, vintage: Vintage = DEFAULT_VINTAGE,
) -> np.ndarray:
    """The model's value of every target as of ``vintage``, ``(n, n_targets)``."""
    return _targets.target_values(theta, inputs or _history(vintage), targets(vintage))


@lru_cache(maxsize=32)
def _history(vintage: Vintage = DEFAULT_VINTAGE) -> Inputs:
    return history_inputs(cal_span(vintage), vintage)


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
        prior mean in prior sds), ``identified_by`` (the target whose published value moves the
        calibrated parameter most; see ``influence``) and ``data_share``, the share of the prior sd
        that the targets remove, :math:`1 - \\sqrt{[(J^\\top W^2 J + P^2)^{-1}]_{jj}}\\,/\\,\\sigma_j`:
        near one a parameter the release pins down, near zero one its prior decides (a pair the
        targets cannot tell apart, or a target missing from the release).
    identification : DataFrame
        Targets by free parameters: change of each target (its unit) per prior sd of each parameter
        (the Jacobian, scaled).
    influence : DataFrame
        Free parameters by targets: change of each calibrated parameter (its unit) if the published
        target moved by its tolerance, the others held, from the first-order condition of the
        penalised fit, :math:`d\\hat\\theta/do = (J^\\top W^2 J + P^2)^{-1} J^\\top W^2` with
        :math:`W` the inverse target scales and :math:`P` the inverse prior sds.  A row of zeros
        but for the prior means a parameter the targets do not pin down.
    singular_values : ndarray
        Of the Jacobian scaled by target scales and prior sds; a zero means a direction the
        targets do not identify.
    vintage : Vintage
        The data folder and release round whose targets these are.
    """

    params: ParameterSet
    fit: pd.DataFrame
    priors: pd.DataFrame
    identification: pd.DataFrame
    influence: pd.DataFrame
    singular_values: np.ndarray
    success: bool
    message: str
    nfev: int
    vintage: Vintage = DEFAULT_VINTAGE

    @property
    def release(self) -> str:
        """The release calibrated to, like ``H1 2020``."""
        return release_name(self.vintage.as_of)

    @property
    def ok(self) -> bool:
        """Whether every target is met within its tolerance."""
        return bool(self.fit.within.all())

    def _repr_html_(self) -> str:
        fmt = {"float_format": lambda x: f"{x:,.4g}"}
        status = "all targets met" if self.ok else "targets missed"
        return (
            f"<h4>Calibration to {self.release} ({status})</h4>"
            + self.fit.drop(columns="source").to_html(index=False, **fmt)
            + "<p>Calibrated parameters against their priors</p>" + self.priors.to_html(**fmt)
        )

    def summary(self) -> str:
        """The fit, the priors and the identification, as text tables."""
        fit = self.fit.drop(columns="source").to_string(float_format=lambda x: f"{x:,.3f}")
        pri = self.priors.to_string(float_format=lambda x: f"{x:,.4g}")
        ide = self.influence.to_string(float_format=lambda x: f"{x:,.3g}")
        return (
            f"Calibration to {self.release} (penalised least squares)\n\n" + fit
            + "\n\nCalibrated parameters against their priors\n\n" + pri
            + "\n\nIdentification: change in each calibrated parameter if a published target moved by its "
            "tolerance\n\n" + ide
            + f"\n\nsolver: {self.message} ({self.nfev} evaluations)"
        )


def _theta_with(params: ParameterSet, free: Sequence[str], x: np.ndarray) -> dict[str, np.ndarray]:
    values: dict[str, np.ndarray | float] = dict(params.theta())
    for j, name in enumerate(free):
        values[name] = x[..., j]
    return as_theta(values)


def _jacobian(
    params: ParameterSet, free: Sequence[str], x: np.ndarray, step: np.ndarray, vintage: Vintage = DEFAULT_VINTAGE,
) -> np.ndarray:
    """Forward-difference Jacobian of the targets, ``(n_targets, n_free)``, in one batched run."""
    xs = np.vstack([x, x + np.diag(step)])  # (1 + k, k)
    vals = target_values(_theta_with(params, free, xs), vintage=vintage)
    return ((vals[1:] - vals[0]) / step[:, None]).T


def calibrate(params: ParameterSet, *, vintage: Vintage = DEFAULT_VINTAGE) -> Calibration:
    """Calibrate the free parameters of ``params`` to the targets as of ``vintage`` (default: the
    project's data as of 2020Q2, the H1 2020 targets).

    Free parameters are the registry's calibrated ones that the user has not fixed
    (:meth:`ParameterSet.free`).  Results are cached by parameter set and vintage; each call returns
    its own copies of the tables, so changing one never changes a later run.
    """
    cal = _calibrate(params, vintage)
    return replace(cal, fit=cal.fit.copy(), priors=cal.priors.copy(), identification=cal.identification.copy(),
                   influence=cal.influence.copy(), singular_values=cal.singular_values.copy())



@lru_cache(maxsize=256)
def _calibrate(params: ParameterSet, vintage: Vintage = DEFAULT_VINTAGE) -> Calibration:
    """The calibration of ``params``: from the disk cache if it is there and reproduces its fit
    (:mod:`model.fitting.cache`), else fitted."""
    return cached(params, vintage, lambda: _fit(params, vintage), lambda c: _reproduces(c, params, vintage))


def _reproduces(cal: object, params: ParameterSet, vintage: Vintage) -> bool:
    """Whether ``cal`` is a calibration of ``params`` (only the free parameters changed) to today's
    targets whose fit one run of the model at its parameters gives again, bit for bit."""
    if not isinstance(cal, Calibration) or cal.params != params.with_calibrated({n: cal.params[n] for n in params.free()}):
        return False
    if cal.fit.observed.tolist() != [t.observed for t in targets(vintage)]:
        return False
    return bool(np.array_equal(target_values(as_theta(cal.params.theta()), vintage=vintage)[0], cal.fit.model.to_numpy()))


def _fit(params: ParameterSet, vintage: Vintage) -> Calibration:
    reg = params.registry
    free = params.free()
    tg = targets(vintage)
    observed = np.array([t.observed for t in tg])
    scale = np.array([t.scale for t in tg])
    if free:
        priors = [reg[n].prior for n in free]
        mu = np.array([p.mean for p in priors])
        sd = np.array([p.sd for p in priors])
        lo = np.array([reg[n].bounds[0] for n in free])
        hi = np.array([reg[n].bounds[1] for n in free])

        def residuals(x: np.ndarray) -> np.ndarray:
            model = target_values(_theta_with(params, free, x[None, :]), vintage=vintage)[0]
            return np.r_[(model - observed) / scale, (x - mu) / sd]

        from scipy.optimize import least_squares  # imported here: the light commands never need it

        sol = least_squares(
            residuals, np.clip(mu, lo, hi), bounds=(lo, hi), x_scale=sd, xtol=1e-12, ftol=1e-12,
            gtol=1e-12, max_nfev=2000,
        )
        x, success, message, nfev = sol.x, bool(sol.success), str(sol.message), int(sol.nfev)
        calibrated = params.with_calibrated(dict(zip(free, x.tolist(), strict=True)))
    else:
        x, success, message, nfev = np.zeros(0), True, "nothing to calibrate", 0
        calibrated = params
    model = target_values(as_theta(calibrated.theta()), vintage=vintage)[0]
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
        jac = _jacobian(calibrated, free, x, 1e-4 * sd, vintage)
        ident = pd.DataFrame(jac * sd, index=labels, columns=list(free))
        sv = np.linalg.svd(jac * sd / scale[:, None], compute_uv=False)
        tol = np.array([t.tolerance for t in tg])
        w2 = 1.0 / scale**2
        hessian = jac.T @ (w2[:, None] * jac) + np.diag(1.0 / sd**2)
        influence = np.linalg.solve(hessian, jac.T * w2) * tol  # (k, m): parameter per tolerance
        infl = pd.DataFrame(influence, index=pd.Index(free, name="parameter"), columns=labels)
        prior_table = pd.DataFrame(
            {
                "prior": [p.describe() for p in priors],
                "prior_mean": mu,
                "prior_sd": sd,
                "calibrated": x,
                "z": (x - mu) / sd,
                "identified_by": _identified_by(influence, sd, labels),
                # the share of the prior sd the targets remove: near 0, the prior decides
                "data_share": 1.0 - np.sqrt(np.diag(np.linalg.inv(hessian))) / sd,
            },
            index=pd.Index(free, name="parameter"),
        )
    else:
        ident = pd.DataFrame(index=labels)
        infl = pd.DataFrame(columns=labels)
        sv = np.zeros(0)
        prior_table = pd.DataFrame(columns=["prior", "prior_mean", "prior_sd", "calibrated", "z", "identified_by",
                                            "data_share"])
    return Calibration(calibrated, fit, prior_table, ident, infl, sv, success, message, nfev, vintage)


def _identified_by(influence: np.ndarray, sd: np.ndarray, labels: Sequence[str]) -> list[str]:
    """The target that moves each parameter most, or ``prior (no target)`` where none moves it by
    a millionth of its prior sd (a target the identification needs is missing from the release)."""
    if not labels:
        return ["prior (no target)"] * len(sd)
    a = np.abs(influence)
    return [labels[i] if a[j, i] > 1e-6 * sd[j] else "prior (no target)" for j, i in enumerate(a.argmax(axis=1))]


calibrate.cache_info = _calibrate.cache_info  # type: ignore[attr-defined]
calibrate.cache_clear = _calibrate.cache_clear  # type: ignore[attr-defined]


def recalibrate(
    params: ParameterSet,
    theta: Mapping[str, np.ndarray],
    *,
    free: Sequence[str] | None = None,
    max_iter: int = 20,
    rtol: float = 1e-3,
    vintage: Vintage = DEFAULT_VINTAGE,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Re-fit the free parameters in every draw of ``theta`` so that each draw meets the targets.

    Parameters
    ----------
    params : ParameterSet
        The calibrated point: the centre of the draws and the point every derivative is taken at.
    theta : mapping
        Every parameter as ``(n, 1)`` draws.
    free : sequence of str, optional
        Parameters to solve for.  Default: the free parameters marked ``per_draw`` (the five the
        targets identify); if the user fixed one of them, the free calibrated parameter that takes
        over its role (e.g. ``gdp_share_h1`` for a fixed ``deflator_h1``) is solved instead.  The
        others in ``theta`` stay as drawn.
    max_iter : int
        Newton iterations at most.
    rtol : float
        A draw stops iterating once every target error is below ``rtol`` times its tolerance.
    vintage : Vintage
        The data and round whose targets every draw must meet (as :func:`calibrate`'s).

    Returns
    -------
    theta : dict
        ``theta`` with the free parameters solved, ``(n, 1)`` each.
    converged : ndarray of bool, ``(n,)``
        Draws whose targets are all met within their tolerances (the solution lies inside the
        bounds by construction).

    Notes
    -----
    Let :math:`r(x; \\vartheta)` be the target errors divided by their tolerances, :math:`x` the
    :math:`k` solved parameters and :math:`\\vartheta` the :math:`p` parameters that vary across
    draws.  Newton's method solves :math:`r(x_i; \\vartheta_i) = 0` for every draw :math:`i` at
    once, with a *model* of each draw's Jacobian rather than finite differences per draw:

    .. math::

        J_i(x) = J_c + \\sum_j \\partial_{\\vartheta_j} J_c\\,(\\vartheta_{ij} - \\vartheta_{cj})
               + \\sum_l \\partial_{x_l} J_c\\,(x_l - x_{cl}),

    the first-order expansion of :math:`J = \\partial r / \\partial x` around the calibrated point
    :math:`c`.  Every derivative comes from one batched simulation at and around :math:`c`: central
    differences half a draw-sd (or prior-sd) wide, each with its forward-difference Jacobian,
    :math:`(2(p+k)+1)(k+1)` rows, a few hundred.  The start is the implicit-function prediction, a
    Gauss-Newton step from :math:`x_c` on the linearised errors
    :math:`r_c + \\partial_\\vartheta r_c\\,\\Delta\\vartheta_i` with :math:`J_i(x_c)`.  Each
    iteration then simulates only the draws not yet converged (the 2018-2020 calibration span, H1
    levers with a non-zero history) and solves their :math:`k \\times k` normal equations in one
    :func:`numpy.linalg.solve` call; steps are clipped to the bounds.  A draw that stalls against a
    bound has no solution inside the bounds and is reported as not converged.  No prior penalty: a
    draw must reproduce H1, as the data demand.  The targets are close to linear in :math:`x`, so
    four or five simulations of the draws suffice.
    """
    reg = params.registry
    theta = as_theta(theta)
    names = tuple(theta)
    n = next(iter(theta.values())).shape[0]
    inputs = _active_history(vintage)
    tg = targets(vintage)
    observed = np.array([t.observed for t in tg])
    tol = np.array([t.tolerance for t in tg])
    free = solved_per_draw(params, vintage) if free is None else tuple(free)
    k = len(free)
    if k == 0:
        err = np.abs(target_values(theta, inputs, vintage=vintage) - observed) / tol
        return dict(theta), np.all(err <= 1.0, axis=1)
    lo = np.array([reg[f].bounds[0] for f in free])
    hi = np.array([reg[f].bounds[1] for f in free])
    x_c = np.array([params[f] for f in free])
    centre = params.theta()
    varying = [
        name for name in names
        if name not in free and name in centre and not np.all(theta[name] == centre[name])
    ]
    d_theta = np.hstack([theta[v] - centre[v] for v in varying]) if varying else np.zeros((n, 0))
    spread = np.sqrt(np.mean(d_theta**2, axis=0))  # (p,) size of the draws' deviations
    model = _jacobian_model(params, free, varying, spread, inputs, observed, tol, vintage)
    j_c, r_c, dr_theta, dj_theta, dj_x = model
    m = len(tg)
    j_draw = j_c + (d_theta @ dj_theta.reshape(-1, m * k)).reshape(n, m, k)
    dj_x = dj_x.reshape(k, m * k)
    if not varying and np.all(np.abs(r_c) < rtol):  # every draw is the calibrated point
        x = np.tile(x_c, (n, 1))
    else:
        x = np.clip(x_c + _newton_step(j_draw, r_c + d_theta @ dr_theta), lo, hi)  # (n, k)

    others = {name: theta[name] for name in names if name not in free}

    def residuals(rows: np.ndarray, xs: np.ndarray) -> np.ndarray:
        values = {name: v[rows] for name, v in others.items()}
        values.update({f: xs[:, j : j + 1] for j, f in enumerate(free)})
        return (target_values(values, inputs, vintage=vintage) - observed) / tol

    r_final = np.full((n, len(tg)), np.nan)
    active = np.arange(n)
    last_norm = np.full(n, np.inf)
    for it in range(max_iter + 1):
        r = residuals(active, x[active])
        norm = np.abs(r).max(axis=1)
        at_bound = np.any((x[active] <= lo) | (x[active] >= hi), axis=1)
        stalled = at_bound & (norm > 0.9 * last_norm[active])
        done = (norm < rtol) | stalled | ~np.isfinite(norm) | (it == max_iter)
        r_final[active[done]] = r[done]
        last_norm[active] = norm
        active, r = active[~done], r[~done]
        if active.size == 0:
            break
        jac = j_draw[active] + ((x[active] - x_c) @ dj_x).reshape(-1, m, k)
        x[active] = np.clip(x[active] + _newton_step(jac, r), lo, hi)
    converged = np.all(np.abs(r_final) <= 1.0, axis=1)
    solved = dict(theta)
    solved.update({f: x[:, j : j + 1] for j, f in enumerate(free)})
    return solved, converged


def _newton_step(jac: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Gauss-Newton steps ``-(J'J)^{-1} J'r`` for a stack of Jacobians ``(n, m, k)``."""
    jt = np.swapaxes(jac, 1, 2)
    jtj = jt @ jac
    jtj = jtj + 1e-10 * np.eye(jac.shape[2]) * np.diagonal(jtj, axis1=1, axis2=2)[:, :, None]  # tiny damping
    return -np.linalg.solve(jtj, jt @ r[..., None])[..., 0]


@lru_cache(maxsize=32)
def _active_history(vintage: Vintage = DEFAULT_VINTAGE) -> Inputs:
    """The calibration inputs without the levers whose H1 history is zero.

    A lever that injects nothing adds nothing, so the targets are the same (checked once at the
    default parameters; the full inputs are kept if they are not) and each simulation is cheaper.
    """
    from model.inputs.registry import default_params

    h = _history(vintage)
    active = replace(h, injections={k: v for k, v in h.injections.items() if np.any(v)})
    theta = as_theta(default_params().theta())
    same = np.array_equal(target_values(theta, active, vintage=vintage), target_values(theta, h, vintage=vintage))
    return active if same else h


def solved_per_draw(params: ParameterSet, vintage: Vintage = DEFAULT_VINTAGE) -> tuple[str, ...]:
    """The parameters :func:`recalibrate` solves by default.

    The free ``per_draw`` parameters; if the user fixed one of those, free calibrated parameters
    join, in registry order, as long as each raises the rank of the targets' Jacobian (so that a
    fixed ``deflator_h1`` hands its role to ``gdp_share_h1``).
    """
    reg = params.registry
    free = params.free()
    solved = [n for n in free if reg[n].per_draw]
    if all(n in solved for n in reg.per_draw):
        return tuple(solved)
    sd = np.array([reg[n].prior.sd for n in free])
    x = np.array([params[n] for n in free])
    tol = np.array([t.tolerance for t in targets(vintage)])
    jac = _jacobian(params, free, x, 1e-4 * sd, vintage) * sd / tol[:, None]
    cols = {n: jac[:, j] for j, n in enumerate(free)}

    def rank(names: Sequence[str]) -> int:
        return int(np.linalg.matrix_rank(np.stack([cols[n] for n in names], axis=1), tol=1e-6)) if names else 0

    for name in free:
        if name not in solved and rank([*solved, name]) > rank(solved):
            solved.append(name)
    return tuple(n for n in free if n in solved)


def _jacobian_model(
    params: ParameterSet,
    free: Sequence[str],
    varying: Sequence[str],
    spread: np.ndarray,
    inputs: Inputs,
    observed: np.ndarray,
    tol: np.ndarray,
    vintage: Vintage = DEFAULT_VINTAGE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scaled residuals, their Jacobian and its first derivatives at the calibrated point.

    Returns ``J_c (m, k)``, ``r_c (m,)``, ``dr/dtheta (p, m)``, ``dJ/dtheta (p, m, k)`` and
    ``dJ/dx (k, m, k)``, from one batched run of ``(2 (p + k) + 1) (k + 1)`` rows.
    """
    reg = params.registry
    k = len(free)
    names = list(params.theta())
    centre = np.array([params[name] for name in names])
    moved = [*varying, *free]
    width = np.r_[0.5 * spread, [0.5 * reg[f].prior.sd for f in free]]
    width = np.where(width > 0, width, 1e-3 * np.maximum(np.abs(centre[[names.index(m) for m in moved]]), 1.0))
    points = [centre]
    spans = []
    for name, w in zip(moved, width, strict=True):
        i = names.index(name)
        lo_b, hi_b = reg[name].bounds
        up, down = centre.copy(), centre.copy()
        up[i], down[i] = min(centre[i] + w, hi_b), max(centre[i] - w, lo_b)
        points += [up, down]
        spans.append(up[i] - down[i])
    pts = np.array(points)  # (P, len(names))
    h = np.array([1e-4 * reg[f].prior.sd for f in free])
    cols = [names.index(f) for f in free]
    rows = np.repeat(pts, k + 1, axis=0)
    for j, c in enumerate(cols):
        rows[j + 1 :: k + 1, c] += h[j]
    values = {name: rows[:, i : i + 1] for i, name in enumerate(names)}
    r = ((target_values(values, inputs, vintage=vintage) - observed) / tol).reshape(len(pts), k + 1, -1)
    base = r[:, 0]  # (P, m)
    jac = np.moveaxis((r[:, 1:] - r[:, :1]) / h[None, :, None], 1, 2)  # (P, m, k)
    d = np.asarray(spans)[:, None]
    dr = (base[1::2] - base[2::2]) / d  # (p + k, m)
    dj = (jac[1::2] - jac[2::2]) / d[:, :, None]  # (p + k, m, k)
    p = len(varying)
    return jac[0], base[0], dr[:p], dj[:p], dj[p:]
