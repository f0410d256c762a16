// The batched and scalar Philox paths give Random123's bits for every counter.
#include <catch2/catch.hpp>

#include "sim/rng_batch.hpp"

namespace {

constexpr std::size_t kRows = 64;

/// Checks rows[r] against Random123 for counters (a0 + r, b, slot).
std::size_t mismatches(const msim::Philox& gen, std::uint32_t a0, std::uint32_t b,
                       std::uint32_t slot, const std::uint16_t (*rows)[8], std::size_t n = kRows) {
  std::size_t bad = 0;
  for (std::size_t r = 0; r < n; ++r) {
    const msim::Words w = gen(a0 + static_cast<std::uint32_t>(r), b, slot);
    for (std::size_t k = 0; k < 8; ++k) bad += rows[r][k] != msim::half_word(w, k);
  }
  return bad;
}

}  // namespace

TEST_CASE("philox_one matches Random123's Philox4x32-10", "[rng]") {
  const msim::Philox gen(0x0123456789ABCDEFull, 7);
  std::size_t bad = 0;
  for (std::uint32_t a = 0; a < 2000; ++a)
    bad += msim::philox_one(gen, a, 3 * a, a ^ 5) != gen(a, 3 * a, a ^ 5);
  CHECK(bad == 0);
}

TEST_CASE("every batched Philox path matches Random123, counters wrapping included", "[rng]") {
  const auto seed = GENERATE(0ull, 42ull, 0xFFFFFFFF00000001ull);
  const msim::Philox gen(seed, 3);
  const std::uint32_t a0 = GENERATE(0u, 4096u, 0xFFFFFFF0u);  // the last wraps around 2^32
  alignas(64) std::uint16_t rows[kRows][8];
  for (auto path : {msim::PhiloxPath::plain, msim::PhiloxPath::sse2, msim::PhiloxPath::avx2,
                    msim::PhiloxPath::avx512}) {
    INFO("path " << static_cast<int>(path) << " seed " << seed << " a0 " << a0);
    if (!msim::philox_rows_on(path, gen, a0, 11, 5, rows, kRows)) continue;  // not on this CPU
    CHECK(mismatches(gen, a0, 11, 5, rows) == 0);
    // A count that is a multiple of 8 but not of 16 (the AVX-512 path's remainder).
    msim::philox_rows_on(path, gen, a0, 12, 6, rows, 24);
    CHECK(mismatches(gen, a0, 12, 6, rows, 24) == 0);
  }
  msim::WordRows<16> lanes;
  msim::philox_lanes(gen, a0, 2, 9, lanes);
  for (std::size_t r = 0; r < 16; ++r)
    for (std::size_t k = 0; k < 4; ++k)
      CHECK(lanes.word(r, k) == gen(a0 + static_cast<std::uint32_t>(r), 2, 9)[k]);
}

TEST_CASE("row_words reads a row back as its counter's four words", "[rng]") {
  const msim::Philox gen(99, 4);
  msim::WordRows<8> rows;
  msim::philox_lanes(gen, 1234, 7, 2, rows);
  for (std::uint32_t r = 0; r < 8; ++r) CHECK(msim::row_words(rows.half[r]) == gen(1234 + r, 7, 2));
}

TEST_CASE("philox_words16 gives word k of counter c at words[k][c], as Random123", "[rng]") {
  const auto seed = GENERATE(0ull, 0xFFFFFFFF00000001ull);
  const msim::Philox gen(seed, 3);
  const std::uint32_t a0 = GENERATE(0u, 4096u, 0xFFFFFFF8u);  // the last wraps around 2^32
  std::uint32_t words[4][16];
  msim::philox_words16(gen, a0, 17, 8, words);
  std::size_t bad = 0;
  for (std::uint32_t c = 0; c < 16; ++c)
    for (std::size_t k = 0; k < 4; ++k) bad += words[k][c] != gen(a0 + c, 17, 8)[k];
  INFO("seed " << seed << " a0 " << a0);
  CHECK(bad == 0);
}
