#include "models/consumer_kernel.hpp"

#include <algorithm>
#include <cmath>

#include "models/choice.hpp"

namespace msim {
namespace {

inline std::uint16_t sat16(std::uint32_t v) {
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(v, 65535u));
}

/// Lazily fetched group of four uniforms for slot base + j/4.
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

/// Media exposures, CRM contacts and word of mouth for consumer i.
inline void communicate(const KernelTables& t, Population& pop, std::size_t i, std::size_t s,
                        std::int64_t* partial) {
  const std::size_t F = t.F;
  const auto i32 = static_cast<std::uint32_t>(i);
  std::uint16_t* g = &pop.goodwill[i * F];
  const std::uint16_t* L = &pop.loyalty[i * F];
  Words expo{};
  LazyWords wom, contact;
  for (std::size_t j = 0; j < F; ++j) {
    const std::size_t sj = s * F + j;
    std::uint32_t gv = (g[j] * t.decay_q16) >> 16;
    if ((j & 3) == 0 && t.expo_group_active[s * ((F + 3) / 4) + (j >> 2)])
      expo = t.step_gen(i32, t.step, slot::exposure + static_cast<std::uint32_t>(j >> 2));
    if (t.expo_mean[sj] > 0.0f) {
      const float u = to_unit_f(expo[j & 3]);
      const float* cdf = &t.expo_cdf[sj * kCdfLen];
      std::uint32_t x = 0;
      if (t.expo_mean[sj] <= 16.0f) {
        while (x + 1 < kCdfLen && u > cdf[x]) ++x;
      } else {
        x = poisson(u, t.expo_mean[sj], std::exp(-static_cast<double>(t.expo_mean[sj])));
      }
      gv += x * t.expo_gain[sj];
    }
    const int col = t.crm_col[j];
    if (col >= 0 && t.contact_threshold[j] > 0) {
      std::uint8_t& k = pop.crm[i * t.crm_firms + static_cast<std::size_t>(col)];
      if (k > 0 && contact.get(t, i32, slot::contact, j) < t.contact_threshold[j]) {
        gv += t.direct_gain;
        k = static_cast<std::uint8_t>(std::min(255, k + 1));
        ++partial[t.layout.contacts() + j];
      }
    }
    if (gv < kGoodwillScale && L[j] == 0 && t.wom_threshold[sj] > 0 &&
        wom.get(t, i32, slot::wom, j) < t.wom_threshold[sj])
      gv = std::max(gv, t.wom_goodwill);
    g[j] = sat16(gv);
  }
}

/// Records a purchase of firm j's product in category c.
inline void purchase(const KernelTables& t, Population& pop, std::size_t i, std::size_t s,
                     std::size_t c, std::size_t j, std::int64_t price_cents,
                     std::int64_t* partial) {
  const std::size_t F = t.F, C = t.C;
  const PartialLayout& lay = t.layout;
  ++partial[lay.units() + c * F + j];
  partial[lay.revenue_cents() + c * F + j] += price_cents;
  ++partial[lay.segment_units() + s * F + j];
  std::uint16_t* count = &pop.count[(i * C + c) * F];
  std::uint16_t& in_category = pop.cat_count[i * C + c];
  const std::uint16_t before = count[j];
  if (before == 0) {
    ++partial[lay.new_category() + c * F + j];
    bool bought_before = false;
    for (std::size_t c2 = 0; c2 < C; ++c2) bought_before |= pop.count[(i * C + c2) * F + j] > 0;
    if (!bought_before) ++partial[lay.new_firm() + j];
    // Share of category requirements: the firm's buyers' purchases so far join its base.
    partial[lay.scr_denominator() + c * F + j] += in_category;
  }
  count[j] = sat16(count[j] + 1u);
  in_category = sat16(in_category + 1u);
  for (std::size_t k = 0; k < F; ++k)
    if (count[k] > 0) ++partial[lay.scr_denominator() + c * F + k];
  std::uint16_t* L = &pop.loyalty[i * F];
  const std::uint32_t gain = (65536u - t.rho_q16) * 65535u;
  for (std::size_t k = 0; k < F; ++k)
    L[k] = static_cast<std::uint16_t>((L[k] * static_cast<std::uint64_t>(t.rho_q16) + (k == j ? gain : 0u)) >> 16);
  const int col = t.crm_col[j];
  if (col >= 0 && (pop.flags[i] & kOptOut) == 0) {
    std::uint8_t& k = pop.crm[i * t.crm_firms + static_cast<std::size_t>(col)];
    k = static_cast<std::uint8_t>(std::min(255, k + 1));
  }
  pop.last_step[i] = static_cast<std::uint16_t>(t.step);
  pop.last_firm[i] = static_cast<std::uint8_t>(j);
}

/// One purchase occasion in category c: logit over the aware firms that sell there.
inline void choose(const KernelTables& t, Population& pop, std::size_t i, std::size_t s,
                   std::size_t c, double u, std::int64_t* partial) {
  const std::size_t F = t.F, D = t.D;
  const CategoryOffers& offers = t.offers[c];
  const std::uint16_t* g = &pop.goodwill[i * F];
  const std::uint16_t* L = &pop.loyalty[i * F];
  const float* x = &pop.ideal[i * D];
  const float a = pop.price_sensitivity[i];
  const std::uint64_t region_bit = 1ull << pop.region[i];
  double ev[64];
  int firm_of[64];
  const Offer* offer_of[64];
  int n = 0;
  for (std::size_t k = 0; k < offers.firm.size(); ++k) {
    const auto j = static_cast<std::size_t>(offers.firm[k]);
    if ((t.region_mask[j] & region_bit) == 0) continue;
    if (g[j] < kGoodwillScale && L[j] == 0) continue;  // not aware
    const Offer* best = nullptr;
    float best_d2 = 0.0f;
    for (int v = 0; v < offers.count[k]; ++v) {
      const Offer& o = offers.variants[static_cast<std::size_t>(offers.first[k] + v)];
      float d2 = 0.0f;
      for (std::size_t d = 0; d < D; ++d) d2 += (x[d] - o.pos[d]) * (x[d] - o.pos[d]);
      if (best == nullptr || d2 < best_d2) {
        best = &o;
        best_d2 = d2;
      }
    }
    const int col = t.crm_col[j];
    if (t.fit_sigma2[j] >= 0.0f && col >= 0) {
      const std::uint8_t depth = pop.crm[i * t.crm_firms + static_cast<std::size_t>(col)];
      if (depth > 0) {
        const Words w = t.fit_gen(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j), 0);
        best_d2 = t.fit_sigma2[j] / (1.0f + depth) * chi2_fit(w, D);
      }
    }
    const float goodwill = std::min(g[j] * (1.0f / 256.0f), t.goodwill_cap);
    const float v = best->quality - t.distance_weight * best_d2 - a * best->price +
                    t.loyalty_weight * (L[j] * (1.0f / 65535.0f)) + t.goodwill_weight * goodwill;
    ev[n] = std::exp(static_cast<double>(v));
    firm_of[n] = static_cast<int>(j);
    offer_of[n] = best;
    ++n;
  }
  if (n == 0) return;
  const int pick = sample_logit(ev, n, t.exp_outside, u);
  if (pick < 0) return;
  purchase(t, pop, i, s, c, static_cast<std::size_t>(firm_of[pick]), offer_of[pick]->price_cents,
           partial);
}

