"""Calibration to the published H1 2020 figures (interview with the Hangzhou party secretary)."""

import numpy as np

from model.core.simulate import as_theta
from model.fitting.calibration import calibrate, recalibrate, target_values, targets
from model.inputs.registry import default_params

# The six targets, pinned to the interview (shared/seed/hangzhou_h1_2020_interview.txt):
# "全市实现生产总值7388亿元，同比增长1.5%；一般公共预算收入1276亿元，同比增长1.2%";
# "全市数字经济核心产业增加值逆势增长6.1%，上半年增长10.5%".
PUBLISHED = {
    ("gdp_ytd", "2020Q2"): 7388.0,
    ("gdp_real_yoy_ytd", "2020Q2"): 1.5,
    ("revenue_ytd", "2020Q2"): 1276.0,
    ("revenue_yoy_ytd", "2020Q2"): 1.2,
    ("digital_core_real_yoy_ytd", "2020Q1"): 6.1,
    ("digital_core_real_yoy_ytd", "2020Q2"): 10.5,
}


def test_targets_are_the_published_figures():
    assert {(t.variable, t.period): t.observed for t in targets()} == PUBLISHED


def test_default_calibration_meets_every_target_within_0_05_pp_and_1_yi_yuan():
    cal = calibrate(default_params())
    assert cal.success
    assert cal.ok
    for row in cal.fit.itertuples():
        tol = 1.0 if row.unit == "亿元" else 0.05
        assert abs(row.error) <= tol, row.target


def test_calibrated_values_are_plausible_and_identified_by_the_right_targets():
    cal = calibrate(default_params())
    p, pri = cal.params, cal.priors
    assert 5 < p["shock_rest_depth"] < 20  # Q1 2020 loss of the rest, % of trend
    assert 0 < p["shock_digital_depth"] < p["shock_rest_depth"]
    assert 0.1 < p["relief_budget_share"] < 0.7  # the city's share of the exempted taxes
    assert pri.loc["shock_digital_depth", "identified_by"] == "digital_core_real_yoy_ytd@2020Q1"
    assert pri.loc["shock_digital_decay", "identified_by"] == "digital_core_real_yoy_ytd@2020Q2"
    # revenue growth moves the exemptions' budget share as much as any target does (real growth
    # moves it too: CIT follows the digital core's and the rest's value added)
    row = cal.influence.loc["relief_budget_share"].abs()
    assert row["revenue_yoy_ytd@2020Q2"] >= 0.5 * row.max()
    # six targets, five independent pieces of information, seven calibrated parameters
    sv = cal.singular_values
    assert (sv > 1e-3 * sv.max()).sum() == 5


def test_a_fixed_parameter_is_not_calibrated_and_the_rest_still_fit():
    cal = calibrate(default_params().replace(shock_rest_decay=0.4, tax_buoyancy=1.3))
    assert cal.ok
    assert cal.params["shock_rest_decay"] == 0.4 and cal.params["tax_buoyancy"] == 1.3


def test_overriding_a_multiplier_changes_the_calibrated_shock_net_of_h1_policy():
    lo = calibrate(default_params().replace(relief_multiplier=0.1)).params
    hi = calibrate(default_params().replace(relief_multiplier=0.6)).params
    assert hi["shock_rest_depth"] > lo["shock_rest_depth"]  # stronger relief hid a deeper shock


def test_batched_recalibration_agrees_with_the_scipy_calibration():
    cal = calibrate(default_params())
    p = cal.params
    theta = as_theta(p.theta(), n=4)
    start = {k: v.copy() for k, v in theta.items()}
    for name, bump in [("shock_rest_depth", 2.0), ("shock_digital_depth", -1.0), ("deflator_h1", 0.5)]:
        start[name] = start[name] + bump
    solved, ok = recalibrate(p, start)
    assert ok.all()
    for name in p.registry.per_draw:
        assert np.allclose(solved[name], p[name], atol=1e-3), name
    observed = np.array([t.observed for t in targets()])
    assert np.allclose(target_values(solved), observed, atol=1e-3)


def test_calibration_is_cached_by_parameter_set_and_returns_its_own_tables():
    a = calibrate(default_params())
    hits = calibrate.cache_info().hits
    b = calibrate(default_params())
    assert calibrate.cache_info().hits == hits + 1
    assert b.params is a.params
    b.fit.loc[0, "observed"] = -1.0  # a user's edit stays in that user's copy
    assert calibrate(default_params()).fit.loc[0, "observed"] == 7388.0
