#pragma once
/// The kernel's state for one block of consumers: the step's tables, the population, the block's
/// partial-sum row and tallies, and the panel's purchases; and the chunk's random words. The
/// kernel's parts are layers over it: KernelRecords (purchases, failures and end-of-step
/// tallies), KernelChoice (one occasion's decision), KernelShopping (who is due, and shopping),
/// KernelCommunication (advertising, contacts and word of mouth), and Kernel (the block's loop).
//
// Part of the consumer kernel, included only by models/consumer_kernel.cpp, whose one translation
// unit compiles the whole kernel. Its classes are in an unnamed namespace, as they were in that
// file, so that their functions keep internal linkage and the inliner's choices stay the ones
// measured (bench/performance-log.md).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/chunk_tallies.hpp"
#include "models/consumer_kernel.hpp"
#include "models/kernel_tables.hpp"
#include "models/population.hpp"
#include "sim/rng_batch.hpp"

namespace msim {
namespace {

static_assert(kCountFloor >= LaneOffers::kLearnLen,
              "one-byte counts stay exact as far as learning reads");

inline constexpr std::uint32_t kAware = 256;  ///< goodwill of 1.0 in 8.8 fixed point

inline std::uint16_t sat16(std::uint32_t v) {
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(v, 65535u));
}

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
#define MSIM_KERNEL_PAIRS 1
#else
#define MSIM_KERNEL_PAIRS 0
#endif
/// Whether the build has the paths that take two consumers per vector (AVX-512).
inline constexpr bool kPairs = MSIM_KERNEL_PAIRS != 0;

template <std::size_t W>
class KernelState {
 public:
  KernelState(const KernelTables& t, Population& pop, std::int64_t* partial, BlockTallies& tally,
              std::vector<PanelPurchase>& panel)
      : t_(t), pop_(pop), row_(t.layout, partial), tally_(tally), panel_(panel) {}

 protected:
  /// The random words of a chunk of consumers, drawn together.
  struct Chunk {
    WordRows<kChunk> expo[W / 8], wom[W / 8], contact[W / 8];
    WordRows<kChunk> occ[(kMaxCategories + 1) / 2];
  };

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
};

}  // namespace
}  // namespace msim
