"""Scenario files: declarative TOML, validated with pydantic, with ``extends`` for inheritance.

A scenario names its horizon, parameter overrides, lever paths (from 2020Q3: H1 2020 is history),
shocks and, optionally, uncertainty settings.  Unknown keys are errors, so a typo is never ignored.
``extends = "baseline.toml"`` (relative to the file) inherits another scenario: tables merge key by
key, everything else is replaced.  ``name`` is not inherited; it defaults to the file's stem.

Every mistake a user can make here raises :class:`~model.core.errors.UserError` with one line that names
the file, the key and what was expected.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import (
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from model.core.blocks.shock import ShockSpec
from model.core.calendar import CALENDAR
from model.core.errors import UserError
from model.core.levers import REGISTRY as LEVERS
from model.core.levers.base import LeverConfig
from model.core.parameters import ParameterSet
from model.core.periods import Span, parse_period
from model.inputs.files import MAX_SCENARIO_BYTES, read_limited
from model.inputs.history import frozen_array, history_inputs
from model.inputs.messages import one_line
from model.inputs.registry import registry, total_trend
from model.inputs.run_trend import ESTIMATOR_NAMES, TREND_ESTIMATOR, run_trend
from model.inputs.tables import ShockTable, Table
from model.inputs.uncertainty_settings import MAX_DRAWS, PriorTable, UncertaintyTable
from model.inputs.vintage import DEFAULT_VINTAGE, Vintage
from model.inputs.window import check_window

if TYPE_CHECKING:
    from model.core.simulate import Inputs

__all__ = [
    "FIRST_SCENARIO_QUARTER",
    "MAX_DRAWS",
    "MAX_SCENARIO_BYTES",
    "PriorTable",
    "Scenario",
    "ShockTable",
    "UncertaintyTable",
    "load_scenario",
    "read_limited",
]

_INPUTS: dict[str, tuple[Inputs, Inputs]] = {}
"""Cache of :meth:`Scenario.inputs`: content key to (the history it was built on, the inputs)."""
_INPUTS_SIZE = 256

FIRST_SCENARIO_QUARTER = CALENDAR.first_scenario
"""Scenario levers and shocks start here as of the default round (2020Q2): H1 2020 is history; as of
another round, :attr:`Scenario.vintage`'s calendar decides (:mod:`model.inputs.window`)."""
LAST_HORIZON = CALENDAR.last_horizon
NAME_PATTERN = re.compile(r"^[^\W_][\w-]{0,63}$")
"""A scenario's name, which names its results folder: letters (Chinese ones too, like 二次疫情),
digits, ``_`` and ``-``; never a dot, a slash or a backslash, so no name leaves the results folder."""

REFERENCE_QUARTERLY_GDP = 15373.0 / 4
"""Hangzhou's average quarterly GDP in 2019, 亿元 (2019 GDP 15,373 亿元, Hangzhou Statistical
Bulletin 2019; the ``gdp`` of ``data/``)."""
MAX_QUARTERLY_AMOUNT_MULTIPLE = 2.0
"""Largest amount a lever may inject in one quarter, as a multiple of :data:`REFERENCE_QUARTERLY_GDP`
(about 7,700 亿元).

Reason: the largest measure on record, the 2020 H2 major-projects programme (4,643 亿元 over two
quarters), is 0.6 of a quarter's GDP; twice a quarter's GDP in one quarter is beyond what a city
budget and its banks could fund, and far outside the range where the model's linear transmission
means anything.  Amounts above it (like ``total = 1e300``) are typing mistakes, not policies.
"""


Levers = create_model(  # type: ignore[call-overload]
    "Levers",
    __base__=Table,
    **{name: (lever.config | None, None) for name, lever in LEVERS.items()},
)
"""``[levers.<name>]`` tables, one optional field per registered lever type."""


