"""Properties of the model: identities, the no-policy path, and each lever's sign and monotonicity."""

import numpy as np
import pytest

import model
from model.core.blocks import base_year, shock, trend
from model.core.indicators import annual, quarterly
from model.core.lags import distributed_lag
from model.core.levers import REGISTRY as LEVERS
from model.core.simulate import Inputs, as_theta, simulate
from model.fitting.calibration import calibrate
from model.inputs.base import base as base_year_figures
from model.inputs.registry import default_params

PARAMS = calibrate(default_params()).params
THETA = as_theta(PARAMS.theta())
H2 = model.load_scenario("scenarios/h2_plan.toml")


def test_without_any_lever_the_path_is_trend_times_one_minus_the_gap():
    span = H2.span
    out = simulate(THETA, Inputs(span, base_year_figures()))  # no injections at all, not even H1 history
    gdp19, _ = base_year.quarters_2019(THETA, base_year_figures())
    td, tr = trend.levels(THETA, base_year_figures(), gdp19, span)
    gd, gr = shock.gaps(THETA, span)
    assert np.allclose(out["digital_real"], td * (1 - gd), rtol=0, atol=1e-9)
    assert np.allclose(out["rest_real"], tr * (1 - gr), rtol=0, atol=1e-9)
    assert np.allclose(out["gdp_real"], out["trend_real"] * 0 + td * (1 - gd) + tr * (1 - gr))


def test_zero_lever_amounts_equal_no_levers():
    span = H2.span
    zero = {name: np.zeros((1, span.n)) for name in LEVERS}
    a, b = simulate(THETA, Inputs(span, base_year_figures(), zero)), simulate(THETA, Inputs(span, base_year_figures()))
    for key in ("gdp", "gdp_real", "revenue"):
        assert np.array_equal(a[key], b[key], equal_nan=True)


def test_the_2019_base_reproduces_the_published_year():
    out = model.run(H2).annual
    assert out.loc[2019, "gdp"] == pytest.approx(15373.0)
    assert out.loc[2019, "gdp_real_yoy"] == pytest.approx(6.8)
    assert out.loc[2019, "digital_core_real_yoy"] == pytest.approx(15.1)
    assert out.loc[2019, "revenue"] == pytest.approx(1965.97)
    assert out.loc[2019, "revenue_yoy"] == pytest.approx(7.7)


def test_quarterly_ytd_and_annual_outputs_agree():
    res = model.run(H2)
    q, a = res.quarterly, res.annual
    q4 = q[q.index.quarter == 4]
    for qcol, acol in [("gdp_ytd", "gdp"), ("revenue_ytd", "revenue"), ("gdp_real_yoy_ytd", "gdp_real_yoy"),
                       ("revenue_yoy_ytd", "revenue_yoy"), ("digital_core_real_yoy_ytd", "digital_core_real_yoy")]:
        assert np.allclose(q4[qcol].to_numpy(), a[acol].to_numpy(), equal_nan=True), qcol
    assert np.allclose(q.gdp, q.gdp_real * q.deflator)


def test_a_draw_axis_of_identical_draws_repeats_the_single_run():
    one = simulate(THETA, H2.inputs())
    many = simulate(as_theta(PARAMS.theta(), n=5), H2.inputs())
    for key in ("gdp", "revenue", "tax_fee_relief_gdp_real"):
        assert many[key].shape[0] == 5
        assert np.allclose(many[key], one[key], equal_nan=True)


def _run_with(lever: str, path: dict[str, float], **fields):
    sc = H2.without_levers().with_lever(lever, **{**fields, **path})
    return simulate(THETA, sc.inputs()), sc.span


@pytest.mark.parametrize("amounts", [(50.0, 100.0, 200.0, 400.0)])
def test_more_relief_more_gdp_less_revenue_in_the_quarter_granted(amounts):
    base, span = _run_with("tax_fee_relief", {})
    i = span.index("2020Q3")
    gdp, rev = [], []
    for a in amounts:
        out, _ = _run_with("tax_fee_relief", {"amount": {"2020Q3": a}})
        gdp.append(out["gdp_real"][0, i] - base["gdp_real"][0, i])
        rev.append(out["revenue"][0, i] - base["revenue"][0, i])
    assert all(g > 0 for g in gdp) and np.all(np.diff(gdp) > 0)
    assert all(r < 0 for r in rev) and np.all(np.diff(rev) < 0)


