"""Monte Carlo with re-calibration (issue 4): fans, probabilities, priors, common random numbers."""

import json
from pathlib import Path

import numpy as np
import pytest

from model.analysis.uncertainty import (
    difference_fan,
    draw_innovations,
    draw_parameters,
    paired_draws,
    parse_threshold,
    probability,
    simulate_draws,
)
from model.cli import main
from model.core.blocks.trend import JOINT
from model.core.errors import UserError
from model.fitting.calibration import recalibrate, target_values, targets
from model.inputs.estimates import trend_estimate
from model.inputs.registry import default_params
from model.inputs.scenario import UncertaintyTable, load_scenario
from model.present.fans import write_fan_csv

N = 2000
SEED = 11
H2 = "scenarios/h2_plan.toml"
PCT = ["p05", "p25", "p50", "p75", "p95"]


@pytest.fixture(scope="module")
def draws():
    return simulate_draws(H2, draws=N, seed=SEED, progress=False)


def _with_uncertainty(tmp_path, body: str, name: str = "u.toml"):
    path = tmp_path / name
    path.write_text(f'extends = "{(Path.cwd() / H2).as_posix()}"\n[uncertainty]\n{body}\n', encoding="utf-8")
    return path


# -- reproducibility and shape ------------------------------------------------------------------


