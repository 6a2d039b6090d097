"""Build the tutorial notebooks in ``notebooks/`` from the cell sources below (outputs stripped).

Run ``python tools/build_notebooks.py`` after editing; the test suite executes the notebooks.
Keeping the sources here keeps the notebooks reviewable as plain Python.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS: dict[str, list[tuple[str, str]]] = {}
HERE = Path(__file__).resolve().parent.parent / "notebooks"


def md(text: str) -> tuple[str, str]:
    return ("md", text.strip())


def code(text: str) -> tuple[str, str]:
    return ("code", text.strip())


NOTEBOOKS["01_quick_start"] = [
    md("""
# Quick start: the H2 2020 plan

This notebook runs the announced second-half plan (`scenarios/h2_plan.toml`), checks that the model
reproduces the published first-half figures, and reads the paths quarter by quarter and in China's
year-to-date convention.  Paths are relative to `notebooks/`, where Jupyter starts the kernel.
"""),
    code("""
import model

res = model.run("../scenarios/h2_plan.toml")
res
"""),
    md("""
The headline table above is by calendar year.  First, the fit: every H1 2020 target (interview with
the Hangzhou party secretary) is met, and the table shows which parameter each target pins down.
"""),
    code("res.calibration"),
    md("""
Quarter by quarter, as the statistics bureau publishes: levels and growth *year to date*.  The
2020Q2 row is the published H1 (GDP 7388 亿元, +1.5% real; revenue 1276 亿元, +1.2%).
"""),
    code("""
ytd = ["gdp_ytd", "gdp_real_yoy_ytd", "digital_core_real_yoy_ytd", "revenue_ytd", "revenue_yoy_ytd"]
res.quarterly.loc["2020Q1":, ytd].round(2)
"""),
    md("The paths, with the observed H1 points in black:"),
    code("""
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(12, 3.5))
res.plot("gdp_real_yoy", "gdp_real_yoy_ytd", ax=axes[0], title="Real GDP growth (%)")
res.plot("revenue_yoy_ytd", ax=axes[1], title="Budget revenue growth, YTD (%)");
"""),
    md("""
What each measure adds, by year: the amount, the real value added, the contribution to growth in
percentage points and the net fiscal cost to the general public budget.  H1 2020 measures are
history and part of every scenario.
"""),
    code("""
cols = [c for c in res.annual.columns if c.endswith(("_injection", "_gdp_real_yoy_pp", "_cost"))]
res.annual.loc[2020:, cols].T.round(2)
"""),
    code("print(res.summary())"),
]

NOTEBOOKS["02_tuning"] = [
    md("""
# Tuning: change a multiplier or a prior, re-calibrate, see what moves and why

The model is calibrated to H1 2020 every time its parameters change.  That matters: the H1 measures
(630 亿元 of relief, the spring vouchers) are part of history, so the calibrated COVID shock is the
shock *net of* H1 policy.  Change how strongly relief works and the model infers a different shock.
"""),
    code("""
import pandas as pd

import model

params = model.default_params()
params.to_frame().loc[["relief_multiplier", "projects_multiplier", "shock_rest_persistent",
                       "relief_budget_share"], ["value", "unit", "prior", "role", "source"]]
"""),
    md("""
## A stronger relief multiplier

`replace` returns a new parameter set; the old one is untouched.  Re-calibrating with a multiplier
of 0.6 instead of 0.3:
"""),
    code("""
strong = params.replace(relief_multiplier=0.6)
cal0, cal1 = model.calibrate(params), model.calibrate(strong)
pd.DataFrame({"relief_multiplier=0.3": cal0.priors.calibrated,
              "relief_multiplier=0.6": cal1.priors.calibrated}).round(3)
"""),
    md("""
The rest of the economy's calibrated 2020Q1 loss (`shock_rest_depth`) is larger: if relief propped
up H1 more, the underlying shock must have been deeper to leave H1 growth at +1.5%.  Both fits meet
the targets; what differs is the second half:
"""),
    code("""
plan = model.load_scenario("../scenarios/h2_plan.toml")
runs = {"0.3": model.run(plan, params=params), "0.6": model.run(plan, params=strong)}
pd.DataFrame({k: r.annual.loc[2020, ["gdp_real_yoy", "revenue_yoy", "tax_fee_relief_gdp_real_yoy_pp"]]
              for k, r in runs.items()}).round(2)
"""),
    md("""
## The recovery assumption

