"""Regenerate the figures quoted in README.md and docs/ from the code.

Blocks between ``<!-- figures:NAME -->`` and ``<!-- /figures:NAME -->`` in the files below are
written by the function ``NAME`` of this module.  Run ``python tools/figures.py`` after a change that
moves the numbers; ``tests/test_figures.py`` fails while a block is stale.  Only deterministic runs
are used (fast, exact); Monte Carlo figures in the text say their draws and seed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import model  # noqa: E402

FILES = ("README.md", "docs/review_response.md")
SCENARIOS = ("baseline", "no_new_measures", "h2_plan", "second_wave", "export_slump", "property_slump")


def _run(name: str) -> model.Results:
    return model.run(ROOT / "scenarios" / f"{name}.toml")


def headline() -> str:
    """Real GDP and revenue growth in 2020 and 2021 for every shipped scenario."""
    rows = ["| scenario | 2020 real GDP (%) | 2020 revenue (%) | 2021 real GDP (%) | 2021 revenue (%) |",
            "|---|---|---|---|---|"]
    for name in SCENARIOS:
        a = _run(name).annual
        rows.append(f"| `{name}` | {a.loc[2020, 'gdp_real_yoy']:.2f} | {a.loc[2020, 'revenue_yoy']:.2f} | "
                    f"{a.loc[2021, 'gdp_real_yoy']:.2f} | {a.loc[2021, 'revenue_yoy']:.2f} |")
    return "\n".join(rows)


def plan_effects() -> str:
    """What the H2 plan adds in 2020 against each baseline, by measure (Shapley contributions)."""
    plan = _run("h2_plan")
    rows = ["| against | 2020 real growth (pp) | measure | growth (pp) | budget cost (亿元) | cost per pp (亿元) |",
            "|---|---|---|---|---|---|"]
    for base in ("baseline", "no_new_measures"):
        b = _run(base)
        total = plan.annual.loc[2020, "gdp_real_yoy"] - b.annual.loc[2020, "gdp_real_yoy"]
        ce = plan.compare(b).cost_effectiveness()
        for r in ce[ce.period == "2020"].itertuples():
            rows.append(f"| `{base}` | {total:+.2f} | `{r.lever}` | {r.growth_pp:+.2f} | {r.fiscal_cost:.1f} | "
                        f"{r.cost_per_pp:.0f} |")
    return "\n".join(rows)


def calibration() -> str:
    """The calibrated parameters of the default run against their priors."""
    pri = model.run(ROOT / "scenarios" / "baseline.toml").calibration.priors
    rows = ["| parameter | prior | calibrated | z |", "|---|---|---|---|"]
    rows += [f"| `{n}` | {r.prior} | {r.calibrated:.4g} | {r.z:+.2f} |" for n, r in pri.iterrows()]
    return "\n".join(rows)


def topdown() -> str:
    """The top-down check of the baseline's H2 2020 growth."""
    from model.analysis.topdown import topdown_check

    return "\n".join(topdown_check(_run("baseline").h2_growth()).lines())


GENERATORS: dict[str, Callable[[], str]] = {
    "headline": headline, "plan_effects": plan_effects, "calibration": calibration, "topdown": topdown,
}
_BLOCK = re.compile(r"(<!-- figures:(\w+) -->\n)(.*?)(<!-- /figures:\2 -->)", re.S)


def regenerate(text: str) -> str:
    """``text`` with every figures block rewritten from the code."""
    return _BLOCK.sub(lambda m: m.group(1) + GENERATORS[m.group(2)]() + "\n" + m.group(4), text)


def blocks(text: str) -> list[str]:
    """The names of the figures blocks in ``text``."""
    return [m.group(2) for m in _BLOCK.finditer(text)]


def main() -> None:
    """Rewrite the figures blocks of every file in :data:`FILES`."""
    for rel in FILES:
        path = ROOT / rel
        text = path.read_text(encoding="utf-8")
        new = regenerate(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"updated {rel}")


if __name__ == "__main__":
    main()
