// Tests for population synthesis: the drawn traits match the configured distributions within
// stated tolerances (4 standard errors unless noted), memory stays within budget, and the
// population depends only on the seed.
#include "models/population.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/scenario_load.hpp"
#include "models/strategy.hpp"

using msim::Population;
using msim::Scenario;

namespace {

constexpr std::size_t kN = 100000;

// Three segments: one with a full covariance, one with zero purchase rate for a category.
const std::string kScenario = R"(name: population test
seed: 2024
consumers: 100000
steps: 1
categories:
  - {name: snacks}
  - {name: drinks}
segments:
  - name: a
    share: 0.5
    ideal: {mean: [1.0, -0.5], sd: [0.6, 0.3]}
    price_sensitivity: {mean: 1.2, sd: 0.3}
    purchase_rate: {snacks: {mean: 0.5, shape: 0.8}, drinks: {mean: 0.2, shape: 2.0}}
    privacy_opt_out: 0.2
  - name: b
    share: 0.3
    ideal: {mean: [-1.0, 0.5], cov: [[0.49, 0.21], [0.21, 0.36]]}
    price_sensitivity: {mean: 0.6, sd: 0.1}
    purchase_rate: {snacks: {mean: 1.5, shape: 3.0}}
    privacy_opt_out: 0.05
  - name: c
    share: 0.2
    ideal: {mean: [0.0, 2.0], sd: [0.2, 0.8]}
    price_sensitivity: {mean: 2.0, sd: 0.8}
    purchase_rate: {snacks: {mean: 0.1, shape: 0.5}, drinks: {mean: 0.9, shape: 1.0}}
    privacy_opt_out: 0.6
firms:
  - {name: M, strategy: mass, budget_per_year: 1000}
)";

Scenario scenario(const std::vector<std::string>& overrides = {}) {
  return msim::load_scenario_text(kScenario, "population.yaml", overrides);
}

/// Sample mean and variance of the values selected by `keep`.
struct Moments {
  double n = 0, mean = 0, var = 0;
};

template <class Get>
Moments moments(const Population& p, int segment, Get get) {
  Moments m;
  double sum = 0, sum2 = 0;
  for (std::size_t i = 0; i < p.n; ++i) {
    if (p.segment[i] != segment) continue;
    const double x = get(i);
    m.n += 1;
    sum += x;
    sum2 += x * x;
  }
  m.mean = sum / m.n;
  m.var = (sum2 - m.n * m.mean * m.mean) / (m.n - 1);
  return m;
}

/// Sample covariance of two columns within a segment.
template <class GetX, class GetY>
double covariance(const Population& p, int segment, GetX gx, GetY gy) {
  double n = 0, sx = 0, sy = 0, sxy = 0;
  for (std::size_t i = 0; i < p.n; ++i) {
    if (p.segment[i] != segment) continue;
    const double x = gx(i), y = gy(i);
    n += 1;
    sx += x;
    sy += y;
    sxy += x * y;
  }
  return (sxy - sx * sy / n) / (n - 1);
}

const Population& shared_population() {
  static const Scenario sc = scenario();
  static const Population p = msim::synthesize(sc, {}, 4096);
  return p;
}

}  // namespace

TEST_CASE("population: segment shares within 4 standard errors", "[population]") {
  const Scenario sc = scenario();
  const Population& p = shared_population();
  REQUIRE(p.n == kN);
  std::vector<double> count(sc.segments.size(), 0.0);
  std::size_t out_of_range = 0;
  for (std::uint8_t s : p.segment) {
    if (s >= sc.segments.size()) {
      ++out_of_range;
      continue;
    }
    count[s] += 1;
  }
  REQUIRE(out_of_range == 0);
  for (std::size_t s = 0; s < sc.segments.size(); ++s) {
    const double share = sc.segments[s].share;
    const double se = std::sqrt(share * (1 - share) / static_cast<double>(kN));
    INFO("segment " << sc.segments[s].name);
    CHECK(count[s] / static_cast<double>(kN) == Approx(share).margin(4 * se));
  }
}

