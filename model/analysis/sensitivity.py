"""Global sensitivity: Sobol indices of full-year outcomes to every uncertain input.

Which assumptions matter most for 2020 growth and revenue?  Variance-based (Sobol) indices answer
over the whole prior range, not only near the point:

* the first-order index :math:`S_i = V[E(Y \\mid X_i)] / V(Y)` is the share of the variance of an
  output :math:`Y` that factor :math:`X_i` explains alone;
* the total index :math:`S_{Ti} = E[V(Y \\mid X_{\\sim i})] / V(Y)` adds its interactions: the
  variance that would remain if every other factor were known.  :math:`S_{Ti} \\ge S_i`, and
  :math:`\\sum_i S_i \\le 1` (equal when the model is additive).

Set-up.  Factors are the uncertain parameters of the registry, each on the unit cube and mapped
through its prior's inverse CDF (:meth:`model.core.parameters.Prior.ppf`: the same priors, centres and
``scale`` as the Monte Carlo of :mod:`model.analysis.montecarlo`, truncated normal, beta on the bounds, or
uniform).  Sobol indices assume independent factors, so the three jointly estimated trend
parameters form **one group**, ``trend``: three independent uniforms become standard normals and
then the correlated trend parameters through the Cholesky factor of their estimated covariance,
the same joint normal as the Monte Carlo's (:class:`model.analysis.sampling.JointTrend`) but clipped to
the bounds where the Monte Carlo rejects, because the map from the unit cube must be
deterministic (the bounds lie more than 8 sds away, so neither binds).  The forecast shocks from
2020Q3 to the end of the last output year form three more groups, one a process of the Monte Carlo:
the common output gap (``forecast_shocks``), revenue's own shock (``revenue_shocks``) and the digital
core's own gap (``digital_shocks``), each quarter's innovation a standard normal through its inverse
CDF, then the process's AR(1) at its own parameters (:func:`model.analysis.sampling.forecast_gap`,
:func:`model.analysis.sampling.own_noise`), ``scale`` and ``draw_shocks`` as there.  Samples follow
Saltelli's scheme with a scrambled Sobol' sequence (:func:`SALib.sample.sobol.sample`,
:math:`N (G + 2)` rows for :math:`G` groups, first and total order only); indices and their 95%
bootstrap confidence intervals come from :func:`SALib.analyze.sobol.analyze`.

Every sample is re-calibrated to H1 2020 (:func:`model.fitting.calibration.recalibrate`), in batches of
rows, with no loop over samples.  The Saltelli design must stay complete, so samples that cannot
meet the targets within bounds are kept at their best fit, not redrawn; their number is reported
(zero at the default priors).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from model.analysis.results import Results, run
from model.analysis.sampling import OWN_SHOCKS, JointTrend, forecast_gap, own_noise
from model.core import indicators
from model.core.calendar import CALENDAR
from model.core.errors import UserError
from model.core.indicators import At, split_at
from model.core.parameters import ParameterSet, Prior
from model.core.periods import parse_period
from model.core.simulate import Inputs, simulate
from model.fitting.calibration import recalibrate
from model.inputs.scenario import Scenario, UncertaintyTable, load_scenario
from model.inputs.uncertainty_settings import Origins, check_prior, check_seed, priors
from model.inputs.vintage import DEFAULT_VINTAGE, Vintage

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DEFAULT_OUTPUTS", "Sensitivity", "fingerprint", "sobol"]

DEFAULT_OUTPUTS = ("gdp_real_yoy@2020", "revenue_yoy@2020")
"""Full-year 2020 real GDP growth and budget revenue growth."""
SHOCK_GROUPS = {"forecast_shocks": "shock", **{g: f"{k}_shock" for k, g in OWN_SHOCKS.items()}}
"""The forecast-shock groups (the common gap, then :data:`~model.analysis.sampling.OWN_SHOCKS`) and the
prefix of their factors' names (``shock_2020Q3``, ``revenue_shock_2020Q3``, ...)."""
BATCH = 12_000
"""Rows re-calibrated and simulated at a time (bounds memory; drives the progress bar)."""


@dataclass(frozen=True)
class _Design:
    """The factors: names on the unit cube, their groups, and how they map to the model."""

    names: tuple[str, ...]
    groups: tuple[str, ...]
    priors: dict[str, Prior]
    joint: JointTrend | None
    n_shocks: int

    @property
    def problem(self) -> dict[str, Any]:
        return {"num_vars": len(self.names), "names": list(self.names), "bounds": [[0.0, 1.0]] * len(self.names),
                "groups": list(self.groups)}

    @property
    def factors(self) -> dict[str, tuple[str, ...]]:
        """Group name to the parameters (or shock quarters) in it, in order."""
        out: dict[str, list[str]] = {}
        for n, g in zip(self.names, self.groups, strict=True):
            out.setdefault(g, []).append(n)
        return {g: tuple(v) for g, v in out.items()}


