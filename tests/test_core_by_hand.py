"""Core equations checked against effects derived by hand (written to kill the mutants that
``tools/mutation.sh`` found surviving).  Each test states the formula it checks."""

import numpy as np
import pytest

from model.core.blocks import prices, shock, trend
from model.core.blocks.base_year import Base
from model.core.blocks.shock import ShockSpec
from model.core.indicators import annual, quarterly
from model.core.levers import LEVER_TYPES, REGISTRY, _index
from model.core.levers.consumption_events import ConsumptionEvents
from model.core.levers.major_projects import MajorProjects, MajorProjectsConfig
from model.core.periods import Span
from model.core.simulate import as_theta

SPAN = Span(2018, 2021)  # 16 quarters, 2020Q1 is index 8
ZERO_COVID = {
    "shock_digital_depth": 0.0, "shock_digital_decay": 0.5, "shock_rest_depth": 0.0, "shock_rest_decay": 0.5,
    "shock_rest_persistent": 0.0, "shock_digital_persistent": 0.0, "shock_persistent_decay": 0.9,
}


def test_a_scenario_shock_hits_only_its_sector_and_noise_hits_both():
    # gap_s = depth * decay**k / 100 from the shock's start, in the sectors it names
    theta = as_theta(ZERO_COVID)
    k = np.arange(SPAN.n) - SPAN.index("2020Q4")
    expected = np.where(k >= 0, 10.0 * 0.5 ** np.maximum(k, 0), 0.0) / 100.0
    for sector, (on_d, on_r) in {"digital": (1, 0), "rest": (0, 1), "both": (1, 1)}.items():
        d, r = shock.gaps(theta, SPAN, [ShockSpec("s", "2020Q4", 10.0, sector, 0.5)])
        assert np.allclose(d[0], on_d * expected) and np.allclose(r[0], on_r * expected), sector
    noise = np.linspace(0.0, 3.0, SPAN.n)[None, :]
    d, r = shock.gaps(theta, SPAN, noise=noise)
    assert np.allclose(d, noise / 100.0) and np.allclose(r, noise / 100.0)


def test_the_deflator_path_after_h1_by_hand():
    # pi_q = h1 up to 2020Q2, then lr + (h1 - lr) psi**k for the k-th quarter after 2020Q2;
    # the level multiplies each quarter's (1 + pi) onto the same quarter a year earlier (2019 = 1)
    h1, lr, psi = 2.0, 1.0, 0.5
    level = prices.deflator(as_theta({"deflator_h1": h1, "deflator_long_run": lr, "deflator_persistence": psi}),
                            SPAN)[0]
    pi = {q: (h1 if k <= 0 else lr + (h1 - lr) * psi**k) / 100 for q, k in
          zip(("2020Q1", "2020Q2", "2020Q3", "2020Q4", "2021Q1", "2021Q2"), range(-1, 5), strict=True)}
    assert np.isnan(level[:4]).all() and np.allclose(level[4:8], 1.0)
    for q in ("2020Q1", "2020Q2", "2020Q3", "2020Q4"):
        assert level[SPAN.index(q)] == pytest.approx(1 + pi[q], rel=1e-12)
    assert level[SPAN.index("2021Q1")] == pytest.approx((1 + pi["2020Q1"]) * (1 + pi["2021Q1"]), rel=1e-12)
    assert level[SPAN.index("2021Q2")] == pytest.approx((1 + pi["2020Q2"]) * (1 + pi["2021Q2"]), rel=1e-12)


def test_trend_growth_drifts_by_year():
    # total trend growth in year y is a + b (y - 2020): 2021 grows at a + b over 2020
    b = Base(1000.0, 0.06, 200.0, 0.15, 100.0, 0.05, 50.0, 0.9, 600.0, 0.08)
    theta = as_theta({"trend_growth_2020": 6.0, "trend_drift": -0.5, "trend_growth_digital": 12.0})
    digital, rest = trend.levels(theta, b, np.full((1, 4), 250.0), SPAN)
    total = (digital + rest)[0]
    assert total[SPAN.index("2020Q1")] / total[SPAN.index("2019Q1")] == pytest.approx(1.06)
    assert total[SPAN.index("2021Q1")] / total[SPAN.index("2020Q1")] == pytest.approx(1.055)
    assert digital[0, SPAN.index("2021Q3")] / digital[0, SPAN.index("2020Q3")] == pytest.approx(1.12)


