"""Regenerate the figures quoted in README.md and docs/ from the code, and find hand-typed ones.

Blocks between ``<!-- figures:NAME -->`` and ``<!-- /figures:NAME -->`` in :data:`FILES` are written
by the function ``NAME`` of :data:`GENERATORS` (this module and :mod:`figures_text`).  Run
``python tools/figures.py`` after a change that moves the numbers; ``tests/test_figures.py`` fails
while a block is stale, and while a figure with a unit (``%``, ``pp``, ``亿元``) stands in the prose
outside the blocks without matching a generated value, a number of ``data/``, a parameter of the
registry or an entry of :data:`figures_text.ALLOWED` (published figures, history with its commit).

Runs used, each computed once per invocation: the deterministic runs of the shipped scenarios; the
Monte Carlo of every shipped scenario with :data:`MC_DRAWS` draws, seed :data:`MC_SEED` (and
``h2_plan`` at ``scale = 2``); comparisons with :data:`CMP_DRAWS` draws, seed :data:`MC_SEED`;
Sobol indices of ``h2_plan`` (:data:`SOBOL_SAMPLES` samples, seed :data:`MC_SEED`); the backtest
as ``python -m model backtest`` runs it (as of 2020Q2, 2,000 draws, seed 2020).  About 25 s on 2 cores.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import model  # noqa: E402

FILES = ("README.md", "docs/review_response.md", "docs/compare.md", "docs/uncertainty.md")
SCENARIOS = ("baseline", "no_new_measures", "h2_plan", "second_wave", "export_slump", "property_slump")
MC_DRAWS, MC_SEED, CMP_DRAWS, SOBOL_SAMPLES = 10_000, 1, 2_000, 512
BACKTEST = {"as_of": "2020Q2", "n": 2000, "seed": 2020}
LEVER_NAMES = {"tax_fee_relief": "tax and fee relief", "major_projects": "major projects",
               "consumption_events": "consumption vouchers", "shocks": "the scenario's shocks",
               "parameters": "parameter overrides"}


def _path(name: str) -> Path:
    return ROOT / "scenarios" / f"{name}.toml"


@cache
def run(name: str) -> model.Results:
    """The deterministic run of a shipped scenario."""
    return model.run(_path(name))


@cache
def mc(name: str, scale: float = 1.0):
    """The Monte Carlo of a shipped scenario, :data:`MC_DRAWS` draws, seed :data:`MC_SEED`."""
    return model.simulate_draws(_path(name), draws=MC_DRAWS, seed=MC_SEED, scale=scale)


@cache
def cmp(name: str, baseline: str = "baseline", draws: int | None = None):
    """``name`` against ``baseline``, deterministic or with ``draws`` draws, seed :data:`MC_SEED`."""
    return model.compare(_path(name), _path(baseline), draws=draws, seed=MC_SEED if draws else None)


@cache
def sobol():
    """Sobol indices of ``h2_plan``."""
    return model.sobol(_path("h2_plan"), samples=SOBOL_SAMPLES, seed=MC_SEED)


@cache
def backtest():
    """The backtest as ``python -m model backtest`` runs it by default."""
    from model.analysis.track_record import run_backtest
    from model.inputs.releases import load_releases, parse_as_of

    rel = load_releases()
    return run_backtest(rel.as_of(parse_as_of(BACKTEST["as_of"], rel)), n=BACKTEST["n"], seed=BACKTEST["seed"])


# --- deterministic runs --------------------------------------------------------------------------


def headline() -> str:
    """Real GDP and revenue growth in 2020 and 2021 for every shipped scenario."""
    rows = ["| scenario | 2020 real GDP (%) | 2020 revenue (%) | 2021 real GDP (%) | 2021 revenue (%) |",
            "|---|---|---|---|---|"]
    for name in SCENARIOS:
        a = run(name).annual
        rows.append(f"| `{name}` | {a.loc[2020, 'gdp_real_yoy']:.2f} | {a.loc[2020, 'revenue_yoy']:.2f} | "
                    f"{a.loc[2021, 'gdp_real_yoy']:.2f} | {a.loc[2021, 'revenue_yoy']:.2f} |")
    return "\n".join(rows)


def plan_effects() -> str:
    """What the H2 plan adds in 2020 against each baseline, by measure (Shapley contributions)."""
    plan = run("h2_plan")
    rows = ["| against | 2020 real growth (pp) | measure | growth (pp) | budget cost (亿元) | cost per pp (亿元) |",
            "|---|---|---|---|---|---|"]
    for base in ("baseline", "no_new_measures"):
        b = run(base)
        total = plan.annual.loc[2020, "gdp_real_yoy"] - b.annual.loc[2020, "gdp_real_yoy"]
        ce = plan.compare(b).cost_effectiveness()
        for r in ce[ce.period == "2020"].itertuples():
            rows.append(f"| `{base}` | {total:+.2f} | `{r.lever}` | {r.growth_pp:+.2f} | {r.fiscal_cost:.1f} | "
                        f"{r.cost_per_pp:.0f} |")
    return "\n".join(rows)


def calibration_fit() -> str:
    """The six H1 2020 targets against the default run."""
    fit = run("baseline").calibration.fit
    names = {"gdp_ytd": "GDP YTD (亿元)", "gdp_real_yoy_ytd": "real GDP growth YTD (%)",
             "revenue_ytd": "revenue YTD (亿元)", "revenue_yoy_ytd": "revenue growth YTD (%)",
             "digital_core_real_yoy_ytd": "digital core real growth YTD (%)"}
    rows = ["| target | period | observed | model |", "|---|---|---|---|"]
    rows += [f"| {names.get(r.target, r.target)} | {r.period} | {r.observed:g} | {r.model:.3f} |" for r in fit.itertuples()]
    return "\n".join(rows)


def calibration() -> str:
    """The calibrated parameters of the default run against their priors."""
    pri = run("baseline").calibration.priors
    rows = ["| parameter | prior | calibrated | z |", "|---|---|---|---|"]
    rows += [f"| `{n}` | {r.prior} | {r.calibrated:.4g} | {r.z:+.2f} |" for n, r in pri.iterrows()]
    return "\n".join(rows)


def topdown() -> str:
    """The top-down check of the baseline's H2 2020 growth."""
    from model.analysis.topdown import topdown_check

    return "\n".join(topdown_check(run("baseline").h2_growth()).lines())


