// Layout study (bench/layout_study.cpp): would consumers in vector lanes pay? The part of the
// consumer kernel that every consumer runs every step (adstock, recency, Poisson media
// exposures from bucket tables with their scans, word of mouth and stories of early failures,
// awareness and recent customers counted by segment and firm), for 8 firms and 3 segments, in
// four arrangements on the same inputs:
//  A1. firm lanes, one consumer at a time (the kernel before 2026-12-05);
//  A2. firm lanes, advertising two consumers per 512-bit vector;
//  A3. A2 with word of mouth two consumers per vector too (the kernel since 2026-12-05);
//  B.  consumer tiles: state stored [16 consumers' tile][firm][16], a vector per firm holding
//      sixteen consumers, the Philox words as the sixteen-counter vectors hold them
//      (philox_words16, no transpose), per-segment table entries picked by lane permutes.
// All must leave the same goodwill, recency and tallies (the program fails otherwise). It
// prints each one's best step in ns per consumer-step, and the Philox words alone.
//   bench_layout_study [consumers=1000000] [steps=20]
// Needs an AVX-512 build (-march=native on a processor with AVX-512 F, BW and VL).
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
// GCC 12's AVX-512 headers start some intrinsics from an undefined vector, which it reports as
// uninitialised (GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "sim/rng.hpp"
#include "sim/rng_batch.hpp"
#include "sim/simd.hpp"

using namespace msim;
constexpr std::size_t W = 8, S = 3, kB = 2048, kShift = 5, kCdf = 96, T16 = 16;
constexpr std::uint8_t kScan = 0x80;

struct Tables {
  std::uint16_t decay = 60948;                        // 0.93 in q16
  std::vector<std::uint8_t> table;                    // [S*W][kB]
  std::vector<std::uint32_t> cdf;                     // [S*W][kCdf]
  alignas(64) std::int32_t base[S * W], gain[S * W];  // [s*W+j]
  alignas(64) std::int32_t wom_high[S * W], neg_high[S * W];
  std::uint8_t window = 26;
};

void build(Tables& t) {
  // Exposures per step spread as in the standard market of bench_market (0.03 to 5.8, median
  // 1.3, over its steps and (segment, firm) pairs).
  const double means[] = {0.03, 0.4, 0.77, 1.29, 2.0, 2.9, 4.1, 5.77};
  t.table.assign(S * W * kB + 4, 0);  // a gather reads 32-bit words: 3 bytes past the last
  t.cdf.assign(S * W * kCdf, 65536);
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t j = 0; j < W; ++j) {
      const std::size_t sl = s * W + j;
      const double m = means[(j + 3 * s) % 8];
      double p = std::exp(-m), c = p;
      std::uint32_t* cdf = &t.cdf[sl * kCdf];
      for (std::size_t k = 0; k < kCdf; ++k) {
        cdf[k] = static_cast<std::uint32_t>(std::min(65536.0, std::ceil(c * 65536.0)));
        p *= m / static_cast<double>(k + 1);
        c += p;
      }
      for (std::size_t b = 0; b < kB; ++b) {
        const std::uint32_t lo = static_cast<std::uint32_t>(b << kShift),
                            hi = lo + (1u << kShift) - 1;
        std::uint32_t x = 0;
        while (x + 1 < kCdf && lo >= cdf[x]) ++x;
        std::uint32_t y = x;
        while (y + 1 < kCdf && hi >= cdf[y]) ++y;
        t.table[sl * kB + b] =
            static_cast<std::uint8_t>(std::min<std::uint32_t>(x, 127) | (y != x ? kScan : 0));
      }
      t.base[sl] = static_cast<std::int32_t>(sl * kB);
      t.gain[sl] = (s + j) % 5 == 4 ? 0 : 128;  // some firms do not reach some segments
      t.wom_high[sl] = static_cast<std::int32_t>(65536 * (0.01 + 0.01 * static_cast<double>(j)));
      t.neg_high[sl] = j == 1 || j == 3 ? 300 : 0;
    }
}

inline std::uint32_t slow(const Tables& t, std::size_t sl, std::uint32_t u, std::uint32_t x) {
  x &= ~static_cast<std::uint32_t>(kScan);
  const std::uint32_t* cdf = &t.cdf[sl * kCdf];
  while (x + 1 < kCdf && u >= cdf[x]) ++x;
  return x;
}

struct Tally {
  std::uint32_t aware[S * W]{}, recent[S * W]{};
};

