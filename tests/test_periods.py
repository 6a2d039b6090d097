"""Year-to-date and calendar-year aggregation: the identities China's reporting rests on."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from model.core.periods import Span, annual_sum, parse_period, yoy_growth, ytd_growth, ytd_sum

positive = arrays(np.float64, st.tuples(st.integers(1, 4), st.sampled_from([8, 12, 16])),
                  elements=st.floats(1.0, 1e4, allow_nan=False))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(positive)
def test_ytd_at_q4_is_the_calendar_year(x):
    assert np.allclose(ytd_sum(x)[:, 3::4], annual_sum(x))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(positive)
def test_ytd_is_cumulative_within_the_year_and_restarts_in_q1(x):
    ytd = ytd_sum(x)
    assert np.allclose(ytd[:, 0::4], x[:, 0::4])
    assert np.allclose(np.diff(ytd.reshape(x.shape[0], -1, 4), axis=2), x.reshape(x.shape[0], -1, 4)[:, :, 1:])


@settings(max_examples=60, deadline=None, derandomize=True)
@given(positive)
def test_ytd_growth_at_q4_is_annual_growth(x):
    assert np.allclose(ytd_growth(x)[:, 7::4], yoy_growth(annual_sum(x), lag=1)[:, 1:])
    assert np.isnan(ytd_growth(x)[:, :4]).all()


def test_ytd_growth_of_a_constant_growth_path_is_that_growth():
    x = 100.0 * 1.05 ** np.repeat(np.arange(3), 4)[None, :] * np.array([1.0, 1.2, 0.9, 1.3] * 3)
    assert np.allclose(ytd_growth(x)[0, 4:], 5.0)


def test_whole_years_are_required():
    with pytest.raises(ValueError, match="whole years"):
        ytd_sum(np.ones((1, 6)))


def test_span_positions():
    span = Span(2018, 2021)
    assert span.n == 16
    assert span.index("2020Q3") == 10
    assert span.periods[10] == pd.Period("2020Q3", freq="Q")
    assert span.since("2020Q1")[8] == 0 and span.since("2020Q1")[7] == -1
    with pytest.raises(ValueError, match="outside"):
        span.index("2022Q1")


@pytest.mark.parametrize("bad", ["2020Q5", "2020-03", "20Q3", "", "2020Q"])
def test_parse_period_rejects_what_is_not_a_quarter(bad):
    with pytest.raises(ValueError, match="expected a quarter like 2020Q3"):
        parse_period(bad)


def test_parse_period_accepts_lower_case():
    assert parse_period("2020q3") == pd.Period("2020Q3", freq="Q")