def _topdown_baseline() -> tuple:
    from model.analysis.topdown import premium_history, topdown_check

    c = topdown_check(run("baseline").h2_growth())
    return run("baseline").h2_growth(), c, premium_history()


def topdown_default() -> str:
    """The default persistent share and where it puts the baseline's H2 premium."""
    h2, c, hist = _topdown_baseline()
    p = model.default_params()["shock_rest_persistent"]
    return (f"At the default `shock_rest_persistent` = {p:g} the baseline's H2 2020 growth is {h2:.2f}%, "
            f"a premium of {c.premium:+.2f} pp over China's implied H2 against the premium's 2015-2019 "
            f"mean of {hist.premium.mean():+.2f} pp (sd {hist.premium.std():.2f}): z = {c.z:+.2f} "
            f"(`tests/test_economics.py` fails if |z| reaches 0.25).")


def trend_estimates() -> str:
    """The run's trend: the estimators' 2020 values, the 2017 stand-in rule, the rest of the economy."""
    import numpy as np

    from model.inputs.base import base
    from model.inputs.registry import registry
    from model.inputs.releases import load_releases
    from model.inputs.run_trend import RUN_AS_OF, run_trend

    rel = load_releases(as_of=RUN_AS_OF)
    diffs = []
    for r in ("china", "zhejiang", "hangzhou"):
        fy, h1 = rel.series(r, "gdp_real_growth_ytd", "FY"), rel.series(r, "gdp_real_growth_ytd", "H1")
        diffs += [fy[y] - h1[y] for y in h1.index if y in fy.index and y < 2020]
    llt, anc = run_trend("llt"), run_trend("anchored")
    reg = registry()
    b = base()
    w = b.digital_share_2019
    g, gd = reg["trend_growth_2020"].value / 100, reg["trend_growth_digital"].value / 100
    rest = 100 * (((1 + g) - w * (1 + gd)) / (1 - w) - 1)
    rest19 = 100 * ((1 - w) / (1 / (1 + b.gdp_real_growth_2019) - w / (1 + b.digital_real_growth_2019)) - 1)
    dig = reg["trend_growth_digital"]
    return (f"2017, which has no full-year release, gets its H1 figure plus the mean H1-to-full-year change "
            f"of the years with both ({np.mean(diffs):+.2f} pp over {len(diffs)} region-years), with that "
            f"change's sd ({np.std(diffs, ddof=1):.2f} pp) as its own uncertainty.  Estimates: the local "
            f"linear trend alone {llt.mean[0]:.2f}% in 2020, **unpooled se {llt.se[0]:.2f} pp** (Hangzhou's "
            f"total series only; the old pooled OLS borrowed the digital core's residuals to report 0.77, "
            f"total-only 0.83: REVIEW 3.1); with the anchor **{anc.mean[0]:.2f}% (se {anc.se[0]:.2f})**, "
            f"falling {anc.mean[0] - anc.mean[1]:.2f} pp a year (2021: {anc.mean[1]:.2f}%, se {anc.se[1]:.2f}).  "
            f"The old OLS-drift rule gave 7.20% (REVIEW 3.1).  The digital core's trend is still its "
            f"pooled-regression constant, {dig.value:.2f}% (se {dig.prior.sd:.2f}).  The rest of the economy's "
            f"trend is the total less the core's ({100 * w:.1f}% of 2019 GDP): **{rest:.2f}% in 2020, "
            f"{'below' if rest < rest19 else 'above'} its own 2019 outturn of {rest19:.2f}%** (the OLS rule "
            f"had 4.63%; `tests/test_run_trend.py`).")


