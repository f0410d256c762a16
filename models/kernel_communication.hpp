#pragma once
/// What reaches a consumer in a step before it shops: media exposures on top of decayed
/// goodwill, CRM contacts, word of mouth and stories of early failures.
//
// Part of the consumer kernel, included only by models/consumer_kernel.cpp, whose one translation
// unit compiles the whole kernel. Its classes are in an unnamed namespace, as they were in that
// file, so that their functions keep internal linkage and the inliner's choices stay the ones
// measured (bench/performance-log.md).
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/kernel_lanes.hpp"
#include "models/kernel_shopping.hpp"
#include "sim/rng_batch.hpp"
#include "sim/simd.hpp"

namespace msim {
namespace {

/// Poisson exposures from a 16-bit uniform u whose bucket x (from Exposure::table) is flagged:
/// a short scan of the CDF where the count changes inside the bucket, or a direct inversion
/// for a mean beyond the tables.
inline std::uint32_t exposures_slow(const KernelTables& t, const KernelTables::ExposureDraw& e,
                                    std::uint32_t u, std::uint32_t x) {
  if (x == kExpoDirect) return poisson((u + 0.5) / 65536.0, e.direct_mean, e.direct_exp);
  x &= ~static_cast<std::uint32_t>(kExpoScan);
  const std::uint32_t* cdf = &t.expo_cdf[e.table / kExpoBuckets * kCdfLen];
  while (x + 1 < kCdfLen && u >= cdf[x]) ++x;
  return x;
}

template <std::size_t W>
class KernelCommunication : public KernelShopping<W> {
 protected:
  using Base = KernelShopping<W>;
  using Base::Base;
  using Base::pop_;
  using Base::t_;
  using typename Base::Chunk;