def _paths(n: int = SPAN.n) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    keys = ("gdp_real", "digital_real", "rest_real", "trend_real", "gdp", "digital", "deflator", "revenue",
            "tax_revenue", "nontax_revenue", "gap_digital", "gap_rest", "retail",
            "revenue_vat", "revenue_cit", "revenue_pit", "revenue_property", "revenue_other_tax")
    return {k: 100 + rng.random((1, n)) * 10 for k in keys}


def test_indicator_gaps_are_percent_and_annual_growth_is_over_the_year_before():
    p = _paths()
    q, a = quarterly(p), annual(p)
    assert np.allclose(q["gap_digital"], 100 * p["gap_digital"]) and np.allclose(q["gap_rest"], 100 * p["gap_rest"])
    year = {k: p[k][0].reshape(-1, 4).sum(axis=1) for k in ("rest_real", "gdp", "gdp_real")}
    assert np.allclose(a["rest_real_yoy"][0, 1:], 100 * (year["rest_real"][1:] / year["rest_real"][:-1] - 1))
    defl = year["gdp"] / year["gdp_real"]
    assert np.allclose(a["deflator_yoy"][0, 1:], 100 * (defl[1:] / defl[:-1] - 1))


def test_a_ramp_programme_spends_one_two_three():
    cfg = MajorProjectsConfig(total=60.0, spent_share=0.0, start="2020Q3", end="2021Q1", profile="ramp")
    assert cfg.schedule() == pytest.approx({"2020Q3": 10.0, "2020Q4": 20.0, "2021Q1": 30.0})
    assert MajorProjectsConfig(total=30.0, spent_share=0.0, start="2020Q3", end="2020Q4").schedule() == pytest.approx(
        {"2020Q3": 15.0, "2020Q4": 15.0})
    # the default takes 30% of a lifetime total as spent before the start
    assert MajorProjectsConfig(total=30.0, start="2020Q3", end="2020Q4").schedule() == pytest.approx(
        {"2020Q3": 10.5, "2020Q4": 10.5})
    assert cfg.scaled(2.0).schedule()["2021Q1"] == pytest.approx(60.0)  # start, end, profile not scaled


def test_major_projects_transmission_by_hand():
    # gdp = multiplier * local * lag(additionality * x / deflator); digital = share * gdp
    theta = as_theta({"projects_additionality": 0.5, "projects_multiplier": 0.8, "projects_local_content": 0.5,
                      "projects_lag_decay": 0.0, "projects_budget_share": 0.2, "projects_digital_share": 0.25})
    x = np.zeros((1, 8))
    x[0, 2] = 100.0
    deflator = np.full((1, 8), 1.25)
    eff = MajorProjects.transmit(x, theta, deflator)
    gdp = 0.8 * 0.5 * 0.5 * 100.0 / 1.25  # no lag: all in the quarter of spending
    assert eff.gdp_real_digital[0, 2] == pytest.approx(0.25 * gdp)
    assert eff.gdp_real_rest[0, 2] == pytest.approx(0.75 * gdp)
    assert eff.cost[0, 2] == pytest.approx(0.2 * 0.5 * 100.0)


def test_vouchers_pull_spending_from_the_next_quarter():
    # net_t = s_t - pull * s_{t-1} with s = leverage * redemption * x; gdp = va * net / deflator
    theta = as_theta({"voucher_redemption": 0.5, "voucher_leverage": 4.0, "voucher_pull_forward": 0.25,
                      "consumption_va_share": 0.5, "consumption_digital_share": 0.0})
    x = np.zeros((1, 6))
    x[0, 1] = 10.0
    eff = ConsumptionEvents.transmit(x, theta, np.ones((1, 6)))
    s = 4.0 * 0.5 * 10.0
    assert eff.gdp_real_rest[0, 1] == pytest.approx(0.5 * s)
    assert eff.gdp_real_rest[0, 2] == pytest.approx(-0.5 * 0.25 * s)
    assert eff.gdp_real_rest[0, 3] == 0.0


