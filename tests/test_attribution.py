"""Shapley attribution: exact adding-up for every scenario, indicator and period; the Shapley
axioms on toy games; linearity where the model is linear; one batched simulation."""

from itertools import permutations
from math import factorial
from pathlib import Path

import numpy as np
import pytest
from conftest import SHIPPED_SCENARIOS

import model
import model.analysis.attribution as attribution
from model.analysis.attribution import PARAMETERS, SHOCKS, attribute, coalitions, shapley_weights
from model.analysis.compare import compare

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = SHIPPED_SCENARIOS
LEVER_NAMES = ("tax_fee_relief", "major_projects", "consumption_events")


@pytest.fixture(scope="module")
def baseline() -> model.Results:
    return model.run("scenarios/no_new_measures.toml")  # all three levers differ from it


def _assert_adds_up(c, atol=1e-9):
    """baseline + sum of contributions == scenario, for every indicator and reported period."""
    a = c.attribution
    qi = a.span.periods.get_indexer(c.quarters)
    yi = a.years.get_indexer(c.years)
    for annual, idx, s, b in ((False, qi, c.scenario.quarterly.loc[c.quarters], c.baseline.quarterly.loc[c.quarters]),
                              (True, yi, c.scenario.annual.loc[c.years], c.baseline.annual.loc[c.years])):
        contrib = a.annual if annual else a.quarterly
        for var in s.columns:
            total = b[var].to_numpy() + contrib[var][:, idx].sum(axis=0)
            np.testing.assert_allclose(total, s[var].to_numpy(), rtol=0, atol=atol, err_msg=f"{var} annual={annual}")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_baseline_plus_contributions_is_the_scenario_for_every_scenario_and_period(path, baseline):
    c = compare(model.run(path), baseline)
    _assert_adds_up(c)
    # and the long files agree: contributions.csv sums to comparison.csv's difference
    frame = c.frame().set_index(["period", "variable"])
    contrib = c.contributions().groupby("period")[["gdp_real_yoy_ytd_pp", "revenue_ytd"]].sum()
    for period in contrib.index:
        ytd = "Q" in period
        g = frame.loc[(period, "gdp_real_yoy_ytd" if ytd else "gdp_real_yoy"), "difference"]
        r = frame.loc[(period, "revenue_ytd" if ytd else "revenue"), "difference"]
        assert contrib.loc[period, "gdp_real_yoy_ytd_pp"] == pytest.approx(g, abs=1e-9)
        assert contrib.loc[period, "revenue_ytd"] == pytest.approx(r, abs=1e-9)


def test_players_are_the_levers_that_differ_then_shocks(baseline):
    assert attribute(model.run("scenarios/h2_plan.toml"), baseline).players == LEVER_NAMES
    assert attribute(model.run("scenarios/second_wave.toml"), baseline).players == (*LEVER_NAMES, SHOCKS)
    # against the plan, the second wave differs only by its shock: the levers are no players
    assert attribute(model.run("scenarios/second_wave.toml"), model.run("scenarios/h2_plan.toml")).players == (SHOCKS,)
    # the H1 2020 history is in both runs and never a player
    assert attribute(baseline, baseline).players == ()


@pytest.fixture(scope="module")
def overridden(tmp_path_factory) -> Path:
    """A scenario that changes levers, shocks and parameters, including a whole-number one, and a
    nonlinear revenue (buoyancy above one)."""
    path = tmp_path_factory.mktemp("sc") / "overridden.toml"
    path.write_text(
        f'extends = "{ROOT / "scenarios" / "second_wave.toml"}"\n'
        "[parameters]\ntax_buoyancy = 1.4\nrelief_deferral_lag = 3\nprojects_multiplier = 1.1\n",
        encoding="utf-8",
    )
    return path


def test_exact_with_parameter_overrides_and_a_whole_number_parameter(overridden, baseline):
    c = compare(model.run(overridden), baseline)
    assert c.players == (*LEVER_NAMES, SHOCKS, PARAMETERS)
    _assert_adds_up(c)