TEST_CASE("population: price sensitivity is lognormal with the configured mean and sd",
          "[population]") {
  const Scenario sc = scenario();
  const Population& p = shared_population();
  for (std::size_t s = 0; s < sc.segments.size(); ++s) {
    const auto& seg = sc.segments[s];
    const Moments m = moments(p, static_cast<int>(s), [&](std::size_t i) {
      return static_cast<double>(p.price_sensitivity[i]);
    });
    INFO("segment " << seg.name << ": mean " << m.mean << ", sd " << std::sqrt(m.var));
    const double sd = seg.price_sensitivity_sd, mean = seg.price_sensitivity_mean;
    CHECK(m.mean == Approx(mean).margin(4 * sd / std::sqrt(m.n)));
    // SE of a sample variance: sigma^2 * sqrt((kurtosis - 1) / n); lognormal excess kurtosis.
    const double s2 = std::log1p(sd * sd / (mean * mean));
    const double excess = std::exp(4 * s2) + 2 * std::exp(3 * s2) + 3 * std::exp(2 * s2) - 6;
    CHECK(m.var == Approx(sd * sd).margin(4 * sd * sd * std::sqrt((excess + 2) / m.n)));
    // Lognormal: strictly positive.
    std::size_t non_positive = 0;
    for (std::size_t i = 0; i < p.n; ++i)
      if (p.segment[i] == s && !(p.price_sensitivity[i] > 0.0f)) ++non_positive;
    CHECK(non_positive == 0);
  }
}

TEST_CASE("population: purchase rates are Gamma with mean M and variance M^2/K", "[population]") {
  const Scenario sc = scenario();
  const Population& p = shared_population();
  const std::size_t C = sc.categories.size();
  for (std::size_t s = 0; s < sc.segments.size(); ++s) {
    for (std::size_t c = 0; c < C; ++c) {
      const auto& r = sc.segments[s].purchase_rate[c];
      const Moments m = moments(p, static_cast<int>(s), [&](std::size_t i) {
        return msim::occasion_rate(p.no_occasion[i * C + c]);
      });
      INFO("segment " << sc.segments[s].name << ", category " << sc.categories[c].name << ": mean "
                      << m.mean << ", var " << m.var);
      if (r.mean == 0.0) {
        CHECK(m.mean == 0.0);
        CHECK(m.var == 0.0);
        continue;
      }
      const double var = r.mean * r.mean / r.shape;
      CHECK(m.mean == Approx(r.mean).margin(4 * std::sqrt(var / m.n)));
      // Gamma excess kurtosis is 6/K, so SE(sample variance) = var * sqrt((2 + 6/K) / n).
      CHECK(m.var == Approx(var).margin(4 * var * std::sqrt((2 + 6 / r.shape) / m.n)));
    }
  }
}

