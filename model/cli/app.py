"""Command line: ``python -m model run|calibrate|validate|params|...``.

A user's mistake (a scenario file, an argument, a parameter) ends in one line on stderr,
``error: <file>: <key>: <what was expected>``, and exit status 2, with nothing written.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from model.cli.backtest import add_parser as add_backtest_parser
from model.cli.backtest import cmd_backtest
from model.cli.common import (
    DEFAULT_RESULTS,
    DEFAULT_SCENARIO,
    add_vintage_options,
    check_calibration,
    params_from_args,
)
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
    from model.inputs.scenario import Scenario
    from model.inputs.vintage import Vintage
    from model.present.background import Worker

__all__ = ["main"]

Command = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, Command] = {}


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one-line :class:`UserError` s."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(message, key=self.prog.removeprefix("python -m "))


class _Version(argparse.Action):
    """``--version``, reading the installed version only when asked (importlib.metadata is slow)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from model.core.version import __version__

        parser.exit(message=f"{parser.prog} {__version__}\n")


def _scenario_paths(paths: Sequence[str]) -> list[Path]:
    from model.inputs.data import shipped

    return [Path(p) for p in paths] if paths else [shipped(DEFAULT_SCENARIO)]


def command_line(args: argparse.Namespace) -> str:
    """The command as typed, for the record in ``summary.json`` and ``report.md``."""
    return " ".join(["python -m model", *(shlex.quote(a) for a in getattr(args, "argv", []))])


def check_as_of(args: argparse.Namespace) -> Vintage:
    """``--as-of`` and ``--data`` of ``run`` and ``calibrate``: the data folder and a release round
    the scenario model can run as of (:func:`model.inputs.vintage.vintage`: not before the COVID
    shock, with Hangzhou's YTD GDP release for the round in the folder's ``observations.csv``)."""
    from model.inputs.vintage import vintage

    return vintage(args.as_of, getattr(args, "data", None))


def cmd_run(args: argparse.Namespace) -> int:
    v = check_as_of(args)
    from model.inputs.scenario import load_scenario

    scenarios = [load_scenario(p, vintage=v) for p in _scenario_paths(args.scenarios)]
    names = [s.name for s in scenarios]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise UserError(f"two scenarios are named {sorted(dup)[0]!r}; results would collide", key="name")
    params = params_from_args(args.set)
    worker = None if args.no_figures else _figure_worker()  # gets matplotlib ready while we compute
    try:
        return _run_and_write(args, v, scenarios, params, worker)
    finally:
        if worker is not None:
            worker.close()


def _figure_worker() -> Worker:
    from model.present.background import Worker
    from model.present.plotting import warm

    return Worker(warm=warm)


def _run_and_write(args: argparse.Namespace, v: Vintage, scenarios: list[Scenario], params: ParameterSet,
                   worker: Worker | None) -> int:
    from model.analysis.results import run
    from model.present.run_files import write_run
    from model.present.terminal import run_summary

    as_of = v.as_of
    runs = [run(s, params=params) for s in scenarios]  # compute everything before writing anything
    for r in runs:
        check_calibration(r, accept=args.accept_calibration_miss)
    fans = draws_for(args, scenarios, params)  # Monte Carlo where asked for ([uncertainty] or --draws)
    inputs = {
        "command": command_line(args),
        "options": {"--set": list(args.set or []), "--draws": args.draws, "--seed": args.seed,
                    "--threshold": list(args.threshold or []),
                    "--accept-calibration-miss": args.accept_calibration_miss, "--as-of": args.as_of,
                    **({"--data": args.data} if args.data is not None else {})},
        "as_of": as_of,
        **({"data": str(v.folder)} if args.data is not None else {}),
        "calibration_miss_accepted": args.accept_calibration_miss,
    }
    for r, d in zip(runs, fans, strict=True):
        where = write_run(r, Path(args.out) / r.name, draws=d, inputs=inputs, lang=args.lang,
                          figures=not args.no_figures, worker=worker)
        if not args.quiet:
            print(run_summary(r, args.lang))
            if d is not None:
                print("\n" + d.summary())
            print(f"\nwrote {where}/\n")
    return 0