  /// Adstock, purchase recency and media exposures. This and communicate() are inlined by
  /// force: GCC's inliner can leave them out of line, a call per consumer-step (measured 2%
  /// slower).
  [[gnu::always_inline]] void advertise(std::size_t i, std::size_t s, std::size_t l,
                                        const Chunk& words) {
    std::uint16_t* g = &pop_.goodwill[i * W];
    lanes::scale_q16<W>(g, t_.decay_q16);
    lanes::age_recency<W>(&pop_.since[i * W]);
    expose(i, s, l, words, g, &pop_.loyalty[i * W]);
  }

#if MSIM_KERNEL_PAIRS
  /// advertise() for consumers i and i + 1 (chunk lanes l and l + 1) at once, in a market of
  /// eight firm lanes where no firm has an audience rule: the two consumers' goodwill (16
  /// lanes of 16 bits), recency (16 bytes) and random words are contiguous, so each operation
  /// takes one vector for both, and one gather looks up their sixteen exposure counts. The same
  /// integer operations as advertise(), so the same bits. (A group that reaches no consumer of
  /// a segment has gains of 0 there, and adds nothing.) The whole kernel ran 4.6% faster than
  /// with one consumer at a time (bench/ab.sh, eight pairs, 1.020 to 1.072).
  [[gnu::always_inline]] void advertise_pair(std::size_t i, std::size_t l, const Chunk& words) {
    std::uint16_t* g = &pop_.goodwill[i * W];
    __m256i goodwill = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(g));
    goodwill = _mm256_mulhi_epu16(goodwill, _mm256_set1_epi16(static_cast<short>(t_.decay_q16)));
    std::uint8_t* since = &pop_.since[i * W];
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(since));
    const __m128i older = _mm_andnot_si128(  // -1 where the count moves on (not 0, not 255)
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_setzero_si128()), _mm_cmpeq_epi8(x, _mm_set1_epi8(-1))),
        _mm_set1_epi8(-1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(since), _mm_sub_epi8(x, older));
    if (!t_.expo_group_drawn[0]) {  // no firm's media reach anyone: the words were not drawn
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(g), goodwill);
      return;
    }
    const KernelTables::ExposureLanes& el = t_.expo_lanes;
    const std::size_t s0 = pop_.segment[i] * W, s1 = pop_.segment[i + 1] * W;
    const auto both = [](const std::uint32_t* a, const std::uint32_t* b) {
      return _mm512_inserti64x4(
          _mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a))),
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b)), 1);
    };
    const __m512i u = _mm512_cvtepu16_epi32(
        _mm256_load_si256(reinterpret_cast<const __m256i*>(words.expo[0].half[l])));
    const __m512i gain = both(&el.gain_all[s0], &el.gain_all[s1]);
    const __m512i at = _mm512_add_epi32(both(&el.table_all[s0], &el.table_all[s1]),
                                        _mm512_srli_epi32(u, kExpoShift));
    __m512i count = _mm512_and_si512(_mm512_i32gather_epi32(at, t_.expo_table.data(), 1),
                                     _mm512_set1_epi32(0xFF));
    const __mmask16 slow = _mm512_test_epi32_mask(count, _mm512_set1_epi32(kExpoScan)) &
                           _mm512_test_epi32_mask(gain, gain);
    if (slow != 0) {
      alignas(64) std::uint32_t xs[16], us[16];
      _mm512_store_si512(xs, count);
      _mm512_store_si512(us, u);
      for (unsigned bits = slow; bits != 0; bits &= bits - 1) {
        const auto e = static_cast<std::size_t>(std::countr_zero(bits));
        const std::size_t sl = (e < 8 ? s0 : s1) + (e & 7);
        xs[e] = exposures_slow(t_, t_.exposures[sl].all, us[e], xs[e]);
      }
      count = _mm512_load_si512(xs);
    }
    const __m512i sum = _mm512_min_epu32(
        _mm512_add_epi32(_mm512_cvtepu16_epi32(goodwill), _mm512_mullo_epi32(count, gain)),
        _mm512_set1_epi32(65535));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(g), _mm512_cvtepi32_epi16(sum));
  }

  /// hear() for consumers i and i + 1 (chunk lanes l and l + 1) at once, in a market of eight
  /// firm lanes (after their contacts): whom word of mouth and stories of early failures reach
  /// is one comparison of both consumers' sixteen words with their segments' thresholds, and
  /// the goodwill changes are one masked 16-bit maximum and one saturating subtraction. Bit e of
  /// a mask is firm lane e & 7 of consumer i + e / 8. The same operations as hear(), so the same
  /// bits.
  [[gnu::always_inline]] void hear_pair(std::size_t i, std::size_t l, const Chunk& words) {
    std::uint16_t* g = &pop_.goodwill[i * W];
    __m256i goodwill = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(g));
    const __m256i loyalty =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&pop_.loyalty[i * W]));
    const std::size_t row0 = pop_.segment[i] * W, row1 = pop_.segment[i + 1] * W;
    const auto firms = static_cast<std::uint32_t>(t_.firm_bits & 0xFFu) * 0x101u;
    const std::uint32_t unaware =
        _mm256_cmplt_epu16_mask(goodwill, _mm256_set1_epi16(static_cast<short>(kAware))) &
        _mm256_cmpeq_epi16_mask(loyalty, _mm256_setzero_si256()) & firms;
    const __m512i u = _mm512_cvtepu16_epi32(
        _mm256_load_si256(reinterpret_cast<const __m256i*>(words.wom[0].half[l])));
    // The consumers in `candidates` whose words fall below the thresholds (high halves; on a
    // tie, the low halves decide, as in hears()).
    const auto reached = [&](std::uint32_t candidates, const std::vector<std::uint64_t>& threshold,
                             const std::vector<std::uint32_t>& high) {
      const __m512i h = _mm512_inserti64x4(
          _mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(&high[row0]))),
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&high[row1])), 1);
      std::uint32_t below = _mm512_cmplt_epi32_mask(u, h);
      for (std::uint32_t ties = _mm512_cmpeq_epi32_mask(u, h) & candidates; ties != 0;
           ties &= ties - 1) {
        const auto e = static_cast<std::size_t>(std::countr_zero(ties));
        const std::size_t j = e & 7;
        if (low_half(i + e / 8, slot::wom_low, j) <
            ((e < 8 ? threshold[row0 + j] : threshold[row1 + j]) & 0xFFFFu))
          below |= 1u << e;
      }
      return below & candidates;
    };
    const __m256i story = _mm256_set1_epi16(static_cast<short>(sat16(t_.wom_goodwill)));
    if (t_.wom_active) {
      const std::uint32_t heard = reached(unaware, t_.wom_threshold, t_.wom_high);
      goodwill = _mm256_mask_max_epu16(goodwill, static_cast<__mmask16>(heard), goodwill, story);
      // A referral program knows whom its customers brought in (unless they opted out).
      if (t_.any_referral)
        for (std::uint32_t bits = heard; bits != 0; bits &= bits - 1) {
          const auto e = static_cast<std::size_t>(std::countr_zero(bits));
          const std::size_t c = i + e / 8, j = e & 7;
          if ((pop_.flags[c] & kOptOut) == 0 && t_.referral[j] != 0)
            pop_.crm[c * t_.crm_firms + static_cast<std::size_t>(t_.crm_col[j])] |= kReferred;
        }
    }
    if (t_.negative_wom_active) {
      const std::uint32_t warned = reached(~unaware & firms, t_.negative_wom, t_.negative_high);
      goodwill = _mm256_mask_subs_epu16(goodwill, static_cast<__mmask16>(warned), goodwill, story);
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(g), goodwill);
  }