@pytest.mark.parametrize(
    ("lever", "fields"),
    [
        ("major_projects", lambda a: {"amount": {"2020Q3": a}}),
        ("consumption_events", lambda a: {"subsidy": {"2020Q3": a}}),
        ("consumption_events", lambda a: {"events": {"2020Q3": 100.0}, "subsidy_per_event": a / 100.0}),
    ],
)
def test_spending_levers_raise_gdp_monotonically_and_cost_money(lever, fields):
    base, span = _run_with(lever, {})
    i = span.index("2020Q3")
    effects, costs = [], []
    for a in (5.0, 10.0, 20.0):
        out, _ = _run_with(lever, fields(a))
        effects.append(out["gdp_real"][0, i] - base["gdp_real"][0, i])
        costs.append(out[f"{lever}_cost"][0, i] - base[f"{lever}_cost"][0, i])
    assert effects[0] > 0 and np.all(np.diff(effects) > 0)
    assert costs[0] > 0 and np.all(np.diff(costs) > 0)


def test_lever_effects_are_linear_in_the_amount_for_real_gdp():
    one, span = _run_with("major_projects", {"amount": {"2020Q3": 100.0, "2021Q1": 50.0}})
    two, _ = _run_with("major_projects", {"amount": {"2020Q3": 200.0, "2021Q1": 100.0}})
    assert np.allclose(two["major_projects_gdp_real"], 2 * one["major_projects_gdp_real"])


def test_levers_act_only_from_the_quarter_of_injection():
    out, span = _run_with("major_projects", {"amount": {"2021Q1": 100.0}})
    assert np.all(out["major_projects_gdp_real"][0, : span.index("2021Q1")] == 0)


def test_distributed_lag_matches_the_definition():
    rng = np.random.default_rng(3)
    x = rng.random((1, 12))
    for d in (np.array([[0.0]]), np.array([[0.6]]), np.array([[0.2], [0.9]])):
        y = distributed_lag(x, d)
        t = np.arange(12)
        for r in range(y.shape[0]):
            lam = d[min(r, d.shape[0] - 1), 0]
            ref = [sum((1 - lam) * lam ** (s - u) * x[0, u] for u in range(s + 1)) for s in t]
            assert np.allclose(y[r], ref)
    xs = rng.random((2, 12))
    assert np.allclose(distributed_lag(xs, np.array([[0.2], [0.9]]))[1], distributed_lag(xs[1:], np.array([[0.9]]))[0])


def test_indicator_functions_cover_every_lever_and_stay_finite_after_2019():
    out = simulate(THETA, H2.inputs())
    q, a = quarterly(out), annual(out)
    for name in LEVERS:
        assert f"{name}_gdp_real_yoy_ytd_pp" in q and f"{name}_gdp_real_yoy_pp" in a
    for v in q.values():
        assert np.isfinite(v[:, 8:]).all()


def test_lever_contributions_and_the_no_policy_path_add_up_to_growth():
    from model.core.periods import lagged, ytd_sum

    out = simulate(THETA, H2.inputs())
    none = simulate(THETA, Inputs(H2.span, base_year_figures()))  # trend times one minus the gap
    q = quarterly(out)
    base = lagged(ytd_sum(out["gdp_real"]), 4)
    ytd0 = ytd_sum(none["gdp_real"])
    own = 100.0 * (ytd0 - lagged(ytd0, 4)) / base
    total = own + sum(q[f"{n}_gdp_real_yoy_ytd_pp"] for n in LEVERS)
    assert np.allclose(total[:, 8:], q["gdp_real_yoy_ytd"][:, 8:])
    a = annual(out)
    a0 = annual(none)["gdp_real"]
    own_a = 100.0 * (a0[:, 1:] - a0[:, :-1]) / a["gdp_real"][:, :-1]
    total_a = own_a + sum(a[f"{n}_gdp_real_yoy_pp"][:, 1:] for n in LEVERS)
    assert np.allclose(total_a[:, 1:], a["gdp_real_yoy"][:, 2:])
