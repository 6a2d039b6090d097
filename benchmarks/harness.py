"""A tiny benchmark harness: cases register with :func:`case`; :func:`main` times them.

Each case is timed over several runs after a warm-up and reported as median, min and max wall time
against its goal.  Timings are measurements of this machine, never assertions: nothing fails
when a goal is missed; the table says so.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Case:
    name: str
    func: Callable[[], object]
    goal: float
    repeat: int
    setup: Callable[[], object] | None = None
    peak_memory: bool = False


CASES: list[Case] = []


def case(name: str, *, goal: float, repeat: int = 7, setup: Callable[[], object] | None = None,
         peak_memory: bool = False) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Register ``func`` as a benchmark case with a goal in seconds."""

    def deco(func: Callable[[], object]) -> Callable[[], object]:
        CASES.append(Case(name, func, goal, repeat, setup, peak_memory))
        return func

    return deco


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def time_case(c: Case) -> dict[str, object]:
    if c.setup:
        c.setup()
    c.func()  # warm-up: imports, caches
    times = []
    for _ in range(c.repeat):
        gc.collect()
        t0 = time.perf_counter()
        c.func()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    out: dict[str, object] = {
        "case": c.name, "median_s": med, "min_s": min(times), "max_s": max(times), "runs": c.repeat,
        "goal_s": c.goal, "meets_goal": med <= c.goal,
    }
    if c.peak_memory:
        out["peak_rss_mb"] = _peak_rss_mb()
    return out


def _fmt(s: float) -> str:
    return f"{s * 1e3:9.3f} ms" if s < 1 else f"{s:9.3f} s "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks and print medians.")
    parser.add_argument("-k", default="", help="only cases whose name contains this")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    rows = [time_case(c) for c in CASES if args.k in c.name]
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.processor() or 'cpu'}")
    print(f"{'case':58s} {'median':>12s} {'min':>12s} {'max':>12s} {'goal':>12s}  runs")
    for r in rows:
        mark = "ok " if r["meets_goal"] else "MISS"
        mem = f"  peak RSS {r['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in r else ""
        print(f"{r['case']:58s} {_fmt(r['median_s'])} {_fmt(r['min_s'])} {_fmt(r['max_s'])} "
              f"{_fmt(r['goal_s'])}  {r['runs']:3d} {mark}{mem}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