class Scenario(Table):
    """A validated scenario.  Build one with :func:`load_scenario` or directly in code.

    Changing a scenario returns a new one (:meth:`with_parameters`, :meth:`with_lever`,
    :meth:`scaled`); nothing is mutated.
    """

    name: str
    description: str = ""
    horizon: str = "2021Q4"
    """Last reported quarter."""
    parameters: dict[str, float] = {}
    """Overrides of registry parameters (see ``python -m model params``)."""
    trend_estimator: str | None = None
    """Trend estimator of the total trend (``trend_growth_2020``, ``trend_drift``): one of
    :data:`model.inputs.run_trend.ESTIMATOR_NAMES`; ``None`` is the record's choice,
    :data:`~model.inputs.run_trend.TREND_ESTIMATOR`.  Values in ``[parameters]`` win over it."""
    levers: Levers = Levers()  # type: ignore[valid-type]
    shocks: dict[str, ShockTable] = {}
    uncertainty: UncertaintyTable | None = None
    extends: str | None = Field(default=None, exclude=True)
    """Path of the scenario this one inherits from, relative to its file (resolved on load)."""
    path: str | None = Field(default=None, exclude=True)
    """File the scenario was read from, if any."""
    vintage: Vintage = Field(default=DEFAULT_VINTAGE, exclude=True)
    """The data folder and release round the scenario runs as of (``--data``, ``--as-of``): its
    levers and shocks start after the round, and the run sees the folder's data up to it.  Not part
    of the scenario's content (nor of its digest); :func:`load_scenario` sets it."""

    def __init__(self, **data: Any) -> None:
        """Validate ``data`` exactly as :func:`load_scenario` validates a file's tables.

        Raises
        ------
        UserError
            One line naming the key and what was expected (not a pydantic ``ValidationError``).
        """
        try:
            super().__init__(**data)
        except ValidationError as exc:
            path = data.get("path")
            raise one_line(exc, path if isinstance(path, str) else None, Scenario) from None

    @model_validator(mode="after")
    def _checked(self) -> Scenario:
        # the checks against the model (periods, bounds, amounts) run however the scenario is made
        return self.check()

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not NAME_PATTERN.match(v):
            raise ValueError(
                "expected letters, digits, '_' or '-' (at most 64, starting with a letter or digit)"
            )
        return v

    @field_validator("trend_estimator")
    @classmethod
    def _estimator(cls, v: str | None) -> str | None:
        if v is not None and v not in ESTIMATOR_NAMES:
            raise ValueError(f"expected one of {', '.join(ESTIMATOR_NAMES)}, got {v!r}")
        return v

    @field_validator("horizon")
    @classmethod
    def _horizon(cls, v: str) -> str:
        p = parse_period(v)
        if not FIRST_SCENARIO_QUARTER + 1 <= p <= LAST_HORIZON:
            raise ValueError(f"expected a quarter from {FIRST_SCENARIO_QUARTER + 1} to {LAST_HORIZON}, got {p}")
        return str(p)

    # -- checks against the model ------------------------------------------------------------

    def check(self) -> Scenario:
        """Check every name, period and value against the model; return ``self``.

        Raises
        ------
        UserError
            For an unknown parameter or one outside its bounds, or a lever period or shock start
            outside the quarter after the round (2020Q3 as of 2020Q2) to the horizon
            (:func:`model.inputs.window.check_window`).
        """
        file = self.path
        reg = registry()
        for key, value in self.parameters.items():
            reg.lookup(key, file=file, key=f"parameters.{key}").check(
                value, file=file, key=f"parameters.{key}"
            )
        check_window(self.lever_configs(), self.shocks, self.horizon, self.vintage.calendar, file=file)
        self._check_amounts()
        if self.uncertainty is not None:
            self.uncertainty.check(self.parameters, self.horizon, file)
        return self

    def _check_amounts(self) -> None:
        """Every lever's quarterly injection at most :data:`MAX_QUARTERLY_AMOUNT_MULTIPLE` times
        :data:`REFERENCE_QUARTERLY_GDP`."""
        cap = MAX_QUARTERLY_AMOUNT_MULTIPLE * REFERENCE_QUARTERLY_GDP
        span = self.span
        for name, cfg in self.lever_configs().items():
            with np.errstate(over="ignore", invalid="ignore"):
                x = np.asarray(LEVERS[name].injection(cfg, span), dtype=float)
            bad = ~(np.abs(x) <= cap)  # NaN and infinity too
            if bad.any():
                i = int(np.argmax(bad))
                raise UserError(
                    f"{x[i]:.6g} 亿元 in {span.periods[i]} is more than {MAX_QUARTERLY_AMOUNT_MULTIPLE:g} times "
                    f"Hangzhou's quarterly GDP ({cap:,.0f} 亿元); expected a plausible amount",
                    file=self.path, key=f"levers.{name}",
                )

    def apply(self, params: ParameterSet) -> ParameterSet:
        """``params`` with this scenario's overrides set (and fixed against calibration): the trend
        of ``trend_estimator`` if it names another than the record's choice, then ``[parameters]``."""
        if self.trend_estimator not in (None, TREND_ESTIMATOR):
            a, b, _, _ = total_trend(run_trend(self.trend_estimator))
            trend = {k: round(v, 3) for k, v in (("trend_growth_2020", a), ("trend_drift", b)) if k not in self.parameters}
            params = params.updated(trend, file=self.path, origin="trend_estimator ")
        return params.updated(self.parameters, file=self.path, origin="parameters.") if self.parameters else params

    # -- inputs for the simulation -----------------------------------------------------------

    @property
    def span(self) -> Span:
        """Simulation span: the model's first year (2018) to the end of the horizon's year."""
        return Span(self.vintage.calendar.model_start, parse_period(self.horizon).year)

    def lever_configs(self) -> dict[str, LeverConfig]:
        """The levers this scenario sets, by name."""
        return {n: getattr(self.levers, n) for n in LEVERS if getattr(self.levers, n) is not None}

    def inputs(self) -> Inputs:
        """Simulation inputs: the policy history up to the round plus this scenario's levers and shocks.

        Cached by the scenario's horizon, levers and shocks (what the inputs depend on) and its
        vintage as immutable data: read-only arrays in a read-only mapping, shared by every call.
        """
        key = self.model_dump_json(include={"horizon", "levers", "shocks"}) + repr(self.vintage)
        hist = history_inputs(self.span, self.vintage)
        hit = _INPUTS.get(key)
        if hit is not None and hit[0] is hist:
            return hit[1]
        span = self.span
        injections = dict(hist.injections)
        for name, cfg in self.lever_configs().items():
            injections[name] = frozen_array(injections[name] + LEVERS[name].injection(cfg, span)[None, :])
        shocks = tuple(
            ShockSpec(n, s.start, s.depth, s.sector, s.decay, s.persistent_share)
            for n, s in self.shocks.items()
        )
        out = replace(hist, injections=MappingProxyType(injections), shocks=shocks)
        if len(_INPUTS) >= _INPUTS_SIZE:
            _INPUTS.pop(next(iter(_INPUTS)))  # the oldest
        _INPUTS[key] = (hist, out)
        return out

    # -- new scenarios from this one ---------------------------------------------------------

    def _update(self, **changes: Any) -> Scenario:
        data = self.model_dump(exclude_none=False)
        data.update(changes)
        data["path"] = None
        data["vintage"] = self.vintage
        try:
            return _validate(data, None)
        except UserError as exc:  # name the file the changed scenario came from
            raise UserError(exc.detail, file=self.path, key=exc.key) from None

    def with_parameters(self, **values: float) -> Scenario:
        """A copy with parameter overrides added."""
        return self._update(parameters={**self.parameters, **values})

    def with_lever(self, lever: str, **fields: Any) -> Scenario:
        """A copy with lever ``lever``'s table updated by ``fields`` (``None`` removes the lever)."""
        if lever not in LEVERS:
            raise UserError(f"unknown lever {lever!r}; expected one of {', '.join(LEVERS)}", key=lever)
        levers = self.model_dump()["levers"]
        levers[lever] = {**(levers.get(lever) or {}), **fields}
        return self._update(levers=levers)

    def without_levers(self, *names: str) -> Scenario:
        """A copy without the named levers (all levers if none named)."""
        levers = self.model_dump()["levers"]
        for n in names or tuple(LEVERS):
            levers[n] = None
        return self._update(levers=levers)

    def scaled(self, lever: str, factor: float, field: str | None = None) -> Scenario:
        """A copy with lever ``lever``'s amounts (or one ``field``) multiplied by ``factor``.

        Raises
        ------
        UserError
            If the scenario sets no such lever, ``field`` is not one of the lever's amounts
            (:meth:`LeverConfig.numeric_fields`), ``factor`` is not a finite non-negative number,
            or the scaled amounts fail the scenario's checks; the key names the field.
        """
        key = f"levers.{lever}" + (f".{field}" if field else "")
        cfg = self.lever_configs().get(lever)
        if cfg is None:
            raise UserError(f"the scenario sets no {lever!r} lever to scale", file=self.path, key=key)
        scalable = cfg.numeric_fields()
        if field is not None and field not in scalable:
            raise UserError(f"cannot scale {field!r}: expected one of the lever's amounts, {', '.join(scalable)}",
                            file=self.path, key=key)
        if isinstance(factor, bool) or not isinstance(factor, int | float | np.number) or not (
                np.isfinite(factor) and factor >= 0):
            raise UserError(f"expected a finite non-negative scale factor, got {factor!r}", file=self.path, key=key)
        levers = self.model_dump()["levers"]
        try:
            levers[lever] = cfg.scaled(float(factor), field).model_dump()
        except ValidationError as exc:
            raise one_line(exc, self.path, Scenario, prefix=("levers", lever)) from None
        return self._update(levers=levers)

    def renamed(self, name: str, description: str | None = None) -> Scenario:
        """A copy with a new name (and description)."""
        return self._update(name=name, description=self.description if description is None else description)

    # -- identity and serialisation ----------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The resolved scenario as plain data (no ``extends``; empty tables dropped)."""
        data = self.model_dump(exclude_none=True)
        data["levers"] = {
            name: cfg.model_dump(exclude_defaults=True) for name, cfg in self.lever_configs().items()
        }
        for key in ("parameters", "levers", "shocks"):
            if not data.get(key):
                data.pop(key, None)
        return data

    @property
    def digest(self) -> str:
        """SHA-256 of the resolved scenario's content (stable across formatting and inheritance)."""
        blob = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()

    def file_digest(self) -> str | None:
        """SHA-256 of the file the scenario was read from, if any."""
        return hashlib.sha256(Path(self.path).read_bytes()).hexdigest() if self.path else None

    def to_toml(self, *, header: str = "") -> str:
        """The resolved scenario as TOML that :func:`load_scenario` reads back unchanged."""
        import tomli_w

        lines = [f"# {line}".rstrip() for line in header.splitlines()]
        body = tomli_w.dumps(self.to_dict())
        return "\n".join(lines) + ("\n\n" if lines else "") + body

    def to_frame(self) -> pd.DataFrame:
        """The scenario as a long table: ``section, item, field, period, value``.

        Lever paths contribute one row a quarter; scalar settings have an empty period.
        """
        rows: list[dict[str, Any]] = []
        for name, value in self.parameters.items():
            rows.append({"section": "parameters", "item": name, "field": "value", "period": "", "value": value})
        for lever, cfg in self.lever_configs().items():
            for fld, value in cfg.model_dump(exclude_defaults=True).items():
                if isinstance(value, dict):
                    rows += [{"section": "levers", "item": lever, "field": fld, "period": p, "value": v}
                             for p, v in value.items()]
                else:
                    rows.append({"section": "levers", "item": lever, "field": fld, "period": "", "value": value})
        for shock, spec in self.shocks.items():
            for fld, value in spec.model_dump(exclude={"description"}).items():
                rows.append({"section": "shocks", "item": shock, "field": fld, "period": "", "value": value})
        return pd.DataFrame(rows, columns=["section", "item", "field", "period", "value"])

    def _repr_html_(self) -> str:
        head = f"<h4>Scenario {self.name}</h4><p>{self.description}</p><p>horizon {self.horizon}</p>"
        frame = self.to_frame()
        return head + (frame.to_html(index=False) if not frame.empty else "<p>no measures after 2020 H1</p>")

    def save(self, path: str | Path, *, header: str = "", overwrite: bool = True) -> Path:
        """Write :meth:`to_toml` to ``path`` atomically; return the path.

        The text is read back through the loader's checks first, so a file is written only if
        :func:`load_scenario` accepts it and gives back this scenario.

        Raises
        ------
        UserError
            If the loader would refuse the text, or ``path`` exists and ``overwrite`` is false, or
            it cannot be written.
        """
        from model.inputs.files import write_text_atomic

        path = Path(path)
        text = self.to_toml(header=header)
        back = _validate({**tomllib.loads(text), "path": str(path), "vintage": self.vintage}, str(path))
        if back.digest != self.digest:
            raise UserError("the scenario does not survive a round trip through TOML; nothing written",
                            file=str(path))
        write_text_atomic(path, text, overwrite=overwrite)
        return path