// ---------------------------------------------------------------- A: firm lanes
struct StateA {
  std::vector<std::uint16_t> g, L;
  std::vector<std::uint8_t> since;
};

// Adstock, recency and exposures of consumer i (chunk lane l, segment s), one at a time.
inline void advertise_one(const Tables& t, StateA& st, std::size_t i, std::size_t s, std::size_t l,
                          const WordRows<16>& expo) {
  using namespace simd;
  std::uint16_t* g = &st.g[i * W];
  store(g, mulhi(load<u16x8>(g), t.decay));
  std::uint8_t* since = &st.since[i * W];
  const u8x8 x8 = load<u8x8>(since);
  store(since, x8 - (u8x8)((x8 != 0) & (x8 != 255)));
  const i32x8 u = widen8(load<u16x8>(expo.half[l]));
  const i32x8 at = load<i32x8>(&t.base[s * W]) + (u >> kShift);
  const i32x8 gain = load<i32x8>(&t.gain[s * W]);
  i32x8 x = gather_bytes(t.table.data(), at);
  for (std::uint32_t sl = lane_bits(((x & kScan) != 0) & (gain != 0)); sl != 0; sl &= sl - 1) {
    const int e = __builtin_ctz(sl);
    x[e] = static_cast<std::int32_t>(
        slow(t, s * W + e, static_cast<std::uint32_t>(u[e]), static_cast<std::uint32_t>(x[e])));
  }
  const u32x8 sum = (u32x8)widen8(load<u16x8>(g)) + (u32x8)x * (u32x8)gain;
  const u32x8 top = u32x8{} + 65535u;
  store(g, __builtin_convertvector(sum < top ? sum : top, u16x8));
}

// Consumer i's awareness and recent purchases, counted in its segment's tallies.
inline void tally_one(const Tables& t, const StateA& st, std::size_t i, std::size_t s, Tally& ty) {
  using namespace simd;
  const u16x8 g = load<u16x8>(&st.g[i * W]), L = load<u16x8>(&st.L[i * W]);
  store(&ty.aware[s * W], load<i32x8>(&ty.aware[s * W]) - widen8((g >= 256) | (L != 0)));
  const u8x8 since = load<u8x8>(&st.since[i * W]);
  const i32x8 recent = widen8((i8x8)((since != 0) & (since <= t.window)));
  store(&ty.recent[s * W], load<i32x8>(&ty.recent[s * W]) - recent);
}

// Word of mouth and stories of consumer i (chunk lane l, segment s), then its tallies.
inline void hear_one(const Tables& t, StateA& st, std::size_t i, std::size_t s, std::size_t l,
                     const WordRows<16>& wom, Tally& ty) {
  using namespace simd;
  std::uint16_t* g = &st.g[i * W];
  const u16x8 gv = load<u16x8>(g), lv = load<u16x8>(&st.L[i * W]);
  const std::uint32_t unaware = lane_bits((gv < 256) & (lv == 0));
  const i32x8 uw = widen8(load<u16x8>(wom.half[l]));
  const std::uint32_t heard = lane_bits(uw < load<i32x8>(&t.wom_high[s * W])) & unaware;
  const std::uint32_t warned = lane_bits(uw < load<i32x8>(&t.neg_high[s * W])) & ~unaware & 255u;
  u16x8 y = load<u16x8>(g);
  const u16x8 bit = {1, 2, 4, 8, 16, 32, 64, 128};
  y = (((bit & static_cast<std::uint16_t>(heard)) != 0) & (y < 256)) ? u16x8{} + 256 : y;
  y = ((bit & static_cast<std::uint16_t>(warned)) != 0) ? (y > 256 ? y - 256 : u16x8{}) : y;
  store(g, y);
  tally_one(t, st, i, s, ty);
}

// Sixteen exposure counts: the bytes of the bucket tables at `at` for the words u, and where a
// lane with media (gain above 0) lands in a bucket with a CDF step, the scan of its CDF row
// row_of(lane).
template <class RowOf>
__m512i counts16(const Tables& t, __m512i at, __m512i u, __m512i gain, RowOf row_of) {
  const __m512i x =
      _mm512_and_si512(_mm512_i32gather_epi32(at, t.table.data(), 1), _mm512_set1_epi32(0xFF));
  const __mmask16 scan =
      _mm512_test_epi32_mask(x, _mm512_set1_epi32(kScan)) & _mm512_test_epi32_mask(gain, gain);
  if (scan == 0) return x;
  alignas(64) std::uint32_t xs[16], us[16];
  _mm512_store_si512(xs, x);
  _mm512_store_si512(us, u);
  for (unsigned m = scan; m != 0; m &= m - 1) {
    const auto e = static_cast<int>(__builtin_ctz(m));
    xs[e] = slow(t, row_of(e), us[e], xs[e]);
  }
  return _mm512_load_si512(xs);
}

