#pragma once
/// Everything the consumer kernel reads in one step, precomputed by the firm phase: media
/// exposure distributions by (segment, firm), word-of-mouth and contact probabilities as
/// integer thresholds, and the offers in each category laid out in firm lanes (structure of
/// arrays, one lane per firm) so that the choice works on whole SIMD vectors. Plus the layout of
/// a block's partial sums.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/scenario_load.hpp"
#include "sim/rng.hpp"

namespace msim {

inline constexpr std::size_t kCdfLen = 96;  ///< Poisson CDF entries kept per (segment, firm)
/// A 16-bit uniform's bucket is u >> kExpoShift. With 2,048 buckets per distribution (96 KB for
/// the standard market's 48 tables), a draw lands in a bucket that holds a CDF step, and so takes
/// the scalar scan, an eighth as often as with 256 (1% faster than 1,024 buckets; 4,096 were no
/// faster than 2,048). The counts are exact either way.
inline constexpr unsigned kExpoShift = 5;
inline constexpr std::size_t kExpoBuckets =
    65536 >> kExpoShift;                           ///< lookup buckets of a 16-bit uniform
inline constexpr std::uint8_t kExpoScan = 0x80;    ///< bucket flag: a CDF step falls inside it
inline constexpr std::uint8_t kExpoDirect = 0xFF;  ///< bucket value: invert the Poisson directly
inline constexpr float kMaxTabledMean = 40.0f;     ///< larger exposure means invert directly

/// The offers in one category, one lane per firm (lanes >= firms; padding lanes sell nothing).
/// A firm with fewer variants than the category's most repeats its last one, which never wins
/// the nearest-variant comparison (strictly nearer only).
struct LaneOffers {
  std::size_t variants = 0;                   ///< the most variants any firm offers here
  std::vector<std::uint32_t> lane_variants;   ///< [lanes] each firm's own number of variants
  std::vector<std::uint32_t> group_variants;  ///< [lanes / 8] the most among 8 lanes
  std::vector<float> pos;                     ///< [variants][dims][lanes]
  std::vector<float> quality;                 ///< [variants][lanes]
  std::vector<float> price;                   ///< [variants][lanes] money
  std::vector<std::int64_t> cents;            ///< [variants][lanes] price in minor units
  /// [regions][lanes] 0xFFFF where the firm sells here, in that region, else 0: a lane mask for
  /// the choice set and for loyalty smoothing.
  std::vector<std::uint16_t> avail;
  bool any = false;                           ///< some firm sells in the category
  /// Firms that customise here: their lane, CRM column and sigma0^2 / kFitScale.
  struct Custom {
    std::uint32_t firm = 0, col = 0;
    float fit_sigma2 = 0.0f;
    bool cross_sell = true;  ///< false: only for customers who bought here from the firm
  };
  std::vector<Custom> custom;
  /// Firms whose real quality falls short of the advertised one here: the utility a buyer
  /// has learned to deduct after n purchases, loss[min(n, kLearnLen - 1)].
  static constexpr std::size_t kLearnLen = 32;
  struct Cut {
    std::uint32_t firm = 0;
    std::array<float, kLearnLen> loss{};
  };
  std::vector<Cut> cuts;
};

/// Offsets of the int64 counters in one block's partial-sum row.
struct PartialLayout {
  std::size_t F = 0, C = 0, S = 0;
  std::size_t units() const { return 0; }                        ///< [C*F]
  std::size_t revenue_cents() const { return C * F; }            ///< [C*F]
  std::size_t new_category() const { return 2 * C * F; }         ///< [C*F] first purchase in c
  std::size_t scr_denominator() const { return 3 * C * F; }      ///< [C*F] delta this step
  std::size_t new_firm() const { return 4 * C * F; }             ///< [F] first purchase at all
  std::size_t crm_known() const { return 4 * C * F + F; }        ///< [F] profiles at step end
  std::size_t aware() const { return 4 * C * F + 2 * F; }        ///< [S*F] aware when shopping
  std::size_t segment_units() const { return aware() + S * F; }  ///< [S*F]
  std::size_t recent() const { return aware() + 2 * S * F; }     ///< [S*F] recent customers
  std::size_t customised_units() const { return aware() + 3 * S * F; }  ///< [C*F]
  // Durables, [C*F] each: products that failed, failed before the reference life, their ages
  // summed (steps), purchases that replaced a failed product or a working one, and working
  // products owned at the end of the step. Then early failures by segment [S*F] (for negative
  // word of mouth) and loyalty summed over consumers, in 1/256 [F].
  std::size_t failures() const { return customised_units() + C * F; }
  std::size_t early_failures() const { return failures() + C * F; }
  std::size_t failure_age() const { return failures() + 2 * C * F; }
  std::size_t replacements() const { return failures() + 3 * C * F; }
  std::size_t upgrades() const { return failures() + 4 * C * F; }
  /// Blocks add the change in working products owned; Market::step turns the reduced change
  /// into the count at the end of the step.
  std::size_t installed() const { return failures() + 5 * C * F; }
  std::size_t segment_early_failures() const { return failures() + 6 * C * F; }
  std::size_t loyalty() const { return segment_early_failures() + S * F; }
  // Relationship programs and customer flows, [F] each: loyalty rewards earned, referred first
  // purchases, units sold on a retention offer, spend (cents) of the firm's customers in every
  // category, customers who lapsed this step (last purchase wom_window + 1 steps ago); and the
  // firm's referred customers (tagged, bought from it): all, recent, lapsed this step.
  std::size_t loyalty_rewards() const { return loyalty() + F; }
  std::size_t referred_purchases() const { return loyalty() + 2 * F; }
  std::size_t retention_units() const { return loyalty() + 3 * F; }
  std::size_t wallet_cents() const { return loyalty() + 4 * F; }
  std::size_t lost() const { return loyalty() + 5 * F; }
  std::size_t referred() const { return loyalty() + 6 * F; }
  std::size_t referred_recent() const { return loyalty() + 7 * F; }
  std::size_t referred_lost() const { return loyalty() + 8 * F; }
  std::size_t audience_matched() const { return loyalty() + 9 * F; }  ///< [S*F]
  std::size_t width() const { return audience_matched() + S * F; }
};

/// A durable category's lifetimes, backlash and upgrades this step.
struct DurableTables {
  float inverse_shape = 0.5f;            ///< 1 / Weibull shape
  std::vector<float> scale;              ///< [lanes] each maker's durability, steps
  float reference_life = 0.0f;           ///< steps
  float backlash = 0.0f;                 ///< loyalty lost per unit of relative shortfall
  std::vector<std::uint8_t> generation;  ///< [lanes] the generation on sale
  bool upgrades = false;                 ///< some generation beats another
  /// [F * 256] novelty (0..255) an owner of (maker, generation) needs to upgrade; 256: never.
  std::vector<std::uint16_t> upgrade_need;
};

struct KernelTables {
  std::size_t F = 0, C = 0, S = 0, D = 0, crm_firms = 0;
  std::size_t lanes = 0;        ///< Population::lanes
  std::uint64_t firm_bits = 0;  ///< bit j set for every firm j
  std::uint32_t step = 0;
  bool paired_consumers = true;  ///< EngineOptions::paired_consumers
  Philox step_gen{0, 0};
  Philox aware_gen{0, 0};           ///< initial awareness, counter (consumer, firm, 0)
  std::uint64_t initial_aware = 0;  ///< P(aware of a firm at step 0) * 2^32
  PartialLayout layout;

