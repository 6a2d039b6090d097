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
import re
import tomllib
from dataclasses import replace
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from pydantic import BaseModel, Field, ValidationError, create_model, field_validator

from model.core.blocks.shock import ShockSpec
from model.core.calendar import CALENDAR
from model.core.errors import UserError
from model.core.levers import REGISTRY as LEVERS
from model.core.levers.base import LeverConfig
from model.core.parameters import ParameterSet
from model.core.periods import Span, parse_period
from model.inputs.history import history_inputs
from model.inputs.registry import registry
from model.inputs.tables import Table as _Table
from model.inputs.uncertainty_settings import MAX_DRAWS, PriorTable, UncertaintyTable

if TYPE_CHECKING:
    from model.core.simulate import Inputs

__all__ = ["FIRST_SCENARIO_QUARTER", "MAX_DRAWS", "PriorTable", "Scenario", "UncertaintyTable", "load_scenario"]

FIRST_SCENARIO_QUARTER = CALENDAR.first_scenario
"""Scenario levers and shocks start here; H1 2020 is history (:mod:`model.core.calendar`)."""
LAST_HORIZON = CALENDAR.last_horizon
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class ShockTable(_Table):
    """``[shocks.<name>]``: output lost against trend, from ``start``."""

    start: str
    """First quarter of the shock, like 2020Q4."""
    depth: float = Field(ge=-50.0, le=60.0, allow_inf_nan=False)
    """Percent of trend output lost in the first quarter (negative: a boost)."""
    sector: Literal["digital", "rest", "both"] = "both"
    decay: float = Field(default=0.5, ge=0.0, le=0.99, allow_inf_nan=False)
    """Quarterly decay of the transitory part."""
    persistent_share: float = Field(default=0.0, ge=0.0, le=1.0, allow_inf_nan=False)
    """Share of the loss that decays only at ``shock_persistent_decay``."""
    description: str = ""

    @field_validator("start")
    @classmethod
    def _quarter(cls, v: str) -> str:
        return str(parse_period(v))


Levers = create_model(  # type: ignore[call-overload]
    "Levers",
    __base__=_Table,
    **{name: (lever.config | None, None) for name, lever in LEVERS.items()},
)
"""``[levers.<name>]`` tables, one optional field per registered lever type."""


class Scenario(_Table):
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
    levers: Levers = Levers()  # type: ignore[valid-type]
    shocks: dict[str, ShockTable] = {}
    uncertainty: UncertaintyTable | None = None
    extends: str | None = Field(default=None, exclude=True)
    """Path of the scenario this one inherits from, relative to its file (resolved on load)."""
    path: str | None = Field(default=None, exclude=True)
    """File the scenario was read from, if any."""

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not NAME_PATTERN.match(v):
            raise ValueError(
                "expected letters, digits, '_' or '-' (at most 64, starting with a letter or digit)"
            )
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
            outside 2020Q3 to the horizon.
        """
        file = self.path
        reg = registry()
        for key, value in self.parameters.items():
            reg.lookup(key, file=file, key=f"parameters.{key}").check(
                value, file=file, key=f"parameters.{key}"
            )
        last = parse_period(self.horizon)
        window = f"{FIRST_SCENARIO_QUARTER} to the horizon {last}"
        for name in LEVERS:
            cfg = getattr(self.levers, name)
            if cfg is None:
                continue
            for fld, periods in cfg.periods().items():
                for p in periods:
                    q = parse_period(p)
                    late_ok = fld == "start" and q > last  # a programme may start after the horizon
                    if q < FIRST_SCENARIO_QUARTER or (q > last and not late_ok):
                        raise UserError(
                            f"{p} is outside the scenario window {window} (H1 2020 levers are history)",
                            file=file, key=f"levers.{name}.{fld}" + ("" if fld == "start" else f".{p}"),
                        )
        for name, s in self.shocks.items():
            q = parse_period(s.start)
            if not FIRST_SCENARIO_QUARTER <= q <= last:
                raise UserError(f"{q} is outside the scenario window {window}", file=file,
                                key=f"shocks.{name}.start")
        if self.uncertainty is not None:
            self.uncertainty.check(self.parameters, self.horizon, file)
        return self

    def apply(self, params: ParameterSet) -> ParameterSet:
        """``params`` with this scenario's overrides set (and fixed against calibration)."""
        return params.updated(self.parameters, file=self.path, origin="parameters.") if self.parameters else params

    # -- inputs for the simulation -----------------------------------------------------------

    @property
    def span(self) -> Span:
        """Simulation span: 2018 to the end of the horizon's year."""
        return Span(CALENDAR.model_start, parse_period(self.horizon).year)

    def lever_configs(self) -> dict[str, LeverConfig]:
        """The levers this scenario sets, by name."""
        return {n: getattr(self.levers, n) for n in LEVERS if getattr(self.levers, n) is not None}

    def inputs(self) -> Inputs:
        """Simulation inputs: H1 history plus this scenario's levers and shocks."""
        span = self.span
        hist = history_inputs(span)
        injections = dict(hist.injections)
        for name, cfg in self.lever_configs().items():
            injections[name] = injections[name] + LEVERS[name].injection(cfg, span)[None, :]
        shocks = tuple(
            ShockSpec(n, s.start, s.depth, s.sector, s.decay, s.persistent_share)
            for n, s in self.shocks.items()
        )
        return replace(hist, injections=injections, shocks=shocks)

    # -- new scenarios from this one ---------------------------------------------------------

    def _update(self, **changes: Any) -> Scenario:
        data = self.model_dump(exclude_none=False)
        data.update(changes)
        data["path"] = None
        return _validate(data, None).check()

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
        """A copy with lever ``lever``'s amounts (or one ``field``) multiplied by ``factor``."""
        cfg = self.lever_configs().get(lever)
        if cfg is None:
            raise UserError(f"the scenario sets no {lever!r} lever to scale", key=f"levers.{lever}")
        levers = self.model_dump()["levers"]
        levers[lever] = cfg.scaled(factor, field).model_dump()
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

    def save(self, path: str | Path, *, header: str = "") -> Path:
        """Write :meth:`to_toml` to ``path`` atomically; return the path."""
        from model.inputs.files import write_text_atomic

        path = Path(path)
        write_text_atomic(path, self.to_toml(header=header))
        return path