TEST_CASE("population: ideal points have the configured mean and covariance", "[population]") {
  const Scenario sc = scenario();
  const Population& p = shared_population();
  const std::size_t D = p.dims;
  REQUIRE(D == 2);
  for (std::size_t s = 0; s < sc.segments.size(); ++s) {
    const auto& seg = sc.segments[s];
    const auto col = [&](std::size_t d) {
      return [&p, d, D](std::size_t i) { return static_cast<double>(p.ideal[i * D + d]); };
    };
    for (std::size_t d = 0; d < D; ++d) {
      const auto di = static_cast<Eigen::Index>(d);
      const Moments m = moments(p, static_cast<int>(s), col(d));
      const double var = seg.ideal_cov(di, di);
      INFO("segment " << seg.name << ", dim " << d << ": mean " << m.mean << ", var " << m.var);
      CHECK(m.mean == Approx(seg.ideal_mean[di]).margin(4 * std::sqrt(var / m.n)));
      // Normal: SE(sample variance) = var * sqrt(2 / n).
      CHECK(m.var == Approx(var).margin(4 * var * std::sqrt(2 / m.n)));
    }
    const double n = moments(p, static_cast<int>(s), col(0)).n;
    const double c01 = covariance(p, static_cast<int>(s), col(0), col(1));
    const double s00 = seg.ideal_cov(0, 0), s11 = seg.ideal_cov(1, 1), s01 = seg.ideal_cov(0, 1);
    INFO("segment " << seg.name << ": cov " << c01 << ", expected " << s01);
    // SE of a sample covariance of a bivariate normal: sqrt((s00 s11 + s01^2) / n).
    CHECK(c01 == Approx(s01).margin(4 * std::sqrt((s00 * s11 + s01 * s01) / n)));
  }
  // The full-covariance segment really is correlated (rho = 0.21 / (0.7 * 0.6) = 0.5).
  const auto x = [&](std::size_t i) { return static_cast<double>(p.ideal[i * D]); };
  const auto y = [&](std::size_t i) { return static_cast<double>(p.ideal[i * D + 1]); };
  const double rho =
      covariance(p, 1, x, y) / std::sqrt(moments(p, 1, x).var * moments(p, 1, y).var);
  CHECK(rho == Approx(0.5).margin(0.02));
}

TEST_CASE("population: privacy opt-out rate within 4 standard errors", "[population]") {
  const Scenario sc = scenario();
  const Population& p = shared_population();
  for (std::size_t s = 0; s < sc.segments.size(); ++s) {
    const double q = sc.segments[s].privacy_opt_out;
    const Moments m = moments(p, static_cast<int>(s), [&](std::size_t i) {
      return (p.flags[i] & msim::kOptOut) ? 1.0 : 0.0;
    });
    INFO("segment " << sc.segments[s].name);
    CHECK(m.mean == Approx(q).margin(4 * std::sqrt(q * (1 - q) / m.n)));
  }
}

TEST_CASE("population: traits stay in their documented ranges and state starts empty",
          "[population]") {
  const Scenario sc = scenario();
  const Population& p = shared_population();
  std::size_t bad_age = 0, bad_region = 0, bad_last = 0, bad_size = 0;
  for (std::size_t i = 0; i < p.n; ++i) {
    const msim::Demographics d = msim::demographics(sc, p, i);
    bad_age += d.age < 18 || d.age > 99;
    bad_region += p.region[i] != 0;  // one implicit region, "all"
    for (std::size_t j = 0; j < p.lanes; ++j) bad_last += p.since[i * p.lanes + j] != 0;
    bad_size += d.company_size != 0;  // households
  }
  CHECK(bad_age == 0);
  CHECK(bad_region == 0);
  CHECK(bad_last == 0);
  CHECK(bad_size == 0);
  CHECK(std::all_of(p.goodwill.begin(), p.goodwill.end(), [](auto g) { return g == 0; }));
  CHECK(std::all_of(p.loyalty.begin(), p.loyalty.end(), [](auto l) { return l == 0; }));
  CHECK(std::all_of(p.count.begin(), p.count.end(), [](auto c) { return c == 0; }));
  CHECK(p.crm.empty());
}

