// The consumer kernel. Consumers are processed in chunks of kChunk: the random words every
// consumer needs each step (media exposures, word of mouth, contacts, purchase occasions and
// first choices) are drawn for the whole chunk at once with SIMD Philox (sim/rng_batch.hpp).
// Per-firm state is padded to W lanes (Population::lanes), a compile-time constant here, so
// adstock, awareness, loyalty and the logit's utilities and exponentials are whole-vector loops
// (models/kernel_lanes.hpp). A full chunk's tallies are counted for all its consumers at once
// (models/chunk_tallies.hpp). Every consumer of a chunk sees advertising, then every one hears
// from firms and other consumers; then the consumers due in each category (an occasion, or a
// durable's failure), found without branches, shop: their first choices are all decided before
// any purchase is written (shop(), decide(), buy()). Draws that are rarely needed (the low half
// of a 32-bit uniform on a tie, choices after a category's first occasion) are made one at a
// time. In AVX-512 builds with eight firm lanes, advertising and word of mouth take two
// consumers per 512-bit vector (advertise_pair, hear_pair): the same operations, so the same
// bits (EngineOptions::paired_consumers turns them off, for the test that compares).
#include "models/consumer_kernel.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "models/population.hpp"

#include "models/chunk_tallies.hpp"
#include "models/kernel_lanes.hpp"
#include "sim/rng_batch.hpp"

namespace msim {
namespace {

static_assert(kCountFloor >= LaneOffers::kLearnLen,
              "one-byte counts stay exact as far as learning reads");

inline constexpr std::uint32_t kAware = 256;  ///< goodwill of 1.0 in 8.8 fixed point

inline std::uint16_t sat16(std::uint32_t v) {
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(v, 65535u));
}

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

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
#define MSIM_KERNEL_PAIRS 1
#else
#define MSIM_KERNEL_PAIRS 0
#endif
/// Whether the build has the paths that take two consumers per vector (AVX-512).
inline constexpr bool kPairs = MSIM_KERNEL_PAIRS != 0;

template <std::size_t W>
class Kernel {
 public:
  Kernel(const KernelTables& t, Population& pop, std::int64_t* partial, BlockTallies& tally,
         std::vector<PanelPurchase>& panel)
      : t_(t), pop_(pop), row_(t.layout, partial), tally_(tally), panel_(panel) {}

