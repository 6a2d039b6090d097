"""The ``discover`` sub-command: PRIM scenario discovery (:mod:`model.analysis.discover`), written to
``DIR/<scenario>/discover/`` (``boxes.csv``, ``trajectory.csv``, ``tradeoff.png``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from model.cli.common import DEFAULT_RESULTS, DEFAULT_SCENARIO, parse_draws, parse_seed
from model.cli.uncertainty import parse_workers

__all__ = ["add_discover_parser", "cmd_discover"]


def add_discover_parser(sub: argparse._SubParsersAction) -> None:
    """The ``discover`` sub-command."""
    p = sub.add_parser("discover", help="parameter and lever ranges that lead to an outcome (PRIM); writes results/<name>/discover/")
    p.add_argument("scenario", nargs="?", default=str(DEFAULT_SCENARIO), metavar="SCENARIO.toml")
    p.add_argument("--outcome", required=True, metavar="VAR@PERIOD<X", help="the event, like 'gdp_real_yoy@2020<3'")
    p.add_argument("--draws", type=parse_draws, default=2_000, metavar="N", help="Monte Carlo draws (default 2,000)")
    p.add_argument("--seed", type=parse_seed, metavar="S", help="seed (default: the scenario's)")
    p.add_argument("--density", type=float, default=0.5, metavar="D", help="PRIM's density threshold (default 0.5)")
    p.add_argument("--lever", action="append", default=None, metavar="NAME=LO:HI",
                   help="search this lever's size, as factors on the scenario's amounts (repeatable; default: "
                        "every lever the scenario sets, 0.5:1.5)")
    p.add_argument("--no-levers", action="store_true", help="search the parameters only")
    p.add_argument("--workers", type=parse_workers, default=1, metavar="N", help="processes sharing the draws")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on Dask: 'local' or a scheduler address")
    p.add_argument("--out", default=str(DEFAULT_RESULTS), metavar="DIR", help="results root (default: results)")
    p.add_argument("--quiet", action="store_true", help="print nothing")


def cmd_discover(args: argparse.Namespace) -> int:
    from model.analysis.discover import discover, parse_lever_range
    from model.core.errors import UserError
    from model.inputs.scenario import load_scenario
    from model.present.output import write_dir_atomic
    from model.present.plotting import save_figure

    if args.no_levers and args.lever:
        raise UserError("give either --lever or --no-levers, not both", key="--no-levers")
    levers = {} if args.no_levers else None
    for text in args.lever or ():
        name, bounds = parse_lever_range(text)
        if name in (levers or {}):
            raise UserError(f"lever {name!r} is given twice", key="--lever")
        levers = {**(levers or {}), name: bounds}
    scenario = load_scenario(args.scenario)
    found = discover(scenario, args.outcome, draws=args.draws, seed=args.seed, threshold=args.density,
                     workers=args.workers, scheduler=args.scheduler, levers=levers)

    def build(tmp: Path) -> None:
        found.box.to_csv(tmp / "boxes.csv", float_format="%.6f")
        found.trajectory.to_csv(tmp / "trajectory.csv", index_label="step", float_format="%.6f")
        save_figure(found.figure(), tmp / "tradeoff.png", tight=True)

    where = write_dir_atomic(Path(args.out) / scenario.name / "discover", build)
    if not args.quiet:
        print(found.summary())
        print(f"\nwrote {where}/")
    return 0