#else
  void advertise_pair(std::size_t, std::size_t, const Chunk&) {}
  void hear_pair(std::size_t, std::size_t, const Chunk&) {}
#endif

  /// CRM contacts and word of mouth, after advertise() (run() counts the awareness that results
  /// before the consumer shops).
  [[gnu::always_inline]] void communicate(std::size_t i, std::size_t s, std::size_t l,
                                          const Chunk& words) {
    contact(i, l, words);
    if (t_.step == 0 && t_.initial_aware > 0)
      for (std::size_t j = 0; j < t_.F; ++j)
        if (t_.aware_gen(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j), 0)[0] <
            t_.initial_aware)
          pop_.goodwill[i * W + j] = std::max<std::uint16_t>(pop_.goodwill[i * W + j], kAware);
    hear(i, s, l, words);
  }

  /// The low 16 bits of a 32-bit uniform for firm lane j of consumer i, from slot base + j / 8,
  /// drawn when the high 16 bits tie with a threshold's.
  std::uint32_t low_half(std::size_t i, std::uint32_t base, std::size_t j) const {
    return half_word(philox_one(t_.step_gen, static_cast<std::uint32_t>(i), t_.step,
                                base + static_cast<std::uint32_t>(j >> 3)),
                     j & 7);
  }

  /// CRM contacts: firms that contact this step reach the consumers they know.
  [[gnu::always_inline]] void contact(std::size_t i, std::size_t l, const Chunk& words) {
    std::uint16_t* g = &pop_.goodwill[i * W];
    std::uint8_t* depth = pop_.crm.data() + i * t_.crm_firms;  // empty without CRM firms
    if (!t_.contacts.empty()) {
      // Firms that contact this step reach the consumers they know, each with its threshold,
      // decided for all firm lanes at once as word of mouth is (one table row, not by segment).
      std::uint64_t known = 0;
      for (const KernelTables::Contact& c : t_.contacts)
        known |= static_cast<std::uint64_t>((depth[c.col] & kDepthMask) != 0) << c.firm;
      const auto contact_low = [&](std::size_t j) { return low_half(i, slot::contact_low, j); };
      const std::uint64_t contacted =
          hears(words.contact, l, 0, known, t_.contact_threshold, t_.contact_high, contact_low);
      for (std::uint64_t bits = contacted; bits != 0; bits &= bits - 1) {
        const auto col = static_cast<std::size_t>(t_.crm_col[std::countr_zero(bits)]);
        depth[col] = deeper(depth[col]);
      }
      if (contacted != 0) lanes::add_saturated<W>(g, contacted, sat16(t_.direct_gain));
    }
  }

  /// Word of mouth and stories of early failures, after contacts (and, at step 0, the initial
  /// awareness of market.initial_awareness).
  [[gnu::always_inline]] void hear(std::size_t i, std::size_t s, std::size_t l,
                                   const Chunk& words) {
    std::uint16_t* g = &pop_.goodwill[i * W];
    const std::uint16_t* L = &pop_.loyalty[i * W];
    std::uint8_t* depth = pop_.crm.data() + i * t_.crm_firms;  // empty without CRM firms
    if (t_.wom_active || t_.negative_wom_active) {
      const std::uint64_t unaware = lanes::unaware<W>(g, L, kAware) & t_.firm_bits;
      const auto wom_low = [&](std::size_t j) { return low_half(i, slot::wom_low, j); };
      const std::uint64_t heard =
          t_.wom_active ? hears(words.wom, l, s, unaware, t_.wom_threshold, t_.wom_high, wom_low)
                        : 0;
      if (heard != 0) lanes::raise_to<W>(g, heard, sat16(t_.wom_goodwill));
      // A referral program knows whom its customers brought in (unless they opted out).
      if (t_.any_referral && (pop_.flags[i] & kOptOut) == 0)
        for (std::uint64_t bits = heard; bits != 0; bits &= bits - 1) {
          const auto j = static_cast<std::size_t>(std::countr_zero(bits));
          if (t_.referral[j] != 0) depth[static_cast<std::size_t>(t_.crm_col[j])] |= kReferred;
        }
      // Stories of early failures reach consumers who know the firm and cost it goodwill.
      const std::uint64_t warned = t_.negative_wom_active
                                       ? hears(words.wom, l, s, ~unaware & t_.firm_bits,
                                               t_.negative_wom, t_.negative_high, wom_low)
                                       : 0;
      if (warned != 0) lanes::lower_by<W>(g, warned, sat16(t_.wom_goodwill));
    }
  }

  /// Media exposures: for each firm lane a Poisson count from its 16-bit uniform, looked up in
  /// its distribution's bucket table (the audience's one where the consumer's flags and loyalty
  /// place it in the firm's audience), times the goodwill per exposure. Buckets where the count
  /// changes, and means beyond the tables, take exposures_slow().
  void expose(std::size_t i, std::size_t s, std::size_t l, const Chunk& words, std::uint16_t* g,
              const std::uint16_t* L) {
    const KernelTables::ExposureLanes& el = t_.expo_lanes;
    const std::uint8_t* table = t_.expo_table.data();
    const std::int32_t flags = pop_.flags[i];
    using simd::i32x8;
    using simd::load;
    for (std::size_t k = 0; k < W; k += 8) {
      const std::size_t sl = s * W + k;
      if (t_.expo_group_active[sl / 8] == 0) continue;
      const i32x8 u = simd::widen8(load<simd::u16x8>(words.expo[k / 8].half[l]));
      i32x8 in{};  // the consumer is in the firm's audience (no firm has one: nobody is)
      if (!t_.audiences.empty()) {
        const i32x8 loyal = simd::widen8(load<simd::u16x8>(L + k));
        in = ((load<i32x8>(&el.bit[sl]) & flags) != 0) &
             (loyal >= load<i32x8>(&el.loyalty_lo[sl])) &
             (loyal <= load<i32x8>(&el.loyalty_hi[sl]));
      }
      const i32x8 at =
          (in ? load<i32x8>(&el.table_in[sl]) : load<i32x8>(&el.table_all[sl])) + (u >> kExpoShift);
      const i32x8 gain = in ? load<i32x8>(&el.gain_in[sl]) : load<i32x8>(&el.gain_all[sl]);
      i32x8 x = simd::gather_bytes(table, at);
      for (std::uint32_t slow = simd::lane_bits(((x & kExpoScan) != 0) & (gain != 0)); slow != 0;
           slow &= slow - 1) {
        const int e = std::countr_zero(slow);
        const KernelTables::Exposure& ex = t_.exposures[sl + static_cast<std::size_t>(e)];
        x[e] = static_cast<std::int32_t>(exposures_slow(t_, in[e] != 0 ? ex.in : ex.all,
                                                        static_cast<std::uint32_t>(u[e]),
                                                        static_cast<std::uint32_t>(x[e])));
      }
      const simd::u32x8 sum =
          (simd::u32x8)simd::widen8(load<simd::u16x8>(g + k)) + (simd::u32x8)x * (simd::u32x8)gain;
      const simd::u32x8 top = simd::u32x8{} + 65535u;
      simd::store(g + k, __builtin_convertvector(sum < top ? sum : top, simd::u16x8));
    }
  }

  /// The firms in `candidates` whose word of mouth (or story, or direct contact) reaches the
  /// consumer: its 16-bit uniform below the 32-bit threshold of row s of the tables, deciding on
  /// the high halves (high) and, on a tie, with a second 16-bit uniform from low(j).
  template <class Low>
  std::uint64_t hears(const WordRows<kChunk>* words, std::size_t l, std::size_t s,
                      std::uint64_t candidates, const std::vector<std::uint64_t>& threshold,
                      const std::vector<std::uint32_t>& high, Low&& low) const {
    std::uint64_t heard = 0, ties = 0;
    for (std::size_t k = 0; k < W; k += 8) {
      const simd::i32x8 u = simd::widen8(simd::load<simd::u16x8>(words[k / 8].half[l]));
      const simd::i32x8 h = simd::load<simd::i32x8>(&high[s * W + k]);
      heard |= static_cast<std::uint64_t>(simd::lane_bits(u < h)) << k;
      ties |= static_cast<std::uint64_t>(simd::lane_bits(u == h)) << k;
    }
    for (std::uint64_t bits = ties & candidates; bits != 0; bits &= bits - 1) {
      const auto j = static_cast<std::size_t>(std::countr_zero(bits));
      if (low(j) < (threshold[s * W + j] & 0xFFFFu)) heard |= std::uint64_t{1} << j;
    }
    return heard & candidates;
  }
};

}  // namespace
}  // namespace msim
