"""The run's trend: the estimator the backtest's record chooses, fitted as the backtest fits it."""

from __future__ import annotations

import numpy as np
import pytest

from model.inputs.record import RUN_METHOD, load_record
from model.inputs.registry import registry
from model.inputs.releases import load_releases
from model.inputs.run_trend import (
    TREND_ESTIMATOR,
    anchor_for,
    choose,
    fit_run_trend,
    run_trend,
    stored_trend_entry,
    trend_history,
)


def test_the_default_run_uses_the_estimator_the_record_chooses():
    record = load_record()
    assert TREND_ESTIMATOR == RUN_METHOD == record["chosen"] == choose(record) == "anchored"
    fit = run_trend()
    reg = registry()
    assert reg["trend_growth_2020"].value == pytest.approx(round(fit.mean[0], 3))
    assert reg["trend_drift"].value == pytest.approx(round(fit.mean[1] - fit.mean[0], 3))
    assert reg["trend_growth_2020"].prior.sd == pytest.approx(round(fit.se[0], 3))
    assert "anchored" in reg["trend_growth_2020"].source


def test_the_choice_rule_ties_then_prefers_anchors_then_parsimony():
    rec = {"methods": {m: {"all": {"H1": {"crps": c}}} for m, c in
                       (("mean_recent", 0.300), ("anchored", 0.304), ("llt", 0.301), ("ols_drift", 0.5))}}
    assert choose(rec) == "anchored"  # within the tie of the best: the published anchor wins
    rec["methods"]["anchored"]["all"]["H1"]["crps"] = 0.31
    assert choose(rec) == "mean_recent"  # out of the tie; among the tied, fewer parameters
    rec["methods"]["mean_recent"]["all"]["H1"]["crps"] = 0.4
    assert choose(rec) == "llt"


def test_the_anchored_trend_by_hand():
    from model.inputs.trend_estimators import ANCHOR_SD, fit_trend

    rel = load_releases(as_of="2020Q2")
    # anchor: China's pre-COVID 2020 target (around 6) plus Hangzhou's 2019 premium (6.8 - 6.1)
    assert anchor_for(rel, "hangzhou", 2020) == pytest.approx(6.0 + (6.8 - 6.1))
    hist, standins = trend_history(rel, "hangzhou", "gdp_real_growth_ytd", 2020)
    # 2017 (index 9 from 2008) has no full-year release: its H1 8.1 plus the mean FY - H1 change
    diffs = []
    for r in ("china", "zhejiang", "hangzhou"):
        fy, h1 = rel.series(r, "gdp_real_growth_ytd", "FY"), rel.series(r, "gdp_real_growth_ytd", "H1")
        diffs += [fy[y] - h1[y] for y in h1.index if y in fy.index and y < 2020]
    assert [i for i, _ in standins] == [2017 - 2008]
    assert hist[9] == pytest.approx(8.1 + np.mean(diffs))
    assert standins[0][1] == pytest.approx(np.std(diffs, ddof=1))
    llt = fit_trend("llt", hist)
    bumped = hist.copy()
    bumped[9] += 1.0
    sens = np.subtract(fit_trend("llt", bumped).mean, llt.mean)
    se1 = np.hypot(llt.se[0], sens[0] * standins[0][1])
    w = ANCHOR_SD**2 / (ANCHOR_SD**2 + se1**2)
    fit = fit_run_trend("anchored")
    assert fit.mean[0] == pytest.approx(w * llt.mean[0] + (1 - w) * 6.7, abs=1e-9)
    assert fit.se[0] == pytest.approx(np.sqrt(w) * se1, abs=1e-9)
    assert fit.mean[1] - fit.mean[0] == pytest.approx(llt.mean[1] - llt.mean[0], abs=1e-9)
    # the unpooled se of the statistical trend alone, and the 2020 trend below the OLS rule's 7.20
    assert 0.6 < se1 < 0.8 and 6.6 < fit.mean[0] < 6.9


def test_the_stored_trend_is_the_fresh_fit():
    stored = load_record()["run_trend"]
    fresh = stored_trend_entry()
    assert stored == fresh  # same releases digest, same numbers: refit by backtest --update-record


def test_the_rest_of_the_economy_does_not_accelerate_on_trend():
    """Rest-of-economy trend growth in 2020 is below its own 2019 outturn (the OLS rule had 4.63
    against 4.33; REVIEW section 3.1)."""
    from model.inputs.base import base

    b, reg = base(), registry()
    w = b.digital_share_2019
    g, gd = reg["trend_growth_2020"].value / 100, reg["trend_growth_digital"].value / 100
    rest_2020 = ((1 + g) - w * (1 + gd)) / (1 - w) - 1
    rest_2019 = (1 - w) / (1 / (1 + b.gdp_real_growth_2019) - w / (1 + b.digital_real_growth_2019)) - 1
    assert 100 * rest_2019 == pytest.approx(4.33, abs=0.01)
    assert rest_2020 < rest_2019


def test_a_scenario_names_another_trend_estimator_and_still_meets_h1(tmp_path):
    import model
    from model.core.errors import UserError
    from model.inputs.scenario import load_scenario

    path = tmp_path / "mr.toml"
    path.write_text('name = "mr"\ntrend_estimator = "mean_recent"\n', encoding="utf-8")
    sc = load_scenario(path)
    res = model.run(sc)
    mr = run_trend("mean_recent")
    assert res.params["trend_growth_2020"] == pytest.approx(round(mr.mean[0], 3))
    assert res.params["trend_drift"] == pytest.approx(0.0)
    base = model.run("scenarios/baseline.toml")
    assert base.params["trend_growth_2020"] == pytest.approx(round(run_trend().mean[0], 3))
    assert res.calibration.ok and res.calibration.fit.error.abs().max() < 1e-4  # 亿元 and %
    path.write_text('name = "bad"\ntrend_estimator = "hp_filter"\n', encoding="utf-8")
    with pytest.raises(UserError, match="trend_estimator.*expected one of ols_drift"):
        load_scenario(path)


def test_the_chosen_methods_pre_2020_bands_cover_80_to_97_percent():
    rec = load_record()["methods"][RUN_METHOD]["all"]
    for stage in ("all", "H1"):
        assert 0.80 <= rec[stage]["coverage90"] <= 0.97
    assert rec["H1"]["n"] == 27 and rec["all"]["n"] == 72
    assert load_record()["crisis_rmse_ratio"] > 1.5  # crisis years err more: the fan is a normal-year fan