def _design(params: ParameterSet, settings: UncertaintyTable, quarters: Sequence[str], origins: Origins) -> _Design:
    pri = priors(params, settings) if settings.draw_parameters else {}
    pri = {k: v for k, v in pri.items() if v.sd * settings.scale > 0}
    for name, prior in pri.items():
        check_prior(name, prior, params.registry[name].bounds, settings.scale, origins)
    trend = JointTrend.of(pri, params, settings.scale)
    joint = trend.names if trend else ()
    names = [n for n in pri if n not in joint]
    groups = list(names)
    names += list(joint)
    groups += ["trend"] * len(joint)
    shocks = list(quarters) if settings.draw_shocks and settings.scale > 0 else []
    for group, stem in SHOCK_GROUPS.items():  # one innovation a quarter and a process
        names += [f"{stem}_{q}" for q in shocks]
        groups += [group] * len(shocks)
    if len(set(groups)) < 2:
        raise UserError("a sensitivity analysis needs at least two uncertain factors", key="uncertainty")
    return _Design(tuple(names), tuple(groups), pri, trend, len(shocks))


def _map(design: _Design, u: np.ndarray, params: ParameterSet,
         scale: float) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Unit-cube rows ``u`` to parameter draws ``(rows, 1)`` and, by shock group present, standard-normal
    innovations ``(rows, s)``."""
    reg = params.registry
    u = np.clip(u, 1e-12, 1.0 - 1e-12)
    col = {n: i for i, n in enumerate(design.names)}
    joint = design.joint.names if design.joint else ()
    theta = {name: prior.ppf(u[:, col[name]], reg[name].bounds, center=prior.mean, scale=scale)[:, None]
             for name, prior in design.priors.items() if name not in joint}
    if design.joint:
        theta.update(design.joint.ppf(u[:, [col[n] for n in joint]]))
    from scipy.special import ndtri

    shocks = {group: ndtri(u[:, [i for i, g in enumerate(design.groups) if g == group]])
              for group in SHOCK_GROUPS if group in design.groups}
    return theta, shocks


@dataclass(frozen=True, eq=False)
class Sensitivity:
    """Sobol indices of full-year outcomes of one scenario.

    Attributes
    ----------
    results : Results
        The deterministic run (its calibrated parameters centre the priors).
    indices : DataFrame
        One row an (output, factor): ``output, factor, members, S1, S1_conf, ST, ST_conf``,
        sorted by output and then by ``ST``; ``*_conf`` are half-widths of 95% intervals.
    outputs : DataFrame
        One row an output: ``output, description, mean, sd`` over all samples.
    samples : int
        Base samples :math:`N`; the model ran :math:`N (G + 2)` re-calibrated rows.
    rows : int
    missed : int
        Rows that could not meet the H1 targets within bounds (kept at their best fit).
    seed : int
    settings : UncertaintyTable
    """

    results: Results
    indices: pd.DataFrame
    outputs: pd.DataFrame
    samples: int
    rows: int
    missed: int
    seed: int
    settings: UncertaintyTable

    @property
    def scenario(self) -> Scenario:
        return self.results.scenario

    def top(self, output: str | None = None, k: int = 5) -> pd.DataFrame:
        """The ``k`` factors with the largest total index for ``output`` (default: the first)."""
        output = output or str(self.outputs.output.iloc[0])
        return self.indices[self.indices.output == output].head(k)

    def summary(self, k: int = 8) -> str:
        """The largest indices of every output, as text."""
        lines = [
            f"Sobol indices for scenario {self.scenario.name}: N = {self.samples:,} base samples, "
            f"{self.rows:,} re-calibrated model runs (seed {self.seed})"
            + (f"; {self.missed} runs missed the H1 targets" if self.missed else ""),
        ]
        for r in self.outputs.itertuples(index=False):
            top = self.top(r.output, k)[["factor", "S1", "S1_conf", "ST", "ST_conf"]]
            lines += ["", f"{r.description} (mean {r.mean:.2f}, sd {r.sd:.2f})",
                      top.to_string(index=False, float_format=lambda x: f"{x:.3f}"),
                      f"sum of first-order indices {self.indices[self.indices.output == r.output].S1.sum():.2f}"]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [f"<h4>Sobol indices, scenario {self.scenario.name}</h4>"
                 f"<p>N = {self.samples:,} base samples, {self.rows:,} re-calibrated runs</p>"]
        for r in self.outputs.itertuples(index=False):
            top = self.top(r.output, 8)[["factor", "S1", "S1_conf", "ST", "ST_conf"]]
            parts += [f"<p>{r.description} (sd {r.sd:.2f})</p>",
                      top.to_html(index=False, float_format=lambda x: f"{x:.3f}")]
        return "".join(parts)

    def to_frame(self) -> pd.DataFrame:
        """The indices (a copy), as in ``sobol.csv``."""
        return self.indices.copy()

    def plot(self, output: str | None = None, *, k: int = 12, ax: Axes | None = None) -> Axes:
        """Tornado of the ``k`` largest total indices of ``output``, first-order inside, with 95%
        intervals."""
        from model.present.plotting import figure

        output = output or str(self.outputs.output.iloc[0])
        top = self.top(output, k).iloc[::-1]
        if ax is None:
            _, ax = figure(height=0.32 * len(top) + 1.2)
        y = np.arange(len(top))
        ax.barh(y, top.ST, xerr=top.ST_conf, color="tab:blue", alpha=0.35, label="total (S_T)",
                error_kw={"elinewidth": 0.8, "ecolor": "grey"})
        ax.barh(y, top.S1.clip(lower=0), height=0.45, xerr=top.S1_conf, color="tab:blue", label="first order (S_1)",
                error_kw={"elinewidth": 0.8, "ecolor": "black"})
        ax.set_yticks(y)
        ax.set_yticklabels(top.factor, fontsize=8)
        ax.set_xlim(0, max(1.0, float((top.ST + top.ST_conf).max()) * 1.05))
        desc = self.outputs.set_index("output").description.get(output, output)
        ax.set_title(f"Sobol indices: {desc}", fontsize=10)
        ax.set_xlabel("share of variance")
        ax.legend(fontsize=7, loc="lower right")
        return ax

    def fingerprint(self) -> str:
        """Identity of the run this analysis belongs to (see :func:`model.present.sensitivity_files.carry_over`)."""
        return fingerprint(self.results)

    def __repr__(self) -> str:
        return f"<Sensitivity {self.scenario.name}: N={self.samples}, {len(self.outputs)} outputs>"


def _batch(design: _Design, u: np.ndarray, p: ParameterSet, settings: UncertaintyTable, inputs: Inputs,
           start: int, targets: tuple[At, ...], vintage: Vintage = DEFAULT_VINTAGE) -> tuple[np.ndarray, int]:
    """One fixed batch of Saltelli rows, re-calibrated and simulated: the outputs ``(rows, targets)``
    and the number of rows that missed the H1 targets.  The batches are the same whoever runs them
    (:func:`model.analysis.executors.map_chunks`), so the indices do not depend on the workers."""
    span = inputs.span
    base = {k: np.full((1, 1), v) for k, v in p.theta().items()}
    drawn, e = _map(design, u, p, settings.scale)
    theta, ok = recalibrate(p, {**base, **drawn}, vintage=vintage)
    first = span.periods[start]
    innov = {}
    for group, x in e.items():
        innov[group] = np.zeros((u.shape[0], span.n))
        innov[group][:, start : start + x.shape[1]] = x
    noise = {}
    if "forecast_shocks" in innov:
        noise["noise"] = forecast_gap(p, settings, innov["forecast_shocks"], span, start=first)
        noise.update(own_noise(p, settings, {k: innov[g] for k, g in OWN_SHOCKS.items()}, span, start=first))
    ann = indicators.annual(simulate(theta, replace(inputs, **noise)))
    y = np.column_stack([ann[t.variable][:, int(t.period) - span.first_year] for t in targets])
    return y, int((~ok).sum())


def sobol(
    scenario: Scenario | str | Path,
    *,
    samples: int = 1024,
    seed: int | None = None,
    params: ParameterSet | None = None,
    outputs: Sequence[str] = DEFAULT_OUTPUTS,
    progress: bool | None = None,
    workers: int = 1,
    scheduler: str | None = None,
) -> Sensitivity:
    """Sobol indices of ``outputs`` (``variable@year``) to every uncertain factor of ``scenario``.

    Parameters
    ----------
    scenario : Scenario or path
    samples : int
        Base samples :math:`N`, a power of two (16 to 65536); the model runs :math:`N (G + 2)`
        re-calibrated rows for :math:`G` factors (about 61 000 for N = 1024).
    seed : int, optional
        Scrambling of the Sobol' sequence and bootstrap of the intervals (default: the scenario's
        uncertainty seed).
    params : ParameterSet, optional
        Starting parameters, as in :func:`model.run`.
    outputs : sequence of str
        Calendar-year indicators like ``gdp_real_yoy@2020``.
    progress : bool, optional
        Progress bar on a terminal (default: when stderr is one).
    workers, scheduler : optional
        Run the fixed batches of rows on ``workers`` processes or on Dask (``"local"`` or an
        address), as ``run --draws``; the indices are byte-identical.
    """
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    from model.analysis.executors import map_chunks
    from model.analysis.montecarlo import check_workers
    from model.core.progress import progress_bar

    workers = check_workers(workers, key="workers")

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    check_samples(samples)
    settings = scenario.uncertainty or UncertaintyTable()
    seed = settings.seed if seed is None else check_seed(seed)
    targets = []
    for text in outputs:
        try:
            t = At(*split_at(text))
            t.check(first=CALENDAR.report_start, last=parse_period(scenario.horizon))
        except ValueError as exc:
            raise UserError(str(exc), key="outputs") from None
        if not t.annual:
            raise UserError("sensitivity outputs are calendar-year indicators like gdp_real_yoy@2020", key="outputs")
        targets.append(t)
    point = run(scenario, params=params)
    p = point.params
    last_year = max(int(t.period) for t in targets)
    span = point.span
    start = span.index(scenario.vintage.calendar.first_scenario)  # the quarter after the round (2020Q3)
    quarters = [str(q) for q in span.periods[start : span.index(f"{last_year}Q4") + 1]]
    design = _design(p, settings, quarters, Origins.of(scenario, p, settings))
    u = sample.sample(design.problem, samples, calc_second_order=False, seed=seed)
    inputs = scenario.inputs()
    batches = [(lo, min(lo + BATCH, u.shape[0])) for lo in range(0, u.shape[0], BATCH)]
    tasks = [(design, u[lo:hi], p, settings, inputs, start, tuple(targets), scenario.vintage) for lo, hi in batches]
    with progress_bar(u.shape[0], f"{scenario.name}: sensitivity", progress) as bar:
        parts = map_chunks(_batch, tasks, workers=workers, scheduler=scheduler,
                           done=lambda i: bar.update(batches[i][1] - batches[i][0]))
    y = np.concatenate([part[0] for part in parts])
    missed = sum(part[1] for part in parts)
    rows_out, frames = [], []
    factors = design.factors
    for j, t in enumerate(targets):
        si = analyze.analyze(design.problem, y[:, j], calc_second_order=False, seed=seed)
        names = list(factors)
        frame = pd.DataFrame({
            "output": f"{t.variable}@{t.period}",
            "factor": names,
            "members": [" ".join(factors[g]) if len(factors[g]) > 1 else "" for g in names],
            "S1": np.asarray(si["S1"]), "S1_conf": np.asarray(si["S1_conf"]),
            "ST": np.asarray(si["ST"]), "ST_conf": np.asarray(si["ST_conf"]),
        })
        frames.append(frame.sort_values("ST", ascending=False, kind="stable"))
        desc = t.describe()
        rows_out.append({"output": f"{t.variable}@{t.period}", "description": desc,
                         "mean": float(y[:, j].mean()), "sd": float(y[:, j].std())})
    indices = pd.concat(frames, ignore_index=True)
    return Sensitivity(point, indices, pd.DataFrame(rows_out), samples, int(u.shape[0]), missed, seed, settings)


MAX_SAMPLES = 65536
"""Most base samples of a Sobol analysis (about 2.2 million re-calibrated runs)."""


def check_samples(samples: object, *, key: str = "samples") -> int:
    """The one check of a Sobol sample count (the API's ``samples=``, the command line's
    ``--samples``): a power of two from 16 to :data:`MAX_SAMPLES`; raise :class:`UserError`."""
    if not (isinstance(samples, int) and not isinstance(samples, bool) and 16 <= samples <= MAX_SAMPLES
            and samples & (samples - 1) == 0):
        raise UserError(f"expected a power of two from 16 to {MAX_SAMPLES}, got {samples!r}", key=key)
    return samples


def fingerprint(results: Results) -> str:
    """Identity of a run: its scenario's digest, its parameters and the model version."""
    from model.core.version import __version__

    blob = json.dumps({"scenario": results.scenario.digest, "params": list(results.params.values),
                       "version": __version__}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()