def property_slump() -> str:
    """What the property slump does to 2020 against the plan."""
    p, s = run("h2_plan").annual, run("property_slump").annual
    return (f"`scenarios/property_slump.toml` (-10% in H2 and again in 2021) takes 2020 revenue growth "
            f"from {p.loc[2020, 'revenue_yoy']:.2f}% (`h2_plan`) to {s.loc[2020, 'revenue_yoy']:.2f}% and "
            f"real growth from {p.loc[2020, 'gdp_real_yoy']:.2f}% to {s.loc[2020, 'gdp_real_yoy']:.2f}%.")


def retail() -> str:
    """The baseline's retail sales growth."""
    q, a = run("baseline").quarterly, run("baseline").annual
    col = "retail_yoy_ytd"
    return (f"Baseline retail sales growth (YTD): 2020Q1 {q.loc['2020Q1', col]:+.1f}%, H1 "
            f"{q.loc['2020Q2', col]:+.1f}%, 2020 {a.loc[2020, 'retail_yoy']:+.1f}%.")


def deferrals() -> str:
    """The relief's deferrals coming back in 2021Q1 in the baseline."""
    q = run("baseline").quarterly
    back = q.loc["2021Q1", "tax_fee_relief_revenue_direct"]
    return (f"In the baseline the relief's direct effect on the budget in 2021Q1 (deferrals returning, no new "
            f"relief) is {back:+.1f} 亿元.")


