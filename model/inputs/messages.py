"""Pydantic validation errors as the one-line messages of :class:`~model.core.errors.UserError`."""

from __future__ import annotations

from difflib import get_close_matches
from typing import Any

from pydantic import BaseModel, ValidationError

from model.core.errors import UserError

__all__ = ["one_line"]


def _allowed_keys(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Keys allowed in the table at ``loc`` of a ``root`` model, for 'did you mean' hints."""
    model: Any = root
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
        return [k for k in model.model_fields if k not in ("path", "vintage")]
    return []


def one_line(exc: ValidationError, file: str | None, root: type[BaseModel], *, prefix: tuple[str, ...] = ()) -> UserError:
    """The first error of ``exc`` (validating a ``root`` model) as one :class:`UserError` line that
    names ``file``, the key (``prefix`` before pydantic's location) and what was expected."""
    err = exc.errors()[0]
    loc = (*prefix, *err["loc"])
    # pydantic adds the union member name to the location of optional tables; drop it
    loc = tuple(p for p in loc if not (isinstance(p, str) and p.endswith("Config")))
    key = ".".join(str(p) for p in loc) or None
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(root, loc[:-1]) if len(loc) > 1 or loc else []
        if len(loc) == 1:
            allowed = [k for k in root.model_fields if k not in ("path", "vintage")]
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
