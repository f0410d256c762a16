// Batched Philox4x32-10: the same rounds as Random123's philox4x32 (the constants of
// sim/rng.hpp), on several counters per vector.
#include "sim/rng_batch.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace msim {
namespace {

constexpr std::uint32_t kM0 = kPhiloxM0, kM1 = kPhiloxM1;
constexpr std::uint32_t kW0 = kPhiloxW0, kW1 = kPhiloxW1;

[[maybe_unused]] void rows_plain(const Philox& gen, std::uint32_t a0, std::uint32_t b,
                                 std::uint32_t slot, std::uint16_t (*rows)[8], std::size_t n) {
  for (std::size_t r = 0; r < n; ++r) {
    const Words w = philox_one(gen, a0 + static_cast<std::uint32_t>(r), b, slot);
    for (std::size_t k = 0; k < 8; ++k) rows[r][k] = static_cast<std::uint16_t>(half_word(w, k));
  }
}

#if defined(__SSE2__)
/// Four counters per vector; each round multiplies the even and the odd lanes separately.
void rows_sse2(const Philox& gen, std::uint32_t a0, std::uint32_t b, std::uint32_t slot,
               std::uint16_t (*rows)[8], std::size_t n) {
  const __m128i m0 = _mm_set1_epi32(static_cast<int>(kM0));
  const __m128i m1 = _mm_set1_epi32(static_cast<int>(kM1));
  const __m128i low = _mm_set1_epi64x(0xFFFFFFFFll), high = _mm_slli_epi64(low, 32);
  for (std::size_t r = 0; r < n; r += 4) {
    const auto base = static_cast<int>(a0 + static_cast<std::uint32_t>(r));
    __m128i c0 = _mm_add_epi32(_mm_set1_epi32(base), _mm_setr_epi32(0, 1, 2, 3));
    __m128i c1 = _mm_set1_epi32(static_cast<int>(b));
    __m128i c2 = _mm_set1_epi32(static_cast<int>(slot));
    __m128i c3 = _mm_set1_epi32(static_cast<int>(gen.seed_hi()));
    std::uint32_t k0 = gen.key0(), k1 = gen.key1();
    for (int round = 0; round < 10; ++round) {
      const __m128i p0e = _mm_mul_epu32(c0, m0), p0o = _mm_mul_epu32(_mm_srli_epi64(c0, 32), m0);
      const __m128i p1e = _mm_mul_epu32(c2, m1), p1o = _mm_mul_epu32(_mm_srli_epi64(c2, 32), m1);
      const __m128i lo0 = _mm_or_si128(_mm_and_si128(p0e, low), _mm_slli_epi64(p0o, 32));
      const __m128i hi0 = _mm_or_si128(_mm_srli_epi64(p0e, 32), _mm_and_si128(p0o, high));
      const __m128i lo1 = _mm_or_si128(_mm_and_si128(p1e, low), _mm_slli_epi64(p1o, 32));
      const __m128i hi1 = _mm_or_si128(_mm_srli_epi64(p1e, 32), _mm_and_si128(p1o, high));
      c0 = _mm_xor_si128(_mm_xor_si128(hi1, c1), _mm_set1_epi32(static_cast<int>(k0)));
      c2 = _mm_xor_si128(_mm_xor_si128(hi0, c3), _mm_set1_epi32(static_cast<int>(k1)));
      c1 = lo1;
      c3 = lo0;
      k0 += kW0;
      k1 += kW1;
    }
    // Transpose: vector k holds word k of four counters; a row holds the four words of one.
    const __m128i t0 = _mm_unpacklo_epi32(c0, c1), t1 = _mm_unpacklo_epi32(c2, c3);
    const __m128i t2 = _mm_unpackhi_epi32(c0, c1), t3 = _mm_unpackhi_epi32(c2, c3);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(rows[r]), _mm_unpacklo_epi64(t0, t1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(rows[r + 1]), _mm_unpackhi_epi64(t0, t1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(rows[r + 2]), _mm_unpacklo_epi64(t2, t3));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(rows[r + 3]), _mm_unpackhi_epi64(t2, t3));
  }
}
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MARKETSIM_HAS_AVX2_PATH 1
/// Eight counters per vector, as rows_sse2 but 256 bits wide, and the 32-bit halves of the even
/// and odd products merged with blends instead of and/or (two instructions fewer per product).
__attribute__((target("avx2"))) void rows_avx2(const Philox& gen, std::uint32_t a0, std::uint32_t b,
                                               std::uint32_t slot, std::uint16_t (*rows)[8],
                                               std::size_t n) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(kM0));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(kM1));
  constexpr int kOdd = 0xAA;  // the high 32 bits of each 64-bit lane
  for (std::size_t r = 0; r < n; r += 8) {
    const auto base = static_cast<int>(a0 + static_cast<std::uint32_t>(r));
    __m256i c0 =
        _mm256_add_epi32(_mm256_set1_epi32(base), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256i c1 = _mm256_set1_epi32(static_cast<int>(b));
    __m256i c2 = _mm256_set1_epi32(static_cast<int>(slot));
    __m256i c3 = _mm256_set1_epi32(static_cast<int>(gen.seed_hi()));
    std::uint32_t k0 = gen.key0(), k1 = gen.key1();
    for (int round = 0; round < 10; ++round) {
      const __m256i p0e = _mm256_mul_epu32(c0, m0);
      const __m256i p0o = _mm256_mul_epu32(_mm256_srli_epi64(c0, 32), m0);
      const __m256i p1e = _mm256_mul_epu32(c2, m1);
      const __m256i p1o = _mm256_mul_epu32(_mm256_srli_epi64(c2, 32), m1);
      const __m256i lo0 = _mm256_blend_epi32(p0e, _mm256_slli_epi64(p0o, 32), kOdd);
      const __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(p0e, 32), p0o, kOdd);
      const __m256i lo1 = _mm256_blend_epi32(p1e, _mm256_slli_epi64(p1o, 32), kOdd);
      const __m256i hi1 = _mm256_blend_epi32(_mm256_srli_epi64(p1e, 32), p1o, kOdd);
      c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), _mm256_set1_epi32(static_cast<int>(k0)));
      c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), _mm256_set1_epi32(static_cast<int>(k1)));
      c1 = lo1;
      c3 = lo0;
      k0 += kW0;
      k1 += kW1;
    }
    // The same transpose within each 128-bit half: the low half holds rows r..r+3, the high
    // half rows r+4..r+7.
    const __m256i t0 = _mm256_unpacklo_epi32(c0, c1), t1 = _mm256_unpacklo_epi32(c2, c3);
    const __m256i t2 = _mm256_unpackhi_epi32(c0, c1), t3 = _mm256_unpackhi_epi32(c2, c3);
    const __m256i q[4] = {_mm256_unpacklo_epi64(t0, t1), _mm256_unpackhi_epi64(t0, t1),
                          _mm256_unpacklo_epi64(t2, t3), _mm256_unpackhi_epi64(t2, t3)};
    for (std::size_t k = 0; k < 4; ++k) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(rows[r + k]), _mm256_castsi256_si128(q[k]));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(rows[r + 4 + k]),
                       _mm256_extracti128_si256(q[k], 1));
    }
  }
}
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MARKETSIM_HAS_AVX512_PATH 1
// GCC 12's AVX-512 headers start some intrinsics from _mm512_undefined_epi32(), which
// -Wmaybe-uninitialized and -Wuninitialized report as a use of an uninitialised value (GCC
// bug 105593).
#pragma GCC diagnostic push
#if !defined(__clang__)  // (Clang has no -Wmaybe-uninitialized)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#pragma GCC diagnostic ignored "-Wuninitialized"
/// Philox4x32-10 of the sixteen counters (a0 + c, b, slot, seed_hi), c < 16, in two sets of
/// eight: x[k][h] holds word k of counters 8h .. 8h + 7 in the low halves of its 64-bit lanes,
/// so that one multiplication gives a whole 64-bit product. The high halves carry leftovers
/// that nothing reads: the multiplication uses the low halves alone, and a xor never moves high
/// bits down.
__attribute__((target("avx512f"))) inline void rounds16(const Philox& gen, std::uint32_t a0,
                                                        std::uint32_t b, std::uint32_t slot,
                                                        __m512i (&x)[4][2]) {
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(kM0));
  const __m512i m1 = _mm512_set1_epi32(static_cast<int>(kM1));
  const __m512i counters =
      _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(a0)),
                       _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  x[0][0] = _mm512_cvtepu32_epi64(_mm512_castsi512_si256(counters));
  x[0][1] = _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(counters, 1));
  for (int h = 0; h < 2; ++h) {
    x[1][h] = _mm512_set1_epi32(static_cast<int>(b));
    x[2][h] = _mm512_set1_epi32(static_cast<int>(slot));
    x[3][h] = _mm512_set1_epi32(static_cast<int>(gen.seed_hi()));
  }
  std::uint32_t k0 = gen.key0(), k1 = gen.key1();
  for (int round = 0; round < 10; ++round) {
    const __m512i key0 = _mm512_set1_epi32(static_cast<int>(k0));
    const __m512i key1 = _mm512_set1_epi32(static_cast<int>(k1));
    for (int h = 0; h < 2; ++h) {
      const __m512i p0 = _mm512_mul_epu32(x[0][h], m0);  // hi0:lo0 in each 64-bit lane
      const __m512i p1 = _mm512_mul_epu32(x[2][h], m1);
      constexpr int kXor3 = 0x96;  // a ^ b ^ c
      x[0][h] = _mm512_ternarylogic_epi32(_mm512_srli_epi64(p1, 32), x[1][h], key0, kXor3);
      x[2][h] = _mm512_ternarylogic_epi32(_mm512_srli_epi64(p0, 32), x[3][h], key1, kXor3);
      x[1][h] = p1;  // lo1 in the low half
      x[3][h] = p0;  // lo0
    }
    k0 += kW0;
    k1 += kW1;
  }
}