  void run(std::size_t begin, std::size_t end) {
    constexpr std::size_t G = W / 8;
    Chunk words;
    const bool by_chunk = ChunkTallies<W>::fits(t_.S);
    if (by_chunk) chunk_.clear(t_.S, t_.crm_firms);
    const std::size_t pairs_of_categories = (t_.C + 1) / 2;
    // Two consumers' advertising at once (advertise_pair) where it applies.
    const bool pairs = kPairs && W == 8 && t_.audiences.empty() && t_.paired_consumers;
    const bool pairs_hear = kPairs && W == 8 && t_.paired_consumers &&
                            (t_.wom_active || t_.negative_wom_active) &&
                            !(t_.step == 0 && t_.initial_aware > 0);
    for (std::size_t c0 = begin; c0 < end; c0 += kChunk) {
      const auto a0 = static_cast<std::uint32_t>(c0);
      const auto draw = [&](std::uint32_t slot, WordRows<kChunk>& out) {
        philox_lanes(t_.step_gen, a0, t_.step, slot, out);
      };
      for (std::size_t g = 0; g < G; ++g) {
        const auto g32 = static_cast<std::uint32_t>(g);
        if (t_.expo_group_drawn[g]) draw(slot::exposure + g32, words.expo[g]);
        if (t_.wom_active || t_.negative_wom_active) draw(slot::wom + g32, words.wom[g]);
        if (!t_.contacts.empty()) draw(slot::contact + g32, words.contact[g]);
      }
      for (std::size_t p = 0; p < pairs_of_categories; ++p)
        draw(slot::occasions + static_cast<std::uint32_t>(p), words.occ[p]);
      const std::size_t n = std::min(kChunk, end - c0);
      // The chunk's consumers see advertising, then hear from firms and each other, then shop;
      // awareness is counted before they shop, the other tallies at the end of the step: for the
      // whole chunk at once where it is full. Advertising goes through the chunk in a loop of
      // its own, so that its table lookups for many consumers are in flight at once (measured
      // 1.4% to 3.5% faster than one loop).
      const bool whole = by_chunk && n == kChunk;
      std::size_t paired = 0;
      if (pairs)
        for (; paired + 2 <= n; paired += 2) advertise_pair(c0 + paired, paired, words);
      for (std::size_t l = paired; l < n; ++l) advertise(c0 + l, pop_.segment[c0 + l], l, words);
      if (pairs_hear) {  // contacts one at a time, then word of mouth two at a time
        for (std::size_t l = 0; l < n; ++l) contact(c0 + l, l, words);
        paired = 0;
        for (; paired + 2 <= n; paired += 2) hear_pair(c0 + paired, paired, words);
        for (std::size_t l = paired; l < n; ++l) hear(c0 + l, pop_.segment[c0 + l], l, words);
      } else {
        for (std::size_t l = 0; l < n; ++l) communicate(c0 + l, pop_.segment[c0 + l], l, words);
      }
      if (whole) {
        chunk_.segments(&pop_.segment[c0]);
        chunk_.aware(&pop_.goodwill[c0 * W], &pop_.loyalty[c0 * W], kAware);
      } else {
        for (std::size_t i = c0; i < c0 + n; ++i)
          lanes::count_aware<W>(&pop_.goodwill[i * W], &pop_.loyalty[i * W], kAware,
                                &tally_.aware[pop_.segment[i] * W]);
      }
      // Category by category, the consumers with something to do in it. A consumer's categories
      // still come in order, and consumers do not interact within a step; only the panel's
      // purchases are put back in consumer order.
      std::uint32_t due[kMaxCategories];
      events(c0, n, words.occ, due);
      const std::size_t panel_from = panel_.size();
      for (std::size_t c = 0; c < t_.C; ++c) shop(c0, c, due[c], words.occ);
      if (panel_.size() > panel_from + 1)
        std::stable_sort(
            panel_.begin() + static_cast<std::ptrdiff_t>(panel_from), panel_.end(),
            [](const PanelPurchase& a, const PanelPurchase& b) { return a.consumer < b.consumer; });
      if (whole) {
        const bool referred = chunk_.after_step(
            &pop_.since[c0 * W], &pop_.loyalty[c0 * W], pop_.crm.data() + c0 * t_.crm_firms,
            static_cast<std::uint8_t>(t_.wom_window), t_.wom_window < 255, tally_);
        if (referred || !t_.audiences.empty())
          for (std::size_t i = c0; i < c0 + n; ++i) tally_rest(i, pop_.segment[i]);
      } else {
        for (std::size_t i = c0; i < c0 + n; ++i) tally(i, pop_.segment[i]);
      }
    }
    if (by_chunk) chunk_.fold(tally_);
  }

 private:
  /// The random words of a chunk of consumers, drawn together.
  struct Chunk {
    WordRows<kChunk> expo[W / 8], wom[W / 8], contact[W / 8];
    WordRows<kChunk> occ[(kMaxCategories + 1) / 2];
  };

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

  /// Bit l of due[c]: consumer c0 + l has something to do in category c this step, a purchase
  /// occasion (where some firm sells) or, in a durable category, its product's failure. Counted
  /// without branches, so that shop() runs only where needed: about a third of consumers shop in
  /// a step, a test the processor cannot predict.
  void events(std::size_t c0, std::size_t n, const WordRows<kChunk>* occ,
              std::uint32_t* due) const {
    // Whole chunks of markets with one or two categories and at most one durable: eight
    // consumers per vector comparison.
    if (n == kChunk && t_.C <= 2 && t_.durables <= 1) {
      for (std::size_t c = 0; c < t_.C; ++c) {
        if (t_.durable_of[c] < 0 && !t_.offers[c].any) {
          due[c] = 0;
          continue;
        }
        due[c] = (c & 1) == 0 ? due_in<0>(c0, c, occ[c >> 1]) : due_in<2>(c0, c, occ[c >> 1]);
      }
      return;
    }
    const std::size_t C = t_.C;
    const std::uint32_t* none = &pop_.no_occasion[c0 * C];
    for (std::size_t c = 0; c < C; ++c) {
      const WordRows<kChunk>& pair = occ[c >> 1];
      const std::size_t k = 2 * (c & 1);
      std::uint32_t bits = 0;
      if (const int d = t_.durable_of[c]; d >= 0) {
        const std::size_t D = t_.durables;
        const bool upgrades = t_.durable[static_cast<std::size_t>(d)].upgrades;
        for (std::size_t l = 0; l < n; ++l) {
          const std::size_t cell = (c0 + l) * D + static_cast<std::size_t>(d);
          // Without an upgrade on offer, an occasion of an owner whose product works is nothing.
          const std::uint8_t owner = pop_.owner[cell];
          const std::uint16_t fails = pop_.fails[cell];
          const bool idle = !upgrades & (owner != kNoOwner) & (t_.step < fails);
          const bool occasion = (pair.word(l, k) > none[l * C + c]) & !idle;
          bits |= static_cast<std::uint32_t>(occasion | fails_now(cell)) << l;
        }
      } else if (t_.offers[c].any) {
        for (std::size_t l = 0; l < n; ++l)
          bits |= static_cast<std::uint32_t>(pair.word(l, k) > none[l * C + c]) << l;
      }
      due[c] = bits;
    }
  }

