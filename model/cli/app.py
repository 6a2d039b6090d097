"""Command line: ``python -m model run|calibrate|validate|params|...``.

A user's mistake (a scenario file, an argument, a parameter) ends in one line on stderr,
``error: <file>: <key>: <what was expected>``, and exit status 2, with nothing written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from model.cli.common import DEFAULT_RESULTS, DEFAULT_SCENARIO, params_from_args
from model.cli.compare import add_parsers as add_compare_parsers
from model.cli.compare import cmd_compare, cmd_solve
from model.cli.uncertainty import (
    add_run_options,
    add_sensitivity_parser,
    cmd_sensitivity,
    draws_for,
)
from model.core.errors import UserError

if TYPE_CHECKING:
    from model.core.parameters import ParameterSet

__all__ = ["main"]

Command = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, Command] = {}


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one-line :class:`UserError` s."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(message, key=self.prog.removeprefix("python -m "))


def _scenario_paths(paths: Sequence[str]) -> list[Path]:
    return [Path(p) for p in paths] if paths else [DEFAULT_SCENARIO]


def cmd_run(args: argparse.Namespace) -> int:
    from model.analysis.results import run
    from model.inputs.scenario import load_scenario
    from model.present.run_files import write_run

    scenarios = [load_scenario(p) for p in _scenario_paths(args.scenarios)]
    names = [s.name for s in scenarios]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise UserError(f"two scenarios are named {sorted(dup)[0]!r}; results would collide", key="name")
    params = params_from_args(args.set)
    runs = [run(s, params=params) for s in scenarios]  # compute everything before writing anything
    fans = draws_for(args, scenarios, params)  # Monte Carlo where asked for ([uncertainty] or --draws)
    for r, d in zip(runs, fans, strict=True):
        where = write_run(r, Path(args.out) / r.name, draws=d)
        if not args.quiet:
            print(r.summary())
            if d is not None:
                print("\n" + d.summary())
            print(f"\nwrote {where}/\n")
    return 0


def _params_with_scenario(args: argparse.Namespace) -> ParameterSet:
    """Default parameters with ``--set`` applied, then the named scenario's overrides."""
    from model.inputs.scenario import load_scenario

    params = params_from_args(args.set)
    return load_scenario(args.scenario).apply(params) if args.scenario else params


def cmd_calibrate(args: argparse.Namespace) -> int:
    from model.fitting.calibration import calibrate

    params = _params_with_scenario(args)
    cal = calibrate(params)
    print(cal.summary())
    return 0 if cal.ok else 1


def cmd_validate(args: argparse.Namespace) -> int:
    from model.inputs.scenario import load_scenario

    for path in args.files:
        s = load_scenario(path)
        levers = ", ".join(s.lever_configs()) or "none"
        shocks = ", ".join(s.shocks) or "none"
        print(f"ok: {path}: scenario {s.name!r}, horizon {s.horizon}, levers: {levers}; shocks: {shocks}")
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    params = _params_with_scenario(args)
    if args.calibrated:
        from model.fitting.calibration import calibrate

        params = calibrate(params).params
    frame = params.to_frame()
    if args.format == "csv":
        frame.to_csv(sys.stdout)
    elif args.format == "markdown":
        print(params_markdown(params))
    else:
        import pandas as pd

        with pd.option_context("display.max_colwidth", 60, "display.width", 200):
            print(frame[["value", "unit", "lower", "upper", "prior", "role", "source"]].to_string())
    return 0


def params_markdown(params: ParameterSet) -> str:
    """The registry as the markdown table of ``docs/parameters.md``."""
    from model.present.tables import md_table

    frame = params.to_frame()[["value", "unit", "lower", "upper", "prior", "role", "block", "source"]]
    frame["source"] = frame.source.str.replace("|", "/", regex=False)
    return md_table(frame, digits=4)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m model", description="Hangzhou policy-scenario model (GDP and budget revenue, 2020-2021).")
    from model.core.version import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("run", help="run scenarios and write results/<name>/")
    p.add_argument("scenarios", nargs="*", metavar="SCENARIO.toml", help=f"default: {DEFAULT_SCENARIO}")
    p.add_argument("--out", default=str(DEFAULT_RESULTS), metavar="DIR",
                   help="results root; each scenario goes into DIR/<name>/ (default: results)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a parameter (repeatable)")
    p.add_argument("--quiet", action="store_true", help="print nothing")
    add_run_options(p)  # --draws, --seed, --threshold
    _COMMANDS["run"] = cmd_run

    p = sub.add_parser("calibrate", help="calibrate to H1 2020 and print the fit table")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO.toml", help="use this scenario's parameter overrides")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a parameter (repeatable)")
    _COMMANDS["calibrate"] = cmd_calibrate

    p = sub.add_parser("validate", help="check scenario files without running them")
    p.add_argument("files", nargs="+", metavar="FILE")
    _COMMANDS["validate"] = cmd_validate

    p = sub.add_parser("params", help="print the parameter registry")
    p.add_argument("--scenario", metavar="SCENARIO.toml", help="apply this scenario's overrides")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a parameter (repeatable)")
    p.add_argument("--calibrated", action="store_true", help="show calibrated values")
    p.add_argument("--format", choices=("table", "csv", "markdown"), default="table")
    _COMMANDS["params"] = cmd_params

    add_compare_parsers(sub)  # `compare` and `solve`
    _COMMANDS["compare"] = cmd_compare
    _COMMANDS["solve"] = cmd_solve

    add_sensitivity_parser(sub)
    _COMMANDS["sensitivity"] = cmd_sensitivity
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return _COMMANDS[args.command](args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