TEST_CASE("population: firmographics: industries by their weights, company sizes lognormal",
          "[population]") {
  // Segment a is companies, 70% of them in retail, of a median size of 50 employees; the
  // other segments are households, with no industry and a size of 0.
  const Scenario sc = scenario({"segments.a.industries={retail: 0.7, services: 0.3}",
                                "segments.a.company_size={median: 50, sigma: 1.0}"});
  REQUIRE(sc.industries == std::vector<std::string>{"retail", "services"});
  const Population p = msim::synthesize(sc, {}, 4096);
  double n = 0, retail = 0, below_median = 0, log_sum = 0, log_sum2 = 0;
  std::size_t households_wrong = 0;
  for (std::size_t i = 0; i < p.n; ++i) {
    const msim::Demographics d = msim::demographics(sc, p, i);
    if (p.segment[i] != 0) {
      households_wrong += d.industry != msim::kNoIndustry || d.company_size != 0;
      continue;
    }
    n += 1;
    retail += d.industry == 0 ? 1 : 0;
    households_wrong += d.industry == msim::kNoIndustry;
    below_median += d.company_size < 50 ? 1 : 0;
    const double x = std::log(static_cast<double>(d.company_size));
    log_sum += x;
    log_sum2 += x * x;
  }
  REQUIRE(n > 40000);
  CHECK(households_wrong == 0);
  CHECK(retail / n == Approx(0.7).margin(4 * std::sqrt(0.7 * 0.3 / n)));
  // Sizes are whole employees: half lie below the median, give or take the rounding.
  CHECK(below_median / n == Approx(0.5).margin(4 * std::sqrt(0.25 / n) + 0.005));
  const double log_mean = log_sum / n;
  const double log_sd = std::sqrt((log_sum2 - n * log_mean * log_mean) / (n - 1));
  INFO("log size: mean " << log_mean << ", sd " << log_sd);
  CHECK(log_mean == Approx(std::log(50.0)).margin(4 / std::sqrt(n) + 0.01));
  CHECK(log_sd == Approx(1.0).margin(0.02));
}

TEST_CASE("population: initial awareness makes the configured share aware at step 0",
          "[population]") {
  // No media and no word of mouth: awareness at step 0 comes from initial_awareness alone.
  const Scenario sc = scenario({"consumers=20000", "firms.M.budget_per_year=0",
                                "market={initial_awareness: 0.25, wom_rate: 0}"});
  msim::Market market(sc);
  market.step();
  const double n = static_cast<double>(sc.consumers);
  CHECK(market.metrics().awareness.firm[0] == Approx(0.25).margin(4 * std::sqrt(0.25 * 0.75 / n)));
}

TEST_CASE("population: at most 128 bytes per consumer with 8 firms and 2 categories",
          "[population]") {
  // One consumable and one durable category, as in the standard benchmark market.
  const double planned = msim::population_bytes_per_consumer(8, 2, 1, 2, 2);
  INFO("bytes per consumer: " << planned);
  CHECK(planned <= 128.0);

  // The estimate matches the columns a population of that shape really holds.
  std::vector<std::string> firms;
  const char* strategies[] = {"mass", "one_to_one", "mass", "one_to_one",
                              "mass", "mass",       "mass", "mass"};
  std::string list = "firms=[";
  for (int j = 0; j < 8; ++j)
    list += (j ? ", " : "") + std::string("{name: F") + std::to_string(j) +
            ", strategy: " + strategies[j] + ", budget_per_year: 1000}";
  list += "]";
  const Scenario sc = scenario({"consumers=5000", list,
                                "categories=[{name: snacks}, {name: drinks, kind: durable, "
                                "lifetime: {shape: 2, scale: 100}}]"});
  REQUIRE(sc.firms.size() == 8);
  REQUIRE(sc.durable_categories() == 1);
  std::vector<int> crm;
  for (std::size_t j = 0; j < sc.firms.size(); ++j)
    if (sc.firms[j].prototype->uses_crm()) crm.push_back(static_cast<int>(j));
  REQUIRE(crm.size() == 2);
  const Population p = msim::synthesize(sc, crm, 1024);
  const auto bytes = [](const auto& v) { return v.size() * sizeof(v[0]); };
  const double held =
      static_cast<double>(bytes(p.segment) + bytes(p.region) + bytes(p.novelty) + bytes(p.flags) +
                          bytes(p.ideal) + bytes(p.price_sensitivity) + bytes(p.no_occasion) +
                          bytes(p.fit) + bytes(p.goodwill) + bytes(p.loyalty) + bytes(p.count) +
                          bytes(p.cat_count) + bytes(p.crm) + bytes(p.since) + bytes(p.owner) +
                          bytes(p.generation) + bytes(p.bought) + bytes(p.fails)) /
      static_cast<double>(p.n);
  CHECK(p.bytes_per_consumer() == Approx(held));
  CHECK(p.bytes_per_consumer() == Approx(planned));
  CHECK(held <= 128.0);
}