  /// events() for category c (word K of the chunk's rows `pair`) of a whole chunk, in a market
  /// of one or two categories and at most one durable.
  template <std::size_t K>
  std::uint32_t due_in(std::size_t c0, std::size_t c, const WordRows<kChunk>& pair) const {
    using simd::i32x8;
    using simd::u32x8;
    const std::size_t C = t_.C;
    const bool durable = t_.durable_of[c] >= 0;
    const bool upgrades =
        durable && t_.durable[static_cast<std::size_t>(t_.durable_of[c])].upgrades;
    std::uint32_t bits = 0;
    for (std::size_t h = 0; h < kChunk; h += 8) {
      // Word K of rows h .. h + 7: each load holds two rows' four words.
      const auto rows = [&](std::size_t r) {
        u32x8 v;
        std::memcpy(&v, &pair.half[h + r][0], sizeof v);
        return v;
      };
      const u32x8 a = rows(0), b = rows(2), d = rows(4), e = rows(6);
      const auto ab = __builtin_shufflevector(a, b, K, 4 + K, 8 + K, 12 + K);
      const auto de = __builtin_shufflevector(d, e, K, 4 + K, 8 + K, 12 + K);
      const u32x8 w = __builtin_shufflevector(ab, de, 0, 1, 2, 3, 4, 5, 6, 7);
      const std::uint32_t* none = &pop_.no_occasion[(c0 + h) * C];
      u32x8 threshold;
      if (C == 1) {
        threshold = simd::load<u32x8>(none);
      } else {
        const u32x8 lo = simd::load<u32x8>(none), hi = simd::load<u32x8>(none + 8);
        threshold = c == 0 ? __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14)
                           : __builtin_shufflevector(lo, hi, 1, 3, 5, 7, 9, 11, 13, 15);
      }
      i32x8 mask = w > threshold;
      if (durable) {  // (the one durable: its ownership columns hold one entry per consumer)
        const i32x8 owner = simd::widen8(simd::load<simd::u8x8>(&pop_.owner[c0 + h]));
        const i32x8 fails = simd::widen8(simd::load<simd::u16x8>(&pop_.fails[c0 + h]));
        const i32x8 owned = owner != kNoOwner, step = i32x8{} + static_cast<std::int32_t>(t_.step);
        // Without an upgrade on offer, an occasion of an owner whose product works is nothing.
        if (!upgrades) mask &= ~(owned & (step < fails));
        mask |= owned & (fails == step);
      }
      bits |= simd::lane_bits(mask) << h;
    }
    return bits;
  }

