"""The ``compare`` and ``solve`` sub-commands (registered in :mod:`model.cli`, imported lazily).

``python -m model compare [SCENARIO.toml ...] [--baseline FILE] [--out DIR] [--draws N [--seed S]]``
    Every scenario against the baseline, each in its own folder ``DIR/<scenario>/`` (tables,
    ``report.md``, ``briefing.html``, ``comparison.xlsx``, figures; written atomically), and in
    ``DIR`` (default ``results/compare/``) the combined ``comparison.csv``, ``contributions.csv``,
    ``cost_effectiveness.csv``, ``headline.csv`` and an index ``report.md``, rebuilt from every
    scenario folder present: comparing one scenario leaves the others' folders as they were.  With ``--draws``, Monte Carlo ranges of
    every difference and contribution (:func:`model.analysis.compare.compare`); only then: an
    ``[uncertainty]`` table in a scenario file does not by itself add ranges to a comparison.

``python -m model solve SCENARIO.toml --target VAR@PERIOD=VALUE --instrument LEVER[.FIELD] ...``
    Scales the instruments to hit the targets and writes the solved scenario as a standalone TOML
    file (default ``results/solved/<name>_solved.toml``) that ``python -m model run`` reproduces.
    An existing file is replaced only with ``--force``, and never the scenario being solved or a
    shipped scenario.

Every user mistake is one line on stderr and exit status 2, with nothing written.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from model.cli.common import (
    add_vintage_options,
    check_calibration,
    params_from_args,
    parse_assignment,
    parse_draws,
    parse_seed,
)
from model.core.errors import UserError

__all__ = ["DEFAULT_COMPARE_OUT", "DEFAULT_SCENARIO_DIR", "DEFAULT_SOLVED_DIR", "cmd_compare", "cmd_solve",
           "parse_bounds"]

DEFAULT_SCENARIO_DIR = Path("scenarios")
DEFAULT_COMPARE_OUT = Path("results/compare")
DEFAULT_SOLVED_DIR = Path("results/solved")


def parse_bounds(text: str) -> tuple[float, float]:
    """``LO,HI`` from ``--bounds``: two numbers with ``0 <= LO < HI``."""
    parts = str(text).split(",")
    try:
        lo, hi = (float(p) for p in parts)
    except ValueError:
        raise UserError(f"expected LO,HI (two numbers, like 0,20), got {text!r}", key="--bounds") from None
    if not (lo == lo and hi == hi and abs(lo) != float("inf") and abs(hi) != float("inf") and 0.0 <= lo < hi):
        raise UserError(f"expected 0 <= LO < HI (amounts cannot be negative), got {text!r}", key="--bounds")
    return lo, hi


def _writable_dir(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise UserError("expected a directory, found a file", file=str(path), key="--out")
    return path


SHIPPED_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
"""The scenarios that come with the model; ``solve`` never writes over one of them."""


def check_solve_out(out: Path, *, source: str | None, force: bool) -> None:
    """Refuse a ``solve --out`` that would replace its own source, a shipped scenario, or (without
    ``--force``) any existing file.

    Raises
    ------
    UserError
        ``--out: <file> is the scenario being solved; ...``, ``... is a shipped scenario; ...`` or
        ``... exists; pass --force to replace it``.
    """
    try:
        real = out.resolve()
        if source is not None and real == Path(source).resolve():
            raise UserError(f"{out} is the scenario being solved; choose another file", key="--out")
        if real.parent == SHIPPED_SCENARIOS and real.exists():
            raise UserError(f"{out} is a shipped scenario; choose another file", key="--out")
    except (OSError, RuntimeError):
        raise UserError(f"cannot write {out}: the path is unreadable or a symbolic link loop", key="--out") from None
    if not force and os.path.lexists(out):
        raise UserError(f"{out} exists; pass --force to replace it", key="--out")


def cmd_compare(args: argparse.Namespace) -> int:
    """Handler of ``python -m model compare``."""
    from model.analysis.compare import compare
    from model.analysis.comparison import DEFAULT_BASELINE
    from model.analysis.results import run
    from model.inputs.data import shipped
    from model.inputs.scenario import load_scenario
    from model.present.comparisons import write_compare_folder

    draws, seed = args.draws, args.seed
    if seed is not None and draws is None:
        raise UserError("needs --draws (a comparison has ranges only with --draws)", key="--seed")
    from model.inputs.vintage import vintage

    v = vintage(args.as_of, args.data)  # --as-of and --data, as for run
    out = _writable_dir(Path(args.out) if args.out else DEFAULT_COMPARE_OUT)
    base_path = Path(args.baseline) if args.baseline else shipped(DEFAULT_BASELINE)
    baseline = load_scenario(base_path, vintage=v)
    if args.scenarios:
        paths = [Path(p) for p in args.scenarios]
    else:
        paths = sorted(p for p in shipped(DEFAULT_SCENARIO_DIR).glob("*.toml") if p.resolve() != base_path.resolve())
        if not paths:
            raise UserError(f"no scenario files besides the baseline in {DEFAULT_SCENARIO_DIR}/", key="compare")
    scenarios = [load_scenario(p, vintage=v) for p in paths]
    names = [s.name for s in scenarios]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise UserError(f"two scenarios are named {dup[0]!r}; their rows would collide", key="name")
    params = params_from_args(args.set)
    accept = args.accept_calibration_miss
    base = run(baseline, params=params)
    runs = [run(s, params=params) for s in scenarios]
    for r in (base, *runs):  # the rule of `run`: a missed calibration is an error unless accepted
        check_calibration(r, accept=accept)
    progress = False if args.quiet else None
    comps = [compare(r, base, params=params, draws=draws, seed=seed, progress=progress)
             for r in runs]  # everything before writing
    where = write_compare_folder(comps, out, lang=args.lang, calibration_miss_accepted=accept)
    if not args.quiet:
        for c in comps:
            print(c.summary())
            print()
        print(f"wrote {where}/")
    return 0


def cmd_solve(args: argparse.Namespace) -> int:
    """Handler of ``python -m model solve``."""
    from model.analysis.goalseek import parse_target, solve
    from model.inputs.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    targets = [parse_target(t) for t in args.target]
    bounds = parse_bounds(args.bounds)
    if args.set:
        # written into the solved file's [parameters], so that running it reproduces the solution
        scenario = scenario.with_parameters(**dict(parse_assignment(s) for s in args.set))
    out = Path(args.out) if args.out else DEFAULT_SOLVED_DIR / f"{scenario.name}_solved.toml"
    if out.is_dir():
        raise UserError("expected a file name, found a directory", file=str(out), key="--out")
    if out.suffix != ".toml":
        raise UserError("expected a file name ending in .toml", file=str(out), key="--out")
    check_solve_out(out, source=scenario.path, force=args.force)
    solution = solve(scenario, targets, args.instrument, bounds=bounds)
    solution.save(out, overwrite=args.force)
    if not args.quiet:
        print(solution.summary())
        print(f"\nwrote {out}  (run it with: python -m model run {out})")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the ``compare`` and ``solve`` sub-commands to ``sub``."""
    p = sub.add_parser("compare", help="compare scenarios with a baseline: differences, contributions, costs")
    p.add_argument("scenarios", nargs="*", metavar="SCENARIO.toml",
                   help=f"default: every {DEFAULT_SCENARIO_DIR}/*.toml except the baseline")
    p.add_argument("--baseline", metavar="FILE", help="default: scenarios/baseline.toml")
    p.add_argument("--out", metavar="DIR", help=f"output folder (default: {DEFAULT_COMPARE_OUT})")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a parameter in every run")
    p.add_argument("--draws", type=parse_draws, metavar="N",
                   help="add Monte Carlo ranges of every difference and contribution: N draws, each re-calibrated "
                   "to H1 2020, both runs on the same draws (default: none)")
    p.add_argument("--seed", type=parse_seed, metavar="S",
                   help="seed of the draws (default: the scenario's [uncertainty] seed, else 20200630)")
    p.add_argument("--accept-calibration-miss", action="store_true",
                   help="compare even if a run's calibration misses its H1 2020 targets (the report says so)")
    p.add_argument("--quiet", action="store_true", help="print nothing")
    add_vintage_options(p)

    p = sub.add_parser("solve", help="scale measures so that a scenario hits targets (goal seek)")
    p.add_argument("scenario", metavar="SCENARIO.toml")
    p.add_argument("--target", action="append", required=True, metavar="VAR@PERIOD=VALUE",
                   help="e.g. gdp_real_yoy_ytd@2020Q4=5.0 or gdp_real_yoy@2020=5.0 (repeatable)")
    p.add_argument("--instrument", action="append", required=True, metavar="LEVER[.FIELD]",
                   help="e.g. consumption_events or major_projects.total (repeatable)")
    p.add_argument("--bounds", default="0,20", metavar="LO,HI", help="range of the scale factors (default 0,20)")
    p.add_argument("--out", metavar="FILE",
                   help=f"solved scenario file (default: {DEFAULT_SOLVED_DIR}/<name>_solved.toml)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="override a parameter (written into the solved file)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing --out file (never the scenario being solved or a shipped one)")
    p.add_argument("--quiet", action="store_true", help="print nothing")
