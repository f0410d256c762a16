// Sample descriptions against known values: Student t quantiles, type-7 percentiles, and the
// t-based confidence interval of a mean.
#include "sim/describe.hpp"

#include <cmath>

#include <catch2/catch.hpp>

using Approx = Catch::Detail::Approx;

TEST_CASE("t quantiles match the tables", "[describe]") {
  CHECK(msim::t_quantile(0.975, 1) == Approx(12.7062047362).epsilon(1e-9));
  CHECK(msim::t_quantile(0.975, 2) == Approx(4.30265272975).epsilon(1e-9));
  CHECK(msim::t_quantile(0.975, 9) == Approx(2.26215716280).epsilon(1e-9));
  CHECK(msim::t_quantile(0.975, 29) == Approx(2.04522964213).epsilon(1e-9));
  CHECK(msim::t_quantile(0.975, 1000) == Approx(1.96233908082).epsilon(1e-9));
  CHECK(msim::t_quantile(0.05, 5) == Approx(-2.01504837333).epsilon(1e-9));
  CHECK(msim::t_cdf(0.0, 7) == Approx(0.5));
}

TEST_CASE("percentiles interpolate like numpy's default", "[describe]") {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  CHECK(msim::percentile(x, 0.05) == Approx(1.45));
  CHECK(msim::percentile(x, 0.5) == Approx(5.5));
  CHECK(msim::percentile(x, 0.95) == Approx(9.55));
  CHECK(msim::percentile(x, 0.0) == 1.0);
  CHECK(msim::percentile(x, 1.0) == 10.0);
  CHECK(msim::percentile({42.0}, 0.95) == 42.0);
}

TEST_CASE("describe gives mean, sd, t-based CI and percentiles", "[describe]") {
  const msim::Description d = msim::describe({9, 2, 4, 4, 4, 5, 5, 7});  // order does not matter
  CHECK(d.n == 8);
  CHECK(d.mean == Approx(5.0));
  CHECK(d.sd == Approx(2.1380899353));                       // sqrt(32 / 7)
  CHECK(d.ci_low == Approx(5.0 - 1.7874879).epsilon(1e-6));  // t(0.975, 7) = 2.364624
  CHECK(d.ci_high == Approx(5.0 + 1.7874879).epsilon(1e-6));
  CHECK(d.p5 == Approx(2.7));
  CHECK(d.p50 == Approx(4.5));
  CHECK(d.p95 == Approx(8.3));
  const msim::Description one = msim::describe({3.0});
  CHECK(one.mean == 3.0);  // one value: no spread to estimate, so no sd and no interval
  CHECK(std::isnan(one.sd));
  CHECK(std::isnan(one.ci_low));
  CHECK(std::isnan(one.ci_high));
  CHECK(one.p50 == 3.0);
}
