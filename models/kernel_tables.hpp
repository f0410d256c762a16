#pragma once
/// Everything the consumer kernel reads in one step, precomputed by the firm phase: media
/// exposure distributions by (segment, firm), word-of-mouth and contact probabilities as
/// integer thresholds, and the offers in each category. Plus the layout of a block's partial
/// sums.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/scenario_load.hpp"
#include "sim/rng.hpp"

namespace msim {

inline constexpr std::size_t kCdfLen = 48;      ///< Poisson CDF entries kept per (segment, firm)
inline constexpr std::size_t kGuideLen = 256;   ///< guide-table buckets per (segment, firm)
inline constexpr float kMaxTabledMean = 16.0f;  ///< larger exposure means invert directly

/// One product variant on offer in one category.
struct Offer {
  std::array<float, kMaxDims> pos{};
  float quality = 0.0f;
  float price = 0.0f;
  std::int64_t price_cents = 0;
};

/// One firm selling in one category: everything the choice loop reads about it, in one place.
/// Its variants are variants[first .. first + count).
struct OfferEntry {
  std::uint32_t firm = 0;
  std::uint32_t first = 0, count = 0;
  std::int32_t crm_col = -1;      ///< CRM column when the firm customises, else -1
  std::uint64_t region_mask = 0;  ///< bit r: sells in region r
  float fit_sigma2 = 0.0f;        ///< sigma0^2 / kFitScale when customised
};

/// The firms selling in one category and their variants.
struct CategoryOffers {
  std::vector<OfferEntry> entries;
  std::vector<Offer> variants;
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
  std::size_t width() const { return customised_units() + C * F; }
};

struct KernelTables {
  std::size_t F = 0, C = 0, S = 0, D = 0, crm_firms = 0;
  std::uint32_t step = 0;
  Philox step_gen{0, 0};
  Philox aware_gen{0, 0};           ///< initial awareness, counter (consumer, firm, 0)
  std::uint64_t initial_aware = 0;  ///< P(aware of a firm at step 0) * 2^32
  PartialLayout layout;

  // Adstock and loyalty, as 16-bit fixed-point multipliers.
  std::uint32_t decay_q16 = 0;
  std::uint32_t rho_q16 = 0;

  // Media exposures draw 16-bit uniforms u in [0, 65536), eight per Philox call; word of mouth
  // and contacts draw 32-bit ones, four per call, so that small probabilities (word of mouth
  // from a few early customers) are not rounded away. A probability p is the threshold
  // p * 65536 or p * 2^32 (u < threshold).
  // [S*F]: exposure mean, its Poisson CDF [S*F*kCdfLen] as 16-bit thresholds with a guide table
  // [S*F*kGuideLen] (first possible count for each top byte of u), goodwill per exposure (8.8).
  std::vector<float> expo_mean;
  std::vector<std::uint32_t> expo_cdf;
  std::vector<std::uint8_t> expo_guide;
  std::vector<std::uint32_t> expo_gain;
  std::vector<std::uint8_t> expo_group_active;  ///< [S * ceil(F/8)]: any firm of the group
  std::vector<std::uint64_t> wom_threshold;     ///< [S*F] P(hear) * 2^32
  std::uint32_t wom_goodwill = 256;

  // [F]
  std::vector<int> crm_col;   ///< column in Population::crm, -1 when the firm keeps none
  std::vector<int> crm_firm;  ///< [crm_firms] the firm of each CRM column
  std::vector<std::uint64_t> contact_threshold;  ///< P(contact | profile) * 2^32
  std::uint32_t direct_gain = 512;
  std::vector<std::uint64_t> region_mask;  ///< bit r: sells in region r

  // Choice.
  float distance_weight = 1.0f, loyalty_weight = 1.0f, goodwill_weight = 0.3f;
  float goodwill_cap = 4.0f;
  float outside_utility = 0.0f;
  std::vector<CategoryOffers> offers;  ///< [C]
  std::uint32_t wom_window = 26;       ///< at most 255: longer windows count every past customer
};

/// Random-number slots of the step stream, counter (consumer, step, slot). Each slot yields
/// four 32-bit words (or eight 16-bit halves), and a slot always means the same draw, so scenarios
/// that differ only in a budget share their random numbers.
namespace slot {
inline constexpr std::uint32_t exposure = 0;         ///< + firm/8, 16 bits per firm
inline constexpr std::uint32_t wom = 16;             ///< + firm/4, 32 bits per firm
inline constexpr std::uint32_t contact = 32;         ///< + firm/4, 32 bits per firm
inline constexpr std::uint32_t occasions = 48;       ///< + category/4, 32 bits per category
inline constexpr std::uint32_t choice = 64;          ///< + category*64 + occasion/4
inline constexpr std::uint32_t kMaxOccasions = 256;  ///< per category and step
}  // namespace slot

/// The 16-bit uniform of item k (0..7) of a Philox call.
inline std::uint32_t half_word(const Words& w, std::size_t k) {
  return (w[(k >> 1) & 3] >> ((k & 1) * 16)) & 0xFFFFu;
}

}  // namespace msim