# -- loading -----------------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise UserError("file not found", file=str(path))
    if path.is_dir():
        raise UserError("expected a TOML file, found a directory", file=str(path))
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
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


def _resolve(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    path = path.resolve()
    if path in seen:
        chain = " -> ".join(p.name for p in (*seen, path))
        raise UserError(f"extends forms a cycle ({chain})", file=str(seen[0]), key="extends")
    data = _read_toml(path)
    parent_ref = data.get("extends")
    if parent_ref is None:
        return data
    if not isinstance(parent_ref, str):
        raise UserError("expected the path of a scenario file", file=str(path), key="extends")
    parent_path = path.parent / parent_ref
    if not parent_path.exists():
        raise UserError(f"scenario {parent_ref!r} not found beside this file", file=str(path), key="extends")
    parent = _resolve(parent_path, (*seen, path))
    # a mistake in the parent is reported against the parent's file, not the child's
    _named(parent, parent_path)
    _validate({**parent, "name": parent.get("name", parent_path.stem), "path": str(parent_path)},
              str(parent_path)).check()
    parent.pop("name", None)
    parent.pop("description", None)
    return _merge(parent, data)


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """Keys allowed in the table at ``loc`` of a scenario, for 'did you mean' hints."""
    model: Any = Scenario
    for part in loc:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        info = model.model_fields.get(part)
        if info is None:
            return []
        ann = info.annotation
        args = getattr(ann, "__args__", ())
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
        elif args and isinstance(args[-1], type) and issubclass(args[-1], BaseModel) and part in ("shocks", "priors"):
            return list(args[-1].model_fields)  # a table of tables: the key after is a name
        else:
            model = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [k for k in model.model_fields if k not in ("path",)]
    return []


def _one_line(exc: ValidationError, file: str | None) -> UserError:
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    # pydantic adds the union member name to the location of optional tables; drop it
    loc = tuple(p for p in loc if not (isinstance(p, str) and p.endswith("Config")))
    key = ".".join(str(p) for p in loc) or None
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1]) if len(loc) > 1 or loc else []
        if len(loc) == 1:
            allowed = [k for k in Scenario.model_fields if k != "path"]
        near = get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean {near[0]!r}?" if near else f"expected one of: {', '.join(allowed)}"
        return UserError(f"unknown key; {hint}", file=file, key=key)
    if kind == "missing":
        return UserError("required key is missing", file=file, key=key)
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return UserError(f"expected a table, got {err.get('input')!r}", file=file, key=key)
    msg = err["msg"]
    if kind == "finite_number":
        msg = "expected a finite number, got NaN or infinity"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        msg = f"{msg}, got {err.get('input')!r}"
    elif msg.startswith("Value error, "):
        msg = msg.removeprefix("Value error, ")
    return UserError(msg, file=file, key=key)


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
        raise _one_line(exc, file) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read, resolve (``extends``), validate and check a scenario file.

    Raises
    ------
    UserError
        For a missing or malformed file, an unknown or misspelled key, a wrong type, a negative or
        non-finite amount, a period outside the scenario window, or a parameter outside its bounds.
    """
    path = Path(path)
    data = _resolve(path)
    _named(data, path)
    data.setdefault("name", path.stem)
    data["path"] = str(path)
    return _validate(data, str(path)).check()
