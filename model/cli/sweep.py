"""The ``sweep`` sub-command: a grid of lever sizes and parameter values x draws, one tidy table
(:mod:`model.analysis.sweep`), written to ``DIR/<scenario>/sweep/sweep.csv``."""

from __future__ import annotations

import argparse
from pathlib import Path

from model.cli.common import DEFAULT_RESULTS, DEFAULT_SCENARIO
from model.cli.uncertainty import parse_workers

__all__ = ["add_sweep_parser", "cmd_sweep"]


def add_sweep_parser(sub: argparse._SubParsersAction) -> None:
    """The ``sweep`` sub-command."""
    p = sub.add_parser("sweep", help="a grid of lever sizes and parameter values x draws; writes results/<name>/sweep/")
    p.add_argument("grid", metavar="GRID.toml", help="the sweep file ([levers], [parameters], draws, seed, outputs)")
    p.add_argument("--scenario", default=str(DEFAULT_SCENARIO), metavar="SCENARIO.toml",
                   help=f"the scenario swept (default: {DEFAULT_SCENARIO})")
    p.add_argument("--out", default=str(DEFAULT_RESULTS), metavar="DIR", help="results root (default: results)")
    p.add_argument("--workers", type=parse_workers, default=1, metavar="N", help="processes per Monte Carlo")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on Dask: 'local' or a scheduler address")
    p.add_argument("--force", action="store_true", help="run a grid larger than the limit (256 points)")
    p.add_argument("--quiet", action="store_true", help="print nothing")


def cmd_sweep(args: argparse.Namespace) -> int:
    from model.analysis.sweep import load_grid, sweep
    from model.inputs.scenario import load_scenario
    from model.present.output import write_dir_atomic

    grid = load_grid(args.grid)
    scenario = load_scenario(args.scenario)
    table = sweep(scenario, grid, force=args.force, workers=args.workers, scheduler=args.scheduler)

    def build(tmp: Path) -> None:
        table.to_csv(tmp / "sweep.csv", index=False, float_format="%.6f")

    where = write_dir_atomic(Path(args.out) / scenario.name / "sweep", build)
    if not args.quiet:
        print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        print(f"\nwrote {where}/sweep.csv")
    return 0
