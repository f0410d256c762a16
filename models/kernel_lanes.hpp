#pragma once
/// Whole-vector pieces of the consumer kernel: loops over W firm lanes (a compile-time
/// constant) with no branches, which the compiler vectorises; and the block's integer tallies.
/// Every float operation happens in a fixed order, so results are the same bits whatever the
/// vector width.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "models/kernel_tables.hpp"
#include "sim/fast_math.hpp"
#include "sim/simd.hpp"

namespace msim {

/// Counts a block accumulates per consumer, in 32 bits (a block never overflows them), added to
/// the block's int64 partial-sum row once at the end of the block.
struct BlockTallies {
  static constexpr std::size_t kLanes = kMaxFirms;
  std::array<std::uint32_t, kMaxSegments * kLanes> aware{};    ///< [S][W]
  std::array<std::uint32_t, kMaxSegments * kLanes> recent{};   ///< [S][W]
  std::array<std::uint32_t, kMaxSegments * kLanes> matched{};  ///< [S][W] audience members
  std::array<std::uint32_t, kMaxCategories * kLanes> scr{};    ///< [C][W]
  std::array<std::uint32_t, kMaxFirms> crm_known{};            ///< [crm firms]
  std::array<std::uint32_t, kLanes> loyalty{};                 ///< [W] loyalty summed, in 1/256
  std::array<std::int64_t, kLanes> wallet{};    ///< [W] spend of the firm's customers, cents
  std::array<std::uint32_t, kLanes> lost{};     ///< [W] customers who lapsed this step
  std::array<std::uint32_t, kMaxFirms> referred{}, referred_recent{}, referred_lost{};  ///< [crm]