// Adstock, recency and exposures of the chunk of 16 consumers at c0, two per 512-bit vector.
void advertise_pairs(const Tables& t, StateA& st, const std::vector<std::uint8_t>& seg,
                     std::size_t c0, const WordRows<16>& expo) {
  const __m512i cap = _mm512_set1_epi32(65535);
  for (std::size_t l = 0; l < 16; l += 2) {
    const std::size_t i = c0 + l, s0 = seg[i], s1 = seg[i + 1];
    std::uint16_t* g = &st.g[i * W];
    __m256i g16 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(g));
    g16 = _mm256_mulhi_epu16(g16, _mm256_set1_epi16(static_cast<short>(t.decay)));
    std::uint8_t* since = &st.since[i * W];
    __m128i x8 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(since));
    const __mmask16 older =
        _mm_cmpneq_epu8_mask(x8, _mm_setzero_si128()) & _mm_cmpneq_epu8_mask(x8, _mm_set1_epi8(-1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(since),
                     _mm_mask_add_epi8(x8, older, x8, _mm_set1_epi8(1)));
    const __m512i u =
        _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(expo.half[l])));
    const __m512i base = _mm512_inserti64x4(
        _mm512_castsi256_si512(
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&t.base[s0 * W]))),
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&t.base[s1 * W])), 1);
    const __m512i gain = _mm512_inserti64x4(
        _mm512_castsi256_si512(
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&t.gain[s0 * W]))),
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&t.gain[s1 * W])), 1);
    const __m512i at = _mm512_add_epi32(base, _mm512_srli_epi32(u, kShift));
    const __m512i x =
        counts16(t, at, u, gain, [&](int e) { return (e < 8 ? s0 : s1) * W + (e & 7); });
    const __m512i sum = _mm512_min_epu32(
        _mm512_add_epi32(_mm512_cvtepu16_epi32(g16), _mm512_mullo_epi32(x, gain)), cap);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(g), _mm512_cvtepi32_epi16(sum));
  }
}

// Word of mouth and stories of the chunk of 16 consumers at c0, two per 512-bit vector, then
// their tallies one at a time.
void hear_pairs(const Tables& t, StateA& st, const std::vector<std::uint8_t>& seg, std::size_t c0,
                const WordRows<16>& wom, Tally& ty) {
  using namespace simd;
  for (std::size_t l = 0; l < 16; l += 2) {
    const std::size_t i = c0 + l, s0 = seg[i], s1 = seg[i + 1];
    std::uint16_t* g = &st.g[i * W];
    __m256i gw = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(g));
    const __m256i lv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&st.L[i * W]));
    const __mmask16 unaware = _mm256_cmplt_epu16_mask(gw, _mm256_set1_epi16(256)) &
                              _mm256_cmpeq_epi16_mask(lv, _mm256_setzero_si256());
    const __m512i uw =
        _mm512_cvtepu16_epi32(_mm256_load_si256(reinterpret_cast<const __m256i*>(wom.half[l])));
    const auto both = [](const std::int32_t* a, const std::int32_t* b) {
      return _mm512_inserti64x4(
          _mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a))),
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b)), 1);
    };
    const __mmask16 heard =
        _mm512_cmplt_epi32_mask(uw, both(&t.wom_high[s0 * W], &t.wom_high[s1 * W])) & unaware;
    const __mmask16 warned =
        _mm512_cmplt_epi32_mask(uw, both(&t.neg_high[s0 * W], &t.neg_high[s1 * W])) & ~unaware;
    gw = _mm256_mask_max_epu16(gw, heard, gw, _mm256_set1_epi16(256));
    gw = _mm256_mask_subs_epu16(gw, warned, gw, _mm256_set1_epi16(256));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(g), gw);
  }
  for (std::size_t l = 0; l < 16; ++l) tally_one(t, st, c0 + l, seg[c0 + l], ty);
}