  /// The consumers of a chunk (from c0) due in category c (bits of `due`), which events() found:
  /// in a durable category, an occasion or else the owned product's failure (own()); otherwise
  /// Poisson(rate) purchase occasions, one logit choice each. The first occasions of all of them
  /// are decided before any is written (decide(), then loyalty smoothing, then buy()), so that
  /// no consumer's choice waits on what the one before bought. Then the consumers with more
  /// occasions take them, one at a time (in rounds, all second occasions then all third, it was
  /// no faster).
  void shop(std::size_t c0, std::size_t c, std::uint32_t due, const WordRows<kChunk>* occ) {
    const WordRows<kChunk>& pair = occ[c >> 1];
    const std::size_t k = 2 * (c & 1);
    if (const int dc = t_.durable_of[c]; dc >= 0) {
      for (std::uint32_t bits = due; bits != 0; bits &= bits - 1) {
        const auto l = static_cast<std::size_t>(std::countr_zero(bits));
        const std::size_t i = c0 + l;
        const std::uint32_t none = pop_.no_occasion[i * t_.C + c];
        // (A durable category's ownership column is its index among the durables.)
        own(i, pop_.segment[i], c, i * t_.durables + static_cast<std::size_t>(dc),
            pair.word(l, k) > none ? to_unit_f(pair.word(l, k + 1)) : -1.0f);
      }
      return;
    }
    Decision decided[kChunk];
    std::uint32_t more = 0, chose = 0, bought = 0;
    for (std::uint32_t bits = due; bits != 0; bits &= bits - 1) {
      const auto l = static_cast<std::size_t>(std::countr_zero(bits));
      const std::size_t i = c0 + l;
      const bool single = single_occasion(to_unit(pair.word(l, k)), pop_.no_occasion[i * t_.C + c]);
      more |= static_cast<std::uint32_t>(!single) << l;
      Decision& d = decided[l];
      decide(i, c, to_unit_f(pair.word(l, k + 1)), d);
      chose |= static_cast<std::uint32_t>(d.pick != kNoSet) << l;
      bought |= static_cast<std::uint32_t>(d.pick >= 0) << l;
    }
    for (std::uint32_t bits = chose; bits != 0; bits &= bits - 1)
      lanes::scale_q16<W>(&pop_.loyalty[(c0 + std::countr_zero(bits)) * W], t_.rho_q16);
    for (std::uint32_t bits = bought; bits != 0; bits &= bits - 1) {
      const auto l = static_cast<std::size_t>(std::countr_zero(bits));
      buy(c0 + l, pop_.segment[c0 + l], c, decided[l]);
    }
    for (std::uint32_t bits = more; bits != 0; bits &= bits - 1) {
      const auto l = static_cast<std::size_t>(std::countr_zero(bits));
      const std::size_t i = c0 + l;
      const std::uint32_t n = std::min(
          occasions(to_unit(pair.word(l, k)), pop_.no_occasion[i * t_.C + c]), slot::kMaxOccasions);
      if (n == 1) continue;
      // The nearest variants do not change between a step's occasions: found once for the
      // later ones (decide() found them for the first). occasions() repeats single_occasion().
      Nearest near;
      nearest(i, c, near);
      Words cw{};
      for (std::uint32_t o = 1; o < n; ++o) {
        if (((o - 1) & 3) == 0)
          cw = philox_one(t_.step_gen, static_cast<std::uint32_t>(i), t_.step,
                          slot::choice + static_cast<std::uint32_t>(c) * 64 + ((o - 1) >> 2));
        choose(i, pop_.segment[i], c, to_unit_f(cw[(o - 1) & 3]), &near);
      }
    }
  }

  /// Each firm lane's variant nearest the consumer's ideal point in a category: its index,
  /// squared distance, quality and price.
  struct Nearest {
    alignas(32) float d2[W], quality[W], price[W];
    alignas(32) std::int32_t variant[W];
  };
  void nearest(std::size_t i, std::size_t c, Nearest& out) const {
    lanes::nearest_variant<W>(t_.offers[c], &pop_.ideal[i * t_.D], t_.D, out.d2, out.quality,
                              out.price, out.variant);
  }

  /// What one purchase occasion decides, before anything is written: the firm lane bought from
  /// (kOutside, or kNoSet when the consumer knows no firm that sells here), the variant, the
  /// loyalty the firm had, and whether the offer was customised or a retention offer.
  /// (Fields of four bytes, each written alone: a wider load of narrower stores would stall.)
  static constexpr std::int32_t kOutside = -1, kNoSet = -2;
  struct Decision {
    std::int32_t pick, variant;
    std::uint32_t before, customised, retention_offer;
  };

  /// One purchase occasion in category c: a logit over the firms the consumer is aware of that
  /// sell there, in its region, with an outside option; then loyalty smoothing and the purchase.
  /// The nearest variants are found here unless `near` gives them. Returns the firm bought
  /// from, or -1.
  int choose(std::size_t i, std::size_t s, std::size_t c, float u, const Nearest* near = nullptr) {
    Decision d;
    decide(i, c, u, d, near);
    if (d.pick == kNoSet) return -1;
    lanes::scale_q16<W>(&pop_.loyalty[i * W], t_.rho_q16);
    if (d.pick == kOutside) return -1;
    buy(i, s, c, d);
    return d.pick;
  }

