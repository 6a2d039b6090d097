"""Command-line parts of the uncertainty analysis: ``run --draws/--seed/--threshold``, the
``sensitivity`` sub-command.  :mod:`model.cli.app` wires them in; the ``--draws``/``--seed``
parsing they share with ``compare`` is in :mod:`model.cli.common`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from model.cli.common import (
    DEFAULT_RESULTS,
    DEFAULT_SCENARIO,
    params_from_args,
    parse_draws,
    parse_seed,
)
from model.core.errors import UserError

if TYPE_CHECKING:
    from model.analysis.uncertainty import Draws
    from model.core.parameters import ParameterSet
    from model.inputs.scenario import Scenario

__all__ = ["add_run_options", "add_sensitivity_parser", "cmd_sensitivity", "draws_for"]


def add_run_options(p: argparse.ArgumentParser) -> None:
    """``--draws``, ``--seed`` and ``--threshold`` of ``run``."""
    p.add_argument("--draws", type=parse_draws, metavar="N",
                   help="Monte Carlo draws, each re-calibrated to H1 2020 (overrides [uncertainty] draws; "
                   "writes fan.csv and fan charts)")
    p.add_argument("--seed", type=parse_seed, metavar="S", help="seed of the draws (overrides [uncertainty] seed)")
    p.add_argument("--threshold", action="append", metavar="VAR@PERIOD>=X",
                   help="report the probability of an event, like gdp_real_yoy@2020>=3 (repeatable; replaces "
                   "the defaults: 2020 real growth >= 3, 2020 revenue growth >= 0)")


def draws_for(args: argparse.Namespace, scenarios: Sequence[Scenario], params: ParameterSet) -> list[Draws | None]:
    """The Monte Carlo of every scenario that asks for one (``[uncertainty]`` or ``--draws``)."""
    from model.analysis.uncertainty import check_threshold, simulate_draws

    uncertain = [args.draws is not None or s.uncertainty is not None for s in scenarios]
    if not any(uncertain):
        for flag, value in (("--seed", args.seed), ("--threshold", args.threshold)):
            if value is not None:
                raise UserError("needs --draws or an [uncertainty] table in the scenario", key=flag)
        return [None] * len(scenarios)
    for s, u in zip(scenarios, uncertain, strict=True):
        if u:
            for t in args.threshold or ():
                check_threshold(t, s.horizon, file=s.path, key="--threshold")
    progress = False if args.quiet else None
    return [
        simulate_draws(s, draws=args.draws, seed=args.seed, params=params, progress=progress,
                       thresholds=args.threshold or None) if u else None
        for s, u in zip(scenarios, uncertain, strict=True)
    ]


def add_sensitivity_parser(sub: argparse._SubParsersAction) -> None:
    """The ``sensitivity`` sub-command."""
    p = sub.add_parser("sensitivity", help="Sobol indices of 2020 growth and revenue; writes results/<name>/sensitivity/")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO.toml", help=f"default: {DEFAULT_SCENARIO}")
    p.add_argument("--samples", type=int, default=1024, metavar="N",
                   help="base samples, a power of two (default 1024: about 34,000 re-calibrated runs)")
    p.add_argument("--seed", type=parse_seed, metavar="S", help="seed (default: the scenario's [uncertainty] seed)")
    p.add_argument("--out", default=str(DEFAULT_RESULTS), metavar="DIR",
                   help="results root; writes DIR/<name>/sensitivity/ (default: results)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a parameter (repeatable)")
    p.add_argument("--quiet", action="store_true", help="print nothing")


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from model.analysis.sensitivity import check_samples, sobol
    from model.inputs.scenario import load_scenario
    from model.present.sensitivity_files import write_sensitivity

    scenario = load_scenario(args.scenario or DEFAULT_SCENARIO)
    params = params_from_args(args.set)
    check_samples(args.samples, key="--samples")
    sens = sobol(scenario, samples=args.samples, seed=args.seed, params=params,
                 progress=False if args.quiet else None)
    where = write_sensitivity(sens, Path(args.out) / scenario.name / "sensitivity")
    if not args.quiet:
        print(sens.summary())
        print(f"\nwrote {where}/")
    return 0