// ---------------------------------------------------------------- A1, A2 and A3: firm lanes;
// adstock and exposures two consumers per 512-bit vector from A2, word of mouth too in A3
template <int kArrangement>
void step_a(const Tables& t, const Philox& gen, std::uint32_t step, StateA& st,
            const std::vector<std::uint8_t>& seg, std::size_t n, Tally& ty) {
  WordRows<16> expo, wom;
  for (std::size_t c0 = 0; c0 < n; c0 += 16) {
    philox_lanes(gen, static_cast<std::uint32_t>(c0), step, 0, expo);
    philox_lanes(gen, static_cast<std::uint32_t>(c0), step, 8, wom);
    if constexpr (kArrangement == 1) {
      for (std::size_t l = 0; l < 16; ++l) {
        advertise_one(t, st, c0 + l, seg[c0 + l], l, expo);
        hear_one(t, st, c0 + l, seg[c0 + l], l, wom, ty);
      }
    } else if constexpr (kArrangement == 2) {
      advertise_pairs(t, st, seg, c0, expo);
      for (std::size_t l = 0; l < 16; ++l) hear_one(t, st, c0 + l, seg[c0 + l], l, wom, ty);
    } else {
      advertise_pairs(t, st, seg, c0, expo);
      hear_pairs(t, st, seg, c0, wom, ty);
    }
  }
}

// ---------------------------------------------------------------- B: consumer tiles
struct StateB {  // [tile][firm][16]
  std::vector<std::uint16_t> g, L;
  std::vector<std::uint8_t> since;
};

// Philox4x32-10 of counters (a0 + lane, b, slot): word k of 16 counters in out[k].
inline void philox16(const Philox& gen, std::uint32_t a0, std::uint32_t b, std::uint32_t slot,
                     __m512i out[4]) {
  alignas(64) std::uint32_t words[4][16];
  philox_words16(gen, a0, b, slot, words);
  for (std::size_t k = 0; k < 4; ++k) out[k] = _mm512_load_si512(words[k]);
}

// Table rows by firm, 16 lanes each: entry s is segment s's value (for a lane permute).
struct RowsB {
  __m512i base[W], gain[W], wom[W], neg[W];
};
RowsB rows_b(const Tables& t) {
  RowsB r;
  for (std::size_t j = 0; j < W; ++j) {
    alignas(64) std::int32_t b[16]{}, g[16]{}, w[16]{}, q[16]{};
    for (std::size_t s = 0; s < S; ++s) {
      b[s] = t.base[s * W + j];
      g[s] = t.gain[s * W + j];
      w[s] = t.wom_high[s * W + j];
      q[s] = t.neg_high[s * W + j];
    }
    r.base[j] = _mm512_load_si512(b);
    r.gain[j] = _mm512_load_si512(g);
    r.wom[j] = _mm512_load_si512(w);
    r.neg[j] = _mm512_load_si512(q);
  }
  return r;
}

