"""The parameter classes: every parameter's name, value, unit, bounds (and why), prior and source.

Blocks and levers declare their own :class:`Parameter` objects;
:func:`model.inputs.registry.registry` collects them into one :class:`Registry`, and :class:`ParameterSet` holds a frozen set of values over it.  Changing a
value returns a new set (:meth:`ParameterSet.replace`); nothing is ever mutated.

Priors serve twice: as penalties in the calibration (penalised least squares) and as the
distributions that the uncertainty analysis draws from.  A prior is centred on its parameter's value
unless told otherwise, so overriding a value moves its prior with it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from model.core.distributions import beta_ppf, truncnorm_ppf
from model.core.errors import UserError

__all__ = ["Parameter", "ParameterSet", "Prior", "Registry"]

Dist = Literal["normal", "beta", "uniform"]


@dataclass(frozen=True)
class Prior:
    """A prior distribution, described by its family, mean and standard deviation.

    ``normal`` is truncated to the parameter's bounds; ``beta`` is a beta distribution stretched
    over the bounds; ``uniform`` spans ``mean ± sqrt(3) sd``.  ``source`` says where the range
    comes from (a published estimate, or "assumption").
    """

    dist: Dist
    mean: float
    sd: float
    source: str = "assumption"

    def __post_init__(self) -> None:
        if self.dist not in ("normal", "beta", "uniform"):
            raise ValueError(f"unknown prior family {self.dist!r}")
        if not (np.isfinite(self.mean) and np.isfinite(self.sd) and self.sd >= 0):
            raise ValueError("a prior needs a finite mean and a non-negative sd")

    def describe(self) -> str:
        return f"{self.dist}({self.mean:g}, {self.sd:g})"

    def sample(
        self, rng: np.random.Generator, n: int, bounds: tuple[float, float], *, center: float | None = None,
        scale: float = 1.0,
    ) -> np.ndarray:
        """``n`` draws within ``bounds``, centred on ``center`` (default: the prior mean).

        ``scale`` multiplies the standard deviation; ``scale=0`` returns the centre ``n`` times.
        Normal and uniform priors are drawn by inversion, ``ppf(rng.random(n))``; beta priors with
        ``rng.beta`` (a rejection algorithm, so the same uniforms through :meth:`ppf` give other
        draws from the same distribution).

        Raises
        ------
        ValueError
            For a beta prior whose centre is not strictly inside ``bounds``, or whose sd is too
            large for a beta distribution with that mean on ``bounds``.
        """
        kind, args = self._law(bounds, center, scale)
        if kind == "point":
            return np.full(n, args[0], dtype=float)
        if kind == "beta":
            alpha, beta, lo, width = args
            return lo + width * rng.beta(alpha, beta, size=n)
        return self.ppf(rng.random(n), bounds, center=center, scale=scale)

    def ppf(
        self, u: np.ndarray, bounds: tuple[float, float], *, center: float | None = None, scale: float = 1.0
    ) -> np.ndarray:
        """Inverse CDF at ``u`` (elementwise, in [0, 1]) of the distribution :meth:`sample` draws from.

        Same families, centre, ``scale`` and bounds: a normal truncated to ``bounds``, a uniform
        on ``mean ± sqrt(3) sd`` cut to ``bounds``, a beta stretched over ``bounds`` with the given
        mean and sd.  Monotone in ``u``; ``ppf(0)`` and ``ppf(1)`` are the ends of the support.
        Fast vectorised inverses (:mod:`model.core.distributions`, which states their accuracy:
        1e-8 of the sd or better for the normal, 1e-10 of the bounds' width for the beta).

        Raises
        ------
        ValueError
            As :meth:`sample`.
        """
        u = np.asarray(u, dtype=float)
        kind, args = self._law(bounds, center, scale)
        if kind == "point":
            return np.full(u.shape, args[0], dtype=float)
        if kind == "normal":
            a, b, mu, sd = args
            return truncnorm_ppf(u, a, b, mu, sd)
        if kind == "uniform":
            a, b = args
            return a + u * (b - a)
        alpha, beta, lo, width = args
        return lo + width * beta_ppf(u, alpha, beta)

    def _law(
        self, bounds: tuple[float, float], center: float | None, scale: float
    ) -> tuple[str, tuple[float, ...]]:
        """The distribution drawn from: ``point (mu)``, ``normal (a, b, mu, sd)`` with ``a, b`` the
        standardised bounds, ``uniform (a, b)`` or ``beta (alpha, beta, lo, width)`` (by the method
        of moments on ``[lo, lo + width]``)."""
        mu = self.mean if center is None else center
        sd = self.sd * scale
        lo, hi = bounds
        if sd == 0.0:
            return "point", (mu,)
        if self.dist == "normal":
            return "normal", ((lo - mu) / sd, (hi - mu) / sd, mu, sd)
        if self.dist == "uniform":
            half = np.sqrt(3.0) * sd
            return "uniform", (max(lo, mu - half), min(hi, mu + half))
        width = hi - lo
        m, v = (mu - lo) / width, (sd / width) ** 2
        k = m * (1.0 - m) / v - 1.0
        if not (0.0 < m < 1.0) or k <= 0.0:
            raise ValueError("beta prior: mean must lie inside the bounds and sd be small enough")
        return "beta", (m * k, (1.0 - m) * k, lo, width)


@dataclass(frozen=True)
class Parameter:
    """One model parameter.

    Attributes
    ----------
    name : str
        Lower-case identifier, unique in the registry.
    value : float
        Default value (the prior mean unless estimated or calibrated).
    unit : str
        ``share`` (a fraction), ``%``, ``ratio`` (亿元 per 亿元), ``per quarter`` (a decay rate), ...
    bounds : (float, float)
        Closed interval of admissible values.
    source : str
        Where ``value`` comes from: a citation, ``estimated: ...`` or ``assumption``.
    prior : Prior or None
        ``None`` for a parameter treated as known (never drawn, never penalised).
    calibrated : bool
        Whether the calibration to the H1 2020 targets sets it (penalised least squares).
    per_draw : bool
        For a calibrated parameter: whether the uncertainty analysis solves it again in every draw,
        so that every draw meets the targets.  The other calibrated parameters are drawn around
        their calibrated values, like any uncertain parameter.
    integer : bool
        Whether only whole numbers are meaningful (never drawn).
    block : str
        The model block or lever that uses it.
    bounds_reason : str
        Why ``bounds`` are what they are (a share, a decay below 1, a multiple of the prior sd, or
        ``assumption: ...`` with what they exclude).  Required.
    """

    name: str
    value: float
    unit: str
    bounds: tuple[float, float]
    source: str
    description: str
    block: str
    prior: Prior | None = None
    calibrated: bool = False
    per_draw: bool = False
    integer: bool = False
    bounds_reason: str = field(kw_only=True)

    def __post_init__(self) -> None:
        if not self.bounds_reason.strip():
            raise ValueError(f"{self.name}: bounds need a reason (bounds_reason)")
        if self.per_draw and not self.calibrated:
            raise ValueError(f"{self.name}: only a calibrated parameter is solved per draw")
        if self.calibrated and self.prior is None:
            raise ValueError(f"{self.name}: a calibrated parameter needs a prior")
        lo, hi = self.bounds
        if not lo <= self.value <= hi:
            raise ValueError(f"{self.name}: default {self.value} outside bounds {self.bounds}")

    def check(self, value: float, *, file: str | None = None, key: str | None = None) -> float:
        """Return ``value`` as a float, or raise :class:`UserError` if it is not admissible."""
        key = key or self.name
        # as strict as a scenario file: true or "0.3" is not a number there, so not here either
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise UserError(f"expected a number, got {value!r}", file=file, key=key)
        x = float(value)
        if not np.isfinite(x):
            raise UserError(f"expected a finite number, got {value!r}", file=file, key=key)
        lo, hi = self.bounds
        if not lo <= x <= hi:
            raise UserError(
                f"{x:g} is outside the bounds [{lo:g}, {hi:g}] ({self.unit})", file=file, key=key
            )
        if self.integer and x != round(x):
            raise UserError(f"expected a whole number, got {x:g}", file=file, key=key)
        return x


@dataclass(frozen=True)
class Registry:
    """All parameters of the model, by name, in declaration order."""

    parameters: tuple[Parameter, ...]

    def __post_init__(self) -> None:
        names = [p.name for p in self.parameters]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"parameters declared twice: {sorted(dup)}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def __getitem__(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(p.name == name for p in self.parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self.parameters)

    def lookup(self, name: str, *, file: str | None = None, key: str | None = None) -> Parameter:
        """The parameter called ``name``, or a :class:`UserError` that suggests the closest name."""
        if name in self:
            return self[name]
        from difflib import get_close_matches

        near = get_close_matches(name, self.names, n=1)
        hint = f"; did you mean {near[0]!r}?" if near else " (see `python -m model params`)"
        raise UserError(f"unknown parameter {name!r}{hint}", file=file, key=key or name)

    @property
    def calibrated(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters if p.calibrated)

    @property
    def per_draw(self) -> tuple[str, ...]:
        """Calibrated parameters that the uncertainty analysis solves again in every draw."""
        return tuple(p.name for p in self.parameters if p.per_draw)

    @property
    def uncertain(self) -> tuple[str, ...]:
        """Parameters the uncertainty analysis draws: those with a prior, except the ones solved
        per draw and whole-number ones."""
        return tuple(
            p.name for p in self.parameters if p.prior is not None and not p.per_draw and not p.integer
        )


@dataclass(frozen=True)
class ParameterSet(Mapping[str, float]):
    """Frozen values for every parameter of a :class:`Registry`.

    ``fixed`` names the parameters a user set explicitly; the calibration leaves them alone.
    Behaves as a read-only mapping from name to value.
    """

    registry: Registry
    values: tuple[float, ...]
    fixed: frozenset[str] = field(default_factory=frozenset)

    def __getitem__(self, name: str) -> float:
        return self.values[self.registry.names.index(name)]

    def __iter__(self) -> Iterator[str]:
        return iter(self.registry.names)

    def __len__(self) -> int:
        return len(self.values)

    def __hash__(self) -> int:
        return hash((self.values, self.fixed, self.registry))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ParameterSet)
            and self.values == other.values
            and self.fixed == other.fixed
            and self.registry == other.registry
        )

    def replace(self, **changes: float) -> ParameterSet:
        """A new set with ``changes`` applied; the changed names become fixed (not calibrated).

        Raises
        ------
        UserError
            For an unknown name or a value outside the parameter's bounds.
        """
        return self.updated(changes)

    def updated(
        self, values: Mapping[str, float], *, file: str | None = None, origin: str = "", fix: bool = True
    ) -> ParameterSet:
        """A new set with ``values`` applied.

        ``file`` and ``origin`` say where the values come from, for messages: a scenario's
        ``[parameters]`` (``origin="parameters."``) or the command line (``origin="--set "``).
        ``fix`` makes the changed names fixed against calibration.
        """
        vals = dict(zip(self.registry.names, self.values, strict=True))
        for name, v in values.items():
            key = f"{origin}{name}"
            vals[name] = self.registry.lookup(name, file=file, key=key).check(v, file=file, key=key)
        fixed = self.fixed | frozenset(values) if fix else self.fixed
        return ParameterSet(self.registry, tuple(vals[n] for n in self.registry.names), fixed)

    def with_prior(self, name: str, **changes: object) -> ParameterSet:
        """A new set whose registry gives ``name`` a changed prior (``dist``, ``mean``, ``sd``, ``source``).

        The calibration penalises calibrated parameters by their priors, and the uncertainty
        analysis draws from them, so both see the change.  For a calibrated parameter the value
        is reset to the new prior mean, the calibration's starting point.

        Raises
        ------
        UserError
            For an unknown parameter, a parameter without a prior, or a prior whose mean lies
            outside the parameter's bounds.
        """
        p = self.registry.lookup(name)
        if p.prior is None:
            raise UserError("this parameter is treated as known and has no prior", key=name)
        try:
            prior = replace(p.prior, **changes)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise UserError(str(exc), key=f"{name}.prior") from None
        lo, hi = p.bounds
        if not lo <= prior.mean <= hi:
            raise UserError(f"prior mean {prior.mean:g} is outside the bounds [{lo:g}, {hi:g}]", key=f"{name}.prior")
        new_p = replace(p, prior=prior, value=prior.mean if p.calibrated else p.value)
        reg = Registry(tuple(new_p if q.name == name else q for q in self.registry))
        values = tuple(new_p.value if n == name else v for n, v in zip(reg.names, self.values, strict=True))
        return ParameterSet(reg, values, self.fixed)

    def with_calibrated(self, values: Mapping[str, float]) -> ParameterSet:
        """A new set with calibrated values filled in (they do not become fixed)."""
        return self.updated(values, fix=False)

    def theta(self) -> dict[str, float]:
        """Values as a plain dict, the form the model blocks take."""
        return dict(zip(self.registry.names, self.values, strict=True))

    def free(self) -> tuple[str, ...]:
        """The calibrated parameters the user has not fixed."""
        return tuple(n for n in self.registry.calibrated if n not in self.fixed)

    def to_frame(self) -> pd.DataFrame:
        """The registry with these values, one row a parameter."""
        rows = []
        for p, v in zip(self.registry, self.values, strict=True):
            rows.append(
                {
                    "name": p.name,
                    "value": v,
                    "unit": p.unit,
                    "lower": p.bounds[0],
                    "upper": p.bounds[1],
                    "bounds_reason": p.bounds_reason,
                    "prior": p.prior.describe() if p.prior else "none (known)",
                    "role": _role(p, self.fixed),
                    "block": p.block,
                    "source": p.source,
                    "prior_source": p.prior.source if p.prior else "",
                    "description": p.description,
                }
            )
        return pd.DataFrame(rows).set_index("name")

    def _repr_html_(self) -> str:
        return self.to_frame()[["value", "unit", "lower", "upper", "prior", "role", "source"]].to_html()

    def __repr__(self) -> str:
        changed = {n: self[n] for n in sorted(self.fixed)}
        return f"ParameterSet({len(self)} parameters, set by user: {changed})"


def _role(p: Parameter, fixed: frozenset[str]) -> str:
    if p.name in fixed:
        return "set by user"
    if p.calibrated:
        return "calibrated"
    return "prior" if p.prior else "known"