  // Adstock and loyalty, as 16-bit fixed-point multipliers (at most 65535).
  std::uint32_t decay_q16 = 0;
  std::uint32_t rho_q16 = 0;

  // Media exposures, word of mouth and contacts draw 16-bit uniforms u in [0, 65536), eight
  // per Philox call (firm j uses item j % 8 of slot base + j / 8). A probability p is a 32-bit
  // threshold T = p * 2^32, and u < T / 2^16 decides at once unless u == T / 2^16 exactly; then
  // a second 16-bit uniform from the "low" slot compares with T % 2^16. That is an exact 32-bit
  // comparison, so small probabilities (word of mouth from a few early customers) are not
  // rounded away, at the cost of one 16-bit draw nearly always.
  // Exposures of (segment s, firm j) at [s * lanes + j]: its Poisson CDF as 16-bit thresholds
  // [kCdfLen], and for each bucket of u (u >> kExpoShift) the count of the bucket's lowest u,
  // flagged kExpoScan when the count changes inside the bucket.
  std::vector<std::uint32_t> expo_cdf;
  std::vector<std::uint8_t> expo_table;
  /// One Poisson exposure distribution: where its table is and what an exposure adds.
  struct ExposureDraw {
    std::uint32_t gain = 0;    ///< goodwill per exposure (8.8)
    std::uint32_t table = 0;   ///< offset of its bucket table in expo_table, CDF / kExpoBuckets
                               ///< * kCdfLen in expo_cdf
    float direct_mean = 0.0f;  ///< > 0: a mean above kMaxTabledMean, inverted directly (its
                               ///< table holds kExpoDirect)
    double direct_exp = 0.0;   ///< exp(-direct_mean)
  };
  /// A firm's media in a segment: its distribution for everyone, and for the consumers its
  /// audience rule picks out (the same without a rule). Gains are 0 where it does not reach s.
  struct Exposure {
    ExposureDraw all, in;
  };
  std::vector<Exposure> exposures;  ///< [S * lanes]
  /// The same by lane, for the vector path ([S * lanes] each): bucket-table offsets and gains of
  /// both distributions, and the audience: its Population::flags bit (0: none) and the range
  /// of loyalty to the firm it covers (0..65535 without one).
  struct ExposureLanes {
    std::vector<std::uint32_t> table_all, table_in, gain_all, gain_in;
    std::vector<std::uint32_t> bit, loyalty_lo, loyalty_hi;
  } expo_lanes;
  std::vector<std::uint8_t> expo_group_active;  ///< [S * lanes / 8]: some firm of the group
  std::vector<std::uint8_t> expo_group_drawn;   ///< [lanes / 8]: active in some segment
  std::vector<std::uint64_t> wom_threshold;     ///< [S * lanes] P(hear) * 2^32
  std::vector<std::uint32_t> wom_high;          ///< [S * lanes] wom_threshold >> 16
  bool wom_active = false;                      ///< some threshold is above 0
  std::uint32_t wom_goodwill = 256;

