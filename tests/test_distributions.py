"""The fast inverse distribution functions against scipy's exact ones (issue 13), on the registry's priors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from model.core.distributions import EXACT_TAIL, beta_ppf, truncnorm_ppf
from model.inputs.registry import default_params

U = np.r_[np.linspace(1e-9, 1.0 - 1e-9, 100_001), np.random.default_rng(13).random(20_000)]


def _laws(kind: str) -> list[tuple[float, ...]]:
    out = []
    for p in default_params().registry:
        for scale in (0.5, 1.0, 2.0):
            if p.prior is None:
                continue
            try:
                law, args = p.prior._law(p.bounds, None, scale)
            except ValueError:  # a beta prior too wide at this scale
                continue
            if law == kind:
                out.append(args)
    return out


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_truncnorm_matches_scipy_on_every_normal_prior() -> None:
    laws = _laws("normal")
    assert len(laws) > 20
    for a, b, mu, sd in laws:
        exact = stats.truncnorm.ppf(U, a, b, loc=mu, scale=sd)
        got = truncnorm_ppf(U, a, b, mu, sd)
        # within 1e-7 of a tail (u = 1e-9 ... 1e-7) both inverses are ill-conditioned: the derivative
        # dx/du is ~1e7 sd there, so an error of 1e-16 in u moves x by 1e-9 sd
        inner = (U >= 1e-7) & (U <= 1.0 - 1e-7)
        np.testing.assert_allclose(got[inner], exact[inner], rtol=0, atol=1e-8 * sd)
        np.testing.assert_allclose(got[~inner], exact[~inner], rtol=0, atol=1e-7 * sd)


@pytest.mark.parametrize("a, b", [(-8.0, 8.0), (-0.5, 0.1), (2.0, 9.0), (-9.0, -2.0), (-np.inf, np.inf),
                                  (0.0, np.inf), (5.0, 6.0)])
def test_truncnorm_in_both_tails(a: float, b: float) -> None:
    u = np.linspace(1e-6, 1.0 - 1e-6, 10_001)
    np.testing.assert_allclose(truncnorm_ppf(u, a, b, 0.0, 1.0), stats.truncnorm.ppf(u, a, b), rtol=0, atol=1e-12)
    ends = truncnorm_ppf(np.array([0.0, 1.0]), a, b, 0.0, 1.0)
    assert ends[0] == a or ends[0] < -30
    assert ends[1] == b or ends[1] > 30


@pytest.mark.slow  # over ~0.8 s: out of the fast tier
def test_beta_matches_betaincinv_on_every_beta_prior() -> None:
    laws = _laws("beta")
    assert len(laws) > 20
    u = np.r_[U, 0.0, 1.0, EXACT_TAIL, 1.0 - EXACT_TAIL]
    for alpha, beta, _, _ in laws:
        x = beta_ppf(u, alpha, beta)
        np.testing.assert_allclose(x, special.betaincinv(alpha, beta, u), rtol=0, atol=1e-10)
        grid = beta_ppf(np.linspace(0.0, 1.0, 200_001), alpha, beta)
        assert np.all(np.diff(grid) >= -1e-12)  # monotone (to the interpolation's error)
