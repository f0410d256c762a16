// The consumer kernel. Consumers are processed in chunks of kChunk: the random words every
// consumer needs each step (media exposures, word of mouth, contacts, purchase occasions and
// first choices) are drawn for the whole chunk at once with SIMD Philox (sim/rng_batch.hpp).
// Per-firm state is padded to W lanes (Population::lanes), a compile-time constant here, so
// adstock, awareness, loyalty and the logit's utilities and exponentials are whole-vector loops
// (models/kernel_lanes.hpp). Draws that are rarely needed (the low half of a 32-bit uniform on a
// tie, choices after a category's first occasion) are made one at a time.
#include "models/consumer_kernel.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "models/kernel_lanes.hpp"
#include "sim/rng_batch.hpp"

namespace msim {
namespace {

inline constexpr std::uint32_t kAware = 256;  ///< goodwill of 1.0 in 8.8 fixed point
inline constexpr std::size_t kChunk = 16;     ///< consumers per batch of random words

inline std::uint16_t sat16(std::uint32_t v) {
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(v, 65535u));
}

/// The 16-bit uniform of firm j (item j % 8 of its group's call) for chunk lane l.
inline std::uint32_t half(const WordRows<kChunk>* words, std::size_t j, std::size_t l) {
  return words[j >> 3].half[l][j & 7];
}

/// u < threshold / 2^32 for a 32-bit uniform whose high 16 bits are u16; the low 16 bits are
/// fetched (by low()) only when the high bits tie with the threshold's.
template <class Low>
inline bool below(std::uint32_t u16, std::uint64_t threshold, Low&& low) {
  const std::uint64_t high = threshold >> 16;
  if (u16 != high) return u16 < high;
  return low() < (threshold & 0xFFFFu);
}

/// Poisson exposures from a 16-bit uniform u whose bucket x (from Exposure::table) is flagged:
/// a short scan of the CDF where the count changes inside the bucket, or a direct inversion
/// for a mean beyond the tables.
inline std::uint32_t exposures_slow(const KernelTables& t, const KernelTables::Exposure& e,
                                    std::uint32_t u, std::uint32_t x) {
  if (x == kExpoDirect) return poisson((u + 0.5) / 65536.0, e.direct_mean, e.direct_exp);
  x &= ~static_cast<std::uint32_t>(kExpoScan);
  const std::uint32_t* cdf = &t.expo_cdf[e.table / kExpoBuckets * kCdfLen];
  while (x + 1 < kCdfLen && u >= cdf[x]) ++x;
  return x;
}

template <std::size_t W>
class Kernel {
 public:
  Kernel(const KernelTables& t, Population& pop, std::int64_t* partial, BlockTallies& tally,
         std::vector<PanelPurchase>& panel)
      : t_(t), pop_(pop), partial_(partial), tally_(tally), panel_(panel) {}

  void run(std::size_t begin, std::size_t end) {
    constexpr std::size_t G = W / 8;
    Chunk words;
    const std::size_t pairs = (t_.C + 1) / 2;
    for (std::size_t c0 = begin; c0 < end; c0 += kChunk) {
      const auto a0 = static_cast<std::uint32_t>(c0);
      const auto draw = [&](std::uint32_t slot, WordRows<kChunk>& out) {
        philox_lanes(t_.step_gen, a0, t_.step, slot, out);
      };
      for (std::size_t g = 0; g < G; ++g) {
        const auto g32 = static_cast<std::uint32_t>(g);
        if (t_.expo_group_active[g]) draw(slot::exposure + g32, words.expo[g]);
        if (t_.wom_active) draw(slot::wom + g32, words.wom[g]);
        if (!t_.contacts.empty()) draw(slot::contact + g32, words.contact[g]);
      }
      for (std::size_t p = 0; p < pairs; ++p)
        draw(slot::occasions + static_cast<std::uint32_t>(p), words.occ[p]);
      const std::size_t n = std::min(kChunk, end - c0);
      for (std::size_t l = 0; l < n; ++l) {
        const std::size_t i = c0 + l;
        const std::size_t s = pop_.segment[i];
        communicate(i, s, l, words);
        shop(i, s, l, words.occ);
        tally(i, s);
      }
    }
  }

 private:
  /// The random words of a chunk of consumers, drawn together.
  struct Chunk {
    WordRows<kChunk> expo[W / 8], wom[W / 8], contact[W / 8];
    WordRows<kChunk> occ[(kMaxCategories + 1) / 2];
  };

