"""The fused-numpy reference of ``benchmarks/reference.py`` computes the numbers of ``simulate`` (issue 13)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import model
from model.analysis.sampling import own_innovations, own_noise
from model.analysis.uncertainty import draw_innovations, draw_parameters, forecast_gap
from model.core.simulate import as_theta, simulate
from model.inputs.scenario import UncertaintyTable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from reference import reference_simulate


@pytest.mark.parametrize("name", ["h2_plan", "second_wave"])
def test_reference_equals_simulate_on_draws(name: str) -> None:
    res = model.run(f"scenarios/{name}.toml")
    n = 500
    theta = as_theta({**{k: np.full((1, 1), v) for k, v in res.params.theta().items()},
                      **draw_parameters(res.params, n, seed=7)})
    inputs = res.scenario.inputs()
    noise = forecast_gap(res.params, UncertaintyTable(), draw_innovations(n, inputs.span, seed=7), inputs.span)
    own = own_noise(res.params, UncertaintyTable(), own_innovations(n, inputs.span, seed=7), inputs.span)
    inputs = replace(inputs, noise=noise, **own)
    ours, ref = simulate(theta, inputs), reference_simulate(theta, inputs)
    assert set(ours) == set(ref)
    for k in ours:
        assert ours[k].shape == ref[k].shape == (n, inputs.span.n)
        np.testing.assert_allclose(ref[k], ours[k], rtol=1e-13, atol=0, equal_nan=True, err_msg=k)