def levers_effects() -> str:
    """What each lever adds to 2020 growth, against each baseline."""
    ce_b = cmp("h2_plan").cost_effectiveness()
    ce_n = cmp("h2_plan", "no_new_measures").cost_effectiveness()

    def pp(ce, lever: str) -> float:
        return float(ce[(ce.lever == lever) & (ce.period == "2020")].growth_pp.iloc[0])

    plan = run("h2_plan").annual.loc[2020, "gdp_real_yoy"]
    d_b = plan - run("baseline").annual.loc[2020, "gdp_real_yoy"]
    d_n = plan - run("no_new_measures").annual.loc[2020, "gdp_real_yoy"]
    return (f"Against no new measures the national relief of H2 (320 亿元) adds {pp(ce_n, 'tax_fee_relief'):+.2f} pp "
            f"to 2020 growth and the project list {pp(ce_b, 'major_projects'):+.2f} pp; against the new baseline "
            f"the plan adds {d_b:+.2f} pp, against no new measures {d_n:+.2f} pp.")


# --- backtest -----------------------------------------------------------------------------------

ROW_LABEL = {"carry_forward": "naive: carry the YTD release forward", "last_year": "naive: last year's growth",
             "target": "naive: the region's target"}


def _card(variable: str = "gdp_real_growth", region: str = "all", stage: str = "all"):
    sc = backtest().scorecard
    return sc[(sc.variable == variable) & (sc.region == region) & (sc.stage == stage)].set_index("method")


