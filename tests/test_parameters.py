"""The parameter registry: every parameter documented, bounded and replaceable without mutation."""

import numpy as np
import pytest

from model.core.errors import UserError
from model.core.parameters import Prior
from model.inputs.estimates import trend_estimate
from model.inputs.registry import default_params, registry


def test_every_parameter_has_a_unit_bounds_and_a_source():
    for p in registry():
        assert p.unit, p.name
        assert p.source and len(p.source) > 8, p.name
        assert p.description, p.name
        lo, hi = p.bounds
        assert lo <= p.value <= hi, p.name
        if p.prior is not None:
            assert lo <= p.prior.mean <= hi, p.name
            assert p.prior.sd > 0, p.name
            assert p.prior.source, p.name


def test_sources_say_where_or_assumption():
    # a default comes from a citation, an estimate, a calibration, a derivation, or says "assumption"
    words = ("assumption", "estimated", "calibrated", "derived", "IMF", "PKU", "et al", "(", ":")
    for p in registry():
        assert any(w in p.source for w in words), (p.name, p.source)


def test_replace_returns_a_new_set_and_leaves_the_old_one():
    p = default_params()
    q = p.replace(projects_multiplier=1.2)
    assert q["projects_multiplier"] == 1.2
    assert p["projects_multiplier"] == 0.8
    assert "projects_multiplier" in q.fixed and not p.fixed
    assert hash(p) != hash(q)


def test_replace_rejects_values_outside_bounds_and_unknown_names():
    p = default_params()
    with pytest.raises(UserError, match=r"projects_multiplier: 5 is outside the bounds \[0, 3\]"):
        p.replace(projects_multiplier=5)
    with pytest.raises(UserError, match="did you mean 'projects_multiplier'"):
        p.replace(project_multiplier=1.0)
    with pytest.raises(UserError, match="expected a finite number"):
        p.replace(projects_multiplier=float("nan"))
    with pytest.raises(UserError, match="expected a whole number"):
        p.replace(relief_deferral_lag=1.5)


def test_fixing_a_calibrated_parameter_takes_it_out_of_the_calibration():
    p = default_params().replace(shock_rest_depth=10.0)
    assert "shock_rest_depth" not in p.free()
    assert "shock_digital_depth" in p.free()


def test_trend_regression_reference():
    # pooled OLS on data/observations.csv: total growth 2012-2019 (2017: H1 release) on a trend,
    # digital core 2018 (Q1-Q3 release) and 2019 on a constant
    est = trend_estimate()
    assert est.params["trend_growth_2020"] == pytest.approx(7.2036, abs=1e-4)
    assert est.params["trend_drift"] == pytest.approx(-0.2548, abs=1e-4)
    assert est.params["trend_growth_digital"] == pytest.approx(15.05, abs=1e-9)
    assert est.nobs == 10
    assert est.resid_sd == pytest.approx(0.9913, abs=1e-4)


@pytest.mark.parametrize("dist", ["normal", "beta", "uniform"])
def test_prior_draws_stay_in_bounds_and_centre_on_the_value(dist):
    prior = Prior(dist, 0.3, 0.05)
    x = prior.sample(np.random.default_rng(1), 20_000, (0.0, 1.0), center=0.4)
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert x.mean() == pytest.approx(0.4, abs=0.01)
    assert x.std() == pytest.approx(0.05, rel=0.1)
    assert (prior.sample(np.random.default_rng(1), 5, (0.0, 1.0), scale=0.0) == 0.3).all()


def test_the_registry_built_afresh_from_the_data_is_the_documented_one():
    # collect() rebuilt without the caches (blocks' parameters(...) run again): every value, unit,
    # bound, prior, role, block and source as in docs/parameters.md, and the parameters solved per draw
    from pathlib import Path

    from model.cli.app import params_markdown
    from model.core.parameters import ParameterSet, Registry
    from model.inputs.data import load_data
    from model.inputs.estimates import fit_trend
    from model.inputs.registry import collect
    from model.inputs.run_trend import TREND_ESTIMATOR, fit_run_trend

    data = load_data()
    fresh = Registry(tuple(collect(data, fit_trend(data), fit_run_trend.__wrapped__(TREND_ESTIMATOR))))
    params = ParameterSet(fresh, tuple(float(p.value) for p in fresh))
    assert params_markdown(params) in Path("docs/parameters.md").read_text(encoding="utf-8")
    assert fresh.per_draw == ("shock_digital_depth", "shock_digital_decay", "shock_rest_depth", "deflator_h1",
                              "revenue_h1_residual")
    assert all(p.description for p in fresh)


def test_every_parameter_states_why_its_bounds_are_what_they_are(capsys):
    # issue 12, item 2: the reason is in the registry and in `params` (csv, markdown, table)
    import csv
    import io

    from model.cli.app import main
    from model.core.parameters import Parameter
    from model.inputs.registry import default_params

    params = default_params()
    assert all(p.bounds_reason.strip() for p in params.registry)
    with pytest.raises(TypeError):  # required: no default
        Parameter("x", 0.5, "share", (0.0, 1.0), source="s", description="d", block="b")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="bounds need a reason"):
        Parameter("x", 0.5, "share", (0.0, 1.0), source="s", description="d", block="b", bounds_reason=" ")

    assert main(["params", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["name"] for r in rows] == list(params.registry.names)
    assert all(r["bounds_reason"] == params.registry[r["name"]].bounds_reason for r in rows)
    assert main(["params", "--format", "markdown"]) == 0
    assert "| bounds_reason |" in capsys.readouterr().out.splitlines()[0]
    assert main(["params"]) == 0
    assert "bounds_reason" in capsys.readouterr().out