H1 cannot tell a fast rebound to trend from a gap that lingers.  The persistent share of the rest of
the economy's loss keeps its prior (0.10); here it is 0.30:
"""),
    code("""
lingering = params.replace(shock_rest_persistent=0.3)
r = model.run(plan, params=lingering)
pd.DataFrame({"persistent 0.10": runs["0.3"].annual.loc[2020:, "gdp_real_yoy"],
              "persistent 0.30": r.annual.loc[2020:, "gdp_real_yoy"]}).round(2)
"""),
    md("""
## Changing a prior

Priors are penalties in the calibration.  The relief's budget share and the H1 revenue residual
both explain H1 revenue growth; their priors decide the split.  A tighter, higher prior on the
budget share moves the split:
"""),
    code("""
tight = params.with_prior("relief_budget_share", mean=0.15, sd=0.02)
pd.DataFrame({"default prior": model.calibrate(params).priors.calibrated,
              "prior 0.15 (sd 0.02)": model.calibrate(tight).priors.calibrated}).round(3)
"""),
    md("""
The identification table shows why: both parameters move only the revenue targets, one up and one
down, so the data cannot separate them.
"""),
    code("model.calibrate(params).identification.round(3)"),
    md("""
## Sliders

Move a lever's size or a parameter and the paths redraw (needs `ipywidgets`; each parameter change
re-calibrates, in about a tenth of a second).
"""),
    code("""
from model.present.widgets import explore

explore(plan)
"""),
]

NOTEBOOKS["03_scenarios_in_code"] = [
    md("""
# Writing a scenario in code, and saving it for the command line

A scenario is a validated, frozen object.  Every change returns a new one, so a notebook can build
variants freely.  Saved as TOML, it runs from the command line unchanged.
"""),
    code("""
from pathlib import Path

import numpy as np

import model

plan = model.load_scenario("../scenarios/h2_plan.toml")
plan
"""),
    md("""
Build a variant: twice the voucher money per event, projects spending on a rising profile, and an
extra 100 亿元 of relief in 2021Q1.
"""),
    code("""
variant = (
    plan.scaled("consumption_events", 2.0, field="subsidy_per_event")
    .with_lever("major_projects", profile="ramp")
    .with_lever("tax_fee_relief", amount={"2020Q3": 160.0, "2020Q4": 160.0, "2021Q1": 100.0})
    .renamed("notebook_variant", "The H2 plan with doubled vouchers, ramped projects and relief into 2021Q1")
)
variant
"""),
    code("""
res = model.run(variant)
res.annual.loc[2020:, ["gdp_real_yoy", "revenue_yoy"]].round(2)
"""),
    md("""
Mistakes are caught before anything runs, with one line that names the key and what was expected:
"""),
    code("""
try:
    plan.with_lever("tax_fee_relief", amount={"2020Q2": 50.0})
except model.UserError as err:
    print(err)
"""),
    md("Save it as TOML (resolved: no `extends`), and look at the file:"),
    code("""
out = Path("../results/notebook_scenarios")
path = variant.save(out / "notebook_variant.toml", header="Built in notebooks/03_scenarios_in_code.ipynb")
print(path.read_text())
"""),
    md("""
Run the saved file from the command line, exactly as an analyst would, and check that it gives the
same numbers as the notebook:
"""),
    code("""
import subprocess
import sys

import pandas as pd

subprocess.run([sys.executable, "-m", "model", "run", str(path.resolve()), "--out", str(out.resolve()),
                "--quiet"], check=True, cwd="..")
cli = pd.read_csv(out / "notebook_variant" / "quarterly.csv", index_col="period")
same = np.allclose(cli["gdp_real_yoy_ytd"].to_numpy(), res.quarterly["gdp_real_yoy_ytd"].to_numpy(),
                   equal_nan=True)
print("command line and notebook agree:", same)
assert same
"""),
]


NOTEBOOKS["04_compare_attribute_solve"] = [
    md("""
# Comparing scenarios: what the plan adds, which measure gives it, and at what cost

Three questions a planner asks after "what happens": how does the plan differ from doing nothing,
which measure gives that difference and at what fiscal cost, and how big must a measure be to hit
a target.  All three are answered in China's year-to-date convention.
"""),
    code("""
import model

plan = model.run("../scenarios/h2_plan.toml")
base = model.run("../scenarios/baseline.toml")
c = plan.compare(base)
c.headline()
"""),
    md("""
## Attribution