/// Sixteen counters per vector (rounds16).
__attribute__((target("avx512f"))) void rows_avx512(const Philox& gen, std::uint32_t a0,
                                                    std::uint32_t b, std::uint32_t slot,
                                                    std::uint16_t (*rows)[8], std::size_t n) {
  std::size_t r = 0;
  for (; r + 16 <= n; r += 16) {
    __m512i x[4][2];
    rounds16(gen, a0 + static_cast<std::uint32_t>(r), b, slot, x);
    // Rows straight from the 64-bit lanes: for each set of eight counters, one permute pairs
    // words 0 and 1, another words 2 and 3 (the low halves), and two more put each counter's
    // pairs side by side: four rows per 64-byte store.
    const __m512i pair_words =
        _mm512_setr_epi32(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
    const __m512i first_four = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11);
    const __m512i last_four = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
    for (std::size_t h = 0; h < 2; ++h) {
      const __m512i w01 = _mm512_permutex2var_epi32(x[0][h], pair_words, x[1][h]);
      const __m512i w23 = _mm512_permutex2var_epi32(x[2][h], pair_words, x[3][h]);
      _mm512_storeu_si512(rows[r + 8 * h], _mm512_permutex2var_epi64(w01, first_four, w23));
      _mm512_storeu_si512(rows[r + 8 * h + 4], _mm512_permutex2var_epi64(w01, last_four, w23));
    }
  }
  if (r < n) rows_avx2(gen, a0 + static_cast<std::uint32_t>(r), b, slot, rows + r, n - r);
}