  // [F]
  std::vector<int> crm_col;   ///< column in Population::crm, -1 when the firm keeps none
  std::vector<int> crm_firm;  ///< [crm_firms] the firm of each CRM column
  /// The firms that contact profiled customers this step, and their CRM columns.
  struct Contact {
    std::uint32_t firm = 0, col = 0;
  };
  std::vector<Contact> contacts;
  /// [lanes] P(contact | profile) * 2^32: above 0 for the firms in `contacts`, 0 elsewhere.
  std::vector<std::uint64_t> contact_threshold;
  std::vector<std::uint32_t> contact_high;  ///< [lanes] contact_threshold >> 16
  std::uint32_t direct_gain = 512;
  std::vector<std::uint64_t> region_mask;  ///< bit r: sells in region r
  std::size_t regions = 1;

  // Choice.
  float distance_weight = 1.0f, loyalty_weight = 1.0f, goodwill_weight = 0.3f;
  float goodwill_cap = 4.0f;
  float outside_utility = 0.0f;
  std::vector<LaneOffers> offers;          ///< [C]
  std::array<float, 256> inverse_depth{};  ///< 1 / (1 + k) for a CRM depth k
  /// At most 253, or 255: every past customer is recent and none lapses (kEveryPastCustomer).
  std::uint32_t wom_window = 26;

