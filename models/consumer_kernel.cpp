#include "models/consumer_kernel.hpp"

#include <algorithm>
#include <cmath>

#include "models/choice.hpp"
#include "sim/fast_math.hpp"

namespace msim {
namespace {

inline constexpr std::uint32_t kAware = 256;  ///< goodwill of 1.0 in 8.8 fixed point

inline std::uint16_t sat16(std::uint32_t v) {
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(v, 65535u));
}

/// A lazily fetched Philox call of four 32-bit uniforms, for slot base + j/4.
struct LazyWords {
  std::uint32_t group = ~0u;
  Words w{};
  std::uint32_t get(const KernelTables& t, std::uint32_t i, std::uint32_t base, std::size_t j) {
    const auto g = static_cast<std::uint32_t>(j >> 2);
    if (g != group) {
      w = t.step_gen(i, t.step, base + g);
      group = g;
    }
    return w[j & 3];
  }
};

/// Poisson exposures from a 16-bit uniform: guide table, then a short scan of the CDF.
inline std::uint32_t exposures(const KernelTables& t, std::size_t sj, std::uint32_t u) {
  const float mean = t.expo_mean[sj];
  if (mean > kMaxTabledMean)
    return poisson((u + 0.5) / 65536.0, mean, std::exp(-static_cast<double>(mean)));
  const std::uint32_t* cdf = &t.expo_cdf[sj * kCdfLen];
  std::uint32_t x = t.expo_guide[sj * kGuideLen + (u >> 8)];
  while (x + 1 < kCdfLen && u >= cdf[x]) ++x;
  return x;
}

/// Media exposures, CRM contacts and word of mouth for consumer i, and whether the consumer is
/// aware of each firm when shopping.
inline void communicate(const KernelTables& t, Population& pop, std::size_t i, std::size_t s,
                        std::int64_t* partial) {
  std::int64_t* aware = partial + t.layout.aware() + s * t.F;
  const std::size_t F = t.F;
  const auto i32 = static_cast<std::uint32_t>(i);
  std::uint16_t* g = &pop.goodwill[i * F];
  const std::uint16_t* L = &pop.loyalty[i * F];
  const std::size_t groups = (F + 7) / 8;
  Words expo{};
  LazyWords wom, contact;
  std::uint8_t* since = &pop.since[i * F];
  for (std::size_t j = 0; j < F; ++j) {
    const std::size_t sj = s * F + j;
    since[j] = static_cast<std::uint8_t>(since[j] + (since[j] != 0 && since[j] != 255 ? 1 : 0));
    std::uint32_t gv = (g[j] * t.decay_q16) >> 16;
    if ((j & 7) == 0 && t.expo_group_active[s * groups + (j >> 3)])
      expo = t.step_gen(i32, t.step, slot::exposure + static_cast<std::uint32_t>(j >> 3));
    if (t.expo_mean[sj] > 0.0f)
      gv = static_cast<std::uint32_t>(std::min<std::uint64_t>(
          gv + static_cast<std::uint64_t>(exposures(t, sj, half_word(expo, j & 7))) *
                   t.expo_gain[sj],
          65535u));
    const int col = t.crm_col[j];
    if (col >= 0 && t.contact_threshold[j] > 0) {
      std::uint8_t& k = pop.crm[i * t.crm_firms + static_cast<std::size_t>(col)];
      if (k > 0 && contact.get(t, i32, slot::contact, j) < t.contact_threshold[j]) {
        gv += t.direct_gain;
        k = static_cast<std::uint8_t>(std::min(255, k + 1));
      }
    }
    if (t.step == 0 && t.initial_aware > 0 &&
        t.aware_gen(i32, static_cast<std::uint32_t>(j), 0)[0] < t.initial_aware)
      gv = std::max(gv, kAware);  // aware from the start (market.initial_awareness)
    if (gv < kAware && L[j] == 0 && t.wom_threshold[sj] > 0 &&
        wom.get(t, i32, slot::wom, j) < t.wom_threshold[sj])
      gv = std::max(gv, t.wom_goodwill);
    g[j] = sat16(gv);
    aware[j] += (gv >= kAware || L[j] > 0) ? 1 : 0;
  }
}

/// Loyalty smoothing after a choice: L <- rho L + (1 - rho) [chose k], for every firm k
/// (chosen = F for the outside option, which lowers every firm's loyalty).
inline void smooth_loyalty(const KernelTables& t, std::uint16_t* L, std::size_t chosen) {
  const std::uint64_t gain = static_cast<std::uint64_t>(65536u - t.rho_q16) * 65535u;
  for (std::size_t k = 0; k < t.F; ++k)
    L[k] = static_cast<std::uint16_t>(
        (L[k] * static_cast<std::uint64_t>(t.rho_q16) + (k == chosen ? gain : 0u)) >> 16);
}

/// Records a purchase of firm j's product in category c.
inline void purchase(const KernelTables& t, Population& pop, std::size_t i, std::size_t s,
                     std::size_t c, std::size_t j, std::int64_t price_cents, bool customised,
                     std::int64_t* partial) {
  const std::size_t F = t.F, C = t.C;
  const PartialLayout& lay = t.layout;
  ++partial[lay.units() + c * F + j];
  partial[lay.customised_units() + c * F + j] += customised ? 1 : 0;
  partial[lay.revenue_cents() + c * F + j] += price_cents;
  ++partial[lay.segment_units() + s * F + j];
  std::uint16_t* count = &pop.count[(i * C + c) * F];
  std::uint16_t& in_category = pop.cat_count[i * C + c];
  if (count[j] == 0) {
    ++partial[lay.new_category() + c * F + j];
    bool bought_before = false;
    for (std::size_t c2 = 0; c2 < C; ++c2) bought_before |= pop.count[(i * C + c2) * F + j] > 0;
    if (!bought_before) ++partial[lay.new_firm() + j];
    // Share of category requirements: a new buyer's purchases so far join the firm's base.
    partial[lay.scr_denominator() + c * F + j] += in_category;
  }
  count[j] = sat16(count[j] + 1u);
  in_category = sat16(in_category + 1u);
  for (std::size_t k = 0; k < F; ++k)
    partial[lay.scr_denominator() + c * F + k] += count[k] > 0 ? 1 : 0;
  const int col = t.crm_col[j];
  if (col >= 0 && (pop.flags[i] & kOptOut) == 0) {
    std::uint8_t& k = pop.crm[i * t.crm_firms + static_cast<std::size_t>(col)];
    k = static_cast<std::uint8_t>(std::min(255, k + 1));
  }
  pop.since[i * F + j] = 1;
}

template <std::size_t D>
inline float squared_distance(const float* x, const float* p) {
  float d2 = 0.0f;
  for (std::size_t d = 0; d < D; ++d) d2 += (x[d] - p[d]) * (x[d] - p[d]);
  return d2;
}

/// One purchase occasion in category c: logit over the aware firms that sell there.
/// D, the number of preference dimensions, is a template parameter so distances unroll.
template <std::size_t D>
inline void choose(const KernelTables& t, Population& pop, std::size_t i, std::size_t s,
                   std::size_t c, double u, std::int64_t* partial) {
  const std::size_t F = t.F;
  const CategoryOffers& offers = t.offers[c];
  const std::uint16_t* g = &pop.goodwill[i * F];
  const std::uint16_t* L = &pop.loyalty[i * F];
  const float* x = &pop.ideal[i * D];
  const float a = pop.price_sensitivity[i];
  const std::uint64_t region_bit = 1ull << pop.region[i];
  float utility[64];
  int firm_of[64];
  const Offer* offer_of[64];
  bool customised_of[64];
  int n = 0;
  for (const OfferEntry& e : offers.entries) {
    const std::size_t j = e.firm;
    if ((e.region_mask & region_bit) == 0) continue;
    const std::uint32_t gj = g[j], Lj = L[j];
    if (gj < kAware && Lj == 0) continue;  // not aware
    const Offer* best = &offers.variants[e.first];
    float best_d2 = squared_distance<D>(x, best->pos.data());
    for (std::uint32_t v = 1; v < e.count; ++v) {
      const Offer& o = offers.variants[e.first + v];
      const float d2 = squared_distance<D>(x, o.pos.data());
      if (d2 < best_d2) {
        best = &o;
        best_d2 = d2;
      }
    }
    bool customised = false;
    if (e.crm_col >= 0) {
      // A customised product: the consumer's fixed fit error, shrinking with profile depth.
      const std::size_t cell = i * t.crm_firms + static_cast<std::size_t>(e.crm_col);
      const std::uint32_t depth = pop.crm[cell];
      customised = depth > 0;
      if (customised)
        best_d2 =
            e.fit_sigma2 * static_cast<float>(pop.fit[cell]) / (1.0f + static_cast<float>(depth));
    }
    const float goodwill = std::min(static_cast<float>(gj) * (1.0f / 256.0f), t.goodwill_cap);
    utility[n] = best->quality - t.distance_weight * best_d2 - a * best->price +
                 t.loyalty_weight * (static_cast<float>(Lj) * (1.0f / 65535.0f)) +
                 t.goodwill_weight * goodwill;
    firm_of[n] = static_cast<int>(j);
    offer_of[n] = best;
    customised_of[n] = customised;
    ++n;
  }
  if (n == 0) return;
  // Exponentiate relative to the best alternative, so that utilities far from zero (expensive
  // goods, a very attractive outside option) keep their differences.
  float top = t.outside_utility;
  for (int k = 0; k < n; ++k) top = std::max(top, utility[k]);
  float ev[64];
  for (int k = 0; k < n; ++k) ev[k] = fast_exp(utility[k] - top);
  const double exp_outside = fast_exp(t.outside_utility - top);
  const int pick = sample_logit(ev, n, exp_outside, u);
  smooth_loyalty(t, &pop.loyalty[i * F], pick < 0 ? F : static_cast<std::size_t>(firm_of[pick]));
  if (pick < 0) return;
  purchase(t, pop, i, s, c, static_cast<std::size_t>(firm_of[pick]), offer_of[pick]->price_cents,
           customised_of[pick], partial);
}

/// Purchase occasions in every category: Poisson(rate), one logit choice per occasion.
template <std::size_t D>
inline void shop(const KernelTables& t, Population& pop, std::size_t i, std::size_t s,
                 std::int64_t* partial) {
  const auto i32 = static_cast<std::uint32_t>(i);
  Words occ{};
  for (std::size_t c = 0; c < t.C; ++c) {
    if ((c & 3) == 0)
      occ = t.step_gen(i32, t.step, slot::occasions + static_cast<std::uint32_t>(c >> 2));
    const std::uint32_t w = occ[c & 3];
    if (w <= pop.no_occasion[i * t.C + c] || t.offers[c].entries.empty()) continue;
    // The stored threshold is exp(-rate) to 2^-32, which is all the inversion needs.
    const double rate = pop.rate[i * t.C + c];
    const double p0 = (static_cast<double>(pop.no_occasion[i * t.C + c]) + 0.5) * 0x1p-32;
    const std::uint32_t n = std::min(poisson(to_unit(w), rate, p0), slot::kMaxOccasions);
    Words cw{};
    for (std::uint32_t o = 0; o < n; ++o) {
      if ((o & 3) == 0)
        cw = t.step_gen(i32, t.step, slot::choice + static_cast<std::uint32_t>(c) * 64 + (o >> 2));
      choose<D>(t, pop, i, s, c, to_unit(cw[o & 3]), partial);
    }
  }
}

/// End-of-step tallies: recent customers of each firm (for next step's word of mouth) and CRM
/// profiles.
inline void tally(const KernelTables& t, const Population& pop, std::size_t i, std::size_t s,
                  std::int64_t* partial) {
  const std::uint8_t* since = &pop.since[i * t.F];
  std::int64_t* recent = partial + t.layout.recent() + s * t.F;
  for (std::size_t j = 0; j < t.F; ++j)
    recent[j] += (since[j] != 0 && since[j] <= t.wom_window) ? 1 : 0;
  for (std::size_t k = 0; k < t.crm_firms; ++k)
    partial[t.layout.crm_known() + static_cast<std::size_t>(t.crm_firm[k])] +=
        pop.crm[i * t.crm_firms + k] > 0 ? 1 : 0;
}

template <std::size_t D>
void run_block(const KernelTables& t, Population& pop, std::size_t begin, std::size_t end,
               std::int64_t* partial) {
  for (std::size_t i = begin; i < end; ++i) {
    const std::size_t s = pop.segment[i];
    communicate(t, pop, i, s, partial);
    shop<D>(t, pop, i, s, partial);
    tally(t, pop, i, s, partial);
  }
}

}  // namespace

void run_consumer_block(const KernelTables& t, Population& pop, std::size_t begin, std::size_t end,
                        std::int64_t* partial) {
  switch (t.D) {
    case 1:
      return run_block<1>(t, pop, begin, end, partial);
    case 2:
      return run_block<2>(t, pop, begin, end, partial);
    case 3:
      return run_block<3>(t, pop, begin, end, partial);
    default:
      return run_block<4>(t, pop, begin, end, partial);
  }
}

}  // namespace msim