/// philox_words16 on AVX-512: the low halves of rounds16's two sets, in counter order.
__attribute__((target("avx512f"))) void words_avx512(const Philox& gen, std::uint32_t a0,
                                                     std::uint32_t b, std::uint32_t slot,
                                                     std::uint32_t (&words)[4][16]) {
  __m512i x[4][2];
  rounds16(gen, a0, b, slot, x);
  const __m512i evens =
      _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  for (std::size_t k = 0; k < 4; ++k)
    _mm512_storeu_si512(words[k], _mm512_permutex2var_epi32(x[k][0], evens, x[k][1]));
}
#pragma GCC diagnostic pop
#endif

using RowsFn = void (*)(const Philox&, std::uint32_t, std::uint32_t, std::uint32_t,
                        std::uint16_t (*)[8], std::size_t);

RowsFn rows_for(PhiloxPath path) {
  switch (path) {
    case PhiloxPath::plain:
      return rows_plain;
    case PhiloxPath::sse2:
#if defined(__SSE2__)
      return rows_sse2;
#else
      return nullptr;
#endif
    case PhiloxPath::avx512:
#if defined(MARKETSIM_HAS_AVX512_PATH)
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") ? rows_avx512
                                                                                 : nullptr;
#else
      return nullptr;
#endif
    case PhiloxPath::avx2:
#if defined(MARKETSIM_HAS_AVX2_PATH)
      return __builtin_cpu_supports("avx2") ? rows_avx2 : nullptr;
#else
      return nullptr;
#endif
  }
  return nullptr;
}

RowsFn fastest_rows() {
  for (PhiloxPath p : {PhiloxPath::avx512, PhiloxPath::avx2, PhiloxPath::sse2})
    if (RowsFn f = rows_for(p)) return f;
  return rows_plain;
}

}  // namespace

void philox_rows(const Philox& gen, std::uint32_t a0, std::uint32_t b, std::uint32_t slot,
                 std::uint16_t (*rows)[8], std::size_t n) {
  static const RowsFn rows_fn = fastest_rows();
  rows_fn(gen, a0, b, slot, rows, n);
}

void philox_words16(const Philox& gen, std::uint32_t a0, std::uint32_t b, std::uint32_t slot,
                    std::uint32_t (&words)[4][16]) {
#if defined(MARKETSIM_HAS_AVX512_PATH)
  static const bool avx512 = rows_for(PhiloxPath::avx512) != nullptr;
  if (avx512) return words_avx512(gen, a0, b, slot, words);
#endif
  for (std::uint32_t c = 0; c < 16; ++c) {
    const Words w = philox_one(gen, a0 + c, b, slot);
    for (std::size_t k = 0; k < 4; ++k) words[k][c] = w[k];
  }
}

bool philox_rows_on(PhiloxPath path, const Philox& gen, std::uint32_t a0, std::uint32_t b,
                    std::uint32_t slot, std::uint16_t (*rows)[8], std::size_t n) {
  const RowsFn f = rows_for(path);
  if (f != nullptr) f(gen, a0, b, slot, rows, n);
  return f != nullptr;
}

}  // namespace msim