  /// The choice of one purchase occasion (see choose()); reads the consumer, writes nothing.
  [[gnu::always_inline]] void decide(std::size_t i, std::size_t c, float u, Decision& d,
                                     const Nearest* near = nullptr) const {
    const LaneOffers& o = t_.offers[c];
    const std::uint16_t* g = &pop_.goodwill[i * W];
    const std::uint16_t* L = &pop_.loyalty[i * W];
    // What repeat purchases taught, customised offers and programs adjust these below.
    alignas(32) float d2[W], quality[W], price[W], ev[W];
    alignas(32) std::int32_t found[W];
    const std::int32_t* variant = found;
    if (near == nullptr) {
      lanes::nearest_variant<W>(o, &pop_.ideal[i * t_.D], t_.D, d2, quality, price, found);
    } else {
      std::copy_n(near->d2, W, d2);
      std::copy_n(near->quality, W, quality);
      std::copy_n(near->price, W, price);
      variant = near->variant;
    }
    const std::uint8_t* bought = &pop_.count[(i * t_.C + c) * W];
    std::uint64_t customised = 0;  // bit j: firm j's offer is customised for this consumer
    std::uint64_t retained = 0;  // bit j: firm j makes this lapsing customer a retention offer
    adjust(i, o, bought, d2, quality, price, customised, retained);
    const std::uint8_t* avail = &o.avail[pop_.region[i] * W];
    const lanes::Utility weights{t_.distance_weight, t_.loyalty_weight, t_.goodwill_weight,
                                 t_.goodwill_cap, pop_.price_sensitivity[i]};
    // The utility the exponentials are relative to: the outside option's, unless overflow.
    const float reference = lanes::utilities<W>(weights, d2, quality, price, g, L, avail, kAware,
                                                t_.outside_utility, ev);
    if (reference == lanes::kNoChoice) {  // aware of no firm that sells here
      d.pick = kNoSet;
      return;
    }
    const float exp_outside =
        reference == t_.outside_utility ? 1.0f : fast_exp(t_.outside_utility - reference);
    const int pick = lanes::sample<W>(ev, exp_outside, u);
    d.pick = pick;
    if (pick < 0) return;
    const auto j = static_cast<std::size_t>(pick);
    d.variant = variant[j];
    d.before = L[j];
    d.customised = (customised >> j) & 1u;
    d.retention_offer = (retained >> j) & 1u;
  }

  /// A decided purchase from firm lane d.pick, after loyalty smoothing: the firm's loyalty moves
  /// up from what it was (d.before), and the purchase is recorded.
  void buy(std::size_t i, std::size_t s, std::size_t c, const Decision& d) {
    const auto j = static_cast<std::size_t>(d.pick);
    const std::uint64_t gain = static_cast<std::uint64_t>(65536u - t_.rho_q16) * 65535u;
    lanes::set_lane(&pop_.loyalty[i * W], j,
                    static_cast<std::uint16_t>(
                        (d.before * static_cast<std::uint64_t>(t_.rho_q16) + gain) >> 16));
    std::int64_t cents = t_.offers[c].cents[static_cast<std::size_t>(d.variant) * W + j];
    if (d.retention_offer != 0)
      cents = std::llround(static_cast<double>(cents) * t_.retention_keep[j]);
    purchase(i, s, c, j, cents, d.customised != 0, d.retention_offer != 0);
  }

  /// The consumer's nearest variants in a category, adjusted: their quality by what repeat
  /// purchases taught, their distance where an offer is customised for the consumer, and their
  /// price where loyalty-program members (past buyers in the category) count the reward or
  /// profiled customers who have lapsed get a retention offer. Sets bit j of `customised` and of
  /// `retained` where firm j's offer is customised or a retention offer. Written a whole group of
  /// eight lanes at a time, without branches: utilities() loads the lanes as vectors, and a
  /// vector load of lanes just written one at a time waits for those stores to reach the cache
  /// (store forwarding fails). Writing a customised offer's lane alone at every choice, without
  /// a branch, was 7% slower for the whole kernel; these vectors made it 4% faster than the
  /// lanes written alone behind branches.
  [[gnu::always_inline]] void adjust(std::size_t i, const LaneOffers& o, const std::uint8_t* bought,
                                     float* d2, float* quality, float* price,
                                     std::uint64_t& customised, std::uint64_t& retained) const {
    using simd::f32x8;
    using simd::i32x8;
    using simd::load;
    const bool programs = t_.any_loyalty || t_.any_retention;
    std::uint64_t known = 0;  // bit j: firm j keeps a profile of the consumer
    if (t_.any_retention)
      for (std::size_t k = 0; k < t_.crm_firms; ++k)
        known |= static_cast<std::uint64_t>((pop_.crm[i * t_.crm_firms + k] & kDepthMask) != 0)
                 << t_.crm_firm[k];
    const i32x8 iota = {0, 1, 2, 3, 4, 5, 6, 7};
    const i32x8 bit = {1, 2, 4, 8, 16, 32, 64, 128};
    for (std::size_t k = 0; k < W; k += 8) {
      const i32x8 lane = iota + static_cast<std::int32_t>(k);
      f32x8 q = load<f32x8>(quality + k), d = load<f32x8>(d2 + k), p = load<f32x8>(price + k);
      // (Each cut and custom offer is one firm's: taken only in its firm's group of lanes.)
      for (const LaneOffers::Cut& cut : o.cuts) {
        if (cut.firm / 8 != k / 8) continue;
        const float loss =
            cut.loss[std::min<std::size_t>(bought[cut.firm], LaneOffers::kLearnLen - 1)];
        q = lane == static_cast<std::int32_t>(cut.firm) ? q - loss : q;
      }
      for (const LaneOffers::Custom& cu : o.custom) {
        if (cu.firm / 8 != k / 8) continue;
        const std::size_t cell = i * t_.crm_firms + cu.col;
        const std::uint8_t depth = pop_.crm[cell] & kDepthMask;
        const bool on = (depth != 0) & (cu.cross_sell | (bought[cu.firm] != 0));
        const float fitted =
            cu.fit_sigma2 * static_cast<float>(pop_.fit[cell]) * t_.inverse_depth[depth];
        const i32x8 here =
            (lane == static_cast<std::int32_t>(cu.firm)) & -static_cast<std::int32_t>(on);
        d = here ? fitted : d;
        customised |= static_cast<std::uint64_t>(on) << cu.firm;
      }
      if (programs) {
        const i32x8 count = simd::widen8(load<simd::u8x8>(bought + k));
        const i32x8 every =
            load<i32x8>(reinterpret_cast<const std::int32_t*>(&t_.loyalty_every[k]));
        const f32x8 less = p - load<f32x8>(&t_.member_discount[k]);
        const i32x8 member = (every != 0) & (count > 0);
        p = member ? (less > 0.0f ? less : f32x8{}) : p;
        const i32x8 since = simd::widen8(load<simd::u8x8>(&pop_.since[i * W + k]));
        const i32x8 after = simd::widen8(load<simd::u8x8>(&t_.retention_after[k]));
        const i32x8 offer = (after != 0) & (since > after) &
                            ((bit & static_cast<std::int32_t>((known >> k) & 255u)) != 0);
        p = offer ? p * load<f32x8>(&t_.retention_keep[k]) : p;
        retained |= static_cast<std::uint64_t>(simd::lane_bits(offer)) << k;
      }
      simd::store(quality + k, q);
      simd::store(d2 + k, d);
      simd::store(price + k, p);
    }
  }