TEST_CASE("population: the seed alone fixes every column", "[population]") {
  const Scenario sc = scenario({"consumers=20000"});
  const Population a = msim::synthesize(sc, {0}, 4096);
  const Population b = msim::synthesize(sc, {0}, 4096);
  const Population blocks = msim::synthesize(sc, {0}, 777);  // block size does not matter
  for (const Population* q : {&b, &blocks}) {
    CHECK(a.segment == q->segment);
    CHECK(a.region == q->region);
    CHECK(a.novelty == q->novelty);
    CHECK(a.flags == q->flags);
    CHECK(a.ideal == q->ideal);
    CHECK(a.price_sensitivity == q->price_sensitivity);
    CHECK(a.no_occasion == q->no_occasion);
    CHECK(a.fit == q->fit);
    CHECK(a.goodwill == q->goodwill);
  }
  const Scenario other_seed = scenario({"consumers=20000", "seed=2025"});
  const Population c = msim::synthesize(other_seed, {0}, 4096);
  CHECK(a.segment != c.segment);
  CHECK(a.ideal != c.ideal);
  CHECK(a.price_sensitivity != c.price_sensitivity);
  CHECK(a.no_occasion != c.no_occasion);
  CHECK(a.flags != c.flags);
  // A seed that differs only above bit 32 still gives another population.
  const Scenario high_seed = scenario({"consumers=20000", "seed=4294969320"});  // 2^32 + 2024
  const Population h = msim::synthesize(high_seed, {0}, 4096);
  CHECK(a.ideal != h.ideal);
}

TEST_CASE("population: initially aware consumers are still aware when they first shop",
          "[population]") {
  // No media (zero budget) and no word of mouth: step 0's awareness is the initial share.
  for (const char* decay : {"0.93", "0.5", "0.999"}) {
    INFO("adstock_decay " << decay);
    const Scenario sc =
        scenario({"consumers=20000", "firms.M.budget_per_year=0",
                  std::string("market={initial_awareness: 0.25, wom_rate: 0, adstock_decay: ") +
                      decay + "}"});
    msim::Market market(sc);
    market.step();
    const double n = static_cast<double>(sc.consumers);
    CHECK(market.metrics().awareness.firm[0] ==
          Approx(0.25).margin(4 * std::sqrt(0.25 * 0.75 / n)));
  }
}

// Initial awareness is applied when consumers first shop, after step 0's adstock decay, so it
// holds however fast goodwill decays.
TEST_CASE("population: initial awareness survives the first step at any adstock decay",
          "[population]") {
  for (const char* decay : {"0.002", "0.003"}) {
    INFO("adstock_decay " << decay);
    const Scenario sc =
        scenario({"consumers=20000", "firms.M.budget_per_year=0",
                  std::string("market={initial_awareness: 1.0, wom_rate: 0, adstock_decay: ") +
                      decay + "}"});
    msim::Market market(sc);
    market.step();
    CHECK(market.metrics().awareness.firm[0] == 1.0);
  }
}

TEST_CASE("population: changing one trait's distribution leaves the other traits as they were",
          "[population]") {
  // Common random numbers for population parameters: each trait group has its own stream.
  const std::string path = std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml";
  const Scenario a = msim::load_scenario_file(path, {"consumers=5000"});
  const Scenario b = msim::load_scenario_file(
      path, {"consumers=5000", "segments.young.purchase_rate.snacks.shape=3"});
  const Population pa = msim::synthesize(a, {}, 1024);
  const Population pb = msim::synthesize(b, {}, 1024);
  CHECK(pa.segment == pb.segment);
  CHECK(pa.ideal == pb.ideal);
  CHECK(pa.flags == pb.flags);
  CHECK(pa.region == pb.region);
  CHECK(pa.no_occasion != pb.no_occasion);  // the changed trait did change
}

