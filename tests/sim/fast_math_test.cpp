#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

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

namespace {
/// |x - exact| in units in the last place of the double nearest exact.
double ulps(double x, long double exact) {
  const double e = static_cast<double>(exact);
  if (e == 0.0) return x == 0.0 ? 0.0 : INFINITY;
  const long double ulp = std::ldexp(1.0L, std::ilogb(e) - 52);
  return static_cast<double>(std::fabs(static_cast<long double>(x) - exact) / ulp);
}
}  // namespace

TEST_CASE("sin_cos is within one unit in the last place over a Box-Muller angle's range",
          "[fast_math]") {
  // Box-Muller's angles, 2 pi u for u = (w + 0.5) / 2^32, spread over all w, and the doubles
  // next to each multiple of pi / 4 (quadrant edges, and where sin and cos swap roles).
  std::vector<double> angles;
  for (std::uint64_t w = 0; w < (std::uint64_t{1} << 32); w += 21467)
    angles.push_back(2.0 * 3.14159265358979323846 * ((static_cast<double>(w) + 0.5) * 0x1p-32));
  for (int m = 0; m <= 8; ++m) {
    double t = static_cast<double>(m) * (3.14159265358979323846 / 4.0);
    for (int step = 0; step < 40; ++step) t = std::nextafter(t, 0.0);
    for (int step = 0; step < 80; ++step, t = std::nextafter(t, 10.0))
      if (t >= 0.0 && t <= 2.0 * 3.14159265358979323846) angles.push_back(t);
  }
  double worst_sin = 0.0, worst_cos = 0.0;
  for (const double t : angles) {
    double s = 0.0, c = 0.0;
    msim::sin_cos(t, s, c);
    worst_sin = std::max(worst_sin, ulps(s, std::sin(static_cast<long double>(t))));
    worst_cos = std::max(worst_cos, ulps(c, std::cos(static_cast<long double>(t))));
  }
  INFO(angles.size() << " angles; worst sin " << worst_sin << " ulp, worst cos " << worst_cos
                     << " ulp");
  CHECK(angles.size() > 200000);
  CHECK(worst_sin < 1.0);
  CHECK(worst_cos < 1.0);
  double s = 1.0, c = 0.0;
  msim::sin_cos(0.0, s, c);
  CHECK(s == 0.0);
  CHECK(c == 1.0);
}

TEST_CASE("normal_quantile matches known quantiles", "[stats]") {
  CHECK(msim::normal_quantile(0.5) == Approx(0.0).margin(1e-12));
  CHECK(msim::normal_quantile(0.975) == Approx(1.959963984540054).epsilon(1e-8));
  CHECK(msim::normal_quantile(0.025) == Approx(-1.959963984540054).epsilon(1e-8));
  CHECK(msim::normal_quantile(0.999) == Approx(3.090232306167813).epsilon(1e-8));
  CHECK(msim::normal_quantile(1e-6) == Approx(-4.753424308822899).epsilon(1e-7));
}