def scorecard() -> str:
    """The backtest's scorecard of full-year real GDP growth, all regions and stages."""
    bt, card = backtest(), _card()
    label = dict(ROW_LABEL)
    label[bt.chosen] = f"{bt.chosen} (chosen, the 2020 run's trend)"
    if bt.chosen != "ols_drift":
        label["ols_drift"] = "ols_drift (the 2020 run's trend before issue 10)"
    naive = [m for m in card.index if m in ROW_LABEL]
    order = [m for m in card.index if m not in ROW_LABEL] + naive
    rows = ["| method | n | bias | RMSE | MAE | 50% cov. | 90% cov. | binom. p | CRPS | interval score |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for m in order:
        r = card.loc[m]
        rows.append(f"| {label.get(m, m)} | {r.n} | {r.bias:+.2f} | {r.rmse:.2f} | {r.mae:.2f} | "
                    f"{100 * r.coverage50:.0f}% | {100 * r.coverage90:.0f}% | {r.coverage90_binom_p:.2f} | "
                    f"{r.crps:.3f} | {r.interval_score:.2f} |")
    return "\n".join(rows)


def backtest_size() -> str:
    """How many forecasts the backtest scores."""
    rows = backtest().rows
    m = rows[rows.method == backtest().chosen]
    n_gdp = int((m.variable == "gdp_real_growth").sum())
    n_rev = int((m.variable == "revenue_growth").sum())
    by = _card().loc[backtest().chosen]
    regions = {r: int(_card(region=r).loc[backtest().chosen].n) for r in ("china", "zhejiang", "hangzhou")}
    return (f"The backtest scores {n_gdp + n_rev} full-year forecasts a method ({n_gdp} of real GDP growth: "
            f"{regions['china']} national, {regions['zhejiang']} Zhejiang, {regions['hangzhou']} Hangzhou; "
            f"{n_rev} of revenue growth), {BACKTEST['n']:,} draws each, as of {BACKTEST['as_of']} "
            f"(seed {BACKTEST['seed']}); n = {by.n} in the table below.")


def backtest_stages() -> str:
    """The ranking as of H1 and where the method does not beat the naive rules."""
    bt = backtest()
    trends = [m for m in _card().index if m not in ROW_LABEL]
    h1 = _card(stage="H1")
    rank = ", ".join(f"{m} {h1.loc[m].crps:.3f}" for m in h1.index if m in trends)
    q3 = _card(stage="Q1-Q3")
    q3t = q3.loc[[m for m in q3.index if m in trends]].crps
    nxt = _card("gdp_real_growth_next")
    nxt_naive = nxt.loc[[m for m in nxt.index if m in ROW_LABEL]].rmse
    nxt_trend = nxt.loc[[m for m in nxt.index if m in trends]].rmse
    hz = _card(region="hangzhou")
    c = bt.chosen

    def hzs(m: str) -> str:
        return f"RMSE {hz.loc[m].rmse:.2f}, CRPS {hz.loc[m].crps:.3f}"

    return (f"As of H1 (n = {h1.loc[c].n}, the stage the 2020 run forecasts from and the one the rule scores) "
            f"the ranking by CRPS is {rank}, then carry-forward {h1.loc['carry_forward'].crps:.3f}: {c} is chosen.  "
            f"As of the Q1-Q3 release carrying the YTD figure forward scores CRPS "
            f"{q3.loc['carry_forward'].crps:.3f} against {q3t.min():.3f}-{q3t.max():.3f} for the trends "
            f"({c} {q3.loc[c].crps:.3f}); for the **next** year's growth the best naive rule has RMSE "
            f"{nxt_naive.min():.2f} pp against {nxt_trend.min():.2f}-{nxt_trend.max():.2f} for the trends "
            f"({c} {nxt.loc[c].rmse:.2f}); on Hangzhou alone (n = {hz.loc[c].n}) {c} has {hzs(c)}, ols_drift "
            f"{hzs('ols_drift')}, carry-forward {hzs('carry_forward')}.")


def backtest_fans() -> str:
    """The chosen method's fan scale and its coverage; revenue's; the crisis years."""
    from model.analysis.track_record import AR_GRID, SIGMA_GRID

    bt = backtest()
    c = bt.chosen
    sc = bt.scales.set_index(["method", "variable"])
    g, r = sc.loc[(c, "gdp_real_growth")], sc.loc[(c, "revenue_growth")]
    a, h1, nx = _card().loc[c], _card(stage="H1").loc[c], _card("gdp_real_growth_next").loc[c]
    rv, rv1 = _card("revenue_growth").loc[c], _card("revenue_growth", stage="H1").loc[c]
    reg = model.default_params()

    def cov(x) -> str:
        return f"{100 * x.coverage90:.0f}% of {x.n}"

    top = " (the top of the grid)" if r.sigma >= max(SIGMA_GRID) else ""
    return (f"For {c}: innovation sd {g.sigma:.2f}% of trend a quarter, AR {g.ar:g} (grid: sd "
            f"{min(SIGMA_GRID):g}-{max(SIGMA_GRID):g}, AR {', '.join(f'{x:g}' for x in AR_GRID)}); its 90% bands "
            f"cover **{cov(a)} full-year outturns** (exact binomial test against 90%: p = "
            f"{a.coverage90_binom_p:.2f}), {cov(h1)} from H1 (p = {h1.coverage90_binom_p:.2f}) and {cov(nx)} "
            f"next-year outturns (p = {nx.coverage90_binom_p:.2f}).  The scenario Monte Carlo uses this scale: "
            f"`shock_ar` = {reg['shock_ar']:g} and `shock_annual_sd` = {reg['shock_annual_sd']:.2f} pp "
            f"(the annual-growth sd of a stationary AR(1) gap with that innovation sd), read from "
            f"`data/track_record.json`.  Revenue's own process: sd {r.sigma:.2f}% a quarter, AR {r.ar:g}{top}, "
            f"its 90% bands cover {cov(rv)} outturns (p = {rv.coverage90_binom_p:.3f}; {rv1.n} from H1).  "
            f"In the crisis years (2003, 2008, 2009) the chosen method's RMSE is {bt.crisis_ratio:.1f} times that "
            f"of the other years (`[uncertainty] scale = {bt.crisis_ratio:.1f}` would size a fan on them).")


def record_quote() -> str:
    """The record line that every run quotes (from data/track_record.json)."""
    from model.inputs.record import load_record, record_line

    return f"`{record_line(load_record(), 'H1')}`"


# --- Monte Carlo ----------------------------------------------------------------------------------


def _year(d, variable: str, year: str = "2020"):
    f = d.fan()
    return f[(f.period == year) & (f.variable == variable)].iloc[0]


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def mc_summary() -> str:
    """h2_plan's Monte Carlo: the 2020 ranges and default probabilities."""
    d = mc("h2_plan")
    g, r = _year(d, "gdp_real_yoy"), _year(d, "revenue_yoy")
    a = run("h2_plan").annual
    return (f"For `h2_plan` ({MC_DRAWS:,} draws, seed {MC_SEED}), 2020 real growth is {g.p05:.2f}-{g.p95:.2f}% "
            f"(90% range, median {g.p50:.2f}%; the deterministic path gives {a.loc[2020, 'gdp_real_yoy']:.2f}%) "
            f"and P(growth >= 3%) = {_pct(d.probability('gdp_real_yoy@2020>=3'))}; revenue growth {r.p05:.2f} to "
            f"{r.p95:.2f}% (P(>= 0) = {_pct(d.probability('revenue_yoy@2020>=0'))}); 2021 real growth "
            f"{_year(d, 'gdp_real_yoy', '2021').p05:.2f}-{_year(d, 'gdp_real_yoy', '2021').p95:.2f}%.")


def _top(output: str, k: int) -> str:
    t = sobol().top(output, k=k)
    return ", ".join(f"`{r.factor}` {r.ST:.2f}" for r in t.itertuples())


def sobol_summary() -> str:
    """The largest total Sobol indices of h2_plan's 2020 growth and revenue growth."""
    s = sobol()
    idx = s.indices
    measures = idx[(idx.output == "gdp_real_yoy@2020") & idx.factor.str.match("(relief|projects|voucher|consumption)_")]
    m = measures.sort_values("ST").iloc[-1]
    return (f"Sobol indices ({SOBOL_SAMPLES} samples, seed {MC_SEED}; total indices): 2020 real growth "
            f"{_top('gdp_real_yoy@2020', 4)} (the largest of a measure's parameters: `{m.factor}` {m.ST:.2f}); "
            f"2020 revenue growth {_top('revenue_yoy@2020', 3)}.")


def mc_scenarios() -> str:
    """Calendar-year 2020 fans and probabilities of every shipped scenario."""
    rows = ["| scenario | real GDP growth p05 / p50 / p95 (point) | revenue growth p05 / p50 / p95 (point) | "
            "P(growth ≥ 3%) | P(revenue growth ≥ 0) |", "|---|---|---|---|---|"]
    for name in SCENARIOS:
        d, a = mc(name), run(name).annual
        g, r = _year(d, "gdp_real_yoy"), _year(d, "revenue_yoy")
        rows.append(f"| `{name}` | {g.p05:.2f} / {g.p50:.2f} / {g.p95:.2f} ({a.loc[2020, 'gdp_real_yoy']:.2f}) | "
                    f"{r.p05:.2f} / {r.p50:.2f} / {r.p95:.2f} ({a.loc[2020, 'revenue_yoy']:.2f}) | "
                    f"{_pct(d.probability('gdp_real_yoy@2020>=3'))} | {_pct(d.probability('revenue_yoy@2020>=0'))} |")
    return f"`python -m model run SCENARIO --draws {MC_DRAWS} --seed {MC_SEED}`, calendar-year 2020:\n\n" + "\n".join(rows)


def mc_h2_plan() -> str:
    """h2_plan's YTD fans, more probabilities, acceptance, and the plan against the baseline."""
    d = mc("h2_plan")
    f = d.fan()

    def ytd(q: str):
        return f[(f.period == q) & (f.variable == "gdp_real_yoy_ytd")].iloc[0]

    q3, q4 = ytd("2020Q3"), ytd("2020Q4")
    fr = cmp("h2_plan", draws=CMP_DRAWS).frame()
    g = fr[(fr.period == "2020") & (fr.variable == "gdp_real_yoy")].iloc[0]
    r = fr[(fr.period == "2020") & (fr.variable == "revenue")].iloc[0]
    return (f"For `h2_plan`, YTD real growth is {q3.p05:.2f}-{q3.p95:.2f}% at 2020Q3 (median {q3.p50:.2f}) and "
            f"{q4.p05:.2f}-{q4.p95:.2f}% at 2020Q4 (90% bands); P(2020 growth ≥ 4%) = "
            f"{_pct(d.probability('gdp_real_yoy@2020>=4'))}, ≥ 5% = {_pct(d.probability('gdp_real_yoy@2020>=5'))}; "
            f"{_pct(d.acceptance)} of draws were accepted ({_pct(mc('h2_plan', 2.0).acceptance)} at `scale = 2`).  "
            f"The plan against the baseline, draw by draw ({CMP_DRAWS:,} draws, seed {MC_SEED}): "
            f"{g.difference_p05:+.2f} to {g.difference_p95:+.2f} pp of 2020 growth (median {g.difference_p50:+.2f}) "
            f"and {r.difference_p05:+.1f} to {r.difference_p95:+.1f} 亿元 of 2020 revenue (median "
            f"{r.difference_p50:+.1f}).")


def draw_counts() -> str:
    """How many parameters the Monte Carlo draws and solves, and the Sobol design's size."""
    d, s = mc("h2_plan"), sobol()
    k = s.indices.factor.nunique()
    return (f"The Monte Carlo draws {len(d.drawn)} parameters (the three trend parameters among them) and "
            f"solves {len(d.solved)} in every draw; the Sobol analysis has {k} factors (the trend group and the "
            f"forecast shocks each count once), so N × ({k} + 2) rows: {1024 * (k + 2):,} for the default "
            f"N = 1024.")


def sobol_table() -> str:
    """The five largest Sobol indices of each output, side by side."""
    s = sobol()
    out = s.outputs.set_index("output")
    g, r = s.top("gdp_real_yoy@2020", k=5), s.top("revenue_yoy@2020", k=5)
    rows = [f"| 2020 real GDP growth (sd {out.loc['gdp_real_yoy@2020', 'sd']:.2f} pp) | S1 | ST | | "
            f"2020 revenue growth (sd {out.loc['revenue_yoy@2020', 'sd']:.2f} pp) | S1 | ST |", "|---|---|---|---|---|---|---|"]
    for a, b in zip(g.itertuples(), r.itertuples(), strict=True):
        rows.append(f"| {a.factor} | {a.S1:.2f} | {a.ST:.2f} | | {b.factor} | {b.S1:.2f} | {b.ST:.2f} |")
    idx = s.indices
    s1 = {o: idx[idx.output == o].S1.sum() for o in ("gdp_real_yoy@2020", "revenue_yoy@2020")}
    return (f"Sobol indices (N = {s.samples}, {s.rows:,} re-calibrated runs, seed {s.seed}) for `h2_plan`:\n\n"
            + "\n".join(rows) + f"\n\nFirst-order indices sum to {s1['gdp_real_yoy@2020']:.2f} for growth and "
            f"{s1['revenue_yoy@2020']:.2f} for revenue (1 would mean additive in the uncertain inputs); "
            f"{s.missed} rows missed the H1 targets.")


import figures_text  # noqa: E402

figures_text.F = sys.modules[__name__]
ALLOWED, GENERATORS_COMPARE = figures_text.ALLOWED, figures_text.GENERATORS_COMPARE

GENERATORS: dict[str, Callable[[], str]] = {
    f.__name__: f for f in (
        headline, plan_effects, calibration_fit, calibration, topdown, topdown_default, trend_estimates,
        property_slump, retail, deferrals, levers_effects, scorecard, backtest_size, backtest_stages,
        backtest_fans, record_quote, mc_summary, sobol_summary, mc_scenarios, mc_h2_plan, draw_counts,
        sobol_table,
    )
} | GENERATORS_COMPARE
_BLOCK = re.compile(r"^(([ \t]*)<!-- figures:(\w+) -->\n)(.*?)(^\2<!-- /figures:\3 -->)", re.S | re.M)
"""A block: its markers on lines of their own, indented alike (inside a list item, say); the
generated text gets the markers' indentation."""


def _fill(m: re.Match[str]) -> str:
    indent = m.group(2)
    body = "\n".join(indent + line if line else line for line in GENERATORS[m.group(3)]().split("\n"))
    return m.group(1) + body + "\n" + m.group(5)


def regenerate(text: str) -> str:
    """``text`` with every figures block rewritten from the code."""
    return _BLOCK.sub(_fill, text)


def blocks(text: str) -> list[str]:
    """The names of the figures blocks in ``text``."""
    return [m.group(3) for m in _BLOCK.finditer(text)]


# --- figures typed by hand ------------------------------------------------------------------------

_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_NUM = r"[-+−]?\d[\d,]*(?:\.\d+)?"
_UNIT = re.compile(rf"({_NUM})\s*(?:%|pp\b|亿元|亿)")
_RANGE = re.compile(rf"({_NUM})\s*(?:-|–|to)\s*(?={_NUM}\s*(?:%|pp\b|亿))")


def _norm(token: str) -> str:
    """A number without sign, thousands separator or trailing decimal zeros (``+1,083.50`` is ``1083.5``)."""
    t = token.replace(",", "").replace("−", "-").lstrip("+-")
    return t.rstrip("0").rstrip(".") if "." in t else t


def numbers(text: str) -> set[str]:
    """Every number in ``text``, normalised (no sign, no thousands separator)."""
    return {_norm(t) for t in re.findall(_NUM, text)}


def prose(text: str) -> str:
    """``text`` without its figures blocks and code fences."""
    return _FENCE.sub("", _BLOCK.sub("", text))


def unit_figures(text: str) -> list[str]:
    """Numbers with a unit (``%``, ``pp``, ``亿元``), and the first number of a range of them."""
    return [_norm(t) for t in _UNIT.findall(text) + _RANGE.findall(text)]


@cache
def known_numbers() -> frozenset[str]:
    """Numbers that may stand in prose: those of data/, of the shipped scenarios and of the parameter registry."""
    out: set[str] = set()
    for f in [*sorted((ROOT / "data").glob("*.csv")), *sorted((ROOT / "scenarios").glob("*.toml"))]:
        out |= numbers(f.read_text(encoding="utf-8"))
    from model.inputs.registry import registry

    reg = registry()
    for p in (reg[n] for n in reg.names):
        vals: Iterable[float] = [p.value, *p.bounds]
        if p.prior is not None:
            vals = [*vals, p.prior.mean, p.prior.sd]
        for v in vals:
            for x in (v, 100 * v):
                out |= {_norm(f"{x:{f}}") for f in ("g", ".0f", ".1f", ".2f", ".3f")}
    return frozenset(out)


def stray_figures(rel: str, text: str, generated: str) -> list[str]:
    """Figures with a unit in the prose of ``rel`` that match no generated or known number."""
    allowed = {_norm(t) for t in (*ALLOWED.get(rel, ()), *ALLOWED.get("*", ()))}
    ok = numbers(generated) | known_numbers() | allowed
    return sorted({t for t in unit_figures(prose(text)) if t not in ok}, key=float)


def main() -> None:
    """Rewrite the figures blocks of every file in :data:`FILES`, then list hand-typed figures."""
    new = {}
    for rel in FILES:
        path = ROOT / rel
        text = path.read_text(encoding="utf-8")
        new[rel] = regenerate(text)
        if new[rel] != text:
            path.write_text(new[rel], encoding="utf-8")
            print(f"updated {rel}")
    generated = "\n".join(m.group(4) for t in new.values() for m in _BLOCK.finditer(t))
    for rel, text in new.items():
        stray = stray_figures(rel, text, generated)
        if stray:
            print(f"{rel}: figures outside blocks that match nothing generated: {', '.join(stray)}")


if __name__ == "__main__":
    main()