// The loader's limit kMaxPurchaseRate (18) is where the 32-bit threshold still gives a rate back
// within 0.05%; above it the error grows, and past 22.87 every rate reads as 22.87.
TEST_CASE("population: a purchase rate up to the loader's limit comes back within 0.05%",
          "[population]") {
  REQUIRE(msim::kMaxPurchaseRate == 18.0);
  double worst = 0.0;
  for (double rate = 1e-3; rate <= msim::kMaxPurchaseRate; rate *= 1.0001) {
    const double back = msim::occasion_rate(msim::no_occasion_threshold(rate));
    worst = std::max(worst, std::abs(back - rate) / rate);
  }
  INFO("worst relative error " << worst);
  CHECK(worst < 5e-4);
  CHECK(std::abs(msim::occasion_rate(msim::no_occasion_threshold(20.0)) - 20.0) > 0.01);
  CHECK(msim::occasion_rate(msim::no_occasion_threshold(30.0)) == Approx(22.8739).epsilon(1e-5));
}

TEST_CASE("population: occasions() is poisson() at rate -ln(threshold), its shortcut included",
          "[population]") {
  // Thresholds from rare to frequent shopping, and every 32-bit uniform above each on a grid
  // dense near the shortcut's boundary p0 (1 + 2 (1 - p0) / (1 + p0)).
  std::size_t checked = 0, mismatched = 0, multiple = 0;
  for (double rate : {1e-6, 1e-3, 0.02, 0.3, 0.5, 1.0, 2.5, 7.0}) {
    const std::uint32_t none = msim::no_occasion_threshold(rate);
    const double p0 = (static_cast<double>(none) + 0.5) * 0x1p-32;
    const double edge = p0 * (1.0 + 2.0 * (1.0 - p0) / (1.0 + p0));
    const auto w_edge = static_cast<std::uint64_t>(edge * 4294967296.0);
    std::vector<std::uint64_t> words;
    for (std::uint64_t w = none + 1ull; w <= 0xFFFFFFFFull; w += 9973) words.push_back(w);
    for (std::int64_t d = -5000; d <= 5000; ++d)
      if (w_edge + d > none && w_edge + d <= 0xFFFFFFFFull) words.push_back(w_edge + d);
    for (std::uint64_t w : words) {
      const double u = msim::to_unit(static_cast<std::uint32_t>(w));
      const std::uint32_t n = msim::occasions(u, none);
      mismatched += n != msim::poisson(u, msim::occasion_rate(none), p0);
      multiple += n > 1;
      ++checked;
    }
  }
  INFO(mismatched << " of " << checked);
  CHECK(mismatched == 0);
  CHECK(multiple > 1000);  // the grid reaches past the shortcut
}

TEST_CASE("population: one-byte purchase counts keep zero, learning and loyalty periods right",
          "[population]") {
  for (std::uint32_t every : {0u, 1u, 3u, 7u, 10u, 64u, 113u, 200u}) {
    INFO("loyalty program every " << every << " purchases");
    std::uint8_t n = 0;
    std::size_t wrong = 0;
    for (std::uint64_t purchases = 1; purchases <= 5000; ++purchases) {
      n = msim::next_count(n, every);
      const bool exact = purchases <= 255;
      wrong += n == 0;                                        // never "not a customer"
      wrong += exact && n != purchases;                       // exact up to 255
      wrong += !exact && n < msim::kCountFloor;               // learning saturated
      wrong += every != 0 && n % every != purchases % every;  // rewards come on time
      wrong += every == 0 && !exact && n != 255;              // saturates without a program
    }
    CHECK(wrong == 0);
  }
}
