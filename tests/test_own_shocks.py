"""Forecast shocks of their own for revenue and the digital core (issues 9 section 5, 10 section 3):
their effect derived by hand, their streams, their size estimated without look-ahead."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import model
from model.analysis import sampling
from model.analysis.sampling import draw_innovations, own_innovations, own_noise
from model.analysis.uncertainty import simulate_draws
from model.core.blocks import base_year, shock, trend
from model.core.simulate import simulate
from model.inputs.registry import default_params
from model.inputs.releases import load_releases
from model.inputs.revenue_shock import fit_revenue_shock
from model.inputs.scenario import UncertaintyTable

SCENARIO = "scenarios/h2_plan.toml"


@pytest.fixture(scope="module")
def point():
    res = model.run(SCENARIO)
    theta = {k: np.full((1, 1), v) for k, v in res.params.theta().items()}
    return res, theta, res.scenario.inputs()


def _pulse(span, quarter: str, size: float = 1.0) -> np.ndarray:
    e = np.zeros((1, span.n))
    e[0, span.index(quarter)] = size
    return e


def test_revenue_shock_by_hand(point):
    """A unit innovation in 2020Q3 with sd s (annual pp) and AR a: the shock is
    r_k = s / f(a) * a**k percent in the k-th quarter after (f the annual-growth factor of an AR(1),
    sqrt(c'Rc) with c = (-1/4 x 4, 1/4 x 4) over eight quarters), and every component's collection
    from its base is multiplied by 1 + r / 100; the levers' direct effects are not."""
    res, theta, inputs = point
    span = inputs.span
    p = res.params.replace(revenue_shock_annual_sd=4.0, revenue_shock_ar=0.6)  # not the 0.8 of shock_ar
    # f(a) by hand: R_ij = a^|i-j| / (1 - a^2)
    a = 0.6
    c = np.r_[np.full(4, -0.25), np.full(4, 0.25)]
    lag = np.abs(np.subtract.outer(np.arange(8), np.arange(8)))
    f = np.sqrt(c @ (a**lag / (1 - a**2)) @ c)
    noise = own_noise(p, UncertaintyTable(), {"revenue": _pulse(span, "2020Q3")}, span)["revenue_noise"]
    i = span.index("2020Q3")
    expected = np.zeros(span.n)
    expected[i:] = 4.0 / f * a ** np.arange(span.n - i)
    np.testing.assert_allclose(noise[0], expected, rtol=1e-12)
    th = {**theta, "revenue_shock_annual_sd": np.full((1, 1), 4.0), "revenue_shock_ar": np.full((1, 1), 0.6)}
    base, shocked = simulate(th, inputs), simulate(th, replace(inputs, revenue_noise=noise))
    # PIT has no lever effect: it is its base's collection times 1 + r / 100
    np.testing.assert_allclose(shocked["revenue_pit"], base["revenue_pit"] * (1 + expected / 100.0), rtol=1e-12)
    # the whole: revenue moves by its collection from the bases times r, the levers' direct effects unmoved
    lever_direct = sum(base[f"{lv}_revenue_direct"] for lv in ("tax_fee_relief", "major_projects", "consumption_events"))
    np.testing.assert_allclose(shocked["revenue"] - lever_direct,
                               (base["revenue"] - lever_direct) * (1 + expected / 100.0), rtol=1e-9, atol=1e-9)
    # nothing else moves; H1 2020 and before are untouched
    for key in ("gdp", "gdp_real", "digital_real", "retail"):
        np.testing.assert_array_equal(shocked[key], base[key])
    np.testing.assert_array_equal(shocked["revenue"][:, :i], base["revenue"][:, :i])


def test_digital_shock_by_hand(point):
    """The core's own gap v (percent of its trend) takes TD * v / 100 off the core and adds the same
    to the rest (its gap moves by -v TD / TR), times the property factor of the rest: total real GDP
    is unchanged wherever that factor is 1 (2020 H2, H2 transactions at H1's pace)."""
    res, theta, inputs = point
    span = inputs.span
    p = res.params.replace(digital_shock_annual_sd=3.0, digital_shock_ar=0.5)
    noise = own_noise(p, UncertaintyTable(), {"digital": _pulse(span, "2020Q3")}, span)["digital_noise"]
    i = span.index("2020Q3")
    sigma = 3.0 / float(shock.growth_sd_factor(0.5))
    np.testing.assert_allclose(noise[0, i : i + 3], sigma * np.array([1.0, 0.5, 0.25]), rtol=1e-12)
    base, shocked = simulate(theta, inputs), simulate(theta, replace(inputs, digital_noise=noise))
    gdp_2019, _ = base_year.quarters_2019(theta, inputs.base)
    td, _tr = trend.levels(theta, inputs.base, gdp_2019, span)
    np.testing.assert_allclose(shocked["digital_real"] - base["digital_real"], -td * noise / 100.0, atol=1e-9)
    np.testing.assert_allclose(shocked["gdp_real"][:, i : i + 2], base["gdp_real"][:, i : i + 2], rtol=1e-12)
    assert (shocked["digital_real"][0, i] < base["digital_real"][0, i]) and (shocked["rest_real"][0, i] > base["rest_real"][0, i])


def test_own_streams_are_seeded_independent_and_chunked(monkeypatch):
    span = model.run(SCENARIO).span
    a, b = own_innovations(3000, span, seed=4), own_innovations(3000, span, seed=4)
    common = draw_innovations(3000, span, seed=4)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    i = span.index("2020Q3")
    x, y, z = a["revenue"][:, i], a["digital"][:, i], common[:, i]
    for u, v in ((x, y), (x, z), (y, z)):
        assert abs(np.corrcoef(u, v)[0, 1]) < 0.06  # 3000 draws: sd of a correlation about 0.018
    assert not a["revenue"][:, :i].any() and not a["digital"][:, :i].any()
    # the same chunking as the common gap's: the first chunk keeps the single stream's numbers
    monkeypatch.setattr(sampling, "CHUNK", 400)
    chunked = own_innovations(900, span, seed=4)
    np.testing.assert_array_equal(chunked["revenue"][:400], a["revenue"][:400])
    assert not np.array_equal(chunked["revenue"][400:800], a["revenue"][400:800])


def test_scale_and_draw_shocks_apply_to_the_own_shocks():
    p = default_params()
    span = model.run(SCENARIO).span
    e = own_innovations(50, span, seed=1)
    one = own_noise(p, UncertaintyTable(), e, span)
    two = own_noise(p, UncertaintyTable(scale=2.0), e, span)
    off = own_noise(p, UncertaintyTable(draw_shocks=False), e, span)
    for k in ("digital_noise", "revenue_noise"):
        np.testing.assert_allclose(two[k], 2 * one[k])
        assert not off[k].any() and one[k].any()


def test_monte_carlo_revenue_spreads_more_and_gdp_fan_keeps_its_size():
    d = simulate_draws(SCENARIO, draws=400, seed=2, progress=False)
    none = simulate_draws(SCENARIO, draws=400, seed=2, progress=False, scale=0.0)
    rev = d.values("revenue_yoy", "2020")
    assert np.all(np.isfinite(rev)) and rev.std() > 0.5
    assert np.allclose(none.values("revenue_yoy", "2020"), none.values("revenue_yoy", "2020")[0])
    # the own shocks are in the draws' inputs: simulate(theta, inputs()) gives the paths
    again = simulate(d.theta, d.inputs())
    np.testing.assert_array_equal(again["revenue"], d.paths["revenue"])
    assert set(d.own_innovations) == {"digital", "revenue"}


@pytest.mark.slow  # imports statsmodels: about 0.8 s
def test_revenue_shock_estimate_matches_statsmodels_and_sees_no_later_year():
    sm = pytest.importorskip("statsmodels.api")
    rel = load_releases(as_of="2020Q2")
    fit = fit_revenue_shock(rel, 2020)
    assert fit is not None and fit.n == 23 and fit.sd == pytest.approx(5.09, abs=0.005)
    rows = [(r, y, rel.value(r, "gdp_real_growth_ytd", f"{y}FY"), v)
            for r, ys in fit.years.items() for y in ys
            for v in [rel.value(r, "revenue_growth_ytd", f"{y}FY")]]
    regions = sorted({r for r, *_ in rows})
    x = np.array([[float(r == k) for k in regions] + [g] for r, _, g, _ in rows])
    ols = sm.OLS(np.array([v for *_, v in rows]), x).fit()
    assert fit.sd == pytest.approx(float(np.sqrt(ols.scale)), rel=1e-10)
    assert fit.beta == pytest.approx(float(ols.params[-1]), rel=1e-10)
    # as of a backtest case: only years before it
    early = fit_revenue_shock(rel.as_of("2014Q2"), 2014)
    assert early is not None and max(max(y) for y in early.years.values() if y) == 2013
    assert fit_revenue_shock(rel.as_of("2009Q2"), 2009) is None  # too few region-years
    assert default_params()["revenue_shock_annual_sd"] == round(fit.sd, 3)


def test_summary_and_report_state_the_three_shocks():
    from model.present.fans import _forecast_shock, report_section

    d = simulate_draws(SCENARIO, draws=100, seed=3, progress=False, scale=2.0)
    rev = _forecast_shock(d, "revenue_")
    p = d.results.params
    assert rev["annual_growth_sd"] == pytest.approx(2 * p["revenue_shock_annual_sd"])
    assert rev["innovation_sd"] == pytest.approx(2 * float(shock.innovation_sd(p["revenue_shock_annual_sd"], 0.8)))
    text = "\n".join(report_section(d))
    assert "revenue's own multiplicative shock" in text and "digital core's own gap" in text
    assert f"{2 * p['revenue_shock_annual_sd']:.3g} pp of annual revenue growth" in text