void step_b(const Tables& t, const RowsB& rb, const Philox& gen, std::uint32_t step, StateB& st,
            const std::vector<std::uint8_t>& seg, std::size_t n, Tally& ty) {
  const __m512i ffff = _mm512_set1_epi32(0xFFFF), k256 = _mm512_set1_epi32(256);
  const __m512i decay = _mm512_set1_epi32(t.decay), cap = _mm512_set1_epi32(65535);
  for (std::size_t c0 = 0; c0 < n; c0 += T16) {
    __m512i ew[4], ww[4];
    philox16(gen, static_cast<std::uint32_t>(c0), step, 0, ew);
    philox16(gen, static_cast<std::uint32_t>(c0), step, 8, ww);
    const __m512i s =
        _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(&seg[c0])));
    __mmask16 segm[S];
    for (std::size_t k = 0; k < S; ++k)
      segm[k] = _mm512_cmpeq_epi32_mask(s, _mm512_set1_epi32(static_cast<int>(k)));
    const std::size_t tile = c0 / T16;
    for (std::size_t j = 0; j < W; ++j) {
      std::uint16_t* gp = &st.g[(tile * W + j) * T16];
      const std::uint16_t* Lp = &st.L[(tile * W + j) * T16];
      std::uint8_t* sp = &st.since[(tile * W + j) * T16];
      __m512i g = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(gp)));
      g = _mm512_srli_epi32(_mm512_mullo_epi32(g, decay), 16);
      const int sh = 16 * static_cast<int>(j & 1);
      const __m512i u = _mm512_and_si512(_mm512_srli_epi32(ew[j >> 1], sh), ffff);
      const __m512i at =
          _mm512_add_epi32(_mm512_permutexvar_epi32(s, rb.base[j]), _mm512_srli_epi32(u, kShift));
      const __m512i gain = _mm512_permutexvar_epi32(s, rb.gain[j]);
      const __m512i x = counts16(t, at, u, gain, [&](int e) { return seg[c0 + e] * W + j; });
      g = _mm512_min_epu32(_mm512_add_epi32(g, _mm512_mullo_epi32(x, gain)), cap);
      const __m512i L =
          _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(Lp)));
      const __mmask16 unaware =
          _mm512_cmplt_epu32_mask(g, k256) & _mm512_cmpeq_epi32_mask(L, _mm512_setzero_si512());
      const __m512i uw = _mm512_and_si512(_mm512_srli_epi32(ww[j >> 1], sh), ffff);
      const __mmask16 heard =
          _mm512_cmplt_epi32_mask(uw, _mm512_permutexvar_epi32(s, rb.wom[j])) & unaware;
      const __mmask16 warned =
          _mm512_cmplt_epi32_mask(uw, _mm512_permutexvar_epi32(s, rb.neg[j])) & ~unaware;
      g = _mm512_mask_max_epu32(g, heard, g, k256);
      g = _mm512_mask_sub_epi32(g, warned, _mm512_max_epu32(g, k256), k256);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(gp), _mm512_cvtepi32_epi16(g));
      __m128i sn = _mm_loadu_si128(reinterpret_cast<const __m128i*>(sp));
      const __mmask16 older = _mm_cmpneq_epu8_mask(sn, _mm_setzero_si128()) &
                              _mm_cmpneq_epu8_mask(sn, _mm_set1_epi8(-1));
      sn = _mm_mask_add_epi8(sn, older, sn, _mm_set1_epi8(1));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(sp), sn);
      const __mmask16 aw =
          _mm512_cmpge_epu32_mask(g, k256) | _mm512_cmpneq_epi32_mask(L, _mm512_setzero_si512());
      const __mmask16 rc = _mm_cmpneq_epu8_mask(sn, _mm_setzero_si128()) &
                           _mm_cmple_epu8_mask(sn, _mm_set1_epi8(static_cast<char>(t.window)));
      for (std::size_t k = 0; k < S; ++k) {
        ty.aware[k * W + j] += static_cast<std::uint32_t>(__builtin_popcount(aw & segm[k]));
        ty.recent[k * W + j] += static_cast<std::uint32_t>(__builtin_popcount(rc & segm[k]));
      }
    }
  }
}

void report_philox();

