// The kernel's tables for one step, from the firms' plans: media exposure distributions, word of
// mouth and contact probabilities, and the offers of each category in firm lanes.
#include <algorithm>
#include <cmath>

#include "models/costs.hpp"
#include "models/market.hpp"
#include "models/media.hpp"

namespace msim {
namespace {

/// Poisson(mean) exposures as 16-bit CDF thresholds, and the bucket table of expose() in
/// models/kernel_communication.hpp: for bucket b (u >> kExpoShift == b) the count of its lowest
/// u, flagged when a CDF step falls inside the bucket.
void exposure_table(double mean, std::uint32_t* cdf16, std::uint8_t* table) {
  double p = std::exp(-mean), cdf = p;
  for (std::size_t k = 0; k < kCdfLen; ++k) {
    cdf16[k] = std::min<std::uint32_t>(threshold16(cdf), 65536);
    p *= mean / static_cast<double>(k + 1);
    cdf += p;
  }
  cdf16[kCdfLen - 1] = 65536;  // the last count takes the rest
  constexpr std::uint32_t kWidth = 65536 / kExpoBuckets;
  std::size_t k = 0;
  for (std::size_t b = 0; b < kExpoBuckets; ++b) {
    const auto lo = static_cast<std::uint32_t>(b) * kWidth;
    while (cdf16[k] <= lo) ++k;
    const bool step_inside = cdf16[k] <= lo + kWidth - 1;
    table[b] = static_cast<std::uint8_t>(k | (step_inside ? kExpoScan : 0));
  }
}

/// The high 16 bits (0..65536) of 32-bit thresholds, which a 16-bit uniform compares with first.
std::vector<std::uint32_t> high_halves(const std::vector<std::uint64_t>& thresholds) {
  std::vector<std::uint32_t> high(thresholds.size());
  for (std::size_t k = 0; k < high.size(); ++k)
    high[k] = static_cast<std::uint32_t>(thresholds[k] >> 16);
  return high;
}

/// The quality its innovations have added to a firm's products by `step`.
double innovation_gain(const Firm& f, std::int64_t step) {
  return f.innovation.quality_gain * f.innovation.generation(step);
}

}  // namespace

void Market::build_durable_tables() {
  const std::size_t F = sc_.firms.size(), W = tables_.lanes;
  for (std::size_t c = 0; c < sc_.categories.size(); ++c) {
    const int d = tables_.durable_of[c];
    if (d < 0) continue;
    const Category& cat = sc_.categories[c];
    DurableTables& du = tables_.durable[static_cast<std::size_t>(d)];
    const LaneOffers& o = tables_.offers[c];
    du.inverse_shape = static_cast<float>(1.0 / cat.lifetime_shape);
    du.reference_life = static_cast<float>(cat.reference_life);
    du.backlash = static_cast<float>(cat.backlash);
    du.scale.assign(W, 1.0f);
    du.generation.assign(W, 0);
    // The quality of a maker's generation g: its best offer now, less the gains since g.
    std::vector<double> now(F, 0.0);
    // The step a seller's generation on sale was launched (0 for the first, and for a firm
    // whose generations add nothing), and the quality of its best offer; -inf if it sells none.
    std::vector<std::int64_t> launched(F, 0);
    std::vector<double> offer(F, -HUGE_VAL);
    for (std::size_t j = 0; j < F; ++j) {
      const Firm& f = sc_.firms[j];
      du.scale[j] = static_cast<float>(std::max(1.0, plans_[j].durability[c]));
      du.generation[j] = static_cast<std::uint8_t>(f.innovation.generation(step_));
      if (f.innovation.quality_gain > 0) launched[j] = du.generation[j] * f.innovation.every_steps;
      const bool sells =
          std::any_of(plans_[j].products.begin(), plans_[j].products.end(),
                      [&](const Product& p) { return p.category == static_cast<int>(c); });
      now[j] = f.quality + innovation_gain(f, step_);
      if (sells) {
        for (std::size_t v = 0; v < o.lane_variants[j]; ++v)
          offer[j] = std::max(offer[j], static_cast<double>(o.quality[v * W + j]));
        now[j] = offer[j];
      }
    }
    du.upgrades = false;
    du.upgrade_need.assign(F * 256, 256);
    // Only a newer generation tempts the owner of a working product (perceived obsolescence):
    // one launched after the owner's, by its maker or another, that beats it by the gain.
    for (std::size_t j = 0; j < F; ++j) {
      const Innovation& in = sc_.firms[j].innovation;
      for (int g = 0; g <= du.generation[j]; ++g) {
        const std::int64_t owned_launch = in.quality_gain > 0 ? g * in.every_steps : 0;
        double newer = -HUGE_VAL;
        for (std::size_t k = 0; k < F; ++k)
          if (launched[k] > owned_launch) newer = std::max(newer, offer[k]);
        const double gain = newer - (now[j] - in.quality_gain * (du.generation[j] - g));
        if (!(gain > 1e-9)) continue;
        const double need = std::ceil(255.0 * cat.upgrade_threshold / gain);
        if (need > 255.0) continue;
        du.upgrade_need[j * 256 + static_cast<std::size_t>(g)] =
            static_cast<std::uint16_t>(std::max(0.0, need));
        du.upgrades = true;
      }
    }
  }
  // Negative word of mouth: the share of each segment (and of everyone) whose product of firm j
  // failed early within the word-of-mouth window.
  const std::size_t S = sc_.segments.size();
  tables_.negative_wom.assign(S * W, 0);
  tables_.negative_high.assign(S * W, 0);
  tables_.negative_wom_active = false;
  if (tables_.durables == 0 || sc_.market.negative_wom_rate <= 0) return;
  const MarketParams& m = sc_.market;
  const double N = static_cast<double>(pop_.n);
  for (std::size_t j = 0; j < F; ++j) {
    double total = 0.0;
    for (std::size_t s = 0; s < S; ++s) total += static_cast<double>(early_window_[s * F + j]);
    for (std::size_t s = 0; s < S; ++s) {
      const double own =
          ratio(static_cast<double>(early_window_[s * F + j]), segment_consumers_[s]);
      const double x = m.homophily * own + (1.0 - m.homophily) * total / N;
      tables_.negative_wom[s * W + j] = threshold32(-std::expm1(-m.negative_wom_rate * x));
      tables_.negative_wom_active =
          tables_.negative_wom_active || tables_.negative_wom[s * W + j] > 0;
    }
  }
  tables_.negative_high = high_halves(tables_.negative_wom);
}

void Market::build_tables() {
  const std::size_t F = sc_.firms.size(), C = sc_.categories.size(), S = sc_.segments.size();
  KernelTables& t = tables_;
  const std::size_t W = t.lanes, D = t.D;
  t.step = static_cast<std::uint32_t>(step_);
  t.paired_consumers = options_.paired_consumers;
  const MarketParams& m = sc_.market;
  // Consumers each audience picks out in each segment: last step's count (its loyalty range
  // moves with behaviour), or at step 0 the count by static attributes.
  std::vector<double> audience(S * F, -1.0);
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t j = 0; j < F; ++j)
      if (audience_bit_[j] != 0)
        audience[s * F + j] =
            step_ == 0
                ? (sc_.firms[j].audience.loyalty.contains(0.0) ? audience_static_[s * F + j] : 0.0)
                : static_cast<double>(last_sums_[t.layout.audience_matched() + s * F + j]);
  const MediaReach reach = media_reach(sc_, plans_, segment_consumers_, audience);
  t.expo_cdf.assign(2 * S * W * kCdfLen, 65536);
  t.expo_table.assign(2 * S * W * kExpoBuckets + 3, 0);  // + 3: simd::gather_bytes reads words
  t.exposures.assign(S * W, {});
  t.expo_group_active.assign(S * W / 8, 0);
  t.expo_group_drawn.assign(W / 8, 0);
  KernelTables::ExposureLanes& el = t.expo_lanes;
  for (auto* v : {&el.table_all, &el.table_in, &el.gain_all, &el.gain_in, &el.bit, &el.loyalty_lo})
    v->assign(S * W, 0);
  el.loyalty_hi.assign(S * W, 65535);
  // One distribution: its table at `sl` (the second half of the tables holds audiences').
  const auto draw = [&](double mass, double targeted, std::size_t sl) {
    KernelTables::ExposureDraw d;
    const double mean = mass + targeted;
    if (mean <= 0) return d;
    const double beta = (m.beta_mass * mass + m.beta_targeted * targeted) / mean;
    d.gain = static_cast<std::uint32_t>(std::lround(beta * kGoodwillScale));
    d.table = static_cast<std::uint32_t>(sl * kExpoBuckets);
    if (mean > kMaxTabledMean) {
      d.direct_mean = static_cast<float>(mean);
      d.direct_exp = std::exp(-static_cast<double>(d.direct_mean));
      std::fill_n(&t.expo_table[sl * kExpoBuckets], kExpoBuckets, kExpoDirect);
    } else {
      exposure_table(mean, &t.expo_cdf[sl * kCdfLen], &t.expo_table[sl * kExpoBuckets]);
    }
    return d;
  };
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t j = 0; j < F; ++j) {
      const std::size_t sl = s * W + j, k = s * F + j;
      KernelTables::Exposure& e = t.exposures[sl];
      e.all = draw(reach.mass[k], reach.targeted[k], sl);
      e.in = e.all;
      if (audience_bit_[j] != 0) e.in = draw(reach.mass[k], reach.targeted_in[k], S * W + sl);
      el.table_all[sl] = e.all.table;
      el.table_in[sl] = e.in.table;
      el.gain_all[sl] = e.all.gain;
      el.gain_in[sl] = e.in.gain;
      if (e.all.gain != 0 || e.in.gain != 0) {
        t.expo_group_active[sl / 8] = 1;
        t.expo_group_drawn[j / 8] = 1;
      }
    }
  for (const KernelTables::Audience& a : t.audiences)
    for (std::size_t s = 0; s < S; ++s) {
      const std::size_t sl = s * W + a.firm;
      el.bit[sl] = a.bit;
      el.loyalty_lo[sl] = a.loyalty_lo;
      el.loyalty_hi[sl] = a.loyalty_hi;
    }
  // Word of mouth from last step's recent customers [Bass 1969; Rand & Rust 2011].
  const PartialLayout& lay = t.layout;
  t.wom_threshold.assign(S * W, 0);
  t.wom_active = false;
  const double N = static_cast<double>(pop_.n);
  for (std::size_t j = 0; j < F; ++j) {
    double total = 0.0;
    for (std::size_t s = 0; s < S; ++s)
      total += static_cast<double>(last_sums_[lay.recent() + s * F + j]);
    for (std::size_t s = 0; s < S; ++s) {
      const double own =
          ratio(static_cast<double>(last_sums_[lay.recent() + s * F + j]), segment_consumers_[s]);
      const double x = m.homophily * own + (1.0 - m.homophily) * total / N;
      const double q = m.wom_rate * plans_[j].programs.referral_multiplier;
      t.wom_threshold[s * W + j] = threshold32(-std::expm1(-q * x));
      t.wom_active = t.wom_active || t.wom_threshold[s * W + j] > 0;
    }
  }
  t.wom_high = high_halves(t.wom_threshold);
  // Direct contacts: the planned number spread over the firm's profiles.
  t.contacts.clear();
  t.contact_threshold.assign(W, 0);
  for (std::size_t j = 0; j < F; ++j) {
    const FirmPlan& plan = plans_[j];
    const double profiles = static_cast<double>(last_sums_[lay.crm_known() + j]);
    if (t.crm_col[j] < 0 || plan.direct_spend <= 0 || profiles <= 0) continue;
    const std::uint64_t threshold =
        threshold32(plan.direct_spend / plan.cost_per_contact / profiles);
    if (threshold > 0)
      t.contacts.push_back(
          {static_cast<std::uint32_t>(j), static_cast<std::uint32_t>(t.crm_col[j])});
    t.contact_threshold[j] = threshold;
  }
  t.contact_high = high_halves(t.contact_threshold);
  // Offers: for each category, every firm's variants in its lane; a firm with fewer variants
  // than the most repeats its last one, which never wins a strict nearest-variant comparison.
  t.offers.assign(C, LaneOffers{});
  for (std::size_t c = 0; c < C; ++c) {
    LaneOffers& o = t.offers[c];
    std::vector<std::vector<const Product*>> products(F);
    for (std::size_t j = 0; j < F; ++j)
      for (const Product& p : plans_[j].products)
        if (static_cast<std::size_t>(p.category) == c) products[j].push_back(&p);
    for (const auto& list : products) o.variants = std::max(o.variants, list.size());
    o.any = o.variants > 0;
    o.variants = std::max<std::size_t>(o.variants, 1);
    o.pos.assign(o.variants * D * W, 0.0f);
    o.quality.assign(o.variants * W, 0.0f);
    o.price.assign(o.variants * W, 0.0f);
    o.cents.assign(o.variants * W, 0);
    o.avail.assign(t.regions * W, 0);
    o.lane_variants.assign(W, 1);
    o.group_variants.assign(W / 8, 1);
    for (std::size_t j = 0; j < F; ++j) {
      o.lane_variants[j] =
          std::max<std::uint32_t>(1, static_cast<std::uint32_t>(products[j].size()));
      o.group_variants[j / 8] = std::max(o.group_variants[j / 8], o.lane_variants[j]);
    }
    for (std::size_t j = 0; j < F; ++j) {
      if (products[j].empty()) continue;
      for (std::size_t v = 0; v < o.variants; ++v) {
        const Product& p = *products[j][std::min(v, products[j].size() - 1)];
        for (std::size_t d = 0; d < D; ++d)
          o.pos[(v * D + d) * W + j] = static_cast<float>(p.position[static_cast<Eigen::Index>(d)]);
        o.quality[v * W + j] =
            static_cast<float>(p.quality + innovation_gain(sc_.firms[j], step_) +
                               durability_utility(sc_.categories[c], plans_[j].durability[c]));
        o.cents[v * W + j] = price_cents(p.fixed_price, p.markup, unit_cost_[j][c]);
        o.price[v * W + j] = static_cast<float>(static_cast<double>(o.cents[v * W + j]) / 100.0);
      }
      for (std::size_t r = 0; r < t.regions; ++r)
        o.avail[r * W + j] = ((t.region_mask[j] >> r) & 1u) != 0 ? 0xFFFF : 0;
      if (const double cut = sc_.firms[j].quality_cut[c]; cut > 0) {
        LaneOffers::Cut lost{static_cast<std::uint32_t>(j), {}};
        const double keep = 1.0 - sc_.categories[c].quality_learning;
        for (std::size_t n = 0; n < LaneOffers::kLearnLen; ++n)
          lost.loss[n] = static_cast<float>(cut * (1.0 - std::pow(keep, static_cast<double>(n))));
        o.cuts.push_back(lost);
      }
      const FirmPlan& plan = plans_[j];
      if (plan.customized && t.crm_col[j] >= 0)
        o.custom.push_back({static_cast<std::uint32_t>(j), static_cast<std::uint32_t>(t.crm_col[j]),
                            static_cast<float>(plan.custom_sigma0 * plan.custom_sigma0 / kFitScale),
                            plan.programs.cross_selling});
    }
  }
  build_durable_tables();
  build_program_tables();
}

