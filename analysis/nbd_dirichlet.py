"""The NBD-Dirichlet model of repeat buying [Goodhardt, Ehrenberg & Chatfield 1984], on plain
arrays: observed brand performance measures, the model's theoretical ones, and the fit of
(M, K, S).

The model, for one product category and one period:
- a consumer's category purchases n are NBD: Poisson with a Gamma(K, M/K) distributed rate, so
  the mean is M and P(n = 0) = (1 + M/K)^-K;
- each consumer's brand-choice probabilities are Dirichlet(alpha_j = S * m_j), where m_j is brand
  j's share of category purchases, so brand purchases given n are Dirichlet-multinomial.

Every theoretical figure is a sum over n of P(n) times a conditional probability written as a
product of ratios, e.g. P(no purchase of j | n) = prod_{i<n} (S - alpha_j + i) / (S + i). No
special functions beyond exp/log are needed, so the module needs numpy only.
"""

import math

import numpy as np

POISSON_K = 1e8  # K at or above this is treated as infinite (Poisson purchasing)


# ---- NBD ----

def nbd_probabilities(M, K, tail=1e-12, n_cap=200000):
    """P(n) for n = 0..n_max of the NBD with mean M and shape K (Poisson when K is infinite);
    n_max is where the remaining tail is below `tail`."""
    if M <= 0:
        return np.array([1.0])
    poisson = not math.isfinite(K) or K >= POISSON_K
    p = math.exp(-M) if poisson else math.exp(-K * math.log1p(M / K))
    q = M / (M + K) if not poisson else 0.0
    probabilities = [p]
    total, n = p, 0
    while (total < 1.0 - tail or n < M) and n < n_cap:
        n += 1
        p *= (M / n) if poisson else (K + n - 1) / n * q
        probabilities.append(p)
        total += p
    return np.array(probabilities)


def fit_k_zeros(M, p0):
    """K such that the NBD with mean M has P(0) = p0 (the method of zeros); inf when p0 is at or
    below the Poisson limit exp(-M) (including p0 = 0: everybody bought).

    @throws ValueError when p0 is not in [0, 1) or M <= 0.
    """
    if M <= 0 or not 0.0 <= p0 < 1.0:
        raise ValueError(f"the method of zeros needs M > 0 and 0 <= P(0) < 1 (M={M}, P(0)={p0})")
    if p0 <= math.exp(-M) * (1 + 1e-12):
        return math.inf

    def log_p0(k):  # decreasing in k, from 0 (k -> 0) to -M (k -> inf)
        return -k * math.log1p(M / k)

    target = math.log(p0)
    lo, hi = 1e-8, 1.0
    while log_p0(hi) > target:
        hi *= 2.0
        if hi > POISSON_K:
            return math.inf
    for _ in range(200):  # bisection on log k
        mid = math.sqrt(lo * hi)
        if log_p0(mid) > target:
            lo = mid
        else:
            hi = mid
        if hi / lo < 1 + 1e-12:
            break
    return math.sqrt(lo * hi)


def fit_k_moments(mean, variance):
    """K = mean^2 / (variance - mean) (the method of moments); inf when variance <= mean."""
    if variance <= mean:
        return math.inf
    return mean * mean / (variance - mean)


def fit_nbd(category_counts, method="zeros"):
    """(M, K) from each consumer's category purchase count (non-buyers included as zeros)."""
    counts = np.asarray(category_counts, dtype=float)
    M = float(counts.mean())
    if method == "zeros":
        return M, fit_k_zeros(M, float(np.mean(counts == 0)))
    if method == "moments":
        return M, fit_k_moments(M, float(counts.var(ddof=1)))
    raise ValueError(f"unknown method '{method}' (use 'zeros' or 'moments')")


# ---- Dirichlet ----