/// Purchase occasions in every category: Poisson(rate), one logit choice per occasion.
inline void shop(const KernelTables& t, Population& pop, std::size_t i, std::size_t s,
                 std::int64_t* partial) {
  const auto i32 = static_cast<std::uint32_t>(i);
  Words occ{};
  for (std::size_t c = 0; c < t.C; ++c) {
    if ((c & 3) == 0) occ = t.step_gen(i32, t.step, slot::occasions + static_cast<std::uint32_t>(c >> 2));
    const double rate = pop.rate[i * t.C + c];
    if (rate <= 0.0 || t.offers[c].firm.empty()) continue;
    const double u = to_unit(occ[c & 3]);
    const double p0 = std::exp(-rate);
    if (u <= p0) continue;
    const std::uint32_t n = std::min(poisson(u, rate, p0), slot::kMaxOccasions);
    partial[t.layout.occasions() + c] += n;
    Words cw{};
    for (std::uint32_t o = 0; o < n; ++o) {
      if ((o & 3) == 0)
        cw = t.step_gen(i32, t.step,
                        slot::choice + static_cast<std::uint32_t>(c) * 64 + (o >> 2));
      choose(t, pop, i, s, c, to_unit(cw[o & 3]), partial);
    }
  }
}

/// End-of-step tallies: awareness, recent customers (for next step's word of mouth), profiles.
inline void tally(const KernelTables& t, const Population& pop, std::size_t i, std::size_t s,
                  std::int64_t* partial) {
  const std::size_t F = t.F;
  const std::uint16_t* g = &pop.goodwill[i * F];
  const std::uint16_t* L = &pop.loyalty[i * F];
  std::int64_t* aware = partial + t.layout.aware() + s * F;
  for (std::size_t j = 0; j < F; ++j) aware[j] += (g[j] >= kGoodwillScale || L[j] > 0) ? 1 : 0;
  const std::uint8_t last = pop.last_firm[i];
  if (last != kNoFirm && t.step - pop.last_step[i] < t.wom_window)
    ++partial[t.layout.recent() + s * F + last];
  for (std::size_t j = 0; j < F; ++j) {
    const int col = t.crm_col[j];
    if (col >= 0 && pop.crm[i * t.crm_firms + static_cast<std::size_t>(col)] > 0)
      ++partial[t.layout.crm_known() + j];
  }
}

}  // namespace

void run_consumer_block(const KernelTables& t, Population& pop, std::size_t begin,
                        std::size_t end, std::int64_t* partial) {
  for (std::size_t i = begin; i < end; ++i) {
    const std::size_t s = pop.segment[i];
    communicate(t, pop, i, s, partial);
    shop(t, pop, i, s, partial);
    tally(t, pop, i, s, partial);
  }
}

}  // namespace msim
