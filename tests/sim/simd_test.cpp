// The vector helpers give the same bits as their scalar definitions.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "sim/simd.hpp"

namespace {

/// Lanes of the vector fast_exp (4 or 8 wide) whose bits differ from the scalar fast_exp's.
template <class V, int N>
std::size_t exp_mismatches() {
  std::size_t bad = 0;
  for (int k = -100000; k <= 100000; k += N) {
    V x;
    for (int e = 0; e < N; ++e) x[e] = static_cast<float>(k + e) * 1e-3f;  // [-100, 100]
    const V v = msim::simd::fast_exp(x);
    for (int e = 0; e < N; ++e) {
      const float s = msim::fast_exp(x[e]);
      const float ve = v[e];
      bad += std::memcmp(&s, &ve, sizeof s) != 0;
    }
  }
  return bad;
}

}  // namespace

TEST_CASE("vector fast_exp gives the scalar fast_exp's bits, four and eight wide", "[simd]") {
  CHECK(exp_mismatches<msim::simd::f32x4, 4>() == 0);
  CHECK(exp_mismatches<msim::simd::f32x8, 8>() == 0);
}

TEST_CASE("eight-lane helpers: lane bits and widening", "[simd]") {
  const msim::simd::u16x8 x = {0, 1, 255, 256, 4095, 32768, 65534, 65535};
  const msim::simd::i32x8 wide = msim::simd::widen8(x);
  for (int e = 0; e < 8; ++e) CHECK(wide[e] == static_cast<std::int32_t>(x[e]));
  CHECK(msim::simd::lane_bits(wide > 300) == 0xF0u);
  CHECK(msim::simd::lane_bits(wide == 1) == 0x02u);
}

TEST_CASE("lane helpers: high-half multiply, lane bits, widening a mask", "[simd]") {
  const msim::simd::u16x8 x = {0, 1, 255, 256, 4095, 32768, 65534, 65535};
  const msim::simd::u16x8 y = msim::simd::mulhi(x, 61000);
  for (int e = 0; e < 8; ++e)
    CHECK(y[e] == static_cast<std::uint16_t>((static_cast<std::uint32_t>(x[e]) * 61000u) >> 16));
  const msim::simd::i16x8 mask = x > 300;
  CHECK(msim::simd::lane_bits(mask) == 0xF0u);
  const msim::simd::i32x8 wide = msim::simd::widen8(mask);  // a mask stays -1 / 0
  for (int e = 0; e < 8; ++e) CHECK(wide[e] == mask[e]);
}

TEST_CASE("gather_bytes reads each lane's byte, up to the table's last byte", "[simd]") {
  // 1,024 bytes of distinct-looking values, then the three bytes of padding the gather (in
  // AVX-512 builds) may read.
  std::vector<std::uint8_t> table(1024 + 3, 0xEE);
  for (std::size_t k = 0; k < 1024; ++k)
    table[k] = static_cast<std::uint8_t>((k * 37u + 11u) & 255u);
  const msim::simd::i32x8 indices[] = {{0, 1, 2, 3, 4, 5, 6, 7},
                                       {1023, 1022, 1021, 1020, 0, 512, 255, 256},
                                       {7, 7, 7, 7, 1023, 1023, 3, 1000}};
  for (const msim::simd::i32x8& at : indices) {
    const msim::simd::i32x8 x = msim::simd::gather_bytes(table.data(), at);
    for (int e = 0; e < 8; ++e) CHECK(x[e] == table[static_cast<std::size_t>(at[e])]);
  }
}

TEST_CASE("widen8 zero-extends bytes and keeps byte masks -1 or 0", "[simd]") {
  const msim::simd::u8x8 x = {0, 1, 127, 128, 200, 254, 255, 7};
  const msim::simd::i32x8 wide = msim::simd::widen8(x);
  for (int e = 0; e < 8; ++e) CHECK(wide[e] == static_cast<std::int32_t>(x[e]));
  const msim::simd::i8x8 mask = x > 127;
  const msim::simd::i32x8 wide_mask = msim::simd::widen8(mask);
  for (int e = 0; e < 8; ++e) CHECK(wide_mask[e] == (x[e] > 127 ? -1 : 0));
}

TEST_CASE("chunk helpers: a byte table picked by index, comparison masks narrowed", "[simd]") {
  using namespace msim::simd;
  u8x16 table;
  for (int e = 0; e < 16; ++e) table[e] = static_cast<std::uint8_t>(200 + e);
  u8x32 at;
  for (int e = 0; e < 32; ++e) at[e] = static_cast<std::uint8_t>((e * 7 + 3) % 16);
  const u8x32 picked = pick16(table, at);
  for (int e = 0; e < 32; ++e) CHECK(picked[e] == table[at[e]]);
  // Masks keep their lanes in order: lane e of lo is lane e, lane e of hi is lane 16 + e.
  i16x16 lo, hi;
  for (int e = 0; e < 16; ++e) {
    lo[e] = static_cast<std::int16_t>(e % 3 == 0 ? -1 : 0);
    hi[e] = static_cast<std::int16_t>(e % 5 == 0 ? -1 : 0);
  }
  const i8x32 m = narrow_masks(lo, hi);
  for (int e = 0; e < 16; ++e) {
    CHECK(m[e] == lo[e]);
    CHECK(m[16 + e] == hi[e]);
  }
  // Other values saturate alike on every path.
  lo[0] = 300;
  hi[15] = -300;
  const i8x32 s = narrow_masks(lo, hi);
  CHECK(s[0] == 127);
  CHECK(s[31] == -128);
}
