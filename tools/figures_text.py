"""Figures blocks of the comparisons and goal seek (README.md, docs/compare.md), and the allowed
literal figures of the prose.  Part of :mod:`figures`, which imports this module's generators."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

F: ModuleType = None  # type: ignore[assignment]  # set by figures on import
"""The module :mod:`figures` (its runs and helpers), set by it on import: ``figures`` may run as
``__main__`` or be loaded from its file by the tests, so this module does not import it."""

# --- comparisons ----------------------------------------------------------------------------------


def _ce(name: str = "h2_plan", baseline: str = "baseline", period: str = "2020"):
    ce = F.cmp(name, baseline).cost_effectiveness()
    return ce[ce.period == period].set_index("lever")


def _diff(c, variable: str, period: str = "2020"):
    f = c.frame()
    return f[(f.period == period) & (f.variable == variable)].iloc[0]


def compare_summary() -> str:
    """The plan against each baseline in 2020, in words (README)."""
    p, b, n = (F.run(x).annual.loc[2020] for x in ("h2_plan", "baseline", "no_new_measures"))
    ce_b, ce_n = _ce(), _ce(baseline="no_new_measures")
    dr = _diff(F.cmp("h2_plan"), "revenue").difference

    def lever(ce, name: str) -> str:
        r = ce.loc[name]
        return f"{r.growth_pp:+.2f} pp for {r.fiscal_cost:.1f} 亿元 of budget cost ({r.cost_per_pp:.0f} 亿元 a point)"

    return (f"For `h2_plan` against `baseline` (legislated national relief continues), 2020 real growth is "
            f"{p.gdp_real_yoy:.2f}% against {b.gdp_real_yoy:.2f}% ({p.gdp_real_yoy - b.gdp_real_yoy:+.2f} pp) and "
            f"revenue {abs(dr):.1f} 亿元 {'higher' if dr >= 0 else 'lower'}: major projects "
            f"{lever(ce_b, 'major_projects')}, vouchers {lever(ce_b, 'consumption_events')}.  Against "
            f"`no_new_measures` (nothing after H1) the plan adds {p.gdp_real_yoy - n.gdp_real_yoy:+.2f} pp "
            f"({p.gdp_real_yoy:.2f}% against {n.gdp_real_yoy:.2f}%), of which the national relief "
            f"{lever(ce_n, 'tax_fee_relief')}.")


def compare_ranges_readme() -> str:
    """The plan's 2020 growth against the baseline with its Monte Carlo range (README)."""
    g = _diff(F.cmp("h2_plan", draws=F.CMP_DRAWS), "gdp_real_yoy")
    return (f"Against the baseline the plan adds {g.difference:+.2f} pp to 2020 growth, 90% range "
            f"{g.difference_p05:+.2f} to {g.difference_p95:+.2f} ({F.CMP_DRAWS:,} draws, seed {F.MC_SEED}).")


def adopted() -> str:
    """h2_plan's 2020 and 2021 figures with their Monte Carlo ranges (README, Track record)."""
    a, d = F.run("h2_plan"), F.mc("h2_plan")
    g, r, g21 = F._year(d, "gdp_real_yoy"), F._year(d, "revenue_yoy"), F._year(d, "gdp_real_yoy", "2021")
    y = a.annual
    return (f"Now, h2_plan: 2020 real growth {y.loc[2020, 'gdp_real_yoy']:.2f}% (H2 {a.h2_growth():.2f}%; Monte "
            f"Carlo 90% range {g.p05:.2f}-{g.p95:.2f}%, {F.MC_DRAWS:,} draws, seed {F.MC_SEED}); revenue growth "
            f"{y.loc[2020, 'revenue_yoy']:.2f}% (90%: {r.p05:.2f} to {r.p95:.2f}%); 2021 real growth "
            f"{y.loc[2021, 'gdp_real_yoy']:.2f}% (90%: {g21.p05:.2f}-{g21.p95:.2f}%).")


def compare_example() -> str:
    """The plan against the baseline, 2020 and 2021 (docs/compare.md)."""
    h = F.cmp("h2_plan").headline()
    rows = ["| indicator | year | baseline | h2_plan | difference |", "|---|---|---|---|---|"]
    for r in h.itertuples():
        if r.unit == "%":
            rows.append(f"| {r.indicator} (%) | {r.year} | {r.baseline:.2f} | {r.scenario:.2f} | {r.difference:+.2f} pp |")
        elif r.indicator == "budget revenue":
            rows.append(f"| {r.indicator} (亿元) | {r.year} | {r.baseline:,.1f} | {r.scenario:,.1f} | {r.difference:+.1f} |")
    return "\n".join(rows)


