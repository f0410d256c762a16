#pragma once
/// The consumers: structure-of-arrays columns of narrow types. Per-firm and per-category state
/// is stored consumer-major ([i * F + j]) so that one consumer's firms sit in one cache line.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/scenario.hpp"
#include "sim/huge_pages.hpp"
#include "sim/rng.hpp"

namespace msim {

/// Fixed-point scales of the narrow columns.
inline constexpr double kGoodwillScale = 256.0;   ///< goodwill: uint16, 8.8 fixed point
inline constexpr std::uint8_t kNoIndustry = 255;  ///< the industry of a household
inline constexpr std::uint8_t kOptOut = 1;        ///< flags bit: opted out of CRM
inline constexpr double kFitScale = 1024.0;       ///< fit: uint16, 6.10 fixed point
/// flags bits from this one up: the audiences (targeting rules) a consumer belongs to.
inline constexpr std::uint8_t kFirstAudienceBit = 4;
inline constexpr std::uint8_t kDepthMask = 127;  ///< crm byte: the profile depth k, 0..127
inline constexpr std::uint8_t kReferred = 128;   ///< crm byte: referred by the firm's program

/// A CRM byte with its profile one contact or purchase deeper (saturating at 127; tag kept).
inline std::uint8_t deeper(std::uint8_t b) {
  return (b & kDepthMask) == kDepthMask ? b : static_cast<std::uint8_t>(b + 1);
}

/// Firm lanes per consumer: per-firm state is padded to a multiple of 8 entries so that the
/// consumer kernel works on whole SIMD vectors. Padding entries stay zero.
inline std::size_t firm_lanes(std::size_t firms) {
  return std::max<std::size_t>(8, (firms + 7) / 8 * 8);
}

/// owner value of a consumer who has never owned the durable.
inline constexpr std::uint8_t kNoOwner = 0;

/// A population column: one entry per consumer (or per consumer and lane), in huge pages.
template <class T>
using ConsumerColumn = std::vector<T, HugePageAllocator<T>>;

struct Population {
  std::size_t n = 0, firms = 0, categories = 0, dims = 0, crm_firms = 0;
  std::size_t durables = 0;  ///< durable categories (the stride of the ownership columns)
  std::size_t lanes = 0;     ///< firm_lanes(firms): the stride of every per-firm column

  // Traits, fixed at synthesis. Age, income, industry and company size, which the market step
  // never reads, are not stored: demographics() draws them again.
  ConsumerColumn<std::uint8_t> segment, region, novelty, flags;
  ConsumerColumn<float> ideal;              ///< [n * dims]
  ConsumerColumn<float> price_sensitivity;  ///< [n]
  /// [n * categories] P(no occasion) * 2^32: the purchase rate r as exp(-r) (occasion_rate()
  /// gives r back)
  ConsumerColumn<std::uint32_t> no_occasion;
  ConsumerColumn<std::uint16_t> fit;  ///< [n * crm_firms] chi-square draw of the custom-fit error,
                                      ///< times kFitScale (fixed per consumer and firm)

  // State. Per-firm columns have `lanes` entries per consumer: consumer i's firm j is at
  // [i * lanes + j], and its (category c, firm j) count at [(i * categories + c) * lanes + j].
  ConsumerColumn<std::uint16_t> goodwill;  ///< [n * lanes]
  ConsumerColumn<std::uint16_t> loyalty;   ///< [n * lanes]
  /// [n * categories * lanes] purchases, counted as by next_count(): exact up to 255, then
  /// kept at least kCountFloor and, for a firm with a loyalty program, right modulo its period
  ConsumerColumn<std::uint8_t> count;
  ConsumerColumn<std::uint16_t> cat_count;  ///< [n * categories] purchases in the category
  /// [firms]: for a firm that entered the market by a shock, cat_count as it was when it
  /// entered ([n * categories]: its buyers' purchases before then, which its customer share
  /// leaves out); empty for the others.
  std::vector<ConsumerColumn<std::uint16_t>> cat_count_at_entry;
  ConsumerColumn<std::uint8_t> crm;  ///< [n * crm_firms] profile depth k (contacts + purchases, low
                                     ///< 7 bits) and kReferred; 0 for consumers who opted out
  ConsumerColumn<std::uint8_t> since;  ///< [n * lanes] 0: never bought from the firm; else 1 +
                                       ///< steps since the last purchase from it, saturating at 255
  // The product owned in each durable category d, at [i * durables + d]: its maker (firm + 1;
  // kNoOwner: never owned one), generation, purchase step and failure step. It works while
  // step < fails; a failed product stays recorded until it is replaced.
  ConsumerColumn<std::uint8_t> owner, generation;  ///< [n * durables]
  ConsumerColumn<std::uint16_t> bought, fails;     ///< [n * durables] steps

