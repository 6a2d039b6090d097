"""Helpers every sub-command shares: default paths, ``--set``, ``--draws`` and ``--seed``.

A leaf of the ``cli`` layer: it imports no other ``model.cli`` module, so :mod:`model.cli.app`,
:mod:`model.cli.compare` and :mod:`model.cli.uncertainty` all import from here and never from
each other's back.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from model.core.errors import UserError

if TYPE_CHECKING:
    from model.analysis.results import Results
    from model.core.parameters import ParameterSet

__all__ = ["DEFAULT_RESULTS", "DEFAULT_SCENARIO", "add_vintage_options", "check_calibration", "params_from_args", "parse_assignment", "parse_draws", "parse_seed"]

DEFAULT_SCENARIO = Path("scenarios/h2_plan.toml")
DEFAULT_RESULTS = Path("results")


def parse_assignment(text: str) -> tuple[str, float]:
    """``NAME=VALUE`` from ``--set``."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise UserError(f"expected NAME=VALUE, got {text!r}", key="--set")
    try:
        return name.strip(), float(value)
    except ValueError:
        raise UserError(f"expected a number after '=', got {value!r}", key=f"--set {name}") from None


def params_from_args(sets: Sequence[str] | None) -> ParameterSet:
    """Default parameters with ``--set`` overrides applied (checked against the registry)."""
    from model.inputs.registry import default_params

    changes = dict(parse_assignment(s) for s in sets or ())
    return default_params().updated(changes, origin="--set ") if changes else default_params()


def parse_draws(text: str) -> int:
    """``--draws N`` of ``run`` and ``compare`` (:func:`~model.inputs.uncertainty_settings.check_draws`).

    An argparse ``type=``: it raises :class:`UserError`, which argparse lets through (it catches
    only ``ValueError``, ``TypeError`` and ``ArgumentTypeError``), so the message is this one-line
    ``--draws: ...`` and not argparse's ``invalid int value``.
    """
    from model.inputs.uncertainty_settings import check_draws

    return check_draws(text, key="--draws")


def parse_seed(text: str) -> int:
    """``--seed S`` of ``run``, ``compare`` and ``sensitivity``
    (:func:`~model.inputs.uncertainty_settings.check_seed`; an argparse ``type=``, as :func:`parse_draws`)."""
    from model.inputs.uncertainty_settings import check_seed

    return check_seed(text, key="--seed")


def check_calibration(results: Results, *, accept: bool) -> None:
    """Refuse a run whose calibration misses its targets (H1 2020 as of 2020Q2), unless ``accept``.

    Raises
    ------
    UserError
        ``<file>: calibration: misses the H1 2020 targets ... with ... fixed; ...``.
    """
    cal = results.calibration
    if cal.ok or accept:
        return
    miss = cal.fit[~cal.fit.within]
    targets = ", ".join(f"{r.target}@{r.period} (off by {r.error:+.3g} {r.unit}, tolerance {r.tolerance:g})"
                        for r in miss.itertuples())
    p = results.params
    fixed = ", ".join(f"{n} = {p[n]:g}" for n in sorted(p.fixed)) or "no parameter"
    raise UserError(f"misses the {cal.release} targets {targets} with {fixed} fixed; change the fixed values "
                    "or pass --accept-calibration-miss", file=results.scenario.path or results.name,
                    key="calibration")


def add_vintage_options(p: argparse.ArgumentParser) -> None:
    """``--as-of ROUND`` and ``--data DIR`` of ``run``, ``calibrate`` and ``compare``."""
    p.add_argument("--as-of", default="2020Q2", metavar="ROUND",
                   help="release round the run is as of: it sees the data published by then, calibrates to "
                   "that release's 2020 YTD figures and forecasts from the quarter after (default 2020Q2, "
                   "the H1 2020 release)")
    p.add_argument("--data", metavar="DIR",
                   help="data folder with observations.csv and levers_h1.csv (default: the project's data/; "
                   "copy it and add a later release to run as of that round)")
