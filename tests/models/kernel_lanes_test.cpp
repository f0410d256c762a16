// The choice's sampling over firm lanes: picks in proportion to the exponentiated utilities and
// never a lane outside the choice set. The whole-group updates of a consumer's lanes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "models/kernel_lanes.hpp"

TEST_CASE("lanes::sample never picks a lane outside the choice set", "[choice]") {
  // Uniforms within a few units in the last place of every boundary between lanes, where
  // rounding in the running sums would show: a lane with ev 0 after a positive one is picked
  // there if its running sum comes out above its predecessor's.
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> value(1e-6f, 3.0f);
  const float outside = 0.7f;
  std::size_t bad = 0, draws = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    alignas(16) float ev[8];
    for (float& e : ev) e = (rng() % 3 == 0) ? 0.0f : value(rng);  // about a third out of the set
    float total = outside, run = 0.0f;
    for (float e : ev) total += e;
    for (float e : ev) {
      run += e;
      float u = (run + outside) / total;
      for (int s = 0; s < 16; ++s) u = std::nextafter(u, 0.0f);
      for (int s = 0; s < 32; ++s) {
        u = std::nextafter(u, 2.0f);
        if (u <= 0.0f || u > 1.0f) continue;
        const int pick = msim::lanes::sample<8>(ev, outside, u);
        ++draws;
        if (pick >= 0 && !(ev[pick] > 0.0f)) ++bad;
      }
    }
  }
  INFO(bad << " of " << draws << " picks had ev == 0");
  CHECK(bad == 0);  // running sums taken as a tree of vector additions gave about 1,600
}

TEST_CASE("lanes::sample picks in proportion to ev, the outside option included", "[choice]") {
  alignas(16) const float ev[8] = {0.5f, 0.0f, 2.0f, 0.25f, 0.0f, 0.0f, 1.0f, 0.0f};
  const float outside = 1.25f, total = 5.0f;
  std::vector<double> count(9, 0.0);  // [8]: the outside option
  const int n = 200000;
  for (int k = 0; k < n; ++k) {
    const int pick = msim::lanes::sample<8>(ev, outside, (static_cast<float>(k) + 0.5f) / n);
    count[pick < 0 ? 8 : static_cast<std::size_t>(pick)] += 1.0;
  }
  // An even grid of u: each share is exact to a few grid steps.
  for (std::size_t j = 0; j < 8; ++j) CHECK(count[j] / n == Approx(ev[j] / total).margin(1e-4));
  CHECK(count[8] / n == Approx(outside / total).margin(1e-4));
}

TEST_CASE("lane updates change only the lanes asked for, as the scalar rules would", "[lanes]") {
  // Sixteen lanes (two eight-lane groups), random values near the saturation edges, random
  // lane sets including ones that leave the second group untouched.
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> edge(0, 3), any(0, 65535);
  const auto value = [&]() -> std::uint16_t {
    switch (edge(rng)) {
      case 0:
        return static_cast<std::uint16_t>(rng() % 300);
      case 1:
        return static_cast<std::uint16_t>(65535 - rng() % 300);
      default:
        return static_cast<std::uint16_t>(any(rng));
    }
  };
  std::size_t wrong = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    std::uint16_t v[16], w[16];
    for (std::uint16_t& x : v) x = value();
    const std::uint64_t bits = trial % 4 == 0 ? rng() % 256 : rng() % 65536;
    const std::uint16_t amount = value();
    const auto in = [&](std::size_t k) { return ((bits >> k) & 1u) != 0; };

    std::copy(v, v + 16, w);
    msim::lanes::add_saturated<16>(w, bits, amount);
    for (std::size_t k = 0; k < 16; ++k)
      wrong += w[k] != (in(k) ? std::min<std::uint32_t>(v[k] + amount, 65535u) : v[k]);

    std::copy(v, v + 16, w);
    msim::lanes::raise_to<16>(w, bits, amount);
    for (std::size_t k = 0; k < 16; ++k) wrong += w[k] != (in(k) ? std::max(v[k], amount) : v[k]);

    std::copy(v, v + 16, w);
    msim::lanes::lower_by<16>(w, bits, amount);
    for (std::size_t k = 0; k < 16; ++k)
      wrong += w[k] != (in(k) ? (v[k] > amount ? v[k] - amount : 0) : v[k]);

    const std::size_t j = rng() % 16;
    std::copy(v, v + 16, w);
    msim::lanes::set_lane(w, j, amount);
    for (std::size_t k = 0; k < 16; ++k) wrong += w[k] != (k == j ? amount : v[k]);

    std::uint8_t b[16], c[16];
    for (std::uint8_t& x : b) x = static_cast<std::uint8_t>(rng());
    std::copy(b, b + 16, c);
    const auto byte = static_cast<std::uint8_t>(amount);
    msim::lanes::set_lane(c, j, byte);
    for (std::size_t k = 0; k < 16; ++k) wrong += c[k] != (k == j ? byte : b[k]);
  }
  CHECK(wrong == 0);
}