  /// A durable category, ownership state at `cell`: the owned product may fail (backlash), and a
  /// consumer without a working product, or a novelty seeker whom a newer generation tempts,
  /// buys at an occasion (u >= 0). The installed base changes by the failures and purchases.
  /// Out of line: shop() calls it only at an occasion or a failure.
  [[gnu::noinline]] void own(std::size_t i, std::size_t s, std::size_t c, std::size_t cell,
                             float u) {
    const DurableTables& du = t_.durable[static_cast<std::size_t>(t_.durable_of[c])];
    const std::uint8_t maker = pop_.owner[cell];
    const std::size_t F = t_.F, step = t_.step;
    const bool working = maker != kNoOwner && step < pop_.fails[cell];
    if (fails_now(cell)) fail(i, s, c, du, cell, maker - 1u);
    bool upgrade = false;
    if (working && u >= 0.0f) {  // (the upgrade matters only at an occasion)
      upgrade = du.upgrades &&
                pop_.novelty[i] >= du.upgrade_need[(maker - 1u) * 256u + pop_.generation[cell]];
      if (!upgrade) u = -1.0f;
    }
    const int pick = u >= 0.0f && t_.offers[c].any ? choose(i, s, c, u) : -1;
    if (pick >= 0) {
      const auto j = static_cast<std::size_t>(pick);
      if (upgrade) {
        ++row_.upgrades[c * F + j];
        --row_.installed[c * F + maker - 1u];  // the working product it replaces
      } else if (maker != kNoOwner) {
        ++row_.replacements[c * F + j];
      }
      ++row_.installed[c * F + j];
      const Words w = philox_one(t_.step_gen, static_cast<std::uint32_t>(i), t_.step,
                                 slot::lifetime + static_cast<std::uint32_t>(c >> 2));
      // Weibull lifetime by inversion, whole steps (at least one).
      const double life = static_cast<double>(du.scale[j]) *
                          std::pow(-std::log(to_unit(w[c & 3])), du.inverse_shape);
      const double fails =
          std::min(65535.0, static_cast<double>(step) + std::max(1.0, std::ceil(life)));
      pop_.owner[cell] = static_cast<std::uint8_t>(j + 1);
      pop_.generation[cell] = du.generation[j];
      pop_.bought[cell] = static_cast<std::uint16_t>(step);
      pop_.fails[cell] = static_cast<std::uint16_t>(fails);
    }
  }

  /// Whether the durable owned in `cell` fails this step.
  bool fails_now(std::size_t cell) const {  // (no branch: events() asks it of every consumer)
    const std::uint8_t owner = pop_.owner[cell];
    const std::uint16_t fails = pop_.fails[cell];
    return (owner != kNoOwner) & (fails == t_.step);
  }