  /// Adstock, media exposures, CRM contacts and word of mouth, then awareness.
  void communicate(std::size_t i, std::size_t s, std::size_t l, const Chunk& words) {
    std::uint16_t* g = &pop_.goodwill[i * W];
    const std::uint16_t* L = &pop_.loyalty[i * W];
    lanes::scale_q16<W>(g, t_.decay_q16);
    lanes::age_recency<W>(&pop_.since[i * W]);
    const auto i32 = static_cast<std::uint32_t>(i);
    const std::uint8_t* table = t_.expo_table.data();
    for (const KernelTables::Exposure& e : t_.exposures[s]) {
      const std::uint32_t u = half(words.expo, e.firm, l);
      std::uint32_t x = table[e.table + (u >> kExpoShift)];
      if (x & kExpoScan) x = exposures_slow(t_, e, u, x);
      g[e.firm] = sat16(g[e.firm] + x * e.gain);
    }
    const auto low = [&](std::uint32_t base, std::size_t j) {
      return half_word(
          philox_one(t_.step_gen, i32, t_.step, base + static_cast<std::uint32_t>(j >> 3)), j & 7);
    };
    std::uint8_t* depth = pop_.crm.data() + i * t_.crm_firms;  // empty without CRM firms
    for (const KernelTables::Contact& c : t_.contacts) {
      if (depth[c.col] == 0) continue;
      if (below(half(words.contact, c.firm, l), c.threshold,
                [&] { return low(slot::contact_low, c.firm); })) {
        g[c.firm] = sat16(g[c.firm] + t_.direct_gain);
        depth[c.col] = static_cast<std::uint8_t>(std::min(255, depth[c.col] + 1));
      }
    }
    if (t_.step == 0 && t_.initial_aware > 0)
      for (std::size_t j = 0; j < t_.F; ++j)
        if (t_.aware_gen(i32, static_cast<std::uint32_t>(j), 0)[0] < t_.initial_aware)
          g[j] = std::max<std::uint16_t>(g[j], kAware);  // market.initial_awareness
    if (t_.wom_active) {
      const std::uint64_t* threshold = &t_.wom_threshold[s * W];
      for (std::uint64_t bits = lanes::unaware<W>(g, L, kAware) & t_.firm_bits; bits != 0;
           bits &= bits - 1) {
        const auto j = static_cast<std::size_t>(std::countr_zero(bits));
        if (threshold[j] > 0 &&
            below(half(words.wom, j, l), threshold[j], [&] { return low(slot::wom_low, j); }))
          g[j] = sat16(std::max<std::uint32_t>(g[j], t_.wom_goodwill));
      }
    }
    lanes::count_aware<W>(g, L, kAware, &tally_.aware[s * W]);
  }

  /// Purchase occasions in every category: Poisson(rate), one logit choice per occasion.
  void shop(std::size_t i, std::size_t s, std::size_t l, const WordRows<kChunk>* occ) {
    const auto i32 = static_cast<std::uint32_t>(i);
    for (std::size_t c = 0; c < t_.C; ++c) {
      const WordRows<kChunk>& pair = occ[c >> 1];
      const std::uint32_t w = pair.word(l, 2 * (c & 1));
      const std::uint32_t none = pop_.no_occasion[i * t_.C + c];
      if (w <= none || !t_.offers[c].any) continue;
      // The stored threshold is exp(-rate) to 2^-32, which is all the inversion needs.
      const double p0 = (static_cast<double>(none) + 0.5) * 0x1p-32;
      const std::uint32_t n =
          std::min(poisson(to_unit(w), pop_.rate[i * t_.C + c], p0), slot::kMaxOccasions);
      choose(i, s, c, to_unit_f(pair.word(l, 2 * (c & 1) + 1)));
      Words cw{};
      for (std::uint32_t o = 1; o < n; ++o) {
        if (((o - 1) & 3) == 0)
          cw = philox_one(t_.step_gen, i32, t_.step,
                          slot::choice + static_cast<std::uint32_t>(c) * 64 + ((o - 1) >> 2));
        choose(i, s, c, to_unit_f(cw[(o - 1) & 3]));
      }
    }
  }

