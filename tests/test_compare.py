"""Comparison of scenarios: differences, cost-effectiveness, the briefing and `python -m model compare`."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SHIPPED_SCENARIOS

import model
import model.present.briefing
from model.analysis.compare import compare
from model.analysis.comparison import ANNUAL_VARIABLES, QUARTERLY_VARIABLES
from model.cli import main
from model.present.comparisons import plot_comparison, write_comparisons

LEVER_NAMES = ("tax_fee_relief", "major_projects", "consumption_events")


@pytest.fixture(scope="module")
def base() -> model.Results:
    return model.run("scenarios/no_new_measures.toml")  # all three levers differ from it


@pytest.fixture(scope="module")
def plan(base) -> model.analysis.comparison.Comparison:
    return compare(model.run("scenarios/h2_plan.toml"), base)


def test_a_scenario_compared_with_itself_differs_by_zero(base):
    h2 = model.run("scenarios/h2_plan.toml")
    for c in (compare(h2, h2), compare(base, base), h2.compare(h2)):
        assert c.players == ()
        frame = c.frame()
        assert (frame.difference == 0.0).all()
        assert np.array_equal(frame.value.to_numpy(), frame.baseline.to_numpy(), equal_nan=True)
        assert c.contributions().empty
        assert c.cost_effectiveness().empty
        assert (c.headline().difference == 0.0).all()


def test_comparison_frame_is_long_with_quarters_ytd_and_years(plan):
    f = plan.frame()
    assert list(f.columns) == ["scenario", "period", "variable", "value", "baseline", "difference", "unit"]
    assert set(f.scenario) == {"h2_plan"}
    quarters = [str(p) for p in pd.period_range("2020Q1", "2021Q4", freq="Q")]
    q = f[f.period.str.contains("Q")]
    a = f[~f.period.str.contains("Q")]
    assert sorted(set(q.period)) == quarters
    assert sorted(set(a.period)) == ["2020", "2021"]
    assert set(q.variable) == set(QUARTERLY_VARIABLES)
    assert set(a.variable) == set(ANNUAL_VARIABLES)
    assert {"gdp_real_yoy_ytd", "revenue_ytd", "revenue_yoy_ytd", "digital_core_real_yoy_ytd"} <= set(q.variable)
    np.testing.assert_allclose(f.difference, f.value - f.baseline, rtol=0, atol=1e-12)
    # values are the runs' own outputs
    row = f[(f.period == "2020") & (f.variable == "gdp_real_yoy")].iloc[0]
    assert row.value == plan.scenario.annual.loc[2020, "gdp_real_yoy"]
    assert row.baseline == plan.baseline.annual.loc[2020, "gdp_real_yoy"]
    # H1 2020 is history: no difference
    assert (f[f.period.isin(["2020Q1", "2020Q2"])].difference.abs() < 1e-9).all()


def test_headline_has_2020_and_2021_side_by_side(plan):
    h = plan.headline()
    assert set(h.year) == {2020, 2021}
    assert set(h.indicator) == {"real GDP growth", "budget revenue growth", "GDP", "budget revenue"}
    g = h.set_index(["indicator", "year"]).loc[("real GDP growth", 2020)]
    assert g.difference == pytest.approx(g.scenario - g.baseline)
    assert g.difference > 0  # the plan raises 2020 growth


def test_contributions_columns_and_totals(plan):
    c = plan.contributions()
    assert list(c.columns[:5]) == ["scenario", "period", "lever", "gdp_real_yoy_ytd_pp", "revenue_ytd"]
    assert tuple(dict.fromkeys(c.lever)) == LEVER_NAMES
    diff = plan.difference(annual=True)
    by_year = c[c.period == "2020"].set_index("lever")
    assert by_year.gdp_real_yoy_ytd_pp.sum() == pytest.approx(diff.loc[2020, "gdp_real_yoy"], abs=1e-9)
    assert by_year.revenue_ytd.sum() == pytest.approx(diff.loc[2020, "revenue"], abs=1e-9)
    # relief lowers 2020 revenue (revenue forgone), projects and vouchers raise growth
    assert by_year.loc["tax_fee_relief", "revenue_ytd"] < 0
    assert (by_year.gdp_real_yoy_ytd_pp > 0).all()


def test_cost_effectiveness_is_consistent(plan):
    ce = plan.cost_effectiveness()
    assert set(ce.lever) == set(LEVER_NAMES)
    assert set(ce.period) == {"2020", "2021", "2020-2021"}
    s, b = plan.scenario.annual, plan.baseline.annual
    y = ce[ce.period == "2020"].set_index("lever")
    for lever in LEVER_NAMES:
        # without a parameters player, a lever's Shapley cost is its plain cost difference
        assert y.loc[lever, "fiscal_cost"] == pytest.approx(s.loc[2020, f"{lever}_cost"] - b.loc[2020, f"{lever}_cost"])
        assert y.loc[lever, "fiscal_cost"] > 0
        assert y.loc[lever, "gdp_per_cost"] == pytest.approx(y.loc[lever, "gdp"] / y.loc[lever, "fiscal_cost"])
        assert y.loc[lever, "cost_per_pp"] == pytest.approx(y.loc[lever, "fiscal_cost"] / y.loc[lever, "growth_pp"])
        back = y.loc[lever, "revenue"] - y.loc[lever, "revenue_direct"]
        assert y.loc[lever, "revenue_from_growth"] == pytest.approx(back)
        assert y.loc[lever, "payback_share"] == pytest.approx(back / y.loc[lever, "fiscal_cost"])
    # relief's direct revenue effect is minus its cost; projects and vouchers have none
    assert y.loc["tax_fee_relief", "revenue_direct"] == pytest.approx(-y.loc["tax_fee_relief", "fiscal_cost"])
    assert y.loc["major_projects", "revenue_direct"] == 0.0
    # the voucher programme adds 5 亿元 in H2 2020; its budget cost is the redeemed share
    assert y.loc["consumption_events", "amount"] == pytest.approx(5.0)
    assert y.loc["consumption_events", "fiscal_cost"] == pytest.approx(5.0 * plan.scenario.params["voucher_redemption"])
    # the relief's deferrals come back in 2021: a negative cost, and no ratio on it
    r21 = ce[(ce.period == "2021") & (ce.lever == "tax_fee_relief")].iloc[0]
    assert r21.fiscal_cost < 0 and np.isnan(r21.cost_per_pp) and np.isnan(r21.payback_share)


def test_report_states_each_measure_2020_effect_and_cost_per_point(plan):
    text = model.present.briefing.report([plan])
    contrib = plan.contributions().query("period == '2020'").set_index("lever")
    ce = plan.cost_effectiveness().query("period == '2020'").set_index("lever")
    for lever in LEVER_NAMES:
        line = next(ln for ln in text.splitlines() if f"(`{lever}`)" in ln and "2020 real growth" in ln)
        assert f"{contrib.loc[lever, 'gdp_real_yoy_ytd_pp']:+.2f} pp on 2020 real growth" in line
        assert f"{contrib.loc[lever, 'revenue_ytd']:+,.1f} 亿元 of budget revenue" in line
        assert f"{ce.loc[lever, 'cost_per_pp']:,.1f} 亿元 per point of growth" in line
    assert "Shapley" in text


def test_ranges_can_be_attached_later(plan):
    f = plan.frame()
    ranges = f[["period", "variable"]].assign(difference_p05=f.difference - 1.0, difference_p95=f.difference + 1.0)
    c = plan.with_ranges(ranges)
    g = c.frame()
    assert list(g.columns[-2:]) == ["difference_p05", "difference_p95"]
    np.testing.assert_allclose(g.difference_p95 - g.difference, 1.0)
    assert plan.ranges is None  # the original is unchanged
    with pytest.raises(ValueError):
        plan.with_ranges(pd.DataFrame({"x": [1]}))


def test_different_horizons_compare_over_the_common_window(tmp_path, base):
    root = Path(__file__).resolve().parent.parent
    short = tmp_path / "short.toml"
    short.write_text(f'extends = "{root / "scenarios" / "h2_plan.toml"}"\nhorizon = "2020Q4"\n', encoding="utf-8")
    c = compare(model.run(short), base)
    assert [str(p) for p in c.quarters] == ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]
    assert list(c.years) == [2020]
    assert c.players == LEVER_NAMES
    full = compare(model.run("scenarios/h2_plan.toml"), base)
    assert c.headline().difference.to_numpy() == pytest.approx(
        full.headline().query("year == 2020").difference.to_numpy(), abs=1e-9)


# -- files and the command line --------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cmp") / "compare"
    assert main(["compare", "--quiet", "--out", str(out)]) == 0
    return out


@pytest.mark.slow  # end-to-end CLI: the whole pipeline and its files
def test_compare_cli_by_default_compares_every_scenario_with_the_baseline(cli_out):
    names = {p.name for p in cli_out.iterdir()}
    expected = {p.stem for p in SHIPPED_SCENARIOS} - {"baseline"}
    assert names == {"comparison.csv", "contributions.csv", "cost_effectiveness.csv", "headline.csv", "report.md",
                     *expected}
    assert {"comparison.csv", "contributions.csv", "cost_effectiveness.csv", "headline.csv", "report.md",
            "overlay_growth.png", "waterfall_h2_plan.png", "comparison.xlsx",
            "briefing.html"} <= {p.name for p in (cli_out / "h2_plan").iterdir()}
    cmp_ = pd.read_csv(cli_out / "comparison.csv", dtype={"period": str})
    assert set(cmp_.scenario) == expected
    contrib = pd.read_csv(cli_out / "contributions.csv", dtype={"period": str})
    assert list(contrib.columns[:5]) == ["scenario", "period", "lever", "gdp_real_yoy_ytd_pp", "revenue_ytd"]
    # the files add up too (to the 6 decimals written)
    m = contrib.groupby(["scenario", "period"]).revenue_ytd.sum()
    d = cmp_[cmp_.variable == "revenue_ytd"].set_index(["scenario", "period"]).difference
    assert np.allclose(m.reindex(d.index), d, atol=1e-5)
    report = (cli_out / "h2_plan" / "report.md").read_text(encoding="utf-8")
    assert "## `h2_plan` against `baseline`" in report and "![waterfall_h2_plan.png]" in report
    index = (cli_out / "report.md").read_text(encoding="utf-8")
    assert index.startswith("# Scenarios against `baseline`")
    baseline_2020 = model.run("scenarios/baseline.toml").annual.loc[2020, "gdp_real_yoy"]
    assert "[h2_plan/report.md](h2_plan/report.md)" in index
    assert f"| real GDP growth | 2020 | % | {baseline_2020:.2f} |" in index
    # the combined tables are the parts stacked, cell for cell
    for name in ("comparison.csv", "contributions.csv", "cost_effectiveness.csv"):
        parts = [(cli_out / n / name).read_text(encoding="utf-8-sig").splitlines() for n in sorted(expected)]
        assert (cli_out / name).read_text(encoding="utf-8-sig").splitlines() == [
            parts[0][0], *(line for part in parts for line in part[1:])]
    head = pd.read_csv(cli_out / "headline.csv")
    assert list(head.columns[:4]) == ["indicator", "year", "unit", "baseline"]
    for n in expected:
        one = pd.read_csv(cli_out / n / "headline.csv")
        pd.testing.assert_frame_equal(head[list(one.columns)], one)


def _fast_figures(monkeypatch):
    monkeypatch.setattr(model.present.briefing, "figures", lambda comps, directory, **kw: [])


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow  # three compares end to end
def test_compare_of_one_scenario_leaves_the_others_files_whole_and_unchanged(tmp_path, monkeypatch):
    _fast_figures(monkeypatch)
    out = tmp_path / "compare"
    assert main(["compare", "scenarios/h2_plan.toml", "--quiet", "--out", str(out)]) == 0
    a = _snapshot(out / "h2_plan")
    assert {"comparison.csv", "headline.csv", "report.md", "comparison.xlsx", "briefing.html"} <= set(a)
    assert main(["compare", "scenarios/second_wave.toml", "--quiet", "--out", str(out)]) == 0
    assert _snapshot(out / "h2_plan") == a  # the same bytes, not even rewritten
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["h2_plan", "second_wave"]
    combined = pd.read_csv(out / "comparison.csv")
    assert list(dict.fromkeys(combined.scenario)) == ["h2_plan", "second_wave"]
    assert list(pd.read_csv(out / "headline.csv").columns) == [
        "indicator", "year", "unit", "baseline", "h2_plan", "h2_plan - baseline", "second_wave",
        "second_wave - baseline"]
    # comparing the first again replaces only its own folder; the second stays as it was
    b = _snapshot(out / "second_wave")
    assert main(["compare", "scenarios/h2_plan.toml", "--quiet", "--out", str(out), "--set",
                 "tax_buoyancy=1.2"]) == 0
    assert _snapshot(out / "second_wave") == b
    assert _snapshot(out / "h2_plan")["comparison.csv"] != a["comparison.csv"]
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no lock or temporary left


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_compare_refuses_a_folder_of_comparisons_against_another_baseline(tmp_path, monkeypatch, capsys):
    _fast_figures(monkeypatch)
    out = tmp_path / "compare"
    assert main(["compare", "scenarios/second_wave.toml", "--quiet", "--out", str(out)]) == 0
    before = _snapshot(out)
    argv = ["compare", "scenarios/export_slump.toml", "--baseline", "scenarios/h2_plan.toml", "--quiet", "--out",
            str(out)]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"error: --out: {out} holds comparisons against another baseline (second_wave against 'baseline'), "
        "not 'h2_plan'; write into another --out folder or remove those first\n")
    assert _snapshot(out) == before


def test_compare_into_a_folder_of_the_old_layout_removes_its_stale_top_level_files(tmp_path, monkeypatch):
    _fast_figures(monkeypatch)
    out = tmp_path / "compare"
    out.mkdir()
    for name in ("overlay_growth.png", "waterfall_h2_plan.png", "briefing.html", "comparison.xlsx", "notes.txt"):
        (out / name).write_text("old", encoding="utf-8")
    assert main(["compare", "scenarios/h2_plan.toml", "--quiet", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "comparison.csv", "contributions.csv", "cost_effectiveness.csv", "h2_plan", "headline.csv", "notes.txt",
        "report.md"]


def test_compare_cli_writes_nothing_when_it_fails(tmp_path, monkeypatch):
    out = tmp_path / "cmp"

    def boom(*_a, **_k):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(model.present.briefing, "figures", boom)
    with pytest.raises(RuntimeError):
        main(["compare", "scenarios/h2_plan.toml", "--quiet", "--out", str(out)])
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary folder left behind


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scenarios/nope.toml"], "nope.toml: file not found"),
        (["--baseline", "scenarios/nope.toml"], "nope.toml: file not found"),
        (["scenarios/h2_plan.toml", "scenarios/h2_plan.toml"], "two scenarios are named 'h2_plan'"),
        (["--set", "tax_buoyancy=9"], "--set tax_buoyancy: 9 is outside the bounds"),
        (["--set", "tax_buoyncy=1.1"], "did you mean 'tax_buoyancy'?"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_compare_cli_errors_are_one_line_exit_2_and_write_nothing(args, message, tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", *args, "--quiet", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert message in err
    assert not out.exists()


def test_compare_cli_refuses_a_file_as_output_folder(tmp_path, capsys):
    out = tmp_path / "afile"
    out.write_text("keep me", encoding="utf-8")
    assert main(["compare", "scenarios/h2_plan.toml", "--quiet", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {out}: --out: expected a directory, found a file\n"
    assert out.read_text(encoding="utf-8") == "keep me"


def test_results_compare_is_model_compare(plan):
    c = plan.scenario.compare(plan.baseline)
    pd.testing.assert_frame_equal(c.frame(), plan.frame())
    pd.testing.assert_frame_equal(c.contributions(), plan.contributions())


def test_the_headline_table_covers_every_year_of_scenarios_with_different_horizons(tmp_path, base, plan):
    root = Path(__file__).resolve().parent.parent
    short = tmp_path / "short.toml"
    short.write_text(f'extends = "{root / "scenarios" / "h2_plan.toml"}"\nhorizon = "2020Q4"\n', encoding="utf-8")
    table = model.present.briefing.headline_table([compare(model.run(short), base), plan])
    assert list(table.columns[:4]) == ["indicator", "year", "unit", "no_new_measures"]  # names its baseline
    assert len(table) == 8 and table.no_new_measures.notna().all()
    assert table.short.isna().sum() == 4  # no 2021 for a scenario that ends in 2020Q4


def test_comparisons_written_together_share_a_baseline(plan, tmp_path):
    other = compare(plan.scenario, plan.scenario)
    with pytest.raises(ValueError, match="one baseline"):
        write_comparisons([plan, other], tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_plots(plan):
    import matplotlib.pyplot as plt

    fig = plot_comparison(plan)
    assert len(fig.axes) == 4  # growth and revenue, 2020 and 2021
    ax = plot_comparison(plan, "paths")
    assert len(ax.get_lines()) >= 2
    with pytest.raises(ValueError):
        plot_comparison(plan, "pie")
    plt.close("all")


def test_each_section_of_the_report_shows_only_its_own_figures(plan, base):
    short = compare(model.run(plan.scenario.scenario.renamed("plan")), base)
    names = ["waterfall_h2_plan.png", "waterfall_plan.png", "contributions_plan.png"]
    text = model.present.briefing.report([plan, short], names)
    section = text.split("## `plan` against")[1]
    assert "waterfall_plan.png" in section and "waterfall_h2_plan.png" not in section
