"""The backtest: cases from the releases, re-calibration per draw, scoring, as-of invariance, CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model.analysis.backtest import Case, build_cases, method_draws
from model.analysis.scoring import score_draws
from model.analysis.track_record import run_backtest
from model.cli import main
from model.inputs.releases import RELEASES_FILE, load_releases


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_cases_cover_17_national_years_and_the_hangzhou_years_the_data_allow() -> None:
    cases = build_cases(load_releases(as_of="2020Q2"), ("gdp_real_growth",))
    china = {c.year for c in cases if c.region == "china"}
    assert china == set(range(2003, 2020))
    # Hangzhou years with an intra-year and a full-year release: 2015, 2016, 2018, 2019
    assert {c.year for c in cases if c.region == "hangzhou"} == {2015, 2016, 2018, 2019}
    h1_2019 = next(c for c in cases if (c.region, c.year, c.stage) == ("hangzhou", 2019, "H1"))
    assert (h1_2019.ytd, h1_2019.outturn) == (6.9, 6.8)  # aimsen.com/information/85203; drc.hangzhou.gov.cn


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_outturns_are_first_releases_not_revisions() -> None:
    cases = build_cases(load_releases(as_of="2020Q2"), ("gdp_real_growth",))
    c2003 = next(c for c in cases if (c.region, c.year, c.stage) == ("china", 2003, "H1"))
    assert c2003.ytd == 8.2  # first release (revised to 8.8 in July 2004)
    assert c2003.outturn == 9.1  # first release (revised to 9.3, then 9.5)


def _case(ytd: float, stage: str = "H1") -> Case:
    return Case("china", "gdp_real_growth", 2012, stage, ytd, 7.0, None, (7.0,) * 6, (), 7.0, None, None)


def test_a_release_on_trend_forecasts_the_trend_in_every_draw() -> None:
    fy, _ = method_draws([_case(7.0)], "mean_recent", 500, sigma=0.0, ar=0.5)
    np.testing.assert_allclose(fy, 7.0, atol=1e-12)


@pytest.mark.parametrize("stage", ["Q1", "H1", "Q1-Q3"])
def test_a_release_below_trend_pulls_the_year_below_trend_but_not_below_the_release(stage: str) -> None:
    fy, _ = method_draws([_case(5.0, stage)], "mean_recent", 500, sigma=0.0, ar=0.5)
    assert np.all(fy < 7.0) and np.all(fy >= 5.0 - 1e-9)


def test_innovations_widen_the_fan_more_the_earlier_the_release() -> None:
    sd = [method_draws([_case(7.0, s)], "mean_recent", 4000, sigma=1.0, ar=0.5)[0].std() for s in ("Q1", "H1", "Q1-Q3")]
    assert sd[0] > sd[1] > sd[2] > 0


def test_scores_of_draws() -> None:
    rng = np.random.default_rng(1)
    draws = rng.normal(0.0, 1.0, (3, 4000))
    s = score_draws(draws, np.array([0.0, 5.0, -5.0]))
    assert s.pit.iloc[0] == pytest.approx(0.5, abs=0.03) and s.pit.iloc[1] == 1.0 and s.pit.iloc[2] == 0.0
    # CRPS of N(0, 1) at its mean is (sqrt(2) - 1) / sqrt(pi) = 0.2337 (Gneiting & Raftery 2007)
    assert s.crps.iloc[0] == pytest.approx(0.2337, abs=0.01)
    assert s.crps.iloc[1] > s.crps.iloc[0]


@pytest.mark.slow
def test_adding_a_later_release_changes_nothing_at_an_earlier_as_of(tmp_path: Path) -> None:
    p = tmp_path / "releases.csv"
    shutil.copy(RELEASES_FILE, p)
    before = run_backtest(load_releases(p, as_of="2019Q4"), n=200, methods=("ols_drift",))
    with p.open("a", encoding="utf-8") as fh:
        fh.write("china,gdp_real_growth_ytd,2020Q1-Q3,0.7,%,first release,2020Q3,test row,\n")
        fh.write("hangzhou,gdp_real_growth_ytd,2020Q1-Q3,3.1,%,first release,2020Q3,test row,\n")
    after = run_backtest(load_releases(p, as_of="2019Q4"), n=200, methods=("ols_drift",))
    assert after.rows.to_csv() == before.rows.to_csv()
    assert after.scorecard.to_csv() == before.scorecard.to_csv()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--as-of", "H1 2020"], "error: --as-of: expected a release round written as a quarter like 2020Q2, got 'H1 2020'"),
        (["--as-of", "1999Q2"], f"error: --as-of: 1999Q2 is before the first release in {RELEASES_FILE} (2002Q4)"),
        (["--as-of", "2021Q1"], f"error: --as-of: 2021Q1 is after the last release in {RELEASES_FILE} (2020Q2)"),
        (["--draws", "10"], "error: --draws: expected a whole number of draws of at least 100, got '10'"),
    ],
)
def test_backtest_bad_options(argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bt"
    assert main(["backtest", "--out", str(out), *argv]) == 2
    assert capsys.readouterr().err.strip() == message
    assert not out.exists()


# run/calibrate --as-of: tests/test_as_of.py


def test_the_forecast_states_its_record() -> None:
    from model.analysis.results import run

    line = run("scenarios/baseline.toml").track_record()
    assert line.startswith("H1 -> full year, n = ") and "anchored trend" in line and "90% band covered" in line


def test_revenue_cases_size_their_own_shock_from_earlier_years_only() -> None:
    """sigma = sqrt(s^2 + s_Y^2) / f(ar): s the residual sd of the regression on the years before the
    case (model.inputs.revenue_shock), s_Y the method's GDP annual sd; NaN with too few years."""
    from model.analysis.backtest import revenue_sigmas
    from model.core.blocks.shock import growth_sd_factor
    from model.inputs.revenue_shock import fit_revenue_shock

    rel = load_releases(as_of="2020Q2")
    late = Case("china", "revenue_growth", 2014, "H1", 8.8, 8.6, None, (10.0,) * 6, (), 10.2, None, None)
    early = Case("china", "revenue_growth", 2009, "H1", -2.4, 11.7, None, (20.0,) * 2, (), 19.0, None, None)
    sig = revenue_sigmas([late, early], rel, gdp_annual_sd=1.2, ar=0.6)
    s = fit_revenue_shock(rel.as_of("2014Q2"), 2014).sd
    assert sig[0] == pytest.approx(np.sqrt(s**2 + 1.2**2) / float(growth_sd_factor(0.6)), rel=1e-12)
    assert np.isnan(sig[1])
    # a per-case sigma gives each case the draws of that scalar sigma
    cases = [_case(7.0), _case(6.0)]
    both, _ = method_draws(cases, "mean_recent", 300, sigma=np.array([0.5, 2.0]), ar=0.5)
    one, _ = method_draws(cases, "mean_recent", 300, sigma=2.0, ar=0.5)
    np.testing.assert_array_equal(both[1], one[1])
    assert not np.array_equal(both[0], one[0])