  /// One purchase occasion in category c: a logit over the firms the consumer is aware of that
  /// sell there, in its region, with an outside option; then loyalty smoothing.
  void choose(std::size_t i, std::size_t s, std::size_t c, float u) {
    const LaneOffers& o = t_.offers[c];
    const std::uint16_t* g = &pop_.goodwill[i * W];
    std::uint16_t* L = &pop_.loyalty[i * W];
    const std::size_t D = t_.D;
    const float* x = &pop_.ideal[i * D];
    alignas(32) float d2[W], quality[W], price[W], ev[W];
    lanes::nearest_variant<W>(o, x, D, t_.active_lanes, d2, quality, price);
    std::uint64_t customised = 0;  // bit j: firm j's offer is customised for this consumer
    for (const LaneOffers::Custom& cu : o.custom) {
      const std::size_t cell = i * t_.crm_firms + cu.col;
      const std::uint8_t depth = pop_.crm[cell];
      if (depth == 0) continue;
      d2[cu.firm] = cu.fit_sigma2 * static_cast<float>(pop_.fit[cell]) * t_.inverse_depth[depth];
      customised |= std::uint64_t{1} << cu.firm;
    }
    const std::uint8_t* avail = &o.avail[pop_.region[i] * W];
    const lanes::Utility weights{t_.distance_weight, t_.loyalty_weight, t_.goodwill_weight,
                                 t_.goodwill_cap, pop_.price_sensitivity[i]};
    const float top = lanes::utilities<W>(weights, t_.active_lanes, d2, quality, price, g, L, avail,
                                          kAware, t_.outside_utility, ev);
    if (top == lanes::kNoChoice) return;  // aware of no firm that sells here
    const int pick = lanes::sample<W>(ev, t_.active_lanes, fast_exp(t_.outside_utility - top), u);
    const std::uint16_t before = pick >= 0 ? L[pick] : 0;
    lanes::scale_q16<W>(L, t_.rho_q16);
    if (pick < 0) return;
    const auto j = static_cast<std::size_t>(pick);
    const std::uint64_t gain = static_cast<std::uint64_t>(65536u - t_.rho_q16) * 65535u;
    L[j] =
        static_cast<std::uint16_t>((before * static_cast<std::uint64_t>(t_.rho_q16) + gain) >> 16);
    purchase(i, s, c, j, o.cents[o.nearest(j, x, D) * W + j], ((customised >> j) & 1u) != 0);
  }

  /// Records a purchase of firm j's product in category c.
  void purchase(std::size_t i, std::size_t s, std::size_t c, std::size_t j, std::int64_t cents,
                bool customised) {
    const std::size_t F = t_.F, C = t_.C;
    const PartialLayout& lay = t_.layout;
    ++partial_[lay.units() + c * F + j];
    partial_[lay.customised_units() + c * F + j] += customised ? 1 : 0;
    partial_[lay.revenue_cents() + c * F + j] += cents;
    ++partial_[lay.segment_units() + s * F + j];
    std::uint16_t* count = &pop_.count[(i * C + c) * W];
    std::uint16_t& in_category = pop_.cat_count[i * C + c];
    if (count[j] == 0) {
      ++partial_[lay.new_category() + c * F + j];
      bool bought_before = false;
      for (std::size_t c2 = 0; c2 < C; ++c2) bought_before |= pop_.count[(i * C + c2) * W + j] > 0;
      if (!bought_before) ++partial_[lay.new_firm() + j];
      // Share of category requirements: a new buyer's purchases so far join the firm's base.
      partial_[lay.scr_denominator() + c * F + j] += in_category;
    }
    count[j] = sat16(count[j] + 1u);
    in_category = sat16(in_category + 1u);
    lanes::count_nonzero<W>(count, &tally_.scr[c * W]);
    const int col = t_.crm_col[j];
    if (col >= 0 && (pop_.flags[i] & kOptOut) == 0) {
      std::uint8_t& k = pop_.crm[i * t_.crm_firms + static_cast<std::size_t>(col)];
      k = static_cast<std::uint8_t>(std::min(255, k + 1));
    }
    pop_.since[i * W + j] = 1;
    if ((pop_.flags[i] & kPanel) != 0)
      panel_.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint16_t>(c),
                        static_cast<std::uint16_t>(j), cents});
  }

  /// End-of-step tallies: recent customers of each firm (for next step's word of mouth) and CRM
  /// profiles.
  void tally(std::size_t i, std::size_t s) {
    lanes::count_recent<W>(&pop_.since[i * W], t_.wom_window, &tally_.recent[s * W]);
    const std::uint8_t* depth = pop_.crm.data() + i * t_.crm_firms;  // empty without CRM firms
    for (std::size_t k = 0; k < t_.crm_firms; ++k) tally_.crm_known[k] += depth[k] > 0 ? 1u : 0u;
  }

  const KernelTables& t_;
  Population& pop_;
  std::int64_t* partial_;
  BlockTallies& tally_;
  std::vector<PanelPurchase>& panel_;
};

template <std::size_t W>
void run_lanes(const KernelTables& t, Population& pop, std::size_t begin, std::size_t end,
               std::int64_t* partial, BlockTallies& tally, std::vector<PanelPurchase>& panel) {
  Kernel<W>(t, pop, partial, tally, panel).run(begin, end);
}

}  // namespace

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
