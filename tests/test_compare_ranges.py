"""Monte Carlo ranges of scenario differences and of the measures' contributions (issues 3 and 4):
``model.compare(..., draws=N)`` and ``python -m model compare --draws N``."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import model
import model.present.briefing
from model.analysis.compare import compare
from model.analysis.comparison import ANNUAL_VARIABLES, QUARTERLY_VARIABLES, RANGE_COLUMNS
from model.analysis.uncertainty import difference_fan
from model.cli import main
from model.present.comparisons import plot_comparison

H2 = "scenarios/h2_plan.toml"
BASE = "scenarios/no_new_measures.toml"  # all three levers differ from it
N = 1000
SEED = 5
LEVER_NAMES = ("tax_fee_relief", "major_projects", "consumption_events")


@pytest.fixture(scope="module")
def base() -> model.Results:
    return model.run(BASE)


@pytest.fixture(scope="module")
def plan(base):
    return compare(model.run(H2), base, draws=N, seed=SEED, progress=False)


def _fast_figures(monkeypatch):
    """Skip the figures where a test is about the CSV files (they take most of a write)."""
    monkeypatch.setattr(model.present.briefing, "figures", lambda comps, directory, **kw: [])


# -- the ranges ---------------------------------------------------------------------------------


def test_every_row_of_comparison_csv_has_ordered_ranges(plan):
    f = plan.frame()
    assert list(f.columns) == ["scenario", "period", "variable", "value", "baseline", "difference", "unit",
                               *RANGE_COLUMNS]
    assert set(f.variable) == set(QUARTERLY_VARIABLES) | set(ANNUAL_VARIABLES)
    r = f[list(RANGE_COLUMNS)].to_numpy()
    assert np.isfinite(r).all()
    assert (np.diff(r, axis=1) >= 0).all()  # p05 <= p25 <= p50 <= p75 <= p95
    # H1 2020 is history in every draw: no difference, no range
    assert (f[f.period.isin(["2020Q1", "2020Q2"])][list(RANGE_COLUMNS)].abs().to_numpy() < 1e-9).all()


def test_the_deterministic_difference_lies_in_the_90_percent_range(plan):
    f = plan.frame().set_index(["period", "variable"])
    for key in (("2020", "gdp_real_yoy"), ("2020Q4", "gdp_real_yoy_ytd"), ("2021", "revenue")):
        row = f.loc[key]
        assert row.difference_p05 < row.difference < row.difference_p95, key
    # the plan raises 2020 growth in 95% of the draws
    assert f.loc[("2020", "gdp_real_yoy"), "difference_p05"] > 0


def test_headline_carries_the_90_percent_range(plan):
    h = plan.headline()
    assert list(h.columns[-2:]) == ["difference_p05", "difference_p95"]
    f = plan.frame().set_index(["period", "variable"])
    row = h[(h.indicator == "real GDP growth") & (h.year == 2021)].iloc[0]
    assert row.difference_p05 == f.loc[("2021", "gdp_real_yoy"), "difference_p05"]
    assert row.difference_p95 == f.loc[("2021", "gdp_real_yoy"), "difference_p95"]


def test_a_scenario_against_itself_has_zero_width_ranges_at_zero():
    h2 = model.run(H2)
    c = compare(h2, h2, draws=300, seed=1, progress=False)
    assert (c.frame()[list(RANGE_COLUMNS)].to_numpy() == 0.0).all()
    assert c.contribution_ranges.empty and c.players == ()
    assert (c.headline()[["difference_p05", "difference_p95"]].to_numpy() == 0.0).all()


def test_ranges_collapse_onto_the_deterministic_comparison_when_nothing_is_uncertain(tmp_path, base):
    path = tmp_path / "certain.toml"
    path.write_text(f'extends = "{(Path.cwd() / H2).as_posix()}"\nname = "certain"\n[uncertainty]\nscale = 0\n',
                    encoding="utf-8")
    c = compare(path, base, draws=50, seed=1, progress=False)
    f = c.frame()
    for col in RANGE_COLUMNS:
        np.testing.assert_allclose(f[col], f.difference, rtol=0, atol=1e-9)
    contrib = c.contributions().set_index(["lever", "period"])
    r = c.contribution_ranges.set_index(["lever", "period"])
    for var, col in (("gdp_real_yoy", "gdp_real_yoy_ytd_pp"), ("revenue", "revenue_ytd")):
        rv = r[r.variable == var]
        point = contrib.loc[rv.index, col].to_numpy()
        for q in ("p05", "p50", "p95"):
            np.testing.assert_allclose(rv[q].to_numpy(), point, rtol=0, atol=1e-9)


def test_contribution_ranges_bracket_each_measure_and_reach_the_cost_effectiveness_table(plan):
    r = plan.contribution_ranges
    assert set(r.lever) == set(LEVER_NAMES) and set(r.period) == {"2020", "2021"}
    assert (np.diff(r[["p05", "p25", "p50", "p75", "p95"]].to_numpy(), axis=1) >= 0).all()
    ce = plan.cost_effectiveness()
    assert list(ce.columns[-4:]) == ["growth_pp_p05", "growth_pp_p95", "revenue_p05", "revenue_p95"]
    y = ce[ce.period == "2020"].set_index("lever")
    for lever in LEVER_NAMES:
        assert y.loc[lever, "growth_pp_p05"] < y.loc[lever, "growth_pp"] < y.loc[lever, "growth_pp_p95"]
        assert y.loc[lever, "growth_pp_p05"] > 0  # every measure raises 2020 growth in 95% of draws
    assert ce[ce.period == "2020-2021"][["growth_pp_p05", "growth_pp_p95"]].isna().all().all()


def test_same_seed_same_ranges_and_difference_fan_attaches_the_same(plan, base):
    again = compare(model.run(H2), base, draws=N, seed=SEED, progress=False)
    pd.testing.assert_frame_equal(again.frame(), plan.frame())
    pd.testing.assert_frame_equal(again.contribution_ranges, plan.contribution_ranges)
    other = compare(model.run(H2), base, draws=N, seed=SEED + 1, progress=False)
    assert not np.allclose(other.frame()[list(RANGE_COLUMNS)], plan.frame()[list(RANGE_COLUMNS)])
    # the lower-level route: a fan of the difference attached by hand (columns p05... renamed)
    fan = difference_fan(H2, BASE, draws=N, seed=SEED)
    by_hand = compare(model.run(H2), base).with_ranges(fan).frame().set_index(["period", "variable"])
    full = plan.frame().set_index(["period", "variable"]).loc[by_hand.dropna().index]
    pd.testing.assert_frame_equal(by_hand.dropna()[list(RANGE_COLUMNS)], full[list(RANGE_COLUMNS)])


def test_ranges_with_a_parameters_player_and_a_whole_number_parameter(tmp_path, base):
    """Parameter overrides change the calibration: the two runs are drawn separately from one seed,
    and the coalitions switch the whole drawn parameter set (the check inside ``compare`` that
    the empty and grand coalitions reproduce both Monte Carlos must pass)."""
    path = tmp_path / "overridden.toml"
    path.write_text(f'extends = "{(Path.cwd() / "scenarios" / "second_wave.toml").as_posix()}"\n'
                    "[parameters]\ntax_buoyancy = 1.4\nrelief_deferral_lag = 3\n", encoding="utf-8")
    c = compare(path, base, draws=200, seed=3, progress=False)
    assert c.players[-1] == "parameters"
    assert set(c.contribution_ranges.lever) == set(c.players)
    f = c.frame().set_index(["period", "variable"]).loc[("2021", "revenue")]
    assert f.difference_p05 < f.difference < f.difference_p95


def test_api_errors_and_the_fan_plot(plan, base):
    import matplotlib.pyplot as plt

    with pytest.raises(ValueError, match="seed needs draws"):
        compare(model.run(H2), base, seed=3)
    other = model.run(H2, params=model.default_params().replace(tax_buoyancy=1.2))
    with pytest.raises(ValueError, match="same params="):
        compare(other, base, draws=20, seed=1, progress=False)  # the draws would start elsewhere
    ax = plot_comparison(plan, "fan")
    assert len(ax.get_lines()) >= 2 and len(ax.collections) >= 2  # two lines, two bands
    with pytest.raises(ValueError, match="no ranges"):
        plot_comparison(compare(model.run(H2), base), "fan")
    with pytest.raises(ValueError):
        plan.with_ranges(pd.DataFrame({"variable": ["gdp"]}))
    assert plan.with_ranges(None).ranges is None
    plt.close("all")


# -- the report ---------------------------------------------------------------------------------


def test_report_states_the_ranges_of_2020_and_2021_differences_and_of_each_measure(plan):
    text = model.present.briefing.report([plan], ["fan_difference_h2_plan.png"])
    f = plan.frame().set_index(["period", "variable"])
    for year in ("2020", "2021"):
        g, r = f.loc[(year, "gdp_real_yoy")], f.loc[(year, "revenue")]
        assert (f"{year} real growth {g.difference:+.2f} pp (90% range {g.difference_p05:+.2f} to "
                f"{g.difference_p95:+.2f}), budget revenue {r.difference:+,.1f} 亿元 (90% range "
                f"{r.difference_p05:+,.1f} to {r.difference_p95:+,.1f})") in text
    assert "| h2_plan - no_new_measures, 90% range |" in text.splitlines()[text.splitlines().index("## Headline") + 2]
    ce = plan.cost_effectiveness().query("period == '2020'").set_index("lever")
    for lever in LEVER_NAMES:
        line = next(ln for ln in text.splitlines() if f"(`{lever}`)" in ln and "2020 real growth" in ln)
        e = ce.loc[lever]
        assert f"(90% range {e.growth_pp_p05:+.2f} to {e.growth_pp_p95:+.2f}) on 2020 real growth" in line
    assert "growth, 90% range (pp)" in text
    assert "![fan_difference_h2_plan.png](fan_difference_h2_plan.png)" in text
    assert "common random numbers" in text


# -- the command line ---------------------------------------------------------------------------


def _strip_ranges(report: str) -> str:
    """``report.md`` without what the ranges add: the range columns of its tables, every
    `` (90% range ...)``, the paragraphs that state ranges, and the fan figure."""
    lines = re.sub(r" \(90% range [^)]*\)", "", report).split("\n")
    out, drop, skip_blank = [], set(), False
    for line in lines:
        if skip_blank and not line:
            skip_blank = False
            continue
        skip_blank = False
        if line.startswith(("Ranges: ", "How sure is the difference", "![fan_difference_")):
            skip_blank = True  # and the blank line after it
            continue
        if line.startswith("|"):
            cells = line.strip("|").split("|")
            if not out[-1].startswith("|"):  # a table's header row
                drop = {i for i, cell in enumerate(cells) if "90% range" in cell}
            line = "|" + "|".join(c for i, c in enumerate(cells) if i not in drop) + "|"
        out.append(line)
    return "\n".join(out)


@pytest.mark.slow  # end-to-end CLI: the whole pipeline and its files
def test_cli_without_draws_writes_exactly_what_it_wrote_before(tmp_path):
    plain, ranged = tmp_path / "plain", tmp_path / "ranged"
    assert main(["compare", H2, "--quiet", "--out", str(plain)]) == 0
    assert main(["compare", H2, "--quiet", "--out", str(ranged), "--draws", "500", "--seed", "2"]) == 0
    plain, ranged = plain / "h2_plan", ranged / "h2_plan"  # each scenario in its own folder
    names = {p.name for p in plain.iterdir()}
    assert {p.name for p in ranged.iterdir()} - names == {"fan_difference_h2_plan.png"}
    # the workbook has its write time inside; the briefing embeds the extra figure
    for name in names - {"comparison.csv", "headline.csv", "cost_effectiveness.csv", "report.md", "comparison.xlsx",
                         "briefing.html"}:
        assert (plain / name).read_bytes() == (ranged / name).read_bytes(), name  # figures, contributions
    for name, extra in (("comparison.csv", list(RANGE_COLUMNS)),
                        ("headline.csv", ["h2_plan - baseline p05", "h2_plan - baseline p95"]),
                        ("cost_effectiveness.csv", ["growth_pp_p05", "growth_pp_p95", "revenue_p05", "revenue_p95"])):
        a = pd.read_csv(plain / name, dtype=str, keep_default_na=False)
        b = pd.read_csv(ranged / name, dtype=str, keep_default_na=False)
        assert list(b.columns) == [*a.columns, *extra]
        pd.testing.assert_frame_equal(b[list(a.columns)], a)  # the same text in every common cell
    text = (plain / "report.md").read_text(encoding="utf-8")
    assert "90% range" not in text and "fan_difference" not in text
    assert _strip_ranges((ranged / "report.md").read_text(encoding="utf-8")) == text


@pytest.mark.slow  # end-to-end CLI: the whole pipeline and its files
def test_cli_same_seed_gives_identical_comparison_csv(tmp_path, monkeypatch):
    _fast_figures(monkeypatch)
    args = ["compare", H2, "scenarios/second_wave.toml", "--quiet", "--draws", "500"]
    assert main([*args, "--seed", "7", "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--seed", "7", "--out", str(tmp_path / "b")]) == 0
    assert main([*args, "--seed", "8", "--out", str(tmp_path / "c")]) == 0
    a, b, c = ((tmp_path / d / "comparison.csv").read_bytes() for d in "abc")
    assert a == b and a != c
    ce = pd.read_csv(tmp_path / "a" / "cost_effectiveness.csv", dtype={"period": str})
    # two scenarios, two years, the two levers the plan adds to the baseline (relief is in both)
    assert ce.growth_pp_p05.notna().sum() == 2 * 2 * 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--draws", "0"], "error: --draws: expected a whole number of draws from 1 to 1000000, got '0'"),
        (["--draws", "-5"], "error: --draws: expected a whole number of draws from 1 to 1000000, got '-5'"),
        (["--draws", "abc"], "error: --draws: expected a whole number of draws from 1 to 1000000, got 'abc'"),
        (["--draws", "2.5"], "error: --draws: expected a whole number of draws from 1 to 1000000, got '2.5'"),
        (["--draws", "3000000"], "error: --draws: expected a whole number of draws from 1 to 1000000, got '3000000'"),
        (["--draws", "10", "--seed", "-1"], "error: --seed: expected a non-negative whole number, got '-1'"),
        (["--draws", "10", "--seed", "x"], "error: --seed: expected a non-negative whole number, got 'x'"),
        (["--seed", "3"], "error: --seed: needs --draws (a comparison has ranges only with --draws)"),
    ],
)
def test_cli_bad_draws_and_seed_give_one_line_errors_and_write_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "out"
    assert main(["compare", H2, "--quiet", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert err == message + "\n", err
    assert not out.exists()
