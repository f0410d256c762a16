#pragma once
/// Philox4x32-10 for many counters at once: the same bits as Philox::operator() (Random123),
/// four counters per SIMD vector. A hot loop that needs the same slot for a run of consecutive
/// consumers draws them all in one call.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "sim/rng.hpp"

namespace msim {

static_assert(std::endian::native == std::endian::little, "WordRows reads words as two halves");

/// The output of W consecutive counters (a0 + lane, b, slot), one 16-byte row per counter.
/// Row `lane` holds its four 32-bit words, or read as 16-bit halves, the eight items of
/// half_word() in order: item k is half k of the row (words are little-endian halves).
template <std::size_t W>
struct WordRows {
  alignas(64) std::uint16_t half[W][8];
  std::uint32_t word(std::size_t lane, std::size_t k) const {
    std::uint32_t w;  // halves 2k and 2k + 1, little-endian: one 32-bit load
    std::memcpy(&w, &half[lane][2 * k], sizeof w);
    return w;
  }
};

/// Philox4x32-10 of the counters (a0 + r, b, slot, seed_hi) for r < n (a multiple of 8) into
/// rows[r]. Uses AVX-512 (sixteen counters per vector) or AVX2 (eight) where the processor has
/// it, else SSE2 (four), else plain code: integer arithmetic only, so the bits are the same on
/// every path.
void philox_rows(const Philox& gen, std::uint32_t a0, std::uint32_t b, std::uint32_t slot,
                 std::uint16_t (*rows)[8], std::size_t n);

/// Philox4x32-10 of the sixteen counters (a0 + c, b, slot, seed_hi), c < 16, as sixteen-counter
/// vectors hold them: word k of counter c in words[k][c] (AVX-512 where the processor has it,
/// else one counter at a time). For code that keeps consumers in vector lanes
/// (bench/layout_study.cpp).
void philox_words16(const Philox& gen, std::uint32_t a0, std::uint32_t b, std::uint32_t slot,
                    std::uint32_t (&words)[4][16]);

/// The code paths of philox_rows, for tests that check each against Random123.
enum class PhiloxPath { plain, sse2, avx2, avx512 };
/// philox_rows on one path; false (and nothing written) when this build or processor lacks it.
bool philox_rows_on(PhiloxPath path, const Philox& gen, std::uint32_t a0, std::uint32_t b,
                    std::uint32_t slot, std::uint16_t (*rows)[8], std::size_t n);

/// Row r of philox_rows' output as the four words of its counter.
inline Words row_words(const std::uint16_t (&row)[8]) {
  Words w;
  std::memcpy(w.data(), row, sizeof w);
  return w;
}

/// Fills out with Philox4x32-10 of the counters (a0 + lane, b, slot, seed_hi) for lane < W.
template <std::size_t W>
inline void philox_lanes(const Philox& gen, std::uint32_t a0, std::uint32_t b, std::uint32_t slot,
                         WordRows<W>& out) {
  static_assert(W % 8 == 0, "whole vectors");
  philox_rows(gen, a0, b, slot, out.half, W);
}

}  // namespace msim
