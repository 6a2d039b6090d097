"""``[uncertainty]``: the Monte Carlo settings of a scenario, and the priors they give.

Every uncertain parameter of the registry is drawn from its prior centred on its value in the run;
``[uncertainty.priors.<name>]`` may change a prior's family, centre and sd.  A prior that is no
valid distribution is a user error that names the setting to blame (:class:`Origins`).  The
drawing itself is analysis (:mod:`model.analysis.sampling`); what is checked here is input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal, Protocol

import numpy as np
from pydantic import Field

from model.core.errors import UserError
from model.core.parameters import ParameterSet, Prior
from model.inputs.tables import Table
from model.inputs.thresholds import check_threshold

__all__ = ["MAX_DRAWS", "Origins", "PriorTable", "UncertaintyTable", "check_draws", "check_prior", "check_priors",
           "check_seed", "priors"]


class _ScenarioLike(Protocol):
    """What :meth:`Origins.of` reads of a :class:`~model.inputs.scenario.Scenario`."""

    @property
    def path(self) -> str | None: ...

    @property
    def parameters(self) -> Mapping[str, float]: ...


class PriorTable(Table):
    """``[uncertainty.priors.<name>]``: a prior that replaces the registry's in the draws."""

    dist: Literal["normal", "beta", "uniform"] | None = None
    """Family; default: the registry prior's (``normal`` is truncated to the bounds)."""
    mean: float | None = Field(default=None, allow_inf_nan=False)
    """Centre of the draws; default: the parameter's value (calibrated, or set in ``[parameters]``)."""
    sd: float | None = Field(default=None, ge=0.0, allow_inf_nan=False)
    """Standard deviation; default: the registry prior's.  0 holds the parameter at its centre."""
    source: str = ""
    """Where the range comes from (a citation, or "assumption")."""


MAX_DRAWS = 1_000_000
"""Most Monte Carlo draws a run may ask for (``[uncertainty] draws``, ``--draws``, the API); a million
re-calibrated draws peak under 2 GB (a large Monte Carlo keeps only what its outputs read:
:mod:`model.analysis.draw_store`)."""


def _whole_number(value: object) -> int | None:
    """``value`` as a whole number: an ``int`` (not a ``bool``), or the text of one (a command-line
    option); ``None`` for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None


def check_draws(value: object, *, key: str = "draws", file: str | None = None) -> int:
    """The one rule for a number of draws (``--draws``, ``draws=`` in Python, a sweep table): a whole
    number from 1 to :data:`MAX_DRAWS`; otherwise a one-line :class:`UserError` naming ``key``."""
    n = _whole_number(value)
    if n is None or not 1 <= n <= MAX_DRAWS:
        raise UserError(f"expected a whole number of draws from 1 to {MAX_DRAWS}, got {value!r}", file=file, key=key)
    return n


def check_seed(value: object, *, key: str = "seed", file: str | None = None) -> int:
    """The one rule for a seed (``--seed``, ``seed=``, a sweep table): a whole number from 0."""
    s = _whole_number(value)
    if s is None or s < 0:
        raise UserError(f"expected a non-negative whole number, got {value!r}", file=file, key=key)
    return s


class UncertaintyTable(Table):
    """``[uncertainty]``: Monte Carlo settings (see ``docs/uncertainty.md`` and
    :mod:`model.analysis.montecarlo`)."""

    draws: int = Field(default=10_000, gt=0, le=MAX_DRAWS)
    """Number of draws (each re-calibrated to H1 2020)."""
    seed: int = Field(default=20200630, ge=0)
    """Seed of the random generator."""
    scale: float = Field(default=1.0, ge=0.0, le=10.0, allow_inf_nan=False)
    """Multiplies every prior sd and the forecast-shock sd; 0 collapses the fan onto the point path."""
    draw_parameters: bool = True
    """Draw the uncertain parameters from their priors."""
    draw_shocks: bool = True
    """Draw forecast shocks from 2020Q3: the AR(1) output gap that adds ``shock_annual_sd`` pp to the
    sd of annual growth, and revenue's and the digital core's own (``revenue_shock_annual_sd``,
    ``digital_shock_annual_sd``)."""
    thresholds: tuple[str, ...] | None = Field(default=None, strict=False)  # a TOML array
    """Probabilities to report, like ``"gdp_real_yoy@2020>=3"``; default: 2020 real growth >= 3%
    and 2020 revenue growth >= 0."""
    priors: dict[str, PriorTable] = {}
    """Priors that replace the registry's, by parameter name."""

    def check(self, parameters: dict[str, float], horizon: str, file: str | None) -> None:
        """Check prior overrides, ``scale`` and thresholds against the model and the horizon;
        raise :class:`UserError`."""
        check_priors(self, parameters, file=file)
        for i, text in enumerate(self.thresholds or ()):
            check_threshold(text, horizon, file=file, key=f"uncertainty.thresholds[{i}]")