# -- loading -----------------------------------------------------------------------------------


def _read_toml(path: Path, *, key: str | None = None) -> dict[str, Any]:
    data = read_limited(path, key=key)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"malformed TOML: {exc}", file=str(path)) from None
    except UnicodeDecodeError:
        raise UserError("malformed TOML: not UTF-8 text", file=str(path)) from None


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` over ``parent``: tables merge key by key, an empty table replaces (clears) the
    parent's, everything else is replaced."""
    out = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and value and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve(path: Path, seen: tuple[Path, ...] = (), *, vintage: Vintage = DEFAULT_VINTAGE) -> dict[str, Any]:
    try:
        path = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: RuntimeError before Python 3.13
        raise UserError("cannot read: the path is a symbolic link loop",
                        file=str(seen[-1] if seen else path), key="extends" if seen else None) from None
    if path in seen:
        chain = " -> ".join(p.name for p in (*seen, path))
        raise UserError(f"extends forms a cycle ({chain})", file=str(seen[0]), key="extends")
    data = _read_toml(path)
    for internal in ("path", "vintage"):  # set by the loader, never by a file
        if internal in data:
            raise UserError("unknown key; it is set by the loader (the file's path; --data and --as-of)",
                            file=str(path), key=internal)
    parent_ref = data.get("extends")
    if parent_ref is None:
        return data
    if not isinstance(parent_ref, str):
        raise UserError("expected the path of a scenario file", file=str(path), key="extends")
    parent_path = path.parent / parent_ref
    if not os.path.lexists(parent_path):
        raise UserError(f"scenario {parent_ref!r} not found beside this file", file=str(path), key="extends")
    try:
        read_limited(parent_path)  # a device, FIFO, loop or huge file: named against this file
    except UserError as exc:
        raise UserError(f"{parent_ref}: {exc.detail}", file=str(path), key="extends") from None
    parent = _resolve(parent_path, (*seen, path), vintage=vintage)
    # a mistake in the parent is reported against the parent's file, not the child's
    _named(parent, parent_path)
    _validate({**parent, "name": parent.get("name", parent_path.stem), "path": str(parent_path), "vintage": vintage},
              str(parent_path))
    parent.pop("name", None)
    parent.pop("description", None)
    return _merge(parent, data)


def _named(data: dict[str, Any], path: Path) -> None:
    """Check that a scenario without a ``name`` key has a file name that can serve as one."""
    if "name" not in data and not NAME_PATTERN.match(path.stem):
        raise UserError(
            f"the file name {path.stem!r} cannot serve as the scenario's name (letters, digits, '_' or '-'); "
            "set name = \"...\" in the file", file=str(path), key="name",
        )


def _validate(data: dict[str, Any], file: str | None) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise one_line(exc, file, Scenario) from None


def load_scenario(path: str | Path, *, vintage: Vintage = DEFAULT_VINTAGE) -> Scenario:
    """Read, resolve (``extends``), validate and check a scenario file, as of ``vintage``.

    ``vintage`` (:func:`model.inputs.vintage.vintage`; default the project's data as of 2020Q2)
    sets the scenario window: levers and shocks from the quarter after the round.

    Raises
    ------
    UserError
        For a missing or malformed file, an unknown or misspelled key, a wrong type, a negative or
        non-finite amount, a period outside the scenario window, or a parameter outside its bounds.
    """
    path = Path(path)
    data = _resolve(path, vintage=vintage)
    _named(data, path)
    data.setdefault("name", path.stem)
    data["path"] = str(path)
    data["vintage"] = vintage
    return _validate(data, str(path))  # the checks against the model run as it is built