def test_same_seed_gives_byte_identical_fan_csv(tmp_path, draws):
    again = simulate_draws(H2, draws=N, seed=SEED, progress=False)
    write_fan_csv(draws, tmp_path / "a.csv")
    write_fan_csv(again, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    other = simulate_draws(H2, draws=N, seed=SEED + 1, progress=False)
    assert not np.allclose(other.fan()[PCT].to_numpy(), draws.fan()[PCT].to_numpy())


def test_fan_csv_has_quarters_ytd_and_years_and_ordered_percentiles(tmp_path, draws):
    import pandas as pd

    write_fan_csv(draws, tmp_path / "fan.csv")
    fan = pd.read_csv(tmp_path / "fan.csv", dtype={"period": str})
    assert list(fan.columns) == ["period", "variable", *PCT]
    pairs = set(zip(fan.period, fan.variable, strict=True))
    for var in ("gdp_real_yoy", "gdp_real_yoy_ytd", "digital_core_real_yoy_ytd", "revenue_ytd",
                "revenue_yoy_ytd", "gdp_ytd"):
        assert {(q, var) for q in ("2020Q3", "2020Q4", "2021Q1", "2021Q4")} <= pairs, var
    for var in ("gdp_real_yoy", "revenue_yoy", "revenue"):
        assert {("2020", var), ("2021", var)} <= pairs, var
    values = fan[PCT].to_numpy()
    assert np.isfinite(values).all()
    assert (np.diff(values, axis=1) >= 0).all()


# -- every draw consistent with H1 2020 ---------------------------------------------------------


def test_every_draw_reproduces_the_h1_targets(draws):
    # the draws' own scenario paths (levers and forecast shocks start in 2020Q3) ...
    for t in targets():
        got = draws.quarterly[t.variable][:, draws.span.index(t.period)]
        tol = 1.0 if t.unit == "亿元" else 0.05  # 1 亿元 and 0.05 pp
        assert np.abs(got - t.observed).max() <= tol, t.label
    # ... and the calibration's own simulation of them
    observed = np.array([t.observed for t in targets()])
    tol = np.array([t.tolerance for t in targets()])
    assert (np.abs(target_values(draws.theta) - observed) <= tol).all()
    # the parameters really vary and the solved ones were solved again in every draw
    assert np.std(draws.theta["tax_buoyancy"]) > 0.1
    assert np.std(draws.theta["shock_rest_depth"]) > 0.1
    assert set(draws.solved) == set(default_params().registry.per_draw)


def test_draws_that_cannot_meet_the_targets_are_drawn_again():
    d = simulate_draws(H2, draws=N, seed=SEED, scale=2.2, progress=False)
    assert d.tried > d.n  # some draws needed e.g. a revenue residual beyond its bounds
    assert 0.8 < d.acceptance < 1.0
    observed = np.array([t.observed for t in targets()])
    tol = np.array([t.tolerance for t in targets()])
    assert (np.abs(target_values(d.theta) - observed) <= tol).all()


def test_recalibration_solves_a_substitute_for_a_fixed_per_draw_parameter():
    # with the H1 deflator fixed, the 2019 H1 GDP share takes over the nominal GDP target
    d = simulate_draws(load_scenario(H2).with_parameters(deflator_h1=2.0), draws=500, seed=1, progress=False)
    assert "gdp_share_h1" in d.solved and "deflator_h1" not in d.solved
    assert np.all(d.theta["deflator_h1"] == 2.0)
    observed = np.array([t.observed for t in targets()])
    tol = np.array([t.tolerance for t in targets()])
    assert (np.abs(target_values(d.theta) - observed) <= tol).all()


def test_recalibrate_converges_far_from_the_centre_and_flags_what_it_cannot_fit():
    p = load_scenario(H2).apply(default_params())
    from model.fitting.calibration import calibrate

    p = calibrate(p).params
    theta = {k: np.full((3, 1), v) for k, v in p.theta().items()}
    theta["trend_growth_2020"] = np.array([[5.0], [9.5], [7.2]])  # +-3 sd
    # a 2019 H1 GDP share of 0.40 would need an H1 deflator of +18% (bounds -5% to 10%)
    theta["gdp_share_h1"] = np.array([[p["gdp_share_h1"]], [p["gdp_share_h1"]], [0.40]])
    solved, ok = recalibrate(p, theta)
    assert ok.tolist() == [True, True, False]
    assert solved["shock_rest_depth"][0, 0] < p["shock_rest_depth"] < solved["shock_rest_depth"][1, 0]


# -- the fan against the deterministic path -----------------------------------------------------


def test_zero_scale_collapses_the_fan_onto_the_deterministic_path(draws):
    d = simulate_draws(H2, draws=200, seed=SEED, scale=0.0, progress=False)
    fan = d.fan()
    point = [d.point(v, p) for v, p in zip(fan.variable, fan.period, strict=True)]
    for col in PCT:
        np.testing.assert_allclose(fan[col], point, rtol=1e-12, atol=1e-9)
    assert d.drawn == () and d.tried == d.n


def test_median_equals_the_deterministic_path_where_the_model_is_linear():
    # Forecast shocks alone: the gap enters real GDP linearly and symmetrically, so the median of
    # any growth rate is the deterministic value up to sampling error.  The sample median's
    # standard error is sqrt(pi/2) sd / sqrt(n); allow 4 of them.
    s = load_scenario(H2).model_copy(update={"uncertainty": UncertaintyTable(draw_parameters=False)})
    d = simulate_draws(s, draws=N, seed=SEED, progress=False)
    for var in ("gdp_real_yoy", "gdp_real_yoy_ytd", "revenue_yoy_ytd"):
        for q in ("2020Q3", "2020Q4", "2021Q2", "2021Q4"):
            x = d.values(var, q)
            se = np.sqrt(np.pi / 2) * x.std() / np.sqrt(d.n)
            assert abs(np.median(x) - d.point(var, q)) <= 4 * se + 1e-9, (var, q)


def test_median_is_close_to_the_deterministic_path_with_parameter_uncertainty(draws):
    # With parameters drawn too the model is not linear (beta priors are skewed, the shock shape
    # multiplies depth by decay), so allow a tenth of the 90% band: a shift the band dwarfs.
    for var, period in [("gdp_real_yoy", "2020"), ("revenue_yoy", "2020"), ("gdp_real_yoy", "2021"),
                        ("gdp_real_yoy_ytd", "2020Q3")]:
        x = draws.values(var, period)
        p05, p50, p95 = np.percentile(x, [5, 50, 95])
        assert abs(p50 - draws.point(var, period)) <= 0.1 * (p95 - p05), (var, period)
        assert p05 < draws.point(var, period) < p95


# -- priors -------------------------------------------------------------------------------------


def test_draws_are_centred_on_the_run_values_with_the_prior_sds():
    from model.fitting.calibration import calibrate

    p = calibrate(load_scenario(H2).apply(default_params())).params
    theta = draw_parameters(p, 20_000, seed=3)
    reg = p.registry
    for name in ("tax_buoyancy", "voucher_leverage", "projects_multiplier", "relief_budget_share"):
        x = theta[name][:, 0]
        lo, hi = reg[name].bounds
        assert lo <= x.min() and x.max() <= hi
        if name != "relief_budget_share":  # centred 1 sd above its bound 0: truncation lifts the median
            assert abs(np.median(x) - p[name]) < 0.03 * reg[name].prior.sd, name
            assert abs(x.std() - reg[name].prior.sd) < 0.03 * reg[name].prior.sd, name
    # beta priors keep their mean and sd
    x = theta["projects_additionality"][:, 0]
    assert abs(x.mean() - 0.15) < 0.01 and abs(x.std() - 0.1) < 0.01


def test_trend_parameters_are_drawn_with_the_run_estimators_correlation(monkeypatch):
    """The run's total trend (anchored) yields no covariance and the registry makes the drift's variance
    the difference of the two years' (uncorrelated); the core's trend is another regression: the
    correlation is the identity, and the pooled OLS's (the old source) is not consulted."""
    import model.inputs.estimates as estimates
    from model.analysis.sampling import trend_correlation
    from model.inputs.registry import total_trend
    from model.inputs.run_trend import run_trend

    p = default_params()
    old = trend_estimate().cov.loc[list(JOINT), list(JOINT)].to_numpy()
    assert abs(old[0, 1]) / np.sqrt(old[0, 0] * old[1, 1]) > 0.1  # the pooled OLS's would differ
    monkeypatch.setattr(estimates, "trend_estimate", lambda: (_ for _ in ()).throw(AssertionError("pooled OLS used")))
    np.testing.assert_array_equal(trend_correlation(JOINT), np.eye(3))
    theta = draw_parameters(p, 20_000, seed=5)
    x = np.hstack([theta[j] for j in JOINT])
    np.testing.assert_allclose(np.corrcoef(x, rowvar=False), np.eye(3), atol=0.03)
    np.testing.assert_allclose(x.std(axis=0), [p.registry[j].prior.sd for j in JOINT], rtol=0.03)
    # the 2021 trend's sd the draws imply is the estimator's: var(g20) + var(drift) = se21^2
    fit = run_trend()
    _, _, sa, sb = total_trend(fit)
    assert np.hypot(sa, sb) == pytest.approx(fit.se[1], rel=1e-6)
    g21 = theta["trend_growth_2020"][:, 0] + theta["trend_drift"][:, 0]
    assert g21.std() == pytest.approx(fit.se[1], rel=0.03)


def test_scenario_prior_overrides_move_and_narrow_the_draws(tmp_path):
    path = _with_uncertainty(tmp_path, "priors.voucher_leverage = { mean = 5.0, sd = 0.2, source = 'Liu et al.' }\n"
                                       "priors.tax_buoyancy = { sd = 0 }")
    s = load_scenario(path)
    d = simulate_draws(s, draws=500, seed=1, progress=False)
    assert abs(np.mean(d.theta["voucher_leverage"]) - 5.0) < 0.05
    assert np.std(d.theta["voucher_leverage"]) < 0.25
    assert np.all(d.theta["tax_buoyancy"] == d.results.params["tax_buoyancy"])
    assert "tax_buoyancy" not in d.drawn


def test_scale_multiplies_every_sd():
    narrow = simulate_draws(H2, draws=N, seed=SEED, scale=0.5, progress=False)
    wide = simulate_draws(H2, draws=N, seed=SEED, progress=False)
    w = lambda d: np.subtract(*np.percentile(d.values("gdp_real_yoy", "2020"), [95, 5]))  # noqa: E731
    assert 0.4 < w(narrow) / w(wide) < 0.6


# -- shocks and common random numbers -----------------------------------------------------------


def test_explicit_innovations_make_a_run_deterministic_and_shocks_start_in_2020q3(draws):
    e = draw_innovations(N, draws.span, seed=SEED)
    np.testing.assert_array_equal(e, draws.innovations)
    assert np.all(e[:, : draws.span.index("2020Q3")] == 0)
    zero = simulate_draws(H2, draws=N, seed=SEED, innovations=np.zeros_like(e), progress=False)
    np.testing.assert_array_equal(zero.theta["tax_buoyancy"], draws.theta["tax_buoyancy"])
    assert np.all(zero.paths["gap_rest"][:, draws.span.index("2020Q3"):] != draws.paths["gap_rest"][:, draws.span.index("2020Q3"):])


def test_the_forecast_gap_adds_the_target_annual_growth_sd_whatever_its_ar_coefficient():
    """``shock_annual_sd`` is the sd that the stationary AR(1) gap adds to annual growth, the change
    in a year's mean gap (model.core.blocks.shock.growth_sd_factor); at every ``shock_ar`` the simulated
    sd matches it.  n = 20,000 draws: the sd's relative standard error is 1/sqrt(2n) = 0.5%, so 2.5%
    is five standard errors."""
    from model.core.blocks.shock import stochastic_gap
    from model.core.periods import Span

    span = Span(1990, 2025)  # 33 years of burn-in before the measured years: the gap is stationary
    target = default_params()["shock_annual_sd"]
    e = np.random.default_rng(2024).standard_normal((20_000, span.n))
    for ar in (0.2, 0.5, 0.9):
        gap = stochastic_gap({"shock_annual_sd": target, "shock_ar": ar}, e, span, "1990Q1")
        annual = gap.reshape(len(e), -1, 4).mean(axis=2)  # (n, years)
        growth = annual[:, -1] - annual[:, -2]  # 2025 over 2024, pp
        assert growth.std() == pytest.approx(target, rel=0.025), ar
    doubled = stochastic_gap({"shock_annual_sd": target, "shock_ar": 0.9}, e, span, "1990Q1", scale=2.0)
    np.testing.assert_allclose(doubled, 2 * stochastic_gap({"shock_annual_sd": target, "shock_ar": 0.9}, e, span,
                                                           "1990Q1"))


def test_default_forecast_shock_is_the_backtests_scale_for_the_chosen_method():
    """The default forecast-error process is the one the backtest calibrated for the run's method
    (data/track_record.json); without a record, the trend residual sd at shock_ar = 0.5 (0.953)."""
    from model.core.blocks import shock
    from model.core.blocks.shock import growth_sd_factor, innovation_sd
    from model.inputs.record import RUN_METHOD, load_record

    scale = load_record()["scales"][f"{RUN_METHOD}/gdp_real_growth"]
    p = default_params()
    assert (p["shock_ar"], scale["ar"]) == (0.8, 0.8)
    assert float(innovation_sd(p["shock_annual_sd"], p["shock_ar"])) == pytest.approx(scale["sigma"]) == 1.0
    old = {q.name: q.value for q in shock.parameters(trend_estimate().resid_sd)}
    assert old["shock_ar"] == 0.5 and float(innovation_sd(old["shock_annual_sd"], 0.5)) == 0.953
    i = np.arange(8)
    c = np.r_[np.full(4, -0.25), np.full(4, 0.25)]
    for ar in (0.0, 0.2, 0.5, 0.9, 0.95):  # the closed form against c' R c
        r = ar ** np.abs(np.subtract.outer(i, i)) / (1.0 - ar**2)
        assert float(growth_sd_factor(ar)) == pytest.approx(np.sqrt(c @ r @ c), rel=1e-12)
    np.testing.assert_allclose(growth_sd_factor(np.array([[0.2], [0.9]])).ravel(),
                               [growth_sd_factor(0.2), growth_sd_factor(0.9)])


def test_common_random_numbers_across_scenarios_with_the_same_parameters(draws):
    base = simulate_draws("scenarios/baseline.toml", draws=N, seed=SEED, progress=False)
    for name in draws.drawn:
        np.testing.assert_array_equal(base.theta[name], draws.theta[name])
    np.testing.assert_array_equal(base.innovations, draws.innovations)


def test_difference_fan_is_zero_for_a_scenario_against_itself_and_brackets_the_point_difference():
    same = difference_fan(H2, H2, draws=300, seed=2)
    assert np.abs(same[PCT].to_numpy()).max() == 0.0
    a, b = paired_draws(H2, "scenarios/baseline.toml", draws=N, seed=SEED)
    assert a.theta is b.theta  # the baseline reused the scenario's re-calibrated draws
    diff = a.fan(minus=b)
    row = diff[(diff.period == "2020") & (diff.variable == "gdp_real_yoy")].iloc[0]
    point = a.point("gdp_real_yoy", "2020") - b.point("gdp_real_yoy", "2020")
    assert row.p05 < point < row.p95
    assert row.p05 > 0  # the H2 plan raises 2020 growth in every draw's 90% band


# -- probabilities ------------------------------------------------------------------------------


def test_thresholds_parse_and_probabilities_match_the_draws(draws):
    t = parse_threshold("gdp_real_yoy@2020>=3")
    assert (t.variable, t.period, t.op, t.value, t.annual) == ("gdp_real_yoy", "2020", ">=", 3.0, True)
    assert parse_threshold(" revenue_yoy_ytd @ 2020q4 < -1.5 ").period == "2020Q4"
    for bad in ("gdp_real_yoy@2020=>3", "gdp@2019>=0", "gdp_real_yoy_ytd@2020>=1", "nope@2020Q4>=1"):
        with pytest.raises(UserError):
            parse_threshold(bad)
    x = draws.values("gdp_real_yoy", "2020")
    assert draws.probability("gdp_real_yoy@2020>=3") == probability(x, ">=", 3) == np.mean(x >= 3)
    assert draws.probability("gdp_real_yoy@2020<3") == pytest.approx(1 - np.mean(x >= 3))
    probs = draws.probabilities()
    assert list(probs.event) == ["gdp_real_yoy@2020>=3", "revenue_yoy@2020>=0"]
    assert probs.probability.between(0, 1).all()


# -- command line and files ---------------------------------------------------------------------


@pytest.mark.slow  # end-to-end CLI: the whole pipeline and its files
def test_cli_run_with_draws_writes_fan_files_and_leaves_deterministic_outputs_unchanged(tmp_path, capsys):
    assert main(["run", H2, "--out", str(tmp_path / "det"), "--quiet"]) == 0
    assert main(["run", H2, "--out", str(tmp_path / "mc"), "--quiet", "--draws", "500", "--seed", "4",
                 "--threshold", "gdp_real_yoy@2020>=4.5", "--threshold", "revenue_yoy_ytd@2020Q3<2"]) == 0
    det, mc = tmp_path / "det" / "h2_plan", tmp_path / "mc" / "h2_plan"
    assert not (det / "fan.csv").exists()
    for f in ("fan.csv", "fan_gdp_growth.png", "fan_revenue.png"):
        assert (mc / f).is_file(), f
    for f in ("quarterly.csv", "annual.csv"):
        assert (det / f).read_bytes() == (mc / f).read_bytes()
    summary = json.loads((mc / "summary.json").read_text(encoding="utf-8"))
    assert "uncertainty" not in json.loads((det / "summary.json").read_text(encoding="utf-8"))
    unc = summary["uncertainty"]
    assert unc["draws"] == 500 and unc["seed"] == 4 and unc["acceptance_rate"] > 0.98
    assert [p["event"] for p in unc["probabilities"]] == ["gdp_real_yoy@2020>=4.5", "revenue_yoy_ytd@2020Q3<2"]
    assert unc["fan"]["2020"]["gdp_real_yoy"]["p05"] < unc["fan"]["2020"]["gdp_real_yoy"]["p95"]
    report = (mc / "report.md").read_text(encoding="utf-8")
    assert "## Uncertainty" in report and "fan_gdp_growth.png" in report
    assert capsys.readouterr().err == ""  # no progress bar when stderr is not a terminal


@pytest.mark.slow  # end-to-end CLI: the whole pipeline and its files
def test_cli_uses_the_scenario_uncertainty_table_and_overrides_it(tmp_path):
    path = _with_uncertainty(tmp_path, "draws = 300\nseed = 9\nthresholds = ['gdp_real_yoy@2021>=9']")
    assert main(["run", str(path), "--out", str(tmp_path / "a"), "--quiet"]) == 0
    unc = json.loads((tmp_path / "a" / "u" / "summary.json").read_text(encoding="utf-8"))["uncertainty"]
    assert (unc["draws"], unc["seed"]) == (300, 9)
    assert [p["event"] for p in unc["probabilities"]] == ["gdp_real_yoy@2021>=9"]
    assert main(["run", str(path), "--out", str(tmp_path / "b"), "--quiet", "--draws", "200", "--seed", "1"]) == 0
    unc = json.loads((tmp_path / "b" / "u" / "summary.json").read_text(encoding="utf-8"))["uncertainty"]
    assert (unc["draws"], unc["seed"]) == (200, 1)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("draws = 0", "uncertainty.draws: Input should be greater than 0"),
        ("draws = -3", "uncertainty.draws: Input should be greater than 0"),
        ("priors.voucher_leverage = { mean = 9.0 }", "uncertainty.priors.voucher_leverage.mean: 9 is outside the bounds [1, 8]"),
        ("priors.voucher_levrage = { sd = 1.0 }", "uncertainty.priors.voucher_levrage: unknown parameter 'voucher_levrage'; did you mean 'voucher_leverage'?"),
        ("priors.tax_buoyancy = { sd = -0.1 }", "uncertainty.priors.tax_buoyancy.sd: Input should be greater than or equal to 0"),
        ("priors.shock_rest_depth = { sd = 1.0 }", "uncertainty.priors.shock_rest_depth: this parameter is solved in every draw"),
        ("priors.shock_rest_persistent = { mean = 0.0 }", "uncertainty.priors.shock_rest_persistent.mean: a beta prior "
         "centred on 0 within [0, 1] needs its centre strictly inside the bounds"),
        ("priors.shock_rest_persistent = { sd = 0.5 }", "uncertainty.priors.shock_rest_persistent.sd: a beta prior "
         "centred on 0.35 within [0, 1] needs an sd below 0.477, got 0.5"),
        ("priors.shock_annual_sd = { sd = 0.5 }", "uncertainty.priors.shock_annual_sd: this parameter is not drawn: it "
         "is treated as known (its forecast-shock sd is scaled by uncertainty.scale)"),
        ("priors.tax_buoyancy = { dsit = 'normal' }", "uncertainty.priors.tax_buoyancy.dsit: unknown key; did you mean 'dist'?"),
        ("scale = 5", "uncertainty.scale: shock_rest_decay: a beta prior centred on 0.15"),
        ("scale = -1", "uncertainty.scale: Input should be greater than or equal to 0"),
        ("thresholds = ['gdp_real_yoy@2020=>3']", "uncertainty.thresholds[0]: expected VARIABLE@PERIOD>=VALUE"),
        ("thresholds = ['gdp_real_yoy@2023>=3']", "uncertainty.thresholds[0]: year 2023 is outside the complete years 2020 to 2021"),
        ("drawz = 10", "uncertainty.drawz: unknown key; did you mean 'draws'?"),
    ],
)
def test_bad_uncertainty_settings_give_one_line_errors(tmp_path, capsys, body, message):
    path = _with_uncertainty(tmp_path, body)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: ") and err.count("\n") == 1, err
    assert message in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--draws", "0"], "error: --draws: expected a whole number of draws from 1 to 1000000, got '0'"),
        (["--draws", "-5"], "error: --draws: expected a whole number of draws from 1 to 1000000, got '-5'"),
        (["--draws", "many"], "error: --draws: expected a whole number of draws from 1 to 1000000, got 'many'"),
        (["--draws", "3000000"], "error: --draws: expected a whole number of draws from 1 to 1000000, got '3000000'"),
        (["--draws", "10", "--seed", "x"], "error: --seed: expected a non-negative whole number, got 'x'"),
        (["--seed", "3"], "error: --seed: needs --draws or an [uncertainty] table"),
        (["--draws", "10", "--threshold", "gdp_real_yoy@2020>>3"], "--threshold: expected VARIABLE@PERIOD>=VALUE"),
        (["--draws", "10", "--threshold", "gdp_real_yoy@2024>=3"], "--threshold: year 2024 is outside the complete years 2020 to 2021"),
    ],
)
def test_bad_command_line_uncertainty_options_give_one_line_errors(tmp_path, capsys, args, message):
    out = tmp_path / "out"
    assert main(["run", H2, "--out", str(out), "--quiet", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
    assert not out.exists()


@pytest.mark.parametrize("args", [["--draws", "abc"], ["--draws", "0"], ["--draws", "2.5"], ["--draws", "1000001"],
                                  ["--draws", "10", "--seed", "-1"], ["--draws", "10", "--seed", "1e3"]])
def test_run_and_compare_check_draws_and_seed_alike(tmp_path, capsys, args):
    errors = []
    for command in ("run", "compare"):
        assert main([command, H2, "--out", str(tmp_path / command), "--quiet", *args]) == 2
        errors.append(capsys.readouterr().err)
    assert errors[0] == errors[1] and errors[0].count("\n") == 1, errors
    assert errors[0].startswith(f"error: {args[-2]}: expected ")


def test_max_draws_is_one_limit_for_the_table_the_api_and_the_command_line():
    from model.cli.common import parse_draws
    from model.inputs.scenario import MAX_DRAWS

    assert parse_draws(str(MAX_DRAWS)) == MAX_DRAWS
    with pytest.raises(UserError, match=f"from 1 to {MAX_DRAWS}, got"):
        parse_draws(str(MAX_DRAWS + 1))
    assert UncertaintyTable(draws=MAX_DRAWS).draws == MAX_DRAWS
    with pytest.raises(ValueError, match=f"less than or equal to {MAX_DRAWS}"):
        UncertaintyTable(draws=MAX_DRAWS + 1)
    with pytest.raises(UserError, match=f"from 1 to {MAX_DRAWS}"):
        simulate_draws(H2, draws=MAX_DRAWS + 1)


def _fixed_at_zero(tmp_path, command):
    """``command`` with shock_rest_persistent (a beta prior on [0, 1]) at 0: set on the command line,
    in the scenario's [parameters], or both (the scenario's value wins)."""
    path = tmp_path / "p.toml"
    path.write_text(f'extends = "{(Path.cwd() / H2).as_posix()}"\n[parameters]\nshock_rest_persistent = 0.0\n',
                    encoding="utf-8")
    draws = ["--samples", "16"] if command == "sensitivity" else ["--draws", "50"]
    return {"--set": [command, H2, *draws, "--set", "shock_rest_persistent=0"],
            "file": [command, str(path), *draws],
            "both": [command, str(path), *draws, "--set", "shock_rest_persistent=0.2"]}, path


@pytest.mark.parametrize("command", ["run", "compare", "sensitivity"])
def test_an_invalid_prior_names_where_its_centre_was_set_once(tmp_path, capsys, command):
    cases, path = _fixed_at_zero(tmp_path, command)
    expected = {"--set": "error: --set shock_rest_persistent: ",
                "file": f"error: {path}: parameters.shock_rest_persistent: ",
                "both": f"error: {path}: parameters.shock_rest_persistent: "}
    for origin, args in cases.items():
        out = tmp_path / f"out_{origin}"
        assert main([*args, "--out", str(out), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert err == expected[origin] + ("a beta prior centred on 0 within [0, 1] needs its centre strictly inside "
                                          "the bounds (set a value inside them, or another family in "
                                          "[uncertainty.priors.shock_rest_persistent])\n"), err
        assert err.count("shock_rest_persistent:") == 1
        assert not out.exists()


def test_an_invalid_prior_spread_is_blamed_on_scale_only_when_scale_alone_breaks_it():
    from model.analysis.uncertainty import Origins, check_prior
    from model.core.parameters import Prior

    prior = Prior("beta", 0.15, 0.10)
    bounds = (0.0, 0.95)
    origins = Origins(UncertaintyTable(scale=5.0), "x.toml", set_by_user=frozenset({"shock_rest_decay"}))
    with pytest.raises(UserError) as exc:
        check_prior("shock_rest_decay", prior, bounds, 5.0, origins)
    assert str(exc.value).startswith("x.toml: uncertainty.scale: shock_rest_decay: a beta prior centred on 0.15")
    near = Prior("beta", 0.94, 0.10)  # too wide at scale 1 already: the centre set with --set is to blame
    with pytest.raises(UserError) as exc:
        check_prior("shock_rest_decay", near, bounds, 5.0, origins)
    assert str(exc.value).startswith("--set shock_rest_decay: a beta prior centred on 0.94 within [0, 0.95] needs an sd")
    check_prior("shock_rest_decay", prior, bounds, 1.0, origins)  # valid: no error


def test_draws_object_verbs(draws):
    assert "Uncertainty: 2,000 draws" in draws.summary()
    frame = draws.to_frame("draws")
    assert len(frame) == N and {"tax_buoyancy", "shock_rest_depth", "gdp_real_yoy_2020"} <= set(frame.columns)
    assert draws.to_frame().equals(draws.fan())
    ax = draws.plot("revenue_yoy_ytd")
    assert ax.get_title()
    import matplotlib.pyplot as plt

    plt.close("all")