def compare_measures() -> str:
    """Each measure's 2020 Shapley contribution and cost, against each baseline (docs/compare.md)."""
    rows = ["| against | measure | amount (亿元) | real growth (pp) | revenue (亿元) | fiscal cost (亿元) | "
            "cost per pp (亿元) | amount per pp (亿元) | revenue back (亿元) | payback |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for base in ("baseline", "no_new_measures"):
        for lever, r in _ce(baseline=base).iterrows():
            rows.append(f"| `{base}` | {F.LEVER_NAMES[lever]} | {r.amount:,.1f} | {r.growth_pp:+.2f} | {r.revenue:+.1f} | "
                        f"{r.fiscal_cost:.1f} | {r.cost_per_pp:,.1f} | {r.amount_per_pp:,.0f} | "
                        f"{r.revenue_from_growth:.1f} | {100 * r.payback_share:.0f}% |")
    return "\n".join(rows)


def compare_reading() -> str:
    """What the cost-effectiveness table says, with its numbers (docs/compare.md)."""
    ce = _ce(baseline="no_new_measures")
    cheap = ce.cost_per_pp.idxmin()
    far = ce.amount_per_pp.idxmin()
    n21 = _ce(baseline="no_new_measures", period="2021")
    rel, proj = n21.loc["tax_fee_relief"], n21.loc["major_projects"]
    wave, slump = (F.cmp(x).contributions() for x in ("second_wave", "export_slump"))

    def shock(c, col: str) -> float:
        return float(c[(c.period == "2020") & (c.lever == "shocks")][col].iloc[0])

    share = F.run("h2_plan").calibration.params["relief_budget_share"]
    return (f"Against `no_new_measures`, the cheapest point of 2020 growth for the general public budget comes "
            f"from {F.LEVER_NAMES[cheap]} ({ce.loc[cheap].cost_per_pp:,.0f} 亿元 a point), and per 亿元 of headline "
            f"money {F.LEVER_NAMES[far]} go furthest ({ce.loc[far].amount_per_pp:,.0f} 亿元 a point).  The "
            f"relief's cost is small beside its headline amount because only part of it lands on the budget "
            f"(exemptions at the calibrated share {share:.2f}, fees, rents and deferrals at a few per cent; the "
            f"rest falls on social-insurance funds, state-owned landlords and banks).  In 2021 the relief, which "
            f"ends in 2020, contributes {rel.growth_pp:+.2f} pp to growth (its level effect fades) while its "
            f"budget cost is {rel.fiscal_cost:+.1f} 亿元 (deferred payments come back); the projects, still "
            f"spending, add {proj.growth_pp:+.2f} pp at {proj.fiscal_cost:.1f} 亿元 ({proj.cost_per_pp:.1f} 亿元 "
            f"a point) and pay back {100 * proj.payback_share:.0f}% of their cost through revenue.  Against the "
            f"baseline the second wave's shock costs {-shock(wave, 'gdp_real_yoy_pp'):.2f} pp of 2020 growth and "
            f"{-shock(wave, 'revenue'):.1f} 亿元 of revenue, the export slump's {-shock(slump, 'gdp_real_yoy_pp'):.2f} pp "
            f"and {-shock(slump, 'revenue'):.1f} 亿元.")


_RANGED = ("h2_plan", "second_wave", "export_slump", "property_slump", "no_new_measures")


def _r(x, fmt: str) -> str:
    return f"{x.difference:{fmt}} ({x.difference_p05:{fmt}} to {x.difference_p95:{fmt}})"


def compare_ranges() -> str:
    """Monte Carlo ranges of each scenario's difference from the baseline (docs/compare.md)."""
    rows = ["| scenario | 2020 real growth (pp) | 2021 real growth (pp) | 2020 revenue (亿元) | 2021 revenue (亿元) |",
            "|---|---|---|---|---|"]
    for name in _RANGED:
        c = F.cmp(name, draws=F.CMP_DRAWS)
        rows.append(f"| `{name}` | {_r(_diff(c, 'gdp_real_yoy'), '+.2f')} | {_r(_diff(c, 'gdp_real_yoy', '2021'), '+.2f')} | "
                    f"{_r(_diff(c, 'revenue'), '+.1f')} | {_r(_diff(c, 'revenue', '2021'), '+.1f')} |")
    return (f"With `python -m model compare --draws {F.CMP_DRAWS} --seed {F.MC_SEED}`, the 90% ranges of the "
            "differences from the baseline (the second wave, the export slump and the property slump include "
            "the plan):\n\n" + "\n".join(rows))


def _sign(row) -> str:
    """Whether a difference's 90% range lies above zero, below it, or straddles it."""
    if row.difference_p05 > 0:
        return "positive in more than 95% of the draws"
    if row.difference_p95 < 0:
        return "negative in more than 95% of the draws"
    return "either sign (its 90% range straddles zero)"


def compare_measure_ranges() -> str:
    """Each measure's 2020 contribution to the plan with its range, and what the ranges say."""
    c = F.cmp("h2_plan", draws=F.CMP_DRAWS)
    det = c.contributions()
    det = det[det.period == "2020"].set_index("lever")
    rg = c.contribution_ranges
    rg = rg[rg.period == "2020"].set_index(["lever", "variable"])
    rows = ["| measure | real growth (pp) | revenue (亿元) |", "|---|---|---|"]
    for lever in det.index:
        g, r = rg.loc[(lever, "gdp_real_yoy")], rg.loc[(lever, "revenue")]
        rows.append(f"| {F.LEVER_NAMES[lever]} | {det.loc[lever, 'gdp_real_yoy_pp']:+.2f} ({g.p05:+.2f} to {g.p95:+.2f}) | "
                    f"{det.loc[lever, 'revenue']:+.1f} ({r.p05:+.1f} to {r.p95:+.1f}) |")
    g20, r20, r21 = _diff(c, "gdp_real_yoy"), _diff(c, "revenue"), _diff(c, "revenue", "2021")
    g21 = _diff(c, "gdp_real_yoy", "2021")
    wr = _diff(F.cmp("second_wave", draws=F.CMP_DRAWS), "revenue")
    text = (f"The plan's difference from the baseline is, for 2020 growth, {_sign(g20)}; for 2020 revenue, "
            f"{_sign(r20)}; for 2021 revenue, {_sign(r21)}; for 2021 growth, {_sign(g21)}.  The second wave's "
            f"(with the plan) difference in 2020 revenue is {_sign(wr)}.")
    return ("Each measure's 2020 contribution to the plan (Shapley, in every draw; against the baseline):\n\n"
            + "\n".join(rows) + "\n\n" + text)


def compare_cancel() -> str:
    """What common random numbers cancel: a scenario's range against its difference's (docs/compare.md)."""
    g = F._year(F.mc("h2_plan"), "gdp_real_yoy")
    d = _diff(F.cmp("h2_plan", draws=F.CMP_DRAWS), "gdp_real_yoy")
    return (f"The plan's own 2020 growth ranges over {g.p05:.2f} to {g.p95:.2f}% ({F.MC_DRAWS:,} draws, seed "
            f"{F.MC_SEED}), its difference from the baseline over {d.difference_p05:+.2f} to {d.difference_p95:+.2f} pp "
            f"({F.CMP_DRAWS:,} draws, seed {F.MC_SEED}).")


def shock_range() -> str:
    """The narrow range of a scenario shock's own contribution (docs/compare.md)."""
    c = F.cmp("second_wave", draws=F.CMP_DRAWS)
    det = c.contributions()
    v = float(det[(det.period == "2020") & (det.lever == "shocks")].gdp_real_yoy_pp.iloc[0])
    rg = c.contribution_ranges
    r = rg[(rg.period == "2020") & (rg.lever == "shocks") & (rg.variable == "gdp_real_yoy")].iloc[0]
    return (f"A scenario shock's own contribution therefore has a narrow range: the second wave's {v:+.2f} pp "
            f"of 2020 growth, {r.p05:+.2f} to {r.p95:+.2f} ({F.CMP_DRAWS:,} draws, seed {F.MC_SEED}).")


# --- goal seek --------------------------------------------------------------------------------------

GOALS = (
    (("gdp_real_yoy_ytd@2020Q4=3.9",), ("consumption_events",)),
    (("gdp_real_yoy@2020=3.9",), ("major_projects.total",)),
    (("gdp_real_yoy@2020=3.9", "gdp_real_yoy@2021=8.5"), ("major_projects.total", "tax_fee_relief")),
)
OUT_OF_REACH = ("gdp_real_yoy_ytd@2020Q4=5.0", "consumption_events")


def _out_of_reach() -> str:
    from model.analysis.goalseek import TargetOutOfReach

    try:
        F.model.solve(F._path("h2_plan"), *OUT_OF_REACH)
    except TargetOutOfReach as e:
        return str(e)
    raise AssertionError(f"{OUT_OF_REACH} is within reach: pick another example")


def goalseek() -> str:
    """Goal-seek examples on the plan (docs/compare.md)."""
    rows = ["| targets | instruments | factors | fiscal cost (change) |", "|---|---|---|---|"]
    for targets, instruments in GOALS:
        sol = F.model.solve(F._path("h2_plan"), list(targets), list(instruments))
        cost = sol.cost().groupby("year").change.sum()
        fac = ", ".join(f"{f:.3f}" for f in sol.factors)
        if instruments == ("consumption_events",):
            b, a = (x.quarterly.loc[["2020Q3", "2020Q4"], "consumption_events_injection"].sum()
                    for x in (sol.original, sol.results))
            fac += f" (H2 voucher money {b:.1f} → {a:.1f} 亿元)"
        elif instruments == ("major_projects.total",):
            b, a = (x.annual.loc[[2020, 2021], "major_projects_injection"].sum() for x in (sol.original, sol.results))
            fac += f" (spending to 2021Q4 {b:,.0f} → {a:,.0f} 亿元)"
        rows.append(f"| {', '.join(f'`{t}`' for t in targets)} | {', '.join(f'`{i}`' for i in instruments)} | {fac} | "
                    f"{cost.loc[2020]:+.1f} 亿元 in 2020, {cost.loc[2021]:+.1f} in 2021 |")
    msg = _out_of_reach()
    closest = msg.split("the closest is ")[1].split(";")[0]
    rows.append(f"| `{OUT_OF_REACH[0]}` | `{OUT_OF_REACH[1]}` | out of reach: the closest is {closest} | exit status 2 |")
    return "\n".join(rows)


def solve_errors() -> str:
    """Examples of goal-seek mistakes, the out-of-reach one from the current model (docs/compare.md)."""
    return "\n".join([
        "```text",
        "error: --instrument consumption_event: unknown lever 'consumption_event'; did you mean 'consumption_events'?",
        "error: scenarios/baseline.toml: --instrument major_projects: scenario 'baseline' sets no 'major_projects' "
        "lever, and a lever absent from the scenario cannot be scaled: add a [levers.major_projects] table with its "
        "amounts first",
        f"error: {_out_of_reach()}",
        "```",
    ])


GENERATORS_COMPARE: dict[str, Callable[[], str]] = {
    f.__name__: f for f in (
        compare_summary, compare_ranges_readme, adopted, compare_example, compare_measures, compare_reading,
        compare_ranges, compare_measure_ranges, compare_cancel, shock_range, goalseek, solve_errors,
    )
}

# --- literal figures allowed in the prose -------------------------------------------------------------

ALLOWED: dict[str, tuple[str, ...]] = {
    # percentiles that name the fans' bands (5-95%, 25-75%, the central 30, 60 and 90%)
    "*": ("5", "25", "30", "60", "75", "90", "95"),
    "README.md": (
        "1260.87",  # 1276 / 1.012: the H1 2019 revenue base, arithmetic on data/observations.csv
        # history re-run at commit 45d078f (before issue 10): h2_plan 4.86% against 4.17%; Monte Carlo
        # (10,000 draws, seed 1) 3.62-6.02%, P(>= 3%) 99.5%
        "4.17", "4.86", "3.62", "6.02", "4.78", "99.5",
        # history re-run at commit f6c0b55 (before the backtest's trend and fans): 3.80%, H2 5.79%,
        # Monte Carlo 2.47-5.31%, P 84.0%, revenue 2.37%, 2021 8.86% (6.25-11.61%)
        "3.80", "5.79", "2.47", "5.31", "84.0", "2.37", "8.86", "11.61",
    ),
    "docs/review_response.md": (
        "0.39",  # the relief's 2020 growth effect at commit 45d078f (one multiplier)
        "2.97", "5.57", "7.09",  # the top-down check at commit f6c0b55 (OLS trend)
        "64",  # 1260.87 / 1965.97: the H1 2019 share of revenue, arithmetic on data/observations.csv
    ),
    "docs/writing.md": ("7686",),  # MAX_QUARTERLY_AMOUNT_MULTIPLE x REFERENCE_QUARTERLY_GDP (scenario.py)
    "docs/compare.md": ("0.39",),  # the relief's 2020 growth effect at commit 45d078f
    "docs/uncertainty.md": (
        "0.991",  # the OLS trend residual sd: shock_annual_sd before commit 16a5a08
        "99.5",  # h2_plan's P(growth >= 3%) at commit 45d078f, seed 20200630
        # h2_plan, 10,000 draws, seed 1, at commit cfd83f3 (before revenue's and the core's own shocks
        # and the trend draws' correlation): revenue -0.21 to 5.12%, P(>= 0) 93.5%, the core
        # 12.11-14.48%, 2021 real growth 5.41-11.07%
        "0.21", "5.12", "93.5", "12.11", "14.48", "5.41", "11.07",
    ),
}
"""Figures with a unit that may stand in the prose outside the blocks, by file (``*``: every file),
besides the numbers of ``data/``, the shipped scenarios and the registry: published figures not in
``data/``, history marked in the text with the commit it was re-run at, and band names.  A figure
of a current model result belongs in a block, never here."""