class Dirichlet:
    """Theoretical brand performance measures of the NBD-Dirichlet (M, K, S, shares m_j)."""

    def __init__(self, M, K, S, shares):
        self.M, self.K, self.S = float(M), float(K), float(S)
        self.shares = np.asarray(shares, dtype=float) / np.sum(shares)
        self.alpha = self.S * self.shares
        self.p_n = nbd_probabilities(self.M, self.K)
        self.n = np.arange(len(self.p_n))

    def _ratio_products(self, top):
        """prod_{i<n} (top + i) / (S + i) for n = 0..n_max."""
        i = self.n[:-1]
        return np.concatenate([[1.0], np.cumprod((top + i) / (self.S + i))])

    def _p_none(self, alpha):
        """P(no purchase of brands with total alpha), over the period."""
        return float(self.p_n @ self._ratio_products(self.S - alpha))

    def category_penetration(self):
        return 1.0 - self.p_n[0]

    def penetration(self):
        """b_j: the share of consumers who buy brand j at least once."""
        return np.array([1.0 - self._p_none(a) for a in self.alpha])

    def purchases_per_buyer(self):
        """w_j: brand j's purchases per buyer of j."""
        return self.M * self.shares / self.penetration()

    def category_rate_of_buyers(self):
        """Category purchases per buyer of brand j."""
        weighted = self.n * self.p_n
        return np.array([(self.M - weighted @ self._ratio_products(self.S - a)) / b
                         for a, b in zip(self.alpha, self.penetration())])

    def share_of_requirements(self):
        """SCR_j: brand j's share of its buyers' category purchases."""
        return self.purchases_per_buyer() / self.category_rate_of_buyers()

    def sole_loyal(self):
        """The share of brand j's buyers who bought only j in the category (100% loyal)."""
        return np.array([(self.p_n[1:] @ self._ratio_products(a)[1:]) / b
                         for a, b in zip(self.alpha, self.penetration())])

    def duplication(self):
        """D[j, k]: the share of brand j's buyers who also bought brand k (diagonal: 1)."""
        b = self.penetration()
        J = len(self.alpha)
        d = np.ones((J, J))
        for j in range(J):
            for k in range(J):
                if j != k:
                    both = b[j] + b[k] - (1.0 - self._p_none(self.alpha[j] + self.alpha[k]))
                    d[j, k] = both / b[j]
        return d


def fit_s(M, K, shares, observed_penetration, lo=1e-3, hi=1e4):
    """S minimising the squared differences between theoretical and observed brand penetrations
    (a grid over log S, then golden-section search)."""
    observed = np.asarray(observed_penetration, dtype=float)
    base = Dirichlet(M, K, 1.0, shares)

    def loss(log_s):
        base.S = math.exp(log_s)
        base.alpha = base.S * base.shares
        return float(np.sum((base.penetration() - observed) ** 2))

    grid = np.linspace(math.log(lo), math.log(hi), 57)
    losses = [loss(x) for x in grid]
    best = int(np.argmin(losses))
    a, b = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    golden = (math.sqrt(5) - 1) / 2
    c, d = b - golden * (b - a), a + golden * (b - a)
    fc, fd = loss(c), loss(d)
    while b - a > 1e-7:
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - golden * (b - a)
            fc = loss(c)
        else:
            a, c, fc = c, d, fd
            d = a + golden * (b - a)
            fd = loss(d)
    return math.exp((a + b) / 2)


# ---- observed ----

def observed(counts):
    """Observed measures from a [consumers x brands] matrix of purchase counts in one category
    and period (non-buyers included as rows of zeros): a dict of arrays by brand."""
    counts = np.asarray(counts, dtype=float)
    category = counts.sum(axis=1)
    buyers = counts > 0
    n_buyers = buyers.sum(axis=0)
    safe = np.maximum(n_buyers, 1)
    brand_purchases = counts.sum(axis=0)
    bought_category = (buyers * category[:, None]).sum(axis=0)
    sole = ((counts == category[:, None]) & buyers).sum(axis=0)
    both = buyers.T.astype(float) @ buyers.astype(float)
    return {
        "share": brand_purchases / max(counts.sum(), 1.0),
        "penetration": n_buyers / len(counts),
        "purchases_per_buyer": brand_purchases / safe,
        "share_of_requirements": brand_purchases / np.maximum(bought_category, 1.0),
        "sole_loyal": sole / safe,
        "duplication": both / safe[:, None],
        "category_counts": category,
    }


class Fit:
    """A fitted NBD-Dirichlet with the observed measures it was fitted to."""

    def __init__(self, counts, k_method="zeros"):
        self.observed = observed(counts)
        self.k_method = k_method
        self.M, self.K = fit_nbd(self.observed["category_counts"], k_method)
        self.S = fit_s(self.M, self.K, self.observed["share"], self.observed["penetration"])
        self.model = Dirichlet(self.M, self.K, self.S, self.observed["share"])


def simulate_purchases(M, K, S, shares, consumers, rng):
    """A [consumers x brands] count matrix drawn from the NBD-Dirichlet (for tests and demos)."""
    shares = np.asarray(shares, dtype=float) / np.sum(shares)
    rates = rng.gamma(K, M / K, size=consumers)
    n = rng.poisson(rates)
    g = rng.gamma(S * shares, 1.0, size=(consumers, len(shares)))
    total = g.sum(axis=1, keepdims=True)
    p = np.where(total > 0, g / np.where(total > 0, total, 1.0), shares)
    return rng.multinomial(n, p)