  // Durables.
  std::size_t durables = 0;
  /// [C] index into `durable`, and the category's column in Population's ownership state;
  /// -1: consumable
  std::vector<int> durable_of;
  std::vector<DurableTables> durable;        ///< [durables]
  std::vector<std::uint64_t> negative_wom;   ///< [S * lanes] P(hear of an early failure) * 2^32
  std::vector<std::uint32_t> negative_high;  ///< [S * lanes] negative_wom >> 16
  bool negative_wom_active = false;

  // Relationship programs, [lanes] each (FirmPlan::programs).
  std::vector<std::uint32_t> loyalty_every;   ///< 0: no loyalty program
  std::vector<float> member_discount;         ///< reward / every: what a member counts on
  std::vector<std::uint8_t> referral;         ///< 1: tags consumers it reaches by word of mouth
  std::vector<std::uint8_t> retention_after;  ///< 0: no retention offers
  std::vector<float> retention_keep;          ///< 1 - discount
  bool any_loyalty = false, any_referral = false, any_retention = false;

  /// Firms with an audience rule: for the count of consumers it picks out, each step.
  struct Audience {
    std::uint32_t firm = 0;
    std::uint8_t bit = 0;
    std::uint16_t loyalty_lo = 0, loyalty_hi = 65535;
  };
  std::vector<Audience> audiences;
};

/// Random-number slots of the step stream, counter (consumer, step, slot). Each slot yields
/// four 32-bit words (or eight 16-bit halves), and a slot always means the same draw, so scenarios
/// that differ only in a budget share their random numbers.
namespace slot {
inline constexpr std::uint32_t exposure = 0;      ///< + firm/8, 16 bits per firm
inline constexpr std::uint32_t wom = 8;           ///< + firm/8, 16 bits per firm
inline constexpr std::uint32_t wom_low = 16;      ///< + firm/8, the second 16 bits when needed
inline constexpr std::uint32_t contact = 24;      ///< + firm/8, 16 bits per firm
inline constexpr std::uint32_t contact_low = 32;  ///< + firm/8, the second 16 bits when needed
/// + category/2: words 2 (c % 2) and 2 (c % 2) + 1 are category c's occasion draw and the
/// uniform of its first choice.
inline constexpr std::uint32_t occasions = 48;
inline constexpr std::uint32_t lifetime = 40;  ///< + category/4: a durable's lifetime draw
inline constexpr std::uint32_t choice = 64;    ///< + category*64 + (occasion-1)/4, occasions >= 1
inline constexpr std::uint32_t kMaxOccasions = 256;  ///< per category and step
static_assert(lifetime + (kMaxCategories + 3) / 4 <= occasions, "slots overlap");
static_assert(occasions + (kMaxCategories + 1) / 2 <= choice, "slots overlap");
}  // namespace slot

/// A probability as a threshold for a 16-bit uniform u in [0, 65536): P(u < threshold) = p.
inline std::uint32_t threshold16(double p) {
  return static_cast<std::uint32_t>(std::lround(std::clamp(p, 0.0, 1.0) * 65536.0));
}

/// A probability as a threshold for a 32-bit uniform: P(u < threshold) = p.
inline std::uint64_t threshold32(double p) {
  return static_cast<std::uint64_t>(std::llround(std::clamp(p, 0.0, 1.0) * 4294967296.0));
}

/// A multiplier in [0, 1) as 16-bit fixed point (at most 65535).
inline std::uint32_t q16(double x) {
  return static_cast<std::uint32_t>(std::clamp<long>(std::lround(x * 65536.0), 0, 65535));
}

}  // namespace msim