  void clear(std::size_t S, std::size_t C, std::size_t W, std::size_t crm_firms) {
    std::fill_n(aware.begin(), S * W, 0u);
    std::fill_n(recent.begin(), S * W, 0u);
    std::fill_n(matched.begin(), S * W, 0u);
    std::fill_n(scr.begin(), C * W, 0u);
    std::fill_n(crm_known.begin(), crm_firms, 0u);
    std::fill_n(loyalty.begin(), W, 0u);
    std::fill_n(wallet.begin(), W, 0);
    std::fill_n(lost.begin(), W, 0u);
    for (auto* a : {&referred, &referred_recent, &referred_lost})
      std::fill_n(a->begin(), crm_firms, 0u);
  }
  void add_to(const PartialLayout& lay, std::size_t W, const std::vector<int>& crm_firm,
              std::int64_t* partial) const {
    const std::size_t F = lay.F;
    for (std::size_t s = 0; s < lay.S; ++s)
      for (std::size_t j = 0; j < F; ++j) {
        partial[lay.aware() + s * F + j] += aware[s * W + j];
        partial[lay.recent() + s * F + j] += recent[s * W + j];
        partial[lay.audience_matched() + s * F + j] += matched[s * W + j];
      }
    for (std::size_t c = 0; c < lay.C; ++c)
      for (std::size_t j = 0; j < F; ++j)
        partial[lay.scr_denominator() + c * F + j] += scr[c * W + j];
    for (std::size_t k = 0; k < crm_firm.size(); ++k)
      partial[lay.crm_known() + static_cast<std::size_t>(crm_firm[k])] += crm_known[k];
    for (std::size_t j = 0; j < F; ++j) {
      partial[lay.loyalty() + j] += loyalty[j];
      partial[lay.wallet_cents() + j] += wallet[j];
      partial[lay.lost() + j] += lost[j];
    }
    for (std::size_t k = 0; k < crm_firm.size(); ++k) {
      const auto j = static_cast<std::size_t>(crm_firm[k]);
      partial[lay.referred() + j] += referred[k];
      partial[lay.referred_recent() + j] += referred_recent[k];
      partial[lay.referred_lost() + j] += referred_lost[k];
    }
  }
};

namespace lanes {
// W, the number of firm lanes, is a multiple of 8 (firm_lanes()).

/// v <- v * q / 2^16 rounded down (q at most 65535): adstock decay.
template <std::size_t W>
inline void scale_q16(std::uint16_t* v, std::uint32_t q) {
  const auto q16 = static_cast<std::uint16_t>(q);
  for (std::size_t k = 0; k < W; k += 8)
    simd::store(v + k, simd::mulhi(simd::load<simd::u16x8>(v + k), q16));
}

/// v <- v * q / 2^16 rounded to the nearest, but never from a positive value to 0 while q > 0,
/// in the lanes where `in` is all ones; the other lanes keep their value. Loyalty smoothing
/// (L <- rho * L for the firms not chosen), over the firms the consumer could have chosen (`in`:
/// they sell in the occasion's category and region). A past buyer's loyalty stays above 0, as
/// exact smoothing keeps it, so the buyer stays aware of the firm (DESIGN: aware while L > 0);
/// rounding down took it to 0 after 39 choices at rho = 0.8, and the firm out of the choice set.
template <std::size_t W>
inline void smooth_q16(std::uint16_t* v, std::uint32_t q, const std::uint16_t* in) {
  const auto q16 = static_cast<std::uint16_t>(q);
  const std::uint16_t one = q16 != 0 ? 1 : 0;
  const simd::u16x8 keep = {one, one, one, one, one, one, one, one};
  for (std::size_t k = 0; k < W; k += 8) {
    const simd::u16x8 x = simd::load<simd::u16x8>(v + k);
    const simd::u16x8 m = simd::load<simd::u16x8>(in + k);
    const simd::u16x8 low = x * q16;  // the product's low 16 bits: its top bit rounds up
    const simd::u16x8 r = simd::mulhi(x, q16) + (low >> 15);
    const simd::u16x8 floor = x < keep ? x : keep;
    const simd::u16x8 smoothed = r > floor ? r : floor;
    simd::store(v + k, (smoothed & m) | (x & ~m));
  }
}

/// The lanes of an eight-lane group whose bit is set in `bits`, as a comparison mask (-1 there).
inline simd::i16x8 mask16(std::uint64_t bits) {
  const simd::u16x8 bit = {1, 2, 4, 8, 16, 32, 64, 128};
  return (bit & static_cast<std::uint16_t>(bits & 255u)) != 0;
}
inline simd::i8x8 mask8(std::uint64_t bits) {
  const simd::u8x8 bit = {1, 2, 4, 8, 16, 32, 64, 128};
  return (bit & static_cast<std::uint8_t>(bits & 255u)) != 0;
}

// Per-firm updates of a consumer's lanes are written as whole eight-lane groups: a vector load
// of a lane just written alone would stall on store forwarding, and the tallies read every
// lane as vectors right after.

/// v[k] = min(v[k] + add, 65535) for the lanes in `bits`.
template <std::size_t W>
inline void add_saturated(std::uint16_t* v, std::uint64_t bits, std::uint16_t add) {
  for (std::size_t k = 0; k < W && (bits >> k) != 0; k += 8) {
    const simd::u16x8 x = simd::load<simd::u16x8>(v + k), sum = x + add;
    const simd::u16x8 y = sum < x ? simd::u16x8{} + 65535 : sum;
    simd::store(v + k, mask16(bits >> k) ? y : x);
  }
}

/// v[k] = max(v[k], floor) for the lanes in `bits`.
template <std::size_t W>
inline void raise_to(std::uint16_t* v, std::uint64_t bits, std::uint16_t floor) {
  for (std::size_t k = 0; k < W && (bits >> k) != 0; k += 8) {
    const simd::u16x8 x = simd::load<simd::u16x8>(v + k);
    simd::store(v + k, (mask16(bits >> k) & (x < floor)) ? simd::u16x8{} + floor : x);
  }
}

/// v[k] = max(v[k] - sub, 0) for the lanes in `bits`.
template <std::size_t W>
inline void lower_by(std::uint16_t* v, std::uint64_t bits, std::uint16_t sub) {
  for (std::size_t k = 0; k < W && (bits >> k) != 0; k += 8) {
    const simd::u16x8 x = simd::load<simd::u16x8>(v + k);
    const simd::u16x8 y = x > sub ? x - sub : simd::u16x8{};
    simd::store(v + k, mask16(bits >> k) ? y : x);
  }
}

/// v[j] = x, written as the eight-lane group that holds lane j.
inline void set_lane(std::uint16_t* v, std::size_t j, std::uint16_t x) {
  std::uint16_t* group = v + (j & ~std::size_t{7});
  const simd::u16x8 old = simd::load<simd::u16x8>(group);
  simd::store(group, mask16(std::uint64_t{1} << (j & 7)) ? simd::u16x8{} + x : old);
}
inline void set_lane(std::uint8_t* v, std::size_t j, std::uint8_t x) {
  std::uint8_t* group = v + (j & ~std::size_t{7});
  const simd::u8x8 old = simd::load<simd::u8x8>(group);
  simd::store(group, mask8(std::uint64_t{1} << (j & 7)) ? simd::u8x8{} + x : old);
}

/// Bit k set for each lane k the consumer is unaware of (goodwill below threshold, no loyalty).
template <std::size_t W>
inline std::uint64_t unaware(const std::uint16_t* g, const std::uint16_t* L,
                             std::uint32_t threshold) {
  const auto t = static_cast<std::uint16_t>(threshold);
  std::uint64_t bits = 0;
  for (std::size_t k = 0; k < W; k += 8)
    bits |= static_cast<std::uint64_t>(simd::lane_bits((simd::load<simd::u16x8>(g + k) < t) &
                                                       (simd::load<simd::u16x8>(L + k) == 0)))
            << k;
  return bits;
}

/// sum[k] += v[k] / 256, rounded to nearest (0 to 256): loyalty in 1/256 steps, summed over a
/// block's consumers without overflowing 32 bits. Rounding, not truncating, keeps the mean
/// unbiased (the high byte alone averaged about 0.001 low).
template <std::size_t W>
inline void sum_rounded_high_bytes(const std::uint16_t* v, std::uint32_t* sum) {
  for (std::size_t k = 0; k < W; k += 8)
    simd::store(sum + k, simd::load<simd::i32x8>(sum + k) +
                             ((simd::widen8(simd::load<simd::u16x8>(v + k)) + 128) >> 8));
}

/// acc[k] += 1 where mask[k] is -1 (a vector comparison's true), for eight lanes.
inline void add_mask(std::uint32_t* acc, simd::i32x8 mask) {
  simd::store(acc, simd::load<simd::i32x8>(acc) - mask);
}

/// sum[k] += (v[k] == x): lanes equal to x.
template <std::size_t W>
inline void count_equal(const std::uint8_t* v, std::uint8_t x, std::uint32_t* sum) {
  for (std::size_t k = 0; k < W; k += 8)
    add_mask(sum + k, simd::widen8(simd::load<simd::u8x8>(v + k)) == x);
}

/// wallet[k] += cents for every firm k the consumer has bought from (since[k] != 0): share of
/// wallet's denominator.
template <std::size_t W>
inline void add_to_customers(const std::uint8_t* since, std::int64_t cents, std::int64_t* wallet) {
  for (std::size_t k = 0; k < W; k += 8) {
    const simd::i64x8 customer =
        __builtin_convertvector(simd::load<simd::u8x8>(since + k) != 0, simd::i64x8);
    simd::store(wallet + k, simd::load<simd::i64x8>(wallet + k) + (customer & cents));
  }
}

/// One more step since the last purchase, for firms bought from (0 stays 0; 255 saturates).
template <std::size_t W>
inline void age_recency(std::uint8_t* since) {
  for (std::size_t k = 0; k < W; k += 8) {
    const simd::u8x8 x = simd::load<simd::u8x8>(since + k);
    const simd::i8x8 older = (x != 0) & (x != 255);  // -1 where the count moves on
    simd::store(since + k, x - (simd::u8x8)older);
  }
}

/// acc[k] += 1 for each firm the consumer is aware of (goodwill >= threshold or loyalty > 0).
template <std::size_t W>
inline void count_aware(const std::uint16_t* g, const std::uint16_t* L, std::uint32_t threshold,
                        std::uint32_t* acc) {
  const auto t = static_cast<std::uint16_t>(threshold);
  for (std::size_t k = 0; k < W; k += 8) {
    const simd::u16x8 gv = simd::load<simd::u16x8>(g + k), lv = simd::load<simd::u16x8>(L + k);
    add_mask(acc + k, simd::widen8((gv >= t) | (lv != 0)));
  }
}

/// acc[k] += 1 for each non-zero count.
template <std::size_t W>
inline void count_nonzero(const std::uint8_t* count, std::uint32_t* acc) {
  for (std::size_t k = 0; k < W; k += 8)
    add_mask(acc + k, simd::widen8(simd::load<simd::u8x8>(count + k) != 0));
}

/// acc[k] += 1 for each firm bought from within the last `window` steps (window <= 255).
template <std::size_t W>
inline void count_recent(const std::uint8_t* since, std::uint32_t window, std::uint32_t* acc) {
  const auto w = static_cast<std::uint8_t>(window);
  for (std::size_t k = 0; k < W; k += 8) {
    const simd::u8x8 x = simd::load<simd::u8x8>(since + k);
    const simd::i8x8 recent = (x != 0) & (x <= w);
    add_mask(acc + k, simd::widen8(recent));
  }
}

/// For each firm lane, the variant nearest the ideal point x (D dimensions): its index, squared
/// distance, quality and price. Ties keep the earlier variant.
template <std::size_t W, std::size_t D>
inline void nearest_variant(const LaneOffers& o, const float* x, float* d2, float* quality,
                            float* price, std::int32_t* variant) {
  for (std::size_t k = 0; k < W; k += 8) {
    const auto distance = [&](std::size_t v) {
      simd::f32x8 dv{};
      for (std::size_t d = 0; d < D; ++d) {
        const simd::f32x8 diff = x[d] - simd::load<simd::f32x8>(&o.pos[(v * D + d) * W + k]);
        dv += diff * diff;
      }
      return dv;
    };
    simd::f32x8 best = distance(0);
    simd::f32x8 q = simd::load<simd::f32x8>(&o.quality[k]);
    simd::f32x8 pr = simd::load<simd::f32x8>(&o.price[k]);
    simd::i32x8 index{};
    const std::size_t variants = o.group_variants[k / 8];
    for (std::size_t v = 1; v < variants; ++v) {
      const simd::f32x8 dv = distance(v);
      const simd::i32x8 better = dv < best;
      best = better ? dv : best;
      q = better ? simd::load<simd::f32x8>(&o.quality[v * W + k]) : q;
      pr = better ? simd::load<simd::f32x8>(&o.price[v * W + k]) : pr;
      index = better ? simd::i32x8{} + static_cast<std::int32_t>(v) : index;
    }
    simd::store(d2 + k, best);
    simd::store(quality + k, q);
    simd::store(price + k, pr);
    simd::store(variant + k, index);
  }
}

template <std::size_t W>
inline void nearest_variant(const LaneOffers& o, const float* x, std::size_t D, float* d2,
                            float* quality, float* price, std::int32_t* variant) {
  switch (D) {
    case 1:
      return nearest_variant<W, 1>(o, x, d2, quality, price, variant);
    case 2:
      return nearest_variant<W, 2>(o, x, d2, quality, price, variant);
    case 3:
      return nearest_variant<W, 3>(o, x, d2, quality, price, variant);
    default:
      return nearest_variant<W, 4>(o, x, d2, quality, price, variant);
  }
}

/// The weights of the utility V = q - w |x - p|^2 - a price + gamma L + eta min(g, g_cap).
struct Utility {
  float distance, loyalty, goodwill, goodwill_cap, price_sensitivity;
};

/// Returned by utilities() when no firm is in the choice set.
inline constexpr float kNoChoice = -3.0e38f;
/// How far above the outside option a utility may be with exponentials taken relative to the
/// outside option: W of exp(80) stay far below the largest float.
inline constexpr float kExpHeadroom = 80.0f;

/// Utilities of every firm lane in the choice set (aware: goodwill >= threshold or loyalty > 0,
/// and available: avail[k] != 0), exponentiated relative to a reference utility, into ev (0
/// outside the choice set). The reference is the outside option's utility, or the best
/// alternative's where one is more than kExpHeadroom above it. Returns the reference, or
/// kNoChoice when the choice set is empty. Relative exponents keep utilities far from zero
/// (expensive goods, a very attractive outside option) apart.
template <std::size_t W>
inline float utilities(const Utility& w, const float* d2, const float* quality, const float* price,
                       const std::uint16_t* g, const std::uint16_t* L, const std::uint16_t* avail,
                       std::uint32_t threshold, float outside, float* ev) {
  alignas(32) float util[W];
  alignas(32) std::int32_t in_set[W];
  simd::i32x8 any{};
  simd::f32x8 top = simd::f32x8{} + outside;
  const auto t = static_cast<std::int32_t>(threshold);
  for (std::size_t k = 0; k < W; k += 8) {
    const simd::i32x8 gi = simd::widen8(simd::load<simd::u16x8>(g + k));
    const simd::i32x8 li = simd::widen8(simd::load<simd::u16x8>(L + k));
    const simd::i32x8 ai = simd::widen8(simd::load<simd::u16x8>(avail + k));
    simd::f32x8 goodwill = __builtin_convertvector(gi, simd::f32x8) * (1.0f / 256.0f);
    goodwill = goodwill < w.goodwill_cap ? goodwill : simd::f32x8{} + w.goodwill_cap;
    const simd::f32x8 loyalty = __builtin_convertvector(li, simd::f32x8) * (1.0f / 65535.0f);
    const simd::f32x8 v = simd::load<simd::f32x8>(quality + k) -
                          w.distance * simd::load<simd::f32x8>(d2 + k) -
                          w.price_sensitivity * simd::load<simd::f32x8>(price + k) +
                          w.loyalty * loyalty + w.goodwill * goodwill;
    const simd::i32x8 in = (ai != 0) & ((gi >= t) | (li != 0));
    const simd::f32x8 u = in ? v : simd::f32x8{} + kNoChoice;
    top = u > top ? u : top;
    any |= in;
    simd::store(util + k, u);
    simd::store(in_set + k, in);
  }
  if (simd::lane_bits(any) == 0) return kNoChoice;
  // Relative to the outside option, unless a utility is so far above it that the exponentials
  // could overflow: then relative to the best. (No horizontal maximum on the common path.)
  float best = outside;
  if (simd::lane_bits(top > outside + kExpHeadroom) != 0)
    for (int e = 0; e < 8; ++e) best = std::max(best, top[e]);
  for (std::size_t k = 0; k < W; k += 8) {
    const simd::f32x8 e = simd::fast_exp(simd::load<simd::f32x8>(util + k) - best);
    const simd::i32x8 in = simd::load<simd::i32x8>(in_set + k);
    simd::store(ev + k, in ? e : simd::f32x8{});
  }
  return best;
}

/// Picks a lane in proportion to ev, or the outside option (-1) in proportion to exp_outside,
/// with one uniform u in (0, 1]: the first lane whose running sum exceeds u * total. The running
/// sums are added one lane at a time, so they never decrease and a lane outside the choice set
/// (ev 0) repeats its predecessor's sum exactly and can never be picked. (A tree of vector
/// additions could round a zero lane one unit above its predecessor.)
template <std::size_t W>
inline int sample(const float* ev, float exp_outside, float u) {
  alignas(32) float running[W];
  float sum = 0.0f;
  for (std::size_t k = 0; k < W; ++k) {
    sum += ev[k];
    running[k] = sum;
  }
  const float target = u * (exp_outside + sum) - exp_outside;
  if (target < 0.0f) return -1;
  int pick = 0;
  for (std::size_t k = 0; k < W; k += 8)
    pick += std::popcount(simd::lane_bits(simd::load<simd::f32x8>(running + k) <= target));
  if (pick < static_cast<int>(W)) return pick;
  for (std::size_t k = W; k-- > 0;)  // rounding at the very top: the last firm in the set
    if (ev[k] > 0.0f) return static_cast<int>(k);
  return -1;
}

}  // namespace lanes
}  // namespace msim