  /// Bytes held per consumer, over all columns.
  double bytes_per_consumer() const;
};

/// A consumer's demographic and firmographic attributes.
struct Demographics {
  std::uint8_t age = 0;
  std::uint16_t income = 0;  ///< thousands per year
  std::uint8_t industry = kNoIndustry;
  std::uint16_t company_size = 0;  ///< employees (0 for households)
};

/// Consumer i's demographics, drawn again from its own stream: the values synthesize() drew.
Demographics demographics(const Scenario& sc, const Population& p, std::size_t i);

/// Whether consumer i's static attributes (demographic d, geographic, firmographic,
/// psychographic, purchase rates) fall inside the audience's ranges. Loyalty is checked each step.
bool picks_out(const Audience& a, const Population& p, std::size_t i, const Demographics& d);

/// Bytes per consumer that a population of this shape will take (for memory estimates).
/// `entrants`: firms that enter the market by a shock after step 0
/// (Population::cat_count_at_entry).
double population_bytes_per_consumer(std::size_t firms, std::size_t categories,
                                     std::size_t durables, std::size_t dims, std::size_t crm_firms,
                                     std::size_t entrants = 0);

/// Draws the population from the scenario's segments, in parallel and deterministically:
/// consumer i's traits depend only on (seed, i). crm_firms lists the firms that keep CRM
/// profiles, in column order.
Population synthesize(const Scenario& sc, const std::vector<int>& crm_firms,
                      std::size_t block_size);

/// The no-occasion threshold P(Poisson(rate) = 0) * 2^32 for a purchase rate (0xFFFFFFFF for rate
/// 0).
std::uint32_t no_occasion_threshold(double rate);

/// The purchase rate a no-occasion threshold stands for: -ln P(no occasion), 0 for 0xFFFFFFFF.
inline double occasion_rate(std::uint32_t none) {
  return none == 0xFFFFFFFFu ? 0.0 : -std::log((static_cast<double>(none) + 0.5) * 0x1p-32);
}

/// Whether u, above p0 = P(none) (the stored threshold exp(-rate)), stands for a single purchase
/// occasion without a logarithm: ln(1/p0) >= 2 (1 - p0) / (1 + p0), so below p0 (1 + that
/// bound), shaded by 1e-9 to stay under the rounded P(N <= 1), the count is 1. The test is
/// multiplied through by 1 + p0: no division (its rounding is far inside the shade). Where it
/// says no, occasions() may still find 1.
inline bool single_occasion(double u, std::uint32_t none) {
  const double p0 = (static_cast<double>(none) + 0.5) * 0x1p-32;
  return (u - p0) * (1.0 + p0) <= 2.0 * p0 * (1.0 - p0) * (1.0 - 1e-9);
}

/// The number of purchase occasions, Poisson(rate) by inversion of u, given that there is one
/// (u above p0): poisson() with rate = -ln p0, after single_occasion()'s shortcut.
inline std::uint32_t occasions(double u, std::uint32_t none) {
  if (single_occasion(u, none)) return 1;
  return poisson(u, occasion_rate(none), (static_cast<double>(none) + 0.5) * 0x1p-32);
}

/// Purchase counts stay exact up to this floor when they wrap (the quality a buyer learns by
/// repeat purchase stops changing well before it: LaneOffers::kLearnLen).
inline constexpr std::uint32_t kCountFloor = 32;
/// The longest loyalty-program period a one-byte count can follow.
inline constexpr std::uint32_t kMaxLoyaltyEvery = 200;

/// A one-byte purchase count after one more purchase. Past 255 it steps back by whole loyalty
/// periods (`every`, at most kMaxLoyaltyEvery; 0: no program) to stay at least kCountFloor, so
/// count % every still says when a reward is due; without a program it stays at 255.
inline std::uint8_t next_count(std::uint8_t n, std::uint32_t every) {
  if (n < 255) return static_cast<std::uint8_t>(n + 1);
  if (every == 0) return 255;
  return static_cast<std::uint8_t>(256 - (256 - kCountFloor) / every * every);
}

}  // namespace msim
