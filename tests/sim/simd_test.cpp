// The vector helpers give the same bits as their scalar definitions.
#include <catch2/catch.hpp>

#include <cstring>

#include "sim/simd.hpp"

TEST_CASE("vector fast_exp gives the scalar fast_exp's bits", "[simd]") {
  std::size_t bad = 0;
  for (int k = -100000; k <= 100000; k += 4) {
    msim::simd::f32x4 x;
    for (int e = 0; e < 4; ++e) x[e] = static_cast<float>(k + e) * 1e-3f;  // [-100, 100]
    const msim::simd::f32x4 v = msim::simd::fast_exp(x);
    for (int e = 0; e < 4; ++e) {
      const float s = msim::fast_exp(x[e]);
      bad += std::memcmp(&s, &v[e], sizeof s) != 0;
    }
  }
  CHECK(bad == 0);
}

TEST_CASE("lane helpers: high-half multiply, lane bits, widening", "[simd]") {
  const msim::simd::u16x8 x = {0, 1, 255, 256, 4095, 32768, 65534, 65535};
  const msim::simd::u16x8 y = msim::simd::mulhi(x, 61000);
  for (int e = 0; e < 8; ++e)
    CHECK(y[e] == static_cast<std::uint16_t>((static_cast<std::uint32_t>(x[e]) * 61000u) >> 16));
  const msim::simd::i16x8 mask = x > 300;
  CHECK(msim::simd::lane_bits(mask) == 0xF0u);
  msim::simd::i32x4 lo, hi;
  msim::simd::widen(mask, lo, hi);
  for (int e = 0; e < 4; ++e) {
    CHECK(lo[e] == mask[e]);
    CHECK(hi[e] == mask[e + 4]);
  }
}
