// Partial rank correlations against values computed independently (numpy's least squares on
// scipy's ranks, scipy's t distribution), and the properties a sensitivity table relies on.
#include "sim/rank_correlation.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/describe.hpp"

using Approx = Catch::Detail::Approx;

namespace {

// Twelve observations of three inputs (the third with ties) and an output that rises steeply
// with the first, less with the second and hardly with the third, plus fixed noise.
const std::vector<double> x1{0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5};
const std::vector<double> x2{7, 2, 11, 4, 9, 0, 5, 10, 1, 8, 3, 6};
const std::vector<double> x3{3, 3, 1, 8, 5, 9, 2, 2, 7, 4, 6, 0};
const std::vector<double> y{16.40625, 2.06875,  25.68125, 20.14375, 23.55625, 16.11875,
                            18.13125, 43.29375, 38.90625, 58.76875, 71.68125, 82.34375};

}  // namespace

TEST_CASE("average ranks share tied ranks", "[rank_correlation]") {
  CHECK(msim::average_ranks(x3) ==
        std::vector<double>{5.5, 5.5, 2, 11, 8, 12, 3.5, 3.5, 10, 7, 9, 1});
  CHECK(msim::average_ranks({}).empty());
  CHECK(msim::average_ranks({4, 4, 4}) == std::vector<double>{2, 2, 2});
}

TEST_CASE("the two-sided t p-value matches scipy, small ones with their digits",
          "[rank_correlation]") {
  CHECK(msim::t_two_sided_p(2.5, 3) == Approx(0.08770664700806555).epsilon(1e-12));
  CHECK(msim::t_two_sided_p(-2.5, 3) == Approx(0.08770664700806555).epsilon(1e-12));
  CHECK(msim::t_two_sided_p(40, 5) == Approx(1.8411962171772952e-07).epsilon(1e-10));
  CHECK(msim::t_two_sided_p(0, 5) == Approx(1.0));
}

TEST_CASE("partial rank correlations match an independent computation", "[rank_correlation]") {
  const auto pc = msim::partial_rank_correlations({x1, x2, x3}, y);
  REQUIRE(pc.size() == 3);
  CHECK(pc[0].r == Approx(0.9194520402951842).epsilon(1e-12));
  CHECK(pc[1].r == Approx(0.6951429460874343).epsilon(1e-12));
  CHECK(pc[2].r == Approx(0.12920042781346533).epsilon(1e-12));
  CHECK(pc[0].p_value == Approx(0.00016695044016561415).epsilon(1e-9));
  CHECK(pc[1].p_value == Approx(0.025644107002195105).epsilon(1e-9));
  CHECK(pc[2].p_value == Approx(0.7220448043264875).epsilon(1e-9));
  for (const auto& c : pc) CHECK(c.df == 8);
}

TEST_CASE("partial rank correlations depend only on the ranks", "[rank_correlation]") {
  std::vector<double> exp_x1, neg_y_cubed;
  for (double v : x1) exp_x1.push_back(std::exp(v));
  for (double v : y) neg_y_cubed.push_back(-v * v * v);
  const auto a = msim::partial_rank_correlations({x1, x2, x3}, y);
  const auto b = msim::partial_rank_correlations({exp_x1, x2, x3}, neg_y_cubed);
  for (std::size_t k = 0; k < 3; ++k) CHECK(b[k].r == Approx(-a[k].r).epsilon(1e-12));
}

TEST_CASE("with one input the partial rank correlation is Spearman's", "[rank_correlation]") {
  // Spearman's rho of x2 and y, by scipy.stats.spearmanr.
  const auto pc = msim::partial_rank_correlations({x2}, y);
  CHECK(pc[0].r == Approx(0.3356643356643357).margin(1e-12));
  CHECK(pc[0].df == 10);
}

TEST_CASE("partial rank correlations are undefined where they measure nothing",
          "[rank_correlation]") {
  const std::vector<double> constant(12, 3.0);
  for (const auto& c : msim::partial_rank_correlations({x1, x2}, constant)) {
    CHECK(std::isnan(c.r));
    CHECK(std::isnan(c.p_value));
  }
  // x1 and a copy of it: once the copy is regressed out nothing of x1 is left.
  const auto twins = msim::partial_rank_correlations({x1, x1}, y);
  CHECK(std::isnan(twins[0].r));
  CHECK(std::isnan(twins[1].r));
  // Three inputs need at least five observations (one degree of freedom).
  const std::vector<double> four{1, 2, 3, 4};
  CHECK(std::isnan(msim::partial_rank_correlations({four, four, four}, four)[0].r));
  // An output that the ranks of one input fix exactly.
  const auto exact = msim::partial_rank_correlations({x1, x2}, x1);
  CHECK(exact[0].r == Approx(1.0));
  CHECK(exact[0].p_value == 0.0);
  CHECK_THROWS_AS(msim::partial_rank_correlations({four}, y), std::invalid_argument);
}

TEST_CASE("with few observations p is exact over the orders of the output's ranks",
          "[rank_correlation]") {
  // A perfect order among 3 (or 4) observations happens by chance in 2 of their 3! (4!) orders.
  const auto three = msim::partial_rank_correlations({{1, 2, 3}}, {10, 20, 30});
  CHECK(three[0].r == 1.0);
  CHECK(three[0].p_value == Approx(1.0 / 3.0).epsilon(1e-12));
  const auto four = msim::partial_rank_correlations({{4, 3, 2, 1}}, {10, 20, 30, 40});
  CHECK(four[0].r == -1.0);
  CHECK(four[0].p_value == Approx(2.0 / 24.0).epsilon(1e-12));
  // Two keys over six observations, against numpy's count over all 720 orders.
  const std::vector<double> a{0.3, 0.1, 0.9, 0.5, 0.7, 0.2}, b{4, 6, 1, 3, 5, 2};
  const auto six = msim::partial_rank_correlations({a, b}, {2.0, 1.0, 9.0, 8.0, 4.0, 1.5});
  CHECK(six[0].r == Approx(0.9315516419063742).epsilon(1e-12));
  CHECK(six[0].p_value == Approx(20.0 / 720.0).epsilon(1e-12));
  CHECK(six[1].r == Approx(-0.48768777564732635).epsilon(1e-12));
  CHECK(six[1].p_value == Approx(294.0 / 720.0).epsilon(1e-12));
  // The first key fixes this output's order: the second's correlation is undefined.
  const auto fixed = msim::partial_rank_correlations({a, b}, {2.0, 1.0, 9.0, 4.0, 8.0, 1.5});
  CHECK(fixed[0].r == 1.0);
  CHECK(fixed[0].p_value == Approx(2.0 / 720.0).epsilon(1e-12));
  CHECK(std::isnan(fixed[1].r));
  // From eight observations on, Student's t.
  const auto eight =
      msim::partial_rank_correlations({{1, 2, 3, 4, 5, 6, 7, 8}}, {1, 3, 2, 4, 6, 5, 8, 7});
  const double rho = eight[0].r;
  CHECK(eight[0].p_value ==
        Approx(msim::t_two_sided_p(rho * std::sqrt(6.0 / (1 - rho * rho)), 6)).epsilon(1e-12));
}
