"""analysis.nbd_dirichlet: the NBD and Dirichlet formulas and the fit of (M, K, S), checked on
data simulated from the NBD-Dirichlet with fixed seeds."""

import math

import numpy as np
import pytest

from analysis import nbd_dirichlet as nd

SHARES = [0.35, 0.25, 0.2, 0.12, 0.08]


def test_nbd_probabilities_sum_to_one_with_mean_m():
    for M, K in ((2.5, 0.6), (0.3, 5.0), (12.0, 1.2), (3.0, math.inf)):
        p = nd.nbd_probabilities(M, K)
        n = np.arange(len(p))
        assert p.sum() == pytest.approx(1.0, abs=1e-10)
        assert n @ p == pytest.approx(M, rel=1e-8)
        if math.isfinite(K):
            assert (n * n) @ p - M * M == pytest.approx(M + M * M / K, rel=1e-6)  # variance


def test_method_of_zeros_inverts_p0():
    for M, K in ((2.5, 0.6), (0.4, 3.0), (8.0, 0.2)):
        p0 = (1 + M / K) ** -K
        assert nd.fit_k_zeros(M, p0) == pytest.approx(K, rel=1e-9)
    assert math.isinf(nd.fit_k_zeros(2.0, math.exp(-2.0)))  # the Poisson limit
    assert math.isinf(nd.fit_k_zeros(2.0, 0.0))  # everybody bought
    with pytest.raises(ValueError):
        nd.fit_k_zeros(2.0, 1.0)


def test_method_of_moments():
    assert nd.fit_k_moments(2.0, 2.0 + 4.0 / 0.5) == pytest.approx(0.5)
    assert math.isinf(nd.fit_k_moments(2.0, 1.9))


def test_limits_of_s():
    # S -> infinity: every consumer has the same choice probabilities (no loyalty):
    # P(no j | n) = (1 - m_j)^n.
    M, K = 2.5, 0.6
    model = nd.Dirichlet(M, K, 1e7, SHARES)
    p = nd.nbd_probabilities(M, K)
    n = np.arange(len(p))
    expected = [1 - p @ (1 - m) ** n for m in SHARES]
    assert model.penetration() == pytest.approx(expected, rel=1e-5)
    # S -> 0: every buyer is 100% loyal to one brand.
    model = nd.Dirichlet(M, K, 1e-7, SHARES)
    assert model.sole_loyal() == pytest.approx(np.ones(5), abs=1e-5)
    assert model.penetration() == pytest.approx(np.array(SHARES) * (1 - p[0]), rel=1e-5)


def test_theory_matches_a_large_simulation():
    """Tolerances: 0.005 absolute on penetration, SCR, 100%-loyal and duplication, 1% relative
    on purchases per buyer (sampling error with 200,000 consumers is about a third of that)."""
    M, K, S = 2.5, 0.6, 1.2
    counts = nd.simulate_purchases(M, K, S, SHARES, 200_000, np.random.default_rng(99))
    seen, model = nd.observed(counts), nd.Dirichlet(M, K, S, SHARES)
    assert seen["penetration"] == pytest.approx(model.penetration(), abs=0.005)
    assert seen["purchases_per_buyer"] == pytest.approx(model.purchases_per_buyer(), rel=0.01)
    assert seen["share_of_requirements"] == pytest.approx(model.share_of_requirements(), abs=0.005)
    assert seen["sole_loyal"] == pytest.approx(model.sole_loyal(), abs=0.005)
    assert seen["duplication"].ravel() == pytest.approx(model.duplication().ravel(), abs=0.005)


@pytest.mark.parametrize("M,K,S,shares,seed", [
    (2.5, 0.6, 1.2, SHARES, 12345),
    (5.0, 1.5, 4.0, [0.5, 0.3, 0.2], 2024),
])
def test_fit_recovers_m_k_s(M, K, S, shares, seed):
    """20,000 simulated consumers. Tolerances: M within 3%, K within 10%, S within 15%
    (over 8 seeds the largest errors seen were 2%, 2.5% and 5%)."""
    counts = nd.simulate_purchases(M, K, S, shares, 20_000, np.random.default_rng(seed))
    fit = nd.Fit(counts)
    assert fit.M == pytest.approx(M, rel=0.03)
    assert fit.K == pytest.approx(K, rel=0.10)
    assert fit.S == pytest.approx(S, rel=0.15)
    by_moments = nd.Fit(counts, "moments")
    assert by_moments.K == pytest.approx(K, rel=0.10)
    assert by_moments.S == pytest.approx(S, rel=0.15)


def test_observed_measures_by_hand():
    counts = np.array([[2, 0], [1, 1], [0, 0], [0, 3]])
    seen = nd.observed(counts)
    assert seen["penetration"] == pytest.approx([0.5, 0.5])
    assert seen["purchases_per_buyer"] == pytest.approx([1.5, 2.0])
    assert seen["share_of_requirements"] == pytest.approx([3 / 4, 4 / 5])
    assert seen["sole_loyal"] == pytest.approx([0.5, 0.5])
    assert seen["duplication"][0, 1] == pytest.approx(0.5)
    assert seen["share"] == pytest.approx([3 / 7, 4 / 7])
