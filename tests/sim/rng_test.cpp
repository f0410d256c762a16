#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "sim/rng.hpp"

using msim::Philox;
using msim::Stream;

TEST_CASE("Philox is a pure function of key and counter", "[rng]") {
  const Philox a(42, 3), b(42, 3), other_seed(43, 3), other_purpose(42, 4);
  CHECK(a(1, 2, 3) == b(1, 2, 3));
  CHECK(a(1, 2, 3) != a(1, 2, 4));
  CHECK(a(1, 2, 3) != other_seed(1, 2, 3));
  CHECK(a(1, 2, 3) != other_purpose(1, 2, 3));
  // The seed's high 32 bits matter too.
  CHECK(Philox(42, 3)(1, 2, 3) != Philox(42 + (1ull << 32), 3)(1, 2, 3));
}

TEST_CASE("uniforms lie in the open unit interval with the right mean", "[rng]") {
  CHECK(msim::to_unit(0) > 0.0);
  CHECK(msim::to_unit(0xFFFFFFFFu) < 1.0);
  CHECK(msim::to_unit_f(0) > 0.0f);
  CHECK(msim::to_unit_f(0xFFFFFFFFu) <= 1.0f);
  const Philox gen(7, 1);
  Stream s(gen, 0, 0);
  constexpr int n = 200000;
  double sum = 0, sum2 = 0;
  for (int k = 0; k < n; ++k) {
    const double u = s.uniform();
    sum += u;
    sum2 += u * u;
  }
  // mean 1/2 with sd 1/sqrt(12 n); 5 standard errors
  CHECK(std::abs(sum / n - 0.5) < 5.0 / std::sqrt(12.0 * n));
  CHECK(std::abs(sum2 / n - 1.0 / 3.0) < 0.005);
}

TEST_CASE("skipping words leaves a stream where drawing them would", "[rng]") {
  const Philox gen(11, 2);
  for (unsigned before : {0u, 1u, 3u, 4u, 7u}) {  // across a four-word Philox call's edges
    INFO("words drawn before: " << before);
    Stream drawn(gen, 5, 9), skipped(gen, 5, 9);
    for (unsigned k = 0; k < before; ++k) {
      drawn.bits();
      skipped.bits();
    }
    // A Box-Muller pair is two words: skipping them equals drawing both normals.
    drawn.normal();
    drawn.normal();
    skipped.skip(2);
    for (int k = 0; k < 6; ++k) CHECK(drawn.bits() == skipped.bits());
    CHECK(drawn.normal() == skipped.normal());
  }
}

TEST_CASE("a stream started from its first words drawn elsewhere goes on as one drawn here",
          "[rng]") {
  const Philox gen(13, 5);
  for (std::uint32_t a : {0u, 17u, 0xFFFFFFFFu}) {
    INFO("consumer " << a);
    const msim::Words second = gen(a, 1000, 1);
    Stream here(gen, a, 1000), given(gen, a, 1000, gen(a, 1000, 0)),
        given_two(gen, a, 1000, gen(a, 1000, 0), &second);
    for (int k = 0; k < 13; ++k) {  // into slots 1 to 3
      const std::uint32_t w = here.bits();
      CHECK(given.bits() == w);
      CHECK(given_two.bits() == w);
    }
    const double x = here.normal(), g = here.gamma(0.7);
    CHECK(given.normal() == x);
    CHECK(given_two.normal() == x);
    CHECK(given.gamma(0.7) == g);
    CHECK(given_two.gamma(0.7) == g);
  }
}

TEST_CASE("a stream uses the first words it is handed and draws its own from slot 2", "[rng]") {
  // Words that are not the stream's own (another b): a stream that drew in place instead of
  // using them would differ in its first eight words.
  const Philox gen(13, 5);
  const msim::Words first = gen(42, 7, 0), second = gen(42, 7, 1);
  Stream handed(gen, 42, 1000, first), handed_two(gen, 42, 1000, first, &second);
  for (std::size_t k = 0; k < 4; ++k) {
    CHECK(handed.bits() == first[k]);
    CHECK(handed_two.bits() == first[k]);
  }
  for (std::size_t k = 0; k < 4; ++k) {
    CHECK(handed.bits() == gen(42, 1000, 1)[k]);
    CHECK(handed_two.bits() == second[k]);
  }
  for (std::size_t k = 0; k < 4; ++k) CHECK(handed_two.bits() == gen(42, 1000, 2)[k]);
}

TEST_CASE("normal and gamma variates have the right moments", "[rng]") {
  const Philox gen(11, 1);
  constexpr int n = 200000;
  Stream s(gen, 5, 0);
  double m = 0, v = 0;
  for (int k = 0; k < n; ++k) {
    const double z = s.normal();
    m += z;
    v += z * z;
  }
  CHECK(std::abs(m / n) < 5.0 / std::sqrt(n));
  CHECK(std::abs(v / n - 1.0) < 5.0 * std::sqrt(2.0 / n));
  for (double shape : {0.5, 1.0, 2.5}) {
    Stream g(gen, 9, static_cast<std::uint32_t>(shape * 10));
    double gm = 0, gv = 0;
    for (int k = 0; k < n; ++k) {
      const double x = g.gamma(shape);
      gm += x;
      gv += x * x;
    }
    gm /= n;
    gv = gv / n - gm * gm;
    INFO("shape " << shape << " mean " << gm << " var " << gv);
    CHECK(std::abs(gm - shape) < 5.0 * std::sqrt(shape / n));  // Var = shape
    CHECK(gv == Approx(shape).epsilon(0.03));
  }
}

TEST_CASE("gamma refuses a shape outside its domain, naming it", "[rng]") {
  const Philox gen(11, 1);
  Stream s(gen, 5, 0);
  // Marsaglia & Tsang gave NaN for a negative shape and 0 for a shape of 0, with no error.
  for (double shape : {0.0, -0.0, -0.5, -3.0, std::nan("")}) {
    INFO("shape " << shape);
    CHECK_THROWS_AS(s.gamma(shape), std::invalid_argument);
  }
  CHECK_THROWS_WITH(s.gamma(-0.5), Catch::Contains("Stream::gamma(-0.5)") &&
                                       Catch::Contains("the shape must be a number > 0"));
  CHECK(s.gamma(1e-3) >= 0.0);  // the smallest shapes are still in the domain
}

TEST_CASE("Poisson inversion reproduces the Poisson pmf", "[rng]") {
  for (double mean : {0.05, 0.8, 6.0, 100.0}) {
    const Philox gen(3, 2);
    constexpr int n = 200000;
    std::vector<int> counts(400, 0);
    double sum = 0;
    for (int k = 0; k < n; ++k) {
      const auto x = msim::poisson(msim::to_unit(gen(static_cast<std::uint32_t>(k), 0, 0)[0]), mean,
                                   std::exp(-mean));
      sum += x;
      if (x < counts.size()) ++counts[x];
    }
    INFO("mean " << mean);
    CHECK(std::abs(sum / n - mean) < 5.0 * std::sqrt(mean / n) + 0.5 * (mean > 64));
    if (mean <= 64) {
      const double p0 = std::exp(-mean);
      CHECK(std::abs(counts[0] / double(n) - p0) < 5.0 * std::sqrt(p0 * (1 - p0) / n) + 1e-12);
    }
  }
  CHECK(msim::poisson(0.5, 0.0, 1.0) == 0);
}