int main(int argc, char** argv) {
  report_philox();
  const std::size_t n = (argc > 1 ? std::stoul(argv[1]) : 1000000) / 16 * 16;
  const std::uint32_t steps = argc > 2 ? static_cast<std::uint32_t>(std::stoul(argv[2])) : 20;
  Tables t;
  build(t);
  const RowsB rb = rows_b(t);
  const Philox gen(42, 7);
  std::vector<std::uint8_t> seg(n + 16);
  StateA a{std::vector<std::uint16_t>(n * W), std::vector<std::uint16_t>(n * W),
           std::vector<std::uint8_t>(n * W)};
  for (std::size_t i = 0; i < n; ++i) {
    const Words w = philox_one(gen, static_cast<std::uint32_t>(i), 9999, 0);
    seg[i] = static_cast<std::uint8_t>(w[0] % S);
    for (std::size_t j = 0; j < W; ++j) {
      a.L[i * W + j] = (w[1] >> j) & 1 ? static_cast<std::uint16_t>(w[2] >> (2 * j)) : 0;
      a.since[i * W + j] =
          (w[3] >> j) & 1 ? static_cast<std::uint8_t>(1 + (w[3] >> (8 + j)) % 60) : 0;
    }
  }
  StateB b{std::vector<std::uint16_t>(n * W), std::vector<std::uint16_t>(n * W),
           std::vector<std::uint8_t>(n * W)};
  const auto tiled = [](std::size_t i, std::size_t j) { return ((i / 16) * W + j) * 16 + i % 16; };
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < W; ++j) {
      b.L[tiled(i, j)] = a.L[i * W + j];
      b.since[tiled(i, j)] = a.since[i * W + j];
    }
  StateA a2 = a, a3 = a;
  Tally ta, tb, ta2, ta3;
  double sa = 1e30, sb = 1e30, sa2 = 1e30, sa3 = 1e30;
  for (std::uint32_t st = 0; st < steps; ++st) {
    auto t0 = std::chrono::steady_clock::now();
    step_a<1>(t, gen, st, a, seg, n, ta);
    auto t1 = std::chrono::steady_clock::now();
    step_b(t, rb, gen, st, b, seg, n, tb);
    auto t2 = std::chrono::steady_clock::now();
    sa = std::min(sa, std::chrono::duration<double>(t1 - t0).count());
    auto t3 = std::chrono::steady_clock::now();
    step_a<2>(t, gen, st, a2, seg, n, ta2);
    sa2 =
        std::min(sa2, std::chrono::duration<double>(std::chrono::steady_clock::now() - t3).count());
    const auto t4 = std::chrono::steady_clock::now();
    step_a<3>(t, gen, st, a3, seg, n, ta3);
    sa3 =
        std::min(sa3, std::chrono::duration<double>(std::chrono::steady_clock::now() - t4).count());
    sb = std::min(sb, std::chrono::duration<double>(t2 - t1).count());
  }
  std::size_t diff = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < W; ++j)
      diff += a.g[i * W + j] != b.g[tiled(i, j)] || a.since[i * W + j] != b.since[tiled(i, j)];
  for (std::size_t k = 0; k < S * W; ++k)
    diff += ta.aware[k] != tb.aware[k] || ta.recent[k] != tb.recent[k];
  for (std::size_t k = 0; k < n * W; ++k) diff += a.g[k] != a2.g[k] || a.since[k] != a2.since[k];
  for (std::size_t k = 0; k < S * W; ++k)
    diff += ta.aware[k] != ta2.aware[k] || ta.recent[k] != ta2.recent[k];
  for (std::size_t k = 0; k < n * W; ++k) diff += a.g[k] != a3.g[k] || a.since[k] != a3.since[k];
  for (std::size_t k = 0; k < S * W; ++k)
    diff += ta.aware[k] != ta3.aware[k] || ta.recent[k] != ta3.recent[k];
  std::uint64_t aware = 0;
  for (std::size_t k = 0; k < S * W; ++k) aware += ta.aware[k];
  std::printf("consumers %zu steps %u  differences %zu  mean aware firms %.2f\n", n, steps, diff,
              static_cast<double>(aware) / static_cast<double>(n) / steps);
  std::printf("A1 firm lanes:    %.2f ns per consumer-step (best step)\n",
              sa / static_cast<double>(n) * 1e9);
  std::printf("A2 pairs:         %.2f ns per consumer-step (best step)\n",
              sa2 / static_cast<double>(n) * 1e9);
  std::printf("A3 pairs, word of mouth too: %.2f ns per consumer-step (best step)\n",
              sa3 / static_cast<double>(n) * 1e9);
  std::printf("B consumer tiles: %.2f ns per consumer-step (best step)\n",
              sb / static_cast<double>(n) * 1e9);
  return diff == 0 ? 0 : 1;
}
// Philox alone, each layout's way.
double philox_only(bool tiles, const Philox& gen, std::size_t n) {
  auto t0 = std::chrono::steady_clock::now();
  std::uint32_t acc = 0;
  WordRows<16> r;
  __m512i w[4];
  for (std::size_t c0 = 0; c0 < n; c0 += 16)
    for (std::uint32_t slot : {0u, 8u}) {
      if (tiles) {
        philox16(gen, static_cast<std::uint32_t>(c0), 1, slot, w);
        acc += static_cast<std::uint32_t>(_mm512_reduce_add_epi32(_mm512_xor_si512(w[0], w[3])));
      } else {
        philox_lanes(gen, static_cast<std::uint32_t>(c0), 1, slot, r);
        acc += r.half[3][1] + r.half[11][6];
      }
    }
  auto t1 = std::chrono::steady_clock::now();
  if (acc == 12345) std::puts("");
  return std::chrono::duration<double>(t1 - t0).count() / static_cast<double>(n) * 1e9;
}
void report_philox() {
  {
    const Philox gen(42, 7);
    double a = 1e9, b = 1e9;
    for (int k = 0; k < 5; ++k) {
      a = std::min(a, philox_only(false, gen, 1000000));
      b = std::min(b, philox_only(true, gen, 1000000));
    }
    std::printf("Philox words of two slots alone: A %.2f ns, B %.2f ns per consumer\n", a, b);
  }
}
#else
#include <cstdio>
int main() {
  std::puts("bench_layout_study: needs an AVX-512 build (F, BW and VL); nothing measured");
  return 0;
}
#endif