def _params_with_scenario(args: argparse.Namespace, vintage: Vintage | None = None) -> ParameterSet:
    """Default parameters with ``--set`` applied, then the named scenario's overrides."""
    from model.inputs.scenario import load_scenario
    from model.inputs.vintage import DEFAULT_VINTAGE

    params = params_from_args(args.set)
    return load_scenario(args.scenario, vintage=vintage or DEFAULT_VINTAGE).apply(params) if args.scenario else params


def cmd_calibrate(args: argparse.Namespace) -> int:
    v = check_as_of(args)
    from model.fitting.calibration import calibrate
    from model.present.terminal import calibration_summary

    params = _params_with_scenario(args, v)
    cal = calibrate(params, vintage=v)
    print(calibration_summary(cal, args.lang))
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
            print(frame[["value", "unit", "lower", "upper", "bounds_reason", "prior", "role", "source"]].to_string())
    return 0


def params_markdown(params: ParameterSet) -> str:
    """The registry as the markdown table of ``docs/parameters.md``."""
    from model.present.tables import md_table

    frame = params.to_frame()[["value", "unit", "lower", "upper", "bounds_reason", "prior", "role", "block", "source"]]
    for col in ("bounds_reason", "source"):
        frame[col] = frame[col].str.replace("|", "/", regex=False)
    return md_table(frame, digits=4)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m model", description="Hangzhou policy-scenario model (GDP and budget revenue, 2020-2021).")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("run", help="run scenarios and write results/<name>/")
    p.add_argument("scenarios", nargs="*", metavar="SCENARIO.toml", help=f"default: {DEFAULT_SCENARIO}")
    p.add_argument("--out", default=str(DEFAULT_RESULTS), metavar="DIR",
                   help="results root; each scenario goes into DIR/<name>/ (default: results)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a parameter (repeatable)")
    p.add_argument("--quiet", action="store_true", help="print nothing")
    p.add_argument("--accept-calibration-miss", action="store_true",
                   help="write the results even if the calibration misses H1 2020 targets (the report says so)")
    p.add_argument("--no-figures", action="store_true", help="write no PNG figures (faster; tables and report only)")
    add_run_options(p)  # --draws, --seed, --threshold
    add_vintage_options(p)
    _COMMANDS["run"] = cmd_run

    p = sub.add_parser("calibrate", help="calibrate to the release (default H1 2020) and print the fit table")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO.toml", help="use this scenario's parameter overrides")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a parameter (repeatable)")
    add_vintage_options(p)
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

    from model.cli.sweep import add_sweep_parser, cmd_sweep

    add_sweep_parser(sub)
    _COMMANDS["sweep"] = cmd_sweep

    from model.cli.discover import add_discover_parser, cmd_discover

    add_discover_parser(sub)
    _COMMANDS["discover"] = cmd_discover

    add_backtest_parser(sub)
    _COMMANDS["backtest"] = cmd_backtest
    for p in sub.choices.values():  # every command: the language of labels, tables and figures
        add_lang_option(p)
    return parser


def add_lang_option(p: argparse.ArgumentParser) -> None:
    """``--lang zh|en|bilingual`` (default ``zh``: the users read Chinese; see :mod:`model.present.labels`)."""
    from model.present.labels import DEFAULT_LANG, LANGS, check_lang

    p.add_argument("--lang", type=check_lang, default=DEFAULT_LANG, metavar="|".join(LANGS),
                   help=f"language of figures, tables, workbook and briefing (default: {DEFAULT_LANG})")


EXIT_BROKEN_PIPE = 141
"""Exit status when the reader of our output went away (``... | head``): 128 + SIGPIPE, what a
shell reports for a program the signal ended."""


def os_error_line(exc: OSError) -> str:
    """The one line for an OS error a user caused: ``<file>: <reason>``."""
    where = ": ".join(str(f) for f in (exc.filename, exc.filename2) if f is not None)
    why = exc.strerror or str(exc)
    return f"{where}: {why}" if where else why


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status.

    A user's mistake, including an OS error they caused (an unreadable file, a read-only or
    impossible ``--out``), is one line on stderr and status 2; a closed pipe on stdout ends the
    command quietly with status :data:`EXIT_BROKEN_PIPE`; Ctrl-C is one line and status 130.
    """
    try:
        argv = list(sys.argv[1:] if argv is None else argv)
        args = build_parser().parse_args(argv)
        args.argv = argv
        code = _COMMANDS[args.command](args)
        sys.stdout.flush()
        return code
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        print(f"error: {os_error_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