  /// The product in `cell`, made by firm j, fails this step. An early failure costs the maker
  /// backlash * shortfall of the owner's loyalty (0..1), the shortfall being the share of the
  /// reference life the product fell short of.
  void fail(std::size_t i, std::size_t s, std::size_t c, const DurableTables& du, std::size_t cell,
            std::size_t j) {
    const std::size_t F = t_.F;
    const std::uint32_t age = pop_.fails[cell] - pop_.bought[cell];
    ++row_.failures[c * F + j];
    --row_.installed[c * F + j];
    row_.failure_age[c * F + j] += age;
    const float shortfall = 1.0f - static_cast<float>(age) / du.reference_life;
    if (shortfall <= 0.0f) return;
    ++row_.early_failures[c * F + j];
    ++row_.segment_early_failures[s * F + j];
    std::uint16_t& L = pop_.loyalty[i * W + j];
    const float lost = std::min(du.backlash * shortfall, 1.0f) * 65535.0f;
    L = static_cast<std::uint16_t>(std::max(0.0f, static_cast<float>(L) - std::round(lost)));
  }

  /// Records a purchase of firm j's product in category c.
  void purchase(std::size_t i, std::size_t s, std::size_t c, std::size_t j, std::int64_t cents,
                bool customised, bool retention_offer) {
    const std::size_t F = t_.F, C = t_.C;
    ++row_.units[c * F + j];
    row_.customised_units[c * F + j] += customised ? 1 : 0;
    row_.revenue_cents[c * F + j] += cents;
    ++row_.segment_units[s * F + j];
    std::uint8_t* count = &pop_.count[(i * C + c) * W];
    std::uint8_t* since = &pop_.since[i * W];
    std::uint16_t& in_category = pop_.cat_count[i * C + c];
    // The vector tallies read the bytes before this purchase writes one of them (a vector load
    // of a just-stored byte would stall on store forwarding); lane j is added by hand.
    lanes::count_nonzero<W>(count, &tally_.scr[c * W]);
    lanes::add_to_customers<W>(since, cents, tally_.wallet.data());
    if (since[j] == 0) tally_.wallet[j] += cents;
    lanes::set_lane(since, j, 1);
    if (count[j] == 0) {
      ++tally_.scr[c * W + j];
      ++row_.new_category[c * F + j];
      bool bought_before = false;
      for (std::size_t c2 = 0; c2 < C; ++c2) bought_before |= pop_.count[(i * C + c2) * W + j] > 0;
      if (!bought_before) {
        ++row_.new_firm[j];
        const int col = t_.crm_col[j];
        if (t_.any_referral && col >= 0 &&
            (pop_.crm[i * t_.crm_firms + static_cast<std::size_t>(col)] & kReferred) != 0)
          ++row_.referred_purchases[j];
      }
      // Share of category requirements: a new buyer's purchases so far join the firm's base.
      row_.scr_denominator[c * F + j] += in_category;
    }
    lanes::set_lane(count, j, next_count(count[j], t_.loyalty_every[j]));
    in_category = sat16(in_category + 1u);
    if (t_.loyalty_every[j] != 0 && count[j] % t_.loyalty_every[j] == 0) ++row_.loyalty_rewards[j];
    row_.retention_units[j] += retention_offer ? 1 : 0;
    // The firm's CRM profile deepens, unless it keeps none or the consumer opted out: written
    // to a scratch byte then, without a branch (which firm was bought from is a coin).
    const int col = t_.crm_col[j];
    const bool keeps = (col >= 0) & ((pop_.flags[i] & kOptOut) == 0);
    std::uint8_t scratch = 0;
    std::uint8_t* profile =
        keeps ? pop_.crm.data() + i * t_.crm_firms + static_cast<std::size_t>(std::max(col, 0))
              : &scratch;
    *profile = deeper(*profile);
    if ((pop_.flags[i] & kPanel) != 0)
      panel_.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint16_t>(c),
                        static_cast<std::uint16_t>(j), cents});
  }

  /// End-of-step tallies of one consumer: recent customers of each firm (for next step's word of
  /// mouth), lapsed ones, loyalty and CRM profiles (ChunkTallies counts whole chunks), then the
  /// rest.
  void tally(std::size_t i, std::size_t s) {
    const std::uint8_t* since = &pop_.since[i * W];
    lanes::count_recent<W>(since, t_.wom_window, &tally_.recent[s * W]);
    lanes::sum_rounded_high_bytes<W>(&pop_.loyalty[i * W], tally_.loyalty.data());
    if (t_.wom_window < 255)
      lanes::count_equal<W>(since, static_cast<std::uint8_t>(t_.wom_window + 1),
                            tally_.lost.data());
    const std::uint8_t* depth = pop_.crm.data() + i * t_.crm_firms;  // empty without CRM firms
    for (std::size_t k = 0; k < t_.crm_firms; ++k)
      tally_.crm_known[k] += (depth[k] & kDepthMask) != 0 ? 1u : 0u;
    tally_rest(i, s);
  }

  /// The tallies that few markets need, one consumer at a time: audience members, and the
  /// customers that referral programs brought in.
  void tally_rest(std::size_t i, std::size_t s) {
    const std::uint16_t* L = &pop_.loyalty[i * W];
    for (const KernelTables::Audience& a : t_.audiences)
      tally_.matched[s * W + a.firm] +=
          (pop_.flags[i] & a.bit) != 0 && L[a.firm] >= a.loyalty_lo && L[a.firm] <= a.loyalty_hi
              ? 1u
              : 0u;
    const std::uint8_t* since = &pop_.since[i * W];
    const std::uint8_t* depth = pop_.crm.data() + i * t_.crm_firms;  // empty without CRM firms
    for (std::size_t k = 0; k < t_.crm_firms; ++k) {
      if ((depth[k] & kReferred) == 0) continue;
      const std::uint32_t last = since[static_cast<std::size_t>(t_.crm_firm[k])];
      tally_.referred[k] += last != 0 ? 1u : 0u;
      tally_.referred_recent[k] += last != 0 && last <= t_.wom_window ? 1u : 0u;
      tally_.referred_lost[k] += last == t_.wom_window + 1 ? 1u : 0u;
    }
  }

  /// The counters of the block's partial-sum row that consumers add to one at a time, located
  /// once per block: [C*F] by category and firm, [S*F] by segment and firm, [F] by firm.
  struct Row {
    Row(const PartialLayout& lay, std::int64_t* p)
        : units(p + lay.units()),
          customised_units(p + lay.customised_units()),
          revenue_cents(p + lay.revenue_cents()),
          segment_units(p + lay.segment_units()),
          new_category(p + lay.new_category()),
          new_firm(p + lay.new_firm()),
          referred_purchases(p + lay.referred_purchases()),
          scr_denominator(p + lay.scr_denominator()),
          loyalty_rewards(p + lay.loyalty_rewards()),
          retention_units(p + lay.retention_units()),
          failures(p + lay.failures()),
          failure_age(p + lay.failure_age()),
          early_failures(p + lay.early_failures()),
          segment_early_failures(p + lay.segment_early_failures()),
          replacements(p + lay.replacements()),
          upgrades(p + lay.upgrades()),
          installed(p + lay.installed()) {}
    std::int64_t *units, *customised_units, *revenue_cents, *segment_units, *new_category,
        *new_firm, *referred_purchases, *scr_denominator, *loyalty_rewards, *retention_units;
    std::int64_t *failures, *failure_age, *early_failures, *segment_early_failures, *replacements,
        *upgrades, *installed;
  };

  const KernelTables& t_;
  Population& pop_;
  Row row_;
  BlockTallies& tally_;
  std::vector<PanelPurchase>& panel_;
  ChunkTallies<W> chunk_;
};