Each measure's contribution to the difference from the baseline is its exact Shapley value over
the measures: the model is not additive (revenue follows GDP with a buoyancy; growth rates are
ratios), and Shapley values still add up to the difference exactly.
"""),
    code("""
contrib = c.contributions()
contrib[contrib.period.isin(["2020", "2021"])].round(2)
"""),
    code("""
import numpy as np

# the baseline plus the contributions is the scenario, exactly
d = c.frame().query("period == '2020' and variable == 'gdp_real_yoy'").difference.iloc[0]
s = contrib.query("period == '2020'").gdp_real_yoy_pp.sum()
print(f"difference {d:.6f} pp, sum of contributions {s:.6f} pp")
assert np.isclose(d, s)
"""),
    code("from model.present.comparisons import plot_comparison\n\nplot_comparison(c, 'waterfall');"),
    md("""
## Cost-effectiveness

Fiscal cost to the general public budget, growth gained, cost per point of growth, and the revenue
that comes back through growth:
"""),
    code("""
ce = c.cost_effectiveness()
ce[["lever", "period", "amount", "fiscal_cost", "growth_pp", "cost_per_pp", "amount_per_pp",
    "payback_share"]].round(2)
"""),
    md("""
## Goal seek

How much voucher money would put 2020 real growth (year to date at Q4) at 5%?  `solve` scales the
lever's amounts by one factor, by root finding; the calibration does not change, so each trial is
one millisecond-scale simulation.
"""),
    code("""
sol = model.solve(model.load_scenario("../scenarios/h2_plan.toml"), "gdp_real_yoy_ytd@2020Q4=4.0",
                  "consumption_events")
print(sol.summary())
"""),
    code("""
try:
    model.solve(model.load_scenario("../scenarios/h2_plan.toml"), "gdp_real_yoy_ytd@2020Q4=6.0",
                "consumption_events")
except model.UserError as err:
    print(err)
"""),
    md("""
## How sure are we: fan charts

Multipliers, voucher leverage, tax buoyancy and the shape of the recovery are uncertain.  Each of
10,000 draws takes the uncertain parameters from their priors and the quarters ahead from a shock
process, and is re-calibrated so that it still reproduces H1 2020 (a batched Newton solve over all
draws at once).  It takes well under a second.
"""),
    code("""
draws = model.simulate_draws("../scenarios/h2_plan.toml", draws=10_000, seed=20200630)
draws
"""),
    code("""
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(12, 3.5))
draws.plot("gdp_real_yoy_ytd", ax=axes[0], title="Real GDP growth, YTD (%)")
draws.plot("revenue_yoy_ytd", ax=axes[1], title="Budget revenue growth, YTD (%)");
"""),
    md("Probabilities of clearing thresholds, and the range of the plan's effect against the baseline:"),
    code("""
from model.analysis.uncertainty import difference_fan
from model.present.labels import percent  # 99.5%, as the terminal and the reports print it

probs = draws.probabilities(["gdp_real_yoy@2020>=3", "gdp_real_yoy@2020>=5", "revenue_yoy@2020>=0"])
for r in probs.itertuples():
    print(f"P({r.event}) = {percent(r.probability)}")
diff = difference_fan("../scenarios/h2_plan.toml", "../scenarios/baseline.toml", draws=10_000)
diff[diff.period.isin(["2020", "2021"]) & diff.variable.isin(["gdp_real_yoy", "revenue"])].round(2)
"""),
    md("""
## What drives the range: Sobol indices

Which assumptions matter most for full-year 2020 growth and revenue growth?  (A small sample here
to keep the notebook quick; `python -m model sensitivity` uses N = 1024.)
"""),
    code("""
sens = model.sobol("../scenarios/h2_plan.toml", samples=256, seed=1)
sens.plot("gdp_real_yoy@2020");
sens
"""),
]


def build() -> list[Path]:
    HERE.mkdir(exist_ok=True)
    written = []
    for name, cells in NOTEBOOKS.items():
        made = [new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells]
        for i, cell in enumerate(made):
            cell["id"] = f"cell-{i:02d}"  # stable ids: rebuilding changes nothing that did not change
        nb = new_notebook(
            cells=made,
            metadata={
                "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                "language_info": {"name": "python"},
            },
        )
        path = HERE / f"{name}.ipynb"
        nbformat.write(nb, path)
        written.append(path)
    return written


if __name__ == "__main__":
    for p in build():
        print(p)
