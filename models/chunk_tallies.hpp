#pragma once
/// The consumer kernel's per-step tallies (awareness and recent customers by segment, lapsed
/// customers, loyalty, CRM profiles) counted for a whole chunk of consumers at once. A chunk's
/// kChunk consumers are contiguous in every per-firm column, so its W lanes of each consumer
/// form one array of kChunk * W positions (consumer l, firm lane j at l * W + j), and a tally is
/// a few 32-position vector operations per chunk instead of a few per consumer. Positions count
/// in narrow lanes and are folded into the block's 32-bit tallies (BlockTallies) by firm lane
/// before they can overflow: integer sums, so the result does not depend on the order.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "models/kernel_lanes.hpp"
#include "models/population.hpp"
#include "sim/simd.hpp"

namespace msim {

inline constexpr std::size_t kChunk = 16;  ///< consumers per batch of random words and tallies
/// Segments the chunk tallies keep apart (a vector operation each); markets with more count
/// consumer by consumer.
inline constexpr std::size_t kChunkSegments = 4;

template <std::size_t W>
class ChunkTallies {
 public:
  static constexpr std::size_t kPositions = kChunk * W;
  static constexpr std::size_t kVectors = kPositions / 32;  ///< W is a multiple of 8
  /// Chunks counted between folds: one position counts at most 1 (256 for loyalty) per chunk.
  static constexpr std::size_t kFoldEvery = 255;

  /// Whether chunks of a market with S segments are counted here.
  static bool fits(std::size_t S) { return S <= kChunkSegments; }

  void clear(std::size_t S, std::size_t K) {
    S_ = S;
    K_ = K;
    for (std::size_t s = 0; s < S; ++s) {
      std::fill(std::begin(aware_[s]), std::end(aware_[s]), simd::u8x32{});
      std::fill(std::begin(recent_[s]), std::end(recent_[s]), simd::u8x32{});
    }
    std::fill(std::begin(lost_), std::end(lost_), simd::u8x32{});
    std::fill(std::begin(loyalty_), std::end(loyalty_), simd::u16x16{});
    std::fill_n(known_, K, simd::u8x16{});
    chunks_ = 0;
  }

  /// The chunk's segments (kChunk bytes), which the next two calls count by.
  void segments(const std::uint8_t* segment) { segment_ = simd::load<simd::u8x16>(segment); }

  /// Awareness (goodwill at or above the threshold, or some loyalty) of the chunk's consumers:
  /// g and L are their goodwill and loyalty columns, kPositions each.
  void aware(const std::uint16_t* g, const std::uint16_t* L, std::uint16_t threshold) {
    const auto in = [&](std::size_t p) {
      return (simd::load<simd::u16x16>(g + p) >= threshold) |
             (simd::load<simd::u16x16>(L + p) != 0);
    };
    for (std::size_t v = 0; v < kVectors; ++v)
      by_segment(aware_, v, simd::narrow_masks(in(32 * v), in(32 * v + 16)));
  }

  /// After the chunk's consumers have shopped: recent customers (a purchase within `window`
  /// steps) by segment, lapsed ones (window + 1 steps ago, counted when `lapsed`), loyalty
  /// rounded to 1/256, and the CRM profiles held (K bytes per consumer). Then folds when due.
  /// Returns whether some profile of the chunk is tagged as referred (kReferred).
  bool after_step(const std::uint8_t* since, const std::uint16_t* L, const std::uint8_t* crm,
                  std::uint8_t window, bool lapsed, BlockTallies& out) {
    const auto last = static_cast<std::uint8_t>(window + 1);
    for (std::size_t v = 0; v < kVectors; ++v) {
      const simd::u8x32 x = simd::load<simd::u8x32>(since + 32 * v);
      by_segment(recent_, v, (x != 0) & (x <= window));
      if (lapsed) lost_[v] -= (simd::u8x32)(x == last);
    }
    for (std::size_t v = 0; v < kPositions / 16; ++v) {
      const simd::u16x16 l = simd::load<simd::u16x16>(L + 16 * v);
      loyalty_[v] += (l >> 8) + ((l >> 7) & 1);  // (l + 128) >> 8 without overflow
    }
    simd::u8x16 tags{};
    for (std::size_t v = 0; v < K_; ++v) {  // kChunk * K bytes
      const simd::u8x16 b = simd::load<simd::u8x16>(crm + 16 * v);
      known_[v] -= (simd::u8x16)((b & kDepthMask) != 0);
      tags |= b;
    }
    if (++chunks_ == kFoldEvery) fold(out);
    const auto halves = std::bit_cast<std::array<std::uint64_t, 2>>(tags);
    return ((halves[0] | halves[1]) & (kReferred * 0x0101010101010101ull)) != 0;
  }

  /// Adds the counts to the block's tallies by firm lane, and starts again from zero.
  void fold(BlockTallies& out) {
    if (chunks_ == 0) return;
    for (std::size_t s = 0; s < S_; ++s) {
      add_by_lane(aware_[s], &out.aware[s * W]);
      add_by_lane(recent_[s], &out.recent[s * W]);
    }
    add_by_lane(lost_, out.lost.data());
    const auto* loyalty = reinterpret_cast<const std::uint16_t*>(loyalty_);
    for (std::size_t p = 0; p < kPositions; ++p) out.loyalty[p % W] += loyalty[p];
    const auto* known = reinterpret_cast<const std::uint8_t*>(known_);
    for (std::size_t p = 0; p < kChunk * K_; ++p) out.crm_known[p % K_] += known[p];
    clear(S_, K_);
  }

 private:
  /// counts[s][v] += 1 where `in` and the position's consumer is in segment s.
  void by_segment(simd::u8x32 (*counts)[kVectors], std::size_t v, simd::i8x32 in) const {
    const simd::u8x32 seg = simd::pick16(segment_, simd::load<simd::u8x32>(&kConsumerOf[32 * v]));
    for (std::size_t s = 0; s < S_; ++s)
      counts[s][v] -= (simd::u8x32)(in & (seg == static_cast<std::uint8_t>(s)));
  }

  /// sum[j] += the counts of every position of firm lane j.
  static void add_by_lane(const simd::u8x32* counts, std::uint32_t* sum) {
    const auto* c = reinterpret_cast<const std::uint8_t*>(counts);
    for (std::size_t l = 0; l < kChunk; ++l)
      for (std::size_t k = 0; k < W; k += 8)
        simd::store(sum + k, simd::load<simd::i32x8>(sum + k) +
                                 simd::widen8(simd::load<simd::u8x8>(c + l * W + k)));
  }

  /// The consumer (0..kChunk-1) of each position.
  static constexpr std::array<std::uint8_t, kPositions> kConsumerOf = [] {
    std::array<std::uint8_t, kPositions> a{};
    for (std::size_t p = 0; p < kPositions; ++p) a[p] = static_cast<std::uint8_t>(p / W);
    return a;
  }();

  simd::u8x32 aware_[kChunkSegments][kVectors], recent_[kChunkSegments][kVectors];
  simd::u8x32 lost_[kVectors];
  simd::u16x16 loyalty_[kPositions / 16];
  simd::u8x16 known_[kMaxFirms];  ///< kChunk * K positions: consumer l, CRM column k at l * K + k
  simd::u8x16 segment_{};
  std::size_t S_ = 0, K_ = 0, chunks_ = 0;
};

}  // namespace msim
