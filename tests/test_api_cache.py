"""The API path's caches (issue 13): history and scenario inputs built once, as immutable data."""

from __future__ import annotations

import numpy as np
import pytest

import model


def test_scenario_inputs_are_cached_and_read_only() -> None:
    sc = model.load_scenario("scenarios/h2_plan.toml")
    a, b = sc.inputs(), sc.inputs()
    assert a is b
    with pytest.raises(TypeError):
        a.injections["tax_fee_relief"] = np.zeros((1, a.span.n))  # type: ignore[index]
    with pytest.raises(ValueError):
        a.injections["tax_fee_relief"][0, 0] = 1.0


def test_a_changed_scenario_gets_its_own_inputs() -> None:
    sc = model.load_scenario("scenarios/h2_plan.toml")
    bigger = sc.with_lever("tax_fee_relief", amount={"2020Q3": 320.0, "2020Q4": 160.0})
    i, j = sc.inputs(), bigger.inputs()
    q3 = i.span.index("2020Q3")
    assert j.injections["tax_fee_relief"][0, q3] - i.injections["tax_fee_relief"][0, q3] == pytest.approx(160.0)
    assert np.array_equal(i.injections["major_projects"], j.injections["major_projects"])


def test_repeated_runs_give_the_same_frames() -> None:
    sc = model.load_scenario("scenarios/h2_plan.toml")
    first = model.run(sc).quarterly
    second = model.run(sc).quarterly
    assert first.equals(second)
    assert first.index.name == "period"
    assert str(first.index[0]) == "2019Q1" and str(first.index[-1]) == sc.horizon
