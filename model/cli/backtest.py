"""``python -m model backtest [--out DIR] [--as-of ROUND] [--draws N] [--seed S] [--update-record]``."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from model.core.errors import UserError

__all__ = ["add_parser", "cmd_backtest"]

from model.inputs.record import RECORD_FILE


def _draws(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise UserError(f"expected a whole number of draws of at least 100, got {text!r}", key="--draws") from None
    if n < 100:
        raise UserError(f"expected a whole number of draws of at least 100, got {text!r}", key="--draws")
    return n


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``backtest`` subcommand."""
    p = sub.add_parser("backtest", help="backtest the method on past releases and write DIR/")
    p.add_argument("--out", default="results/backtest", metavar="DIR", help="default: results/backtest")
    p.add_argument("--as-of", default="2020Q2", metavar="ROUND",
                   help="release round the backtest stands at, a quarter (default 2020Q2, the H1 2020 release)")
    p.add_argument("--draws", default="2000", metavar="N", help="draws per forecast (default 2000)")
    p.add_argument("--seed", type=int, default=2020, help="random seed (default 2020)")
    p.add_argument("--update-record", action="store_true",
                   help=f"also write the chosen method's record to {RECORD_FILE.name} in data/, which forecasts quote")
    p.add_argument("--quiet", action="store_true", help="print nothing")


def cmd_backtest(args: argparse.Namespace) -> int:
    from model.analysis.track_record import run_backtest
    from model.inputs.record import record_line
    from model.inputs.releases import load_releases, parse_as_of
    from model.present.backtest_report import write_backtest, write_record

    n = _draws(args.draws)
    rel = load_releases()
    as_of = parse_as_of(args.as_of, rel)
    start = time.perf_counter()
    bt = run_backtest(rel.as_of(as_of), n=n, seed=args.seed)
    if bt.rows.empty:
        raise UserError(f"no year has both an intra-year and a full-year release by {as_of}", key="--as-of")
    where = write_backtest(bt, Path(args.out))
    if args.update_record:
        write_record(bt, RECORD_FILE)
    if not args.quiet:
        rec = bt.record()
        for stage in ("Q1", "H1", "Q1-Q3"):
            print(record_line(rec, stage, method=bt.chosen))
        print(f"chosen trend estimator: {bt.chosen}; backtest took {time.perf_counter() - start:.1f} s")
        print(f"wrote {where}/")
    return 0