def check_priors(settings: UncertaintyTable, parameters: Mapping[str, float], *, file: str | None = None) -> None:
    """Check ``[uncertainty.priors]`` and ``scale`` against the registry; raise :class:`UserError`.

    Every prior override must name a drawn parameter and keep its centre within the bounds; every
    prior must remain a valid distribution at ``scale`` when centred on the scenario's value (the
    calibrated parameters' centres are known only after calibration and are checked when drawn).
    ``parameters`` are the scenario's overrides.
    """
    from model.inputs.registry import registry

    reg = registry()
    for name, table in settings.priors.items():
        key = f"uncertainty.priors.{name}"
        par = reg.lookup(name, file=file, key=key)
        if par.per_draw:
            raise UserError("this parameter is solved in every draw to meet the H1 2020 targets; it has no "
                            "prior to set", file=file, key=key)
        if name not in reg.uncertain:
            hint = " (its forecast-shock sd is scaled by uncertainty.scale)" if name.endswith("shock_annual_sd") else ""
            raise UserError(f"this parameter is not drawn: it is treated as known{hint}", file=file, key=key)
        if table.mean is not None:
            par.check(table.mean, file=file, key=f"{key}.mean")
    origins = Origins(settings, file, frozenset(parameters))
    for name in reg.uncertain:
        par = reg[name]
        table = settings.priors.get(name)
        centre = table.mean if table is not None and table.mean is not None else parameters.get(name, par.value)
        check_prior(name, _effective(par.prior, table, centre), par.bounds, settings.scale, origins)


@dataclass(frozen=True)
class Origins:
    """Where the settings that shape the priors of a run came from, to name the right one in an error.

    Attributes
    ----------
    settings : UncertaintyTable
        ``[uncertainty]``: prior overrides and ``scale``.
    file : str or None
        The scenario file.
    parameters : frozenset of str
        Names set in the scenario's ``[parameters]``.
    set_by_user : frozenset of str
        Names set in the ``params`` a run starts from, which the command line sets with ``--set``
        (a scenario's ``[parameters]`` win over them).
    """

    settings: UncertaintyTable
    file: str | None = None
    parameters: frozenset[str] = frozenset()
    set_by_user: frozenset[str] = frozenset()

    @classmethod
    def of(cls, scenario: _ScenarioLike, params: ParameterSet, settings: UncertaintyTable) -> Origins:
        """The origins of a run of ``scenario`` from ``params``."""
        mine = frozenset(scenario.parameters)
        return cls(settings, scenario.path, mine, frozenset(params.fixed) - mine)

    def centre(self, name: str) -> tuple[str | None, str]:
        """``(file, key)`` of the setting that centres ``name``'s prior."""
        table = self.settings.priors.get(name)
        if table is not None and table.mean is not None:
            return self.file, f"uncertainty.priors.{name}.mean"
        if name in self.parameters:
            return self.file, f"parameters.{name}"
        if name in self.set_by_user:
            return None, f"--set {name}"
        if table is not None and table.dist is not None:
            return self.file, f"uncertainty.priors.{name}.dist"
        return None, name  # the calibrated value or the registry default

    def spread(self, name: str, *, scale_alone: bool) -> tuple[str | None, str]:
        """``(file, key)`` of the setting that makes ``name``'s prior too wide: ``scale`` when
        ``scale_alone`` (the prior is valid at scale 1), else its sd or family in
        ``[uncertainty.priors]``, else what moved its centre close to a bound."""
        table = self.settings.priors.get(name)
        if scale_alone:
            return self.file, "uncertainty.scale"
        if table is not None and table.sd is not None:
            return self.file, f"uncertainty.priors.{name}.sd"
        if table is not None and table.dist is not None:
            return self.file, f"uncertainty.priors.{name}.dist"
        return self.centre(name)


def check_prior(name: str, prior: Prior, bounds: tuple[float, float], scale: float, origins: Origins) -> None:
    """Raise :class:`UserError` naming the setting to blame if ``prior`` (centred on ``prior.mean``,
    sd times ``scale``) is no valid distribution on ``bounds`` (a beta prior too wide for its centre,
    or centred on a bound)."""
    try:
        prior.ppf(0.5, bounds, scale=scale)
    except ValueError:
        pass
    else:
        return
    lo, hi = bounds
    c, sd = prior.mean, prior.sd * scale
    where = f"a beta prior centred on {c:g} within [{lo:g}, {hi:g}]"
    if not lo < c < hi:
        file, key = origins.centre(name)
        message = (f"{where} needs its centre strictly inside the bounds (set a value inside them, or another "
                   f"family in [uncertainty.priors.{name}])")
    else:
        try:
            prior.ppf(0.5, bounds)
            scale_alone = scale > 1
        except ValueError:
            scale_alone = False
        file, key = origins.spread(name, scale_alone=scale_alone)
        m = (c - lo) / (hi - lo)
        message = f"{where} needs an sd below {(hi - lo) * np.sqrt(m * (1 - m)):.3g}, got {sd:g}"
    raise UserError(message if name in key else f"{name}: {message}", file=file, key=key)


def _effective(base: Prior | None, table: PriorTable | None, centre: float) -> Prior:
    assert base is not None
    if table is None:
        return replace(base, mean=centre)
    changed = any(v is not None for v in (table.dist, table.mean, table.sd))
    return Prior(
        table.dist or base.dist,
        centre,
        base.sd if table.sd is None else table.sd,
        table.source or ("scenario [uncertainty.priors]" if changed else base.source),
    )


def priors(params: ParameterSet, settings: UncertaintyTable | None = None) -> dict[str, Prior]:
    """The prior every uncertain parameter is drawn from, centred where the draws are.

    The centre is ``[uncertainty.priors.<name>].mean`` if set, else the parameter's value in
    ``params`` (calibrated or set); family and sd come from the override or the registry.
    The sd is before ``scale``.
    """
    settings = settings or UncertaintyTable()
    out = {}
    for name in params.registry.uncertain:
        table = settings.priors.get(name)
        centre = table.mean if table is not None and table.mean is not None else params[name]
        out[name] = _effective(params.registry[name].prior, table, centre)
    return out
