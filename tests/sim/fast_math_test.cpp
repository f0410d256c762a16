#include <catch2/catch.hpp>

#include <cmath>

#include "sim/fast_math.hpp"
#include "sim/stats.hpp"

TEST_CASE("fast_exp is within 2e-7 relative of exp over its range", "[fast_math]") {
  double worst = 0.0;
  for (int k = -870000; k <= 880000; ++k) {
    const float x = static_cast<float>(k) * 1e-4f;
    const double exact = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(msim::fast_exp(x) - exact) / exact);
  }
  INFO("worst relative error " << worst);
  CHECK(worst < 2e-7);
}

TEST_CASE("fast_exp clamps instead of overflowing", "[fast_math]") {
  CHECK(std::isfinite(msim::fast_exp(1000.0f)));
  CHECK(msim::fast_exp(-1000.0f) > 0.0f);
  CHECK(msim::fast_exp(0.0f) == 1.0f);
}

TEST_CASE("normal_quantile matches known quantiles", "[stats]") {
  CHECK(msim::normal_quantile(0.5) == Approx(0.0).margin(1e-12));
  CHECK(msim::normal_quantile(0.975) == Approx(1.959963984540054).epsilon(1e-8));
  CHECK(msim::normal_quantile(0.025) == Approx(-1.959963984540054).epsilon(1e-8));
  CHECK(msim::normal_quantile(0.999) == Approx(3.090232306167813).epsilon(1e-8));
  CHECK(msim::normal_quantile(1e-6) == Approx(-4.753424308822899).epsilon(1e-7));
}