def test_shapley_sums_exactly_where_one_at_a_time_does_not(overridden, baseline):
    """With a buoyancy of 1.4 revenue is not additive in the measures: switching each player on
    alone leaves a residual, the Shapley values none."""
    c = compare(model.run(overridden), baseline)
    a = c.attribution
    v = a.values_annual["revenue"]
    p = len(a.players)
    alone = np.array([v[1 << i] - v[0] for i in range(p)]).sum(axis=0)
    full = v[-1] - v[0]
    years = a.years.get_indexer(c.years)
    assert np.max(np.abs(alone[years] - full[years])) > 0.01  # 亿元: the interactions are real
    np.testing.assert_allclose(a.annual["revenue"][:, years].sum(axis=0), full[years], rtol=0, atol=1e-9)


def test_shapley_weights_reproduce_the_definition_on_a_random_game():
    """phi_i is the average over the p! orders of i's marginal contribution (the definition)."""
    rng = np.random.default_rng(3)
    p = 4
    v = rng.normal(size=2**p)
    m = coalitions(p)
    index = {tuple(row): r for r, row in enumerate(m)}
    phi = shapley_weights(p) @ (v - v[0])
    expected = np.zeros(p)
    for order in permutations(range(p)):
        members = np.zeros(p, dtype=bool)
        for i in order:
            before = v[index[tuple(members)]]
            members[i] = True
            expected[i] += v[index[tuple(members)]] - before
    np.testing.assert_allclose(phi, expected / factorial(p), rtol=0, atol=1e-12)
    assert phi.sum() == pytest.approx(v[-1] - v[0], abs=1e-12)


def test_shapley_axioms_on_toy_games():
    m = coalitions(3)
    w = shapley_weights(3)
    np.testing.assert_allclose(w.sum(axis=1), 0.0, atol=1e-15)  # a constant is nobody's
    # additive game: each player gets its own effect; a null player gets zero
    effect = np.array([1.5, -2.0, 0.0])
    np.testing.assert_allclose(w @ (m @ effect), effect, atol=1e-12)
    # two-player game v(A)=1, v(B)=2, v(AB)=5: the interaction 2 is split equally
    np.testing.assert_allclose(shapley_weights(2) @ np.array([0.0, 1.0, 2.0, 5.0]), [2.0, 3.0])
    # no players: no contributions
    assert shapley_weights(0).shape == (0, 1)


def test_doubling_a_lever_doubles_its_contribution_where_the_model_is_linear(baseline):
    """Major projects add real value added linearly (the deflator does not depend on levers), and
    2020 real growth is that value added over the unaffected 2019 base."""
    h2 = model.load_scenario("scenarios/h2_plan.toml")
    one = compare(model.run(h2), baseline).attribution
    two = compare(model.run(h2.scaled("major_projects", 2.0)), baseline).attribution
    j = LEVER_NAMES.index("major_projects")
    np.testing.assert_allclose(two.quarterly["gdp_real"][j], 2 * one.quarterly["gdp_real"][j], rtol=1e-12, atol=1e-9)
    in_2020 = one.span.years == 2020
    np.testing.assert_allclose(two.quarterly["gdp_real_yoy_ytd"][j, in_2020],
                               2 * one.quarterly["gdp_real_yoy_ytd"][j, in_2020], rtol=1e-12, atol=1e-12)
    # the other levers' contributions to real GDP are untouched
    for k in (0, 2):
        np.testing.assert_allclose(two.quarterly["gdp_real"][k], one.quarterly["gdp_real"][k], rtol=1e-12, atol=1e-9)


def test_all_coalitions_run_in_one_simulation(monkeypatch, baseline, overridden):
    calls = []

    def counting(theta, inputs):
        calls.append(next(iter(inputs.injections.values())).shape[0])
        return original(theta, inputs)

    original = attribution.simulate
    monkeypatch.setattr(attribution, "simulate", counting)
    attribute(model.run("scenarios/second_wave.toml"), baseline)
    assert calls == [16]  # 2**4 coalitions, one call
    calls.clear()
    attribute(model.run(overridden), baseline)
    assert calls == [32]  # 2**5 coalitions, one call, although the deferral lag (a whole number) differs


def test_contributions_are_read_only(baseline):
    a = attribute(model.run("scenarios/h2_plan.toml"), baseline)
    with pytest.raises(ValueError):
        a.quarterly["gdp_real"][0, 0] = 1.0