template <std::size_t W>
void run_lanes(const KernelTables& t, Population& pop, std::size_t begin, std::size_t end,
               std::int64_t* partial, BlockTallies& tally, std::vector<PanelPurchase>& panel) {
  Kernel<W>(t, pop, partial, tally, panel).run(begin, end);
}

}  // namespace

bool paired_consumers_built() {
  return kPairs;
}

void run_consumer_block(const KernelTables& t, Population& pop, std::size_t begin, std::size_t end,
                        std::int64_t* partial, std::vector<PanelPurchase>& panel) {
  thread_local BlockTallies tally;
  tally.clear(t.S, t.C, t.lanes, t.crm_firms);
  switch (t.lanes) {
    case 8:
      run_lanes<8>(t, pop, begin, end, partial, tally, panel);
      break;
    case 16:
      run_lanes<16>(t, pop, begin, end, partial, tally, panel);
      break;
    case 24:
      run_lanes<24>(t, pop, begin, end, partial, tally, panel);
      break;
    case 32:
      run_lanes<32>(t, pop, begin, end, partial, tally, panel);
      break;
    case 40:
      run_lanes<40>(t, pop, begin, end, partial, tally, panel);
      break;
    case 48:
      run_lanes<48>(t, pop, begin, end, partial, tally, panel);
      break;
    case 56:
      run_lanes<56>(t, pop, begin, end, partial, tally, panel);
      break;
    default:
      run_lanes<64>(t, pop, begin, end, partial, tally, panel);
      break;
  }
  tally.add_to(t.layout, t.lanes, t.crm_firm, partial);
}

}  // namespace msim
