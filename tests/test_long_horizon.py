"""A long horizon with draws stays finite (issue: ``revenue_cit`` went NaN after about 2031).

On 128 quarters, draws whose total trend falls (a negative drift) while the digital core keeps its
15% trend make the rest's value added, and its profits, negative; a negative base to the CIT
buoyancy power was NaN.  Revenue's bases are floored at 1% of 2019's
(:data:`model.core.blocks.revenue.BASE_FLOOR`)."""

from __future__ import annotations

import numpy as np
import pytest

import model
from model.analysis.sampling import draw_parameters
from model.core.blocks import revenue
from model.core.periods import Span
from model.core.simulate import Inputs, as_theta, simulate
from model.inputs.history import history_inputs


def test_128_quarters_of_draws_keep_revenue_finite():
    res = model.run("scenarios/h2_plan.toml")
    span = Span(2018, 2049)
    hist = history_inputs(span)
    theta = as_theta({**{k: np.full((1, 1), v) for k, v in res.params.theta().items()},
                      **draw_parameters(res.params, 2000, seed=13)})
    out = simulate(theta, Inputs(span, hist.base, hist.injections))
    rest_negative = (out["rest_real"][:, 8:] < 0).any(axis=1)
    assert rest_negative.any()  # the case the floor is for does occur
    for key in ("revenue", "revenue_cit", "nontax_revenue", "tax_revenue"):
        assert np.isfinite(out[key][:, 4:]).all(), key


def test_the_floor_by_hand():
    """CIT = s R19 (w max(D/D19, f) + (1 - w) max(Rest/Rest19, f))**b: a quarter whose rest turns
    negative collects on the floor f for the rest's part; quarters above the floor are untouched."""
    span = Span(2018, 2020)
    n_t = span.n
    b = history_inputs(span).base
    theta = {k: np.full((1, 1), v) for k, v in model.default_params().theta().items()}
    theta["cit_digital_weight"] = np.full((1, 1), 0.4)
    theta["cit_buoyancy"] = np.full((1, 1), 1.3)
    gdp = np.full((1, n_t), 100.0)
    digital = np.full((1, n_t), 25.0)
    gdp[0, -1] = 20.0  # 2020Q4: the rest is 20 - 25 = -5, against 75 in 2019Q4
    rev19 = np.full((1, 4), 10.0)
    parts = revenue.revenue(theta, b, rev19, gdp, digital, {}, span)
    share = revenue.tax_shares(theta, b.tax_share_2019)["cit"][0, 0]
    expected_q4 = share * 10.0 * (0.4 * 1.0 + 0.6 * revenue.BASE_FLOOR) ** 1.3
    assert parts["cit"][0, -1] == pytest.approx(expected_q4, rel=1e-12)
    assert parts["cit"][0, -2] == pytest.approx(share * 10.0, rel=1e-12)  # ratio 1: untouched