def test_the_lever_registry_is_the_explicit_tuple():
    assert list(REGISTRY) == [t.name for t in LEVER_TYPES] == ["tax_fee_relief", "major_projects",
                                                               "consumption_events"]
    with pytest.raises(ValueError, match="declared twice: \\['major_projects'\\]"):
        _index((*LEVER_TYPES, MajorProjects))


def test_a_lever_absent_from_the_paths_does_not_hide_the_next_ones():
    p = _paths()
    p.update({f"consumption_events_{k}": np.ones((1, SPAN.n)) for k in ("gdp_real", "revenue_direct", "cost",
                                                                       "injection")})
    assert "consumption_events_gdp_real_yoy_ytd_pp" in quarterly(p)  # the first two levers are absent
    assert "consumption_events_gdp_real_yoy_pp" in annual(p)


def test_indicator_names_fill_in_every_lever_and_periods_read_in_any_case():
    from model.core.indicators import names, split_at

    q = names(annual=False)
    assert {f"{n}_gdp_real" for n in REGISTRY} <= set(q) and not any("<lever>" in c for c in q)
    assert split_at("gdp_real_yoy_ytd@2020q4") == ("gdp_real_yoy_ytd", "2020Q4")
    for bad in ("@2020", "gdp_real_yoy@", "gdp_real_yoy 2020"):
        with pytest.raises(ValueError, match="expected VARIABLE@PERIOD"):
            split_at(bad)


def test_a_period_at_either_end_of_the_window_is_inside_it():
    import pandas as pd

    from model.core.indicators import At

    first, last = pd.Period("2020Q3", "Q"), pd.Period("2021Q4", "Q")
    At("gdp_real_yoy_ytd", "2020Q3").check(first=first, last=last)
    At("gdp_real_yoy_ytd", "2021Q4").check(first=first, last=last)
    for outside in ("2020Q2", "2022Q1"):
        with pytest.raises(ValueError, match=f"quarter {outside} is outside 2020Q3 to the horizon 2021Q4"):
            At("gdp_real_yoy_ytd", outside).check(first=first, last=last)
    with pytest.raises(ValueError, match="it is a calendar-year variable: give a year like 2020"):
        At("rest_real_yoy", "2020Q4").check(first=first, last=last)


def test_the_forecast_gap_needs_one_ar_coefficient_across_draws():
    # u_t = a u_{t-1} + sigma e_t from the start; rows with the same a are fine, different a is an error
    theta = as_theta({"shock_ar": np.full(3, 0.5), "shock_annual_sd": 1.0})
    e = np.zeros((3, SPAN.n))
    e[:, SPAN.index("2020Q3")] = 1.0
    u = shock.stochastic_gap(theta, e, SPAN, "2020Q3")
    sigma = float(shock.innovation_sd(1.0, 0.5))
    i = SPAN.index("2020Q3")
    assert np.allclose(u[:, i : i + 3], sigma * np.array([1.0, 0.5, 0.25]))
    with pytest.raises(ValueError, match="shock_ar must be the same in every draw"):
        shock.stochastic_gap(as_theta({"shock_ar": [0.5, 0.6], "shock_annual_sd": 1.0}), e[:2], SPAN, "2020Q3")


def test_a_programme_of_one_yuan_is_still_spent():
    cfg = MajorProjectsConfig(total=1.0, start="2020Q3", end="2020Q3", spent_share=0.0)
    assert cfg.schedule() == {"2020Q3": 1.0}
    # net of what was spent before the start: 30% of the lifetime total by default (issue 10)
    assert MajorProjectsConfig(total=1.0, start="2020Q3", end="2020Q3").schedule() == {"2020Q3": 0.7}
