"""Write a backtest: ``backtest.csv``, ``scorecard.csv``, a PIT histogram, an error chart, ``report.md``
and ``track_record.json`` (the chosen method's record, which forecasts quote), atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from model.inputs.record import record_line
from model.present.output import write_dir_atomic, write_text_atomic

if TYPE_CHECKING:
    from model.analysis.track_record import Backtest

__all__ = ["record_line", "report_markdown", "write_backtest", "write_record"]

BACKTEST_COLUMNS = ["method", "region", "year", "as_of", "variable", "forecast", "outturn", "error",
                    "p05", "p25", "p50", "p75", "p95", "pit", "crps"]
_NAIVE = ("carry_forward", "last_year", "target")


def _table(frame) -> str:
    cols = ["method", "n", "bias", "rmse", "mae", "coverage50", "coverage90", "coverage90_binom_p", "coverage50_binom_p", "crps", "interval_score"]
    head = "| " + " | ".join(cols) + " |\n|" + "---|" * len(cols) + "\n"
    body = "".join(
        "| " + " | ".join(f"{getattr(r, c):.3f}" if isinstance(getattr(r, c), float) else str(getattr(r, c)) for c in cols) + " |\n"
        for r in frame.itertuples()
    )
    return head + body


def report_markdown(bt: Backtest) -> str:
    """The backtest report: scorecards by stage, the choice, fan scales, coverage tests."""
    sc = bt.scorecard
    g = sc[(sc.variable == "gdp_real_growth") & (sc.region == "all")]
    lines = [
        f"# Backtest of the method, as of {bt.as_of}",
        "",
        f"Draws per forecast: {bt.n_draws}, each re-calibrated to its release.  Outturns: full-year first releases.",
        (f"Chosen trend estimator: **{bt.chosen}** (rule of model.inputs.run_trend: lowest mean CRPS of full-year GDP "
         "growth from the H1 release, all regions; a tie within 0.005 goes to the estimator with published anchors, "
         "then to fewer parameters).  The 2020 run uses it."),
        "",
        "## Full-year real GDP growth, all regions",
    ]
    for stage in ("all", "Q1", "H1", "Q1-Q3"):
        lines += ["", f"### as of the {stage} release" if stage != "all" else "### all releases", "",
                  _table(g[g.stage == stage].sort_values("crps"))]
    h = sc[(sc.variable == "gdp_real_growth") & (sc.region == "hangzhou") & (sc.stage == "all")]
    lines += ["## Hangzhou alone (full-year GDP growth, all releases)", "", _table(h.sort_values("crps"))]
    for var in ("gdp_real_growth_next", "revenue_growth"):
        v = sc[(sc.variable == var) & (sc.region == "all") & (sc.stage == "all")]
        lines += [f"## {var}, all regions and releases", "", _table(v.sort_values("crps"))]
    best = g[(g.stage == "all") & ~g.method.isin(_NAIVE)].sort_values("crps").iloc[0]
    naive = g[(g.stage == "all") & g.method.isin(_NAIVE)].sort_values("crps").iloc[0]
    lose = [s for s in ("Q1", "H1", "Q1-Q3")
            if g[(g.stage == s) & (g.method == "carry_forward")].crps.iloc[0]
            < g[(g.stage == s) & (g.method == bt.chosen)].crps.iloc[0]]
    lines += [
        "## Where the method does not beat the naive rules", "",
        f"Over all releases the method ({best.method}) scores CRPS {best.crps:.3f} against {naive.crps:.3f} for "
        f"the best naive rule ({naive.method}).  Carrying the YTD release forward scores better as of: "
        f"{', '.join(lose) if lose else 'no stage'}.  For the next year's growth the naive rules beat every trend.",
        "",
        "## Fans sized by the record", "",
        "Innovation sd (% of trend a quarter) and AR coefficient of the gap after the release.  GDP's are chosen on the grid "
        "so that pre-2020 90% bands cover 80-97% of outturns for the year and the next at the lowest summed mean CRPS (in sample).  "
        "Revenue's are estimated case by case from the years before the case (no look-ahead): the residual sd of full-year "
        "revenue growth on real GDP growth (model.inputs.revenue_shock) combined with the method's GDP sd, at revenue_shock_ar; "
        "the table gives their mean.  Revenue cases with fewer than 8 earlier region-years cannot be sized and are not scored.", "",
        "| method | variable | sigma | ar |", "|---|---|---|---|",
        *[f"| {r.method} | {r.variable} | {r.sigma:g} | {r.ar:g} |" for r in bt.scales.itertuples()],
        "",
        f"Crisis years (SARS 2003, 2008-09): the chosen method's RMSE is {bt.crisis_ratio:.2f} times that of "
        "other years.  A pandemic year's bands are widened by that factor in the scenario model's fan.",
        "",
        "Coverage test: `coverage90_binom_p` (`coverage50_binom_p`) is the exact binomial p-value of the 90% (50%) band's hits "
        "against 0.9 (0.5). "
        "Releases of the same year overlap (Q1, H1 and Q1-Q3 forecast the same outturn), so the stage rows are "
        "the cleaner tests.",
        "",
        "![PIT](pit_histogram.png)", "", "![errors](errors.png)", "",
    ]
    return "\n".join(lines)


def _plots(bt: Backtest, tmp: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = bt.rows[(bt.rows.variable == "gdp_real_growth")]
    mine = rows[rows.method == bt.chosen]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.hist(mine.pit, bins=np.linspace(0, 1, 11), edgecolor="black")
    ax.axhline(len(mine) / 10, color="red", linestyle="--", label="uniform")
    ax.set(title=f"PIT of full-year GDP growth ({bt.chosen}, n = {len(mine)})", xlabel="PIT", ylabel="count")
    ax.legend()
    fig.tight_layout()
    fig.savefig(tmp / "pit_histogram.png", dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(9, 4))
    for method, marker in ((bt.chosen, "o"), ("carry_forward", "x")):
        m = rows[(rows.method == method) & (rows.stage == "H1")]
        ax.scatter(m.year + (0.15 if marker == "x" else 0), m.error, marker=marker, label=f"{method} (H1)")
    mh = rows[(rows.method == bt.chosen) & (rows.stage == "H1")]
    ax.vlines(mh.year, mh.p05 - mh.outturn, mh.p95 - mh.outturn, alpha=0.3, label="90% band - outturn")
    ax.axhline(0, color="black", linewidth=0.5)
    ax.set(title="Full-year GDP growth error as of H1 (pp), all regions", xlabel="year", ylabel="forecast - outturn, pp")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(tmp / "errors.png", dpi=100)
    plt.close(fig)


def write_backtest(bt: Backtest, directory: Path) -> Path:
    """Write every backtest file into ``directory`` (built in a temporary folder, then swapped in)."""

    def build(tmp: Path) -> None:
        bt.rows[BACKTEST_COLUMNS].to_csv(tmp / "backtest.csv", index=False, float_format="%.6f")
        bt.scorecard.to_csv(tmp / "scorecard.csv", index=False, float_format="%.6f")
        _plots(bt, tmp)
        (tmp / "report.md").write_text(report_markdown(bt), encoding="utf-8")
        (tmp / "track_record.json").write_text(json.dumps(bt.record(), indent=2, sort_keys=True) + "\n", encoding="utf-8")

    return write_dir_atomic(Path(directory), build)


def write_record(bt: Backtest, path: Path) -> None:
    """Write the chosen method's record (``track_record.json``) to ``path`` atomically."""
    write_text_atomic(Path(path), json.dumps(bt.record(), indent=2, sort_keys=True) + "\n", key="--update-record")