TEST_CASE("loyalty smoothing rounds to the nearest and keeps a positive loyalty positive",
          "[lanes]") {
  std::mt19937 rng(11);
  std::size_t wrong = 0;
  std::uint16_t all[16];
  std::fill(all, all + 16, std::uint16_t{0xFFFF});
  for (int trial = 0; trial < 20000; ++trial) {
    std::uint16_t v[16], w[16];
    for (std::uint16_t& x : v) x = static_cast<std::uint16_t>(trial % 3 == 0 ? rng() % 8 : rng());
    const auto q = static_cast<std::uint32_t>(trial % 7 == 0 ? rng() % 4 : rng() % 65536);
    std::copy(v, v + 16, w);
    msim::lanes::smooth_q16<16>(w, q, all);
    for (std::size_t k = 0; k < 16; ++k) {
      const std::uint64_t nearest = (static_cast<std::uint64_t>(v[k]) * q + 32768) >> 16;
      const std::uint64_t floor = q != 0 && v[k] != 0 ? 1 : 0;
      wrong += w[k] != std::max(nearest, floor);
    }
  }
  CHECK(wrong == 0);
  // rho = 0.8: a loyalty of 1/65535 stays there; of 1.0, it never reaches 0 in 1,000 smoothings.
  std::uint16_t low[8] = {1, 2, 3, 65535, 0, 0, 0, 0};
  for (int k = 0; k < 1000; ++k) msim::lanes::smooth_q16<8>(low, 52429, all);
  CHECK(low[0] == 1);
  CHECK(low[3] > 0);
  CHECK(low[4] == 0);  // no loyalty stays none
  std::uint16_t none[8] = {500, 1, 0, 0, 0, 0, 0, 0};
  msim::lanes::smooth_q16<8>(none, 0, all);  // rho = 0: loyalty is the last choice alone
  CHECK(none[0] == 0);
  CHECK(none[1] == 0);
}

TEST_CASE("loyalty smoothing leaves the firms outside the choice as they were", "[lanes]") {
  // Lanes 1, 4 and 9 to 15 are firms that do not sell in the occasion's category or region.
  std::uint16_t in[16], v[16];
  for (std::size_t k = 0; k < 16; ++k) {
    in[k] = (k == 1 || k == 4 || k >= 9) ? 0 : 0xFFFF;
    v[k] = static_cast<std::uint16_t>(1000 * (k + 1));
  }
  msim::lanes::smooth_q16<16>(v, 32768, in);  // rho = 0.5
  for (std::size_t k = 0; k < 16; ++k) {
    INFO("lane " << k);
    CHECK(v[k] == (in[k] != 0 ? 500 * (k + 1) : 1000 * (k + 1)));
  }
}

TEST_CASE("nearest_variant finds each lane's nearest variant in 1 to 4 dimensions", "[lanes]") {
  // Sixteen lanes, three variants each, random positions and ideal points: each lane's variant,
  // squared distance, quality and price are those of the nearest variant found one by one
  // (the earlier of two at the same distance).
  constexpr std::size_t W = 16, V = 3;
  std::mt19937 rng(23);
  std::uniform_real_distribution<float> coordinate(-2.0f, 2.0f);
  for (std::size_t D = 1; D <= 4; ++D) {
    std::size_t wrong = 0;
    for (int trial = 0; trial < 500; ++trial) {
      msim::LaneOffers o;
      o.variants = V;
      o.lane_variants.assign(W, V);
      o.group_variants.assign(W / 8, V);
      o.pos.resize(V * D * W);
      // Coordinates on a grid of quarters now and then, so that ties occur.
      for (float& x : o.pos)
        x = trial % 4 == 0 ? std::round(coordinate(rng) * 2.0f) / 4.0f : coordinate(rng);
      o.quality.resize(V * W);
      o.price.resize(V * W);
      for (std::size_t k = 0; k < V * W; ++k) {
        o.quality[k] = static_cast<float>(k);
        o.price[k] = 100.0f + static_cast<float>(k);
      }
      float x[4] = {};
      for (std::size_t d = 0; d < D; ++d)
        x[d] = trial % 4 == 0 ? std::round(coordinate(rng) * 2.0f) / 4.0f : coordinate(rng);
      alignas(32) float d2[W], quality[W], price[W];
      alignas(32) std::int32_t variant[W];
      msim::lanes::nearest_variant<W>(o, x, D, d2, quality, price, variant);
      for (std::size_t k = 0; k < W; ++k) {
        std::size_t best = 0;
        float best_d2 = 0.0f;
        for (std::size_t v = 0; v < V; ++v) {
          float dv = 0.0f;
          for (std::size_t d = 0; d < D; ++d) {
            const float diff = x[d] - o.pos[(v * D + d) * W + k];
            dv += diff * diff;
          }
          if (v == 0 || dv < best_d2) {
            best = v;
            best_d2 = dv;
          }
        }
        wrong += variant[k] != static_cast<std::int32_t>(best) || d2[k] != best_d2 ||
                 quality[k] != o.quality[best * W + k] || price[k] != o.price[best * W + k];
      }
    }
    INFO(D << " dimensions: " << wrong << " of " << 500 * W << " lanes wrong");
    CHECK(wrong == 0);
  }
}
