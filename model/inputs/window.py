"""The scenario window: a scenario's levers and shocks lie after the round the run is as of.

As of a release round (``--as-of``, default 2020Q2), every quarter up to the round is history (its
measures are in ``levers_h1.csv`` and its outturns in ``observations.csv``): a scenario sets lever
amounts and shocks from the quarter after the round (:attr:`Calendar.first_scenario`, 2020Q3 by
default) to its horizon.  An entry at or before the round is one line naming the file and key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from model.core.calendar import Calendar, release_name
from model.core.errors import UserError
from model.core.periods import parse_period

__all__ = ["check_window"]


def check_window(
    levers: Mapping[str, Any], shocks: Mapping[str, Any], horizon: str, calendar: Calendar, *, file: str | None,
) -> None:
    """Check every lever period and shock start of a scenario against ``calendar``.

    Parameters
    ----------
    levers : mapping
        Lever name to its config (:class:`~model.core.levers.base.LeverConfig`).
    shocks : mapping
        Shock name to its table (with a ``start``).
    horizon : str
        The scenario's last reported quarter.
    calendar : Calendar
        The run's calendar: the window runs from ``calendar.first_scenario`` to ``horizon``.

    Raises
    ------
    UserError
        The horizon not after the round; a lever period or shock start at or before the round
        (history now) or after the horizon (a programme's ``start`` may lie after it).
    """
    first, last = calendar.first_scenario, parse_period(horizon)
    done = calendar.last_observed
    history = f"(history as of the {release_name(done)} release, --as-of {done})"
    if last < first:
        raise UserError(f"the horizon {last} is not after the round {done}; expected {first} or later",
                        file=file, key="horizon")
    window = f"{first} to the horizon {last}"
    for name, cfg in levers.items():
        for fld, periods in cfg.periods().items():
            for p in periods:
                q = parse_period(p)
                key = f"levers.{name}.{fld}" + ("" if fld == "start" else f".{p}")
                if q <= done:
                    raise UserError(f"{p} is outside the scenario window {window} {history}", file=file, key=key)
                if q > last and fld != "start":  # a programme may start after the horizon
                    raise UserError(f"{p} is outside the scenario window {window}", file=file, key=key)
    for name, s in shocks.items():
        q = parse_period(s.start)
        if q <= done:
            raise UserError(f"{q} is outside the scenario window {window} {history}", file=file,
                            key=f"shocks.{name}.start")
        if q > last:
            raise UserError(f"{q} is outside the scenario window {window}", file=file, key=f"shocks.{name}.start")