void Market::build_program_tables() {
  KernelTables& t = tables_;
  const std::size_t W = t.lanes;
  t.loyalty_every.assign(W, 0);
  t.member_discount.assign(W, 0.0f);
  t.referral.assign(W, 0);
  t.retention_after.assign(W, 0);
  t.retention_keep.assign(W, 1.0f);
  t.any_loyalty = t.any_referral = t.any_retention = false;
  for (std::size_t j = 0; j < sc_.firms.size(); ++j) {
    const Programs& p = plans_[j].programs;
    if (p.loyalty_every > 0) {
      t.loyalty_every[j] = static_cast<std::uint32_t>(p.loyalty_every);
      t.member_discount[j] =
          static_cast<float>(p.loyalty_reward / static_cast<double>(p.loyalty_every));
      t.any_loyalty = true;
    }
    // Tags and retention offers need CRM profiles.
    if (t.crm_col[j] < 0) continue;
    if (p.referral) {
      t.referral[j] = 1;
      t.any_referral = true;
    }
    if (p.retention_after > 0) {
      t.retention_after[j] = static_cast<std::uint8_t>(p.retention_after);
      t.retention_keep[j] = static_cast<float>(1.0 - p.retention_discount);
      t.any_retention = true;
    }
  }
}

}  // namespace msim