def test_scorecard_tests_both_bands_with_the_exact_binomial() -> None:
    """coverage90_binom_p and coverage50_binom_p are scipy's exact binomial p-values of the hits."""
    from scipy import stats

    from model.analysis.scoring import scorecard

    rng = np.random.default_rng(4)
    draws = rng.normal(0.0, 1.0, (12, 2000))
    outturn = np.r_[np.zeros(6), np.full(4, 1.0), np.full(2, 3.0)]  # 10 in the 90% band, 6 in the 50% band
    s = score_draws(draws, outturn)
    rows = pd.concat([pd.DataFrame({"method": "m", "region": "china", "year": 2000 + np.arange(12), "as_of": "x",
                                    "stage": "H1", "variable": "revenue_growth"}), s], axis=1)
    card = scorecard(rows)
    r = card[(card.region == "all") & (card.stage == "all")].iloc[0]
    in90 = int(((s.p05 <= outturn) & (outturn <= s.p95)).sum())
    in50 = int(((s.p25 <= outturn) & (outturn <= s.p75)).sum())
    assert (in90, in50) == (10, 6)
    assert r.coverage90_binom_p == pytest.approx(stats.binomtest(10, 12, 0.9).pvalue)
    assert r.coverage50_binom_p == pytest.approx(stats.binomtest(6, 12, 0.5).pvalue)
