#pragma once
/// One purchase occasion's decision: the nearest variants, what learning, customised offers and
/// the programs change in them, the logit's pick; then loyalty smoothing and the purchase.
//
// Part of the consumer kernel, included only by models/consumer_kernel.cpp, whose one translation
// unit compiles the whole kernel. Its classes are in an unnamed namespace, as they were in that
// file, so that their functions keep internal linkage and the inliner's choices stay the ones
// measured (bench/performance-log.md).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "models/kernel_lanes.hpp"
#include "models/kernel_records.hpp"
#include "sim/simd.hpp"

namespace msim {
namespace {

template <std::size_t W>
class KernelChoice : public KernelRecords<W> {
 protected:
  using Base = KernelRecords<W>;
  using Base::Base;
  using Base::pop_;
  using Base::purchase;
  using Base::t_;

  /// Each firm lane's variant nearest the consumer's ideal point in a category: its index,
  /// squared distance, quality and price.
  struct Nearest {
    alignas(32) float d2[W], quality[W], price[W];
    alignas(32) std::int32_t variant[W];
  };
  void nearest(std::size_t i, std::size_t c, Nearest& out) const {
    lanes::nearest_variant<W>(t_.offers[c], &pop_.ideal[i * t_.D], t_.D, out.d2, out.quality,
                              out.price, out.variant);
  }

  /// What one purchase occasion decides, before anything is written: the firm lane bought from
  /// (kOutside, or kNoSet when the consumer knows no firm that sells here), the variant, the
  /// loyalty the firm had, and whether the offer was customised or a retention offer.
  /// (Fields of four bytes, each written alone: a wider load of narrower stores would stall.)
  static constexpr std::int32_t kOutside = -1, kNoSet = -2;
  struct Decision {
    std::int32_t pick, variant;
    std::uint32_t before, customised, retention_offer;
  };

  /// One purchase occasion in category c: a logit over the firms the consumer is aware of that
  /// sell there, in its region, with an outside option; then loyalty smoothing and the purchase.
  /// The nearest variants are found here unless `near` gives them. Returns the firm bought
  /// from, or -1.
  int choose(std::size_t i, std::size_t s, std::size_t c, float u, const Nearest* near = nullptr) {
    Decision d;
    decide(i, c, u, d, near);
    if (d.pick == kNoSet) return -1;
    lanes::smooth_q16<W>(&pop_.loyalty[i * W], t_.rho_q16, &t_.offers[c].avail[pop_.region[i] * W]);
    if (d.pick == kOutside) return -1;
    buy(i, s, c, d);
    return d.pick;
  }

  /// The choice of one purchase occasion (see choose()); reads the consumer, writes nothing.
  [[gnu::always_inline]] void decide(std::size_t i, std::size_t c, float u, Decision& d,
                                     const Nearest* near = nullptr) const {
    const LaneOffers& o = t_.offers[c];
    const std::uint16_t* g = &pop_.goodwill[i * W];
    const std::uint16_t* L = &pop_.loyalty[i * W];
    // What repeat purchases taught, customised offers and programs adjust these below.
    alignas(32) float d2[W], quality[W], price[W], ev[W];
    alignas(32) std::int32_t found[W];
    const std::int32_t* variant = found;
    if (near == nullptr) {
      lanes::nearest_variant<W>(o, &pop_.ideal[i * t_.D], t_.D, d2, quality, price, found);
    } else {
      std::copy_n(near->d2, W, d2);
      std::copy_n(near->quality, W, quality);
      std::copy_n(near->price, W, price);
      variant = near->variant;
    }
    const std::uint8_t* bought = &pop_.count[(i * t_.C + c) * W];
    std::uint64_t customised = 0;  // bit j: firm j's offer is customised for this consumer
    std::uint64_t retained = 0;    // bit j: firm j makes this lapsing customer a retention offer
    adjust(i, o, bought, d2, quality, price, customised, retained);
    const std::uint16_t* avail = &o.avail[pop_.region[i] * W];
    const lanes::Utility weights{t_.distance_weight, t_.loyalty_weight, t_.goodwill_weight,
                                 t_.goodwill_cap, pop_.price_sensitivity[i]};
    // The utility the exponentials are relative to: the outside option's, unless overflow.
    const float reference = lanes::utilities<W>(weights, d2, quality, price, g, L, avail, kAware,
                                                t_.outside_utility, ev);
    if (reference == lanes::kNoChoice) {  // aware of no firm that sells here
      d.pick = kNoSet;
      return;
    }
    const float exp_outside =
        reference == t_.outside_utility ? 1.0f : fast_exp(t_.outside_utility - reference);
    const int pick = lanes::sample<W>(ev, exp_outside, u);
    d.pick = pick;
    if (pick < 0) return;
    const auto j = static_cast<std::size_t>(pick);
    d.variant = variant[j];
    d.before = L[j];
    d.customised = (customised >> j) & 1u;
    d.retention_offer = (retained >> j) & 1u;
  }

  /// A decided purchase from firm lane d.pick, after loyalty smoothing: the firm's loyalty moves
  /// up from what it was (d.before), rho L + (1 - rho) rounded to the nearest and at least the
  /// smallest step (a purchase always leaves loyalty, even with rho within 1/65536 of 1), and
  /// the purchase is recorded.
  void buy(std::size_t i, std::size_t s, std::size_t c, const Decision& d) {
    const auto j = static_cast<std::size_t>(d.pick);
    const std::uint64_t gain = static_cast<std::uint64_t>(65536u - t_.rho_q16) * 65535u + 32768u;
    const std::uint64_t after = (d.before * static_cast<std::uint64_t>(t_.rho_q16) + gain) >> 16;
    lanes::set_lane(&pop_.loyalty[i * W], j,
                    static_cast<std::uint16_t>(std::max<std::uint64_t>(after, 1)));
    std::int64_t cents = t_.offers[c].cents[static_cast<std::size_t>(d.variant) * W + j];
    if (d.retention_offer != 0)
      cents = std::llround(static_cast<double>(cents) * t_.retention_keep[j]);
    purchase(i, s, c, j, cents, d.customised != 0, d.retention_offer != 0);
  }

  /// The consumer's nearest variants in a category, adjusted: their quality by what repeat
  /// purchases taught, their distance where an offer is customised for the consumer, and their
  /// price where loyalty-program members (past buyers in the category) count the reward or
  /// profiled customers who have lapsed get a retention offer. Sets bit j of `customised` and of
  /// `retained` where firm j's offer is customised or a retention offer. Written a whole group of
  /// eight lanes at a time, without branches: utilities() loads the lanes as vectors, and a
  /// vector load of lanes just written one at a time waits for those stores to reach the cache
  /// (store forwarding fails). Writing a customised offer's lane alone at every choice, without
  /// a branch, was 7% slower for the whole kernel; these vectors made it 4% faster than the
  /// lanes written alone behind branches.
  [[gnu::always_inline]] void adjust(std::size_t i, const LaneOffers& o, const std::uint8_t* bought,
                                     float* d2, float* quality, float* price,
                                     std::uint64_t& customised, std::uint64_t& retained) const {
    using simd::f32x8;
    using simd::i32x8;
    using simd::load;
    const bool programs = t_.any_loyalty || t_.any_retention;
    std::uint64_t known = 0;  // bit j: firm j keeps a profile of the consumer
    if (t_.any_retention)
      for (std::size_t k = 0; k < t_.crm_firms; ++k)
        known |= static_cast<std::uint64_t>((pop_.crm[i * t_.crm_firms + k] & kDepthMask) != 0)
                 << t_.crm_firm[k];
    const i32x8 iota = {0, 1, 2, 3, 4, 5, 6, 7};
    const i32x8 bit = {1, 2, 4, 8, 16, 32, 64, 128};
    for (std::size_t k = 0; k < W; k += 8) {
      const i32x8 lane = iota + static_cast<std::int32_t>(k);
      f32x8 q = load<f32x8>(quality + k), d = load<f32x8>(d2 + k), p = load<f32x8>(price + k);
      // (Each cut and custom offer is one firm's: taken only in its firm's group of lanes.)
      for (const LaneOffers::Cut& cut : o.cuts) {
        if (cut.firm / 8 != k / 8) continue;
        const float loss =
            cut.loss[std::min<std::size_t>(bought[cut.firm], LaneOffers::kLearnLen - 1)];
        q = lane == static_cast<std::int32_t>(cut.firm) ? q - loss : q;
      }
      for (const LaneOffers::Custom& cu : o.custom) {
        if (cu.firm / 8 != k / 8) continue;
        const std::size_t cell = i * t_.crm_firms + cu.col;
        const std::uint8_t depth = pop_.crm[cell] & kDepthMask;
        const bool on = (depth != 0) & (cu.cross_sell | (bought[cu.firm] != 0));
        const float fitted =
            cu.fit_sigma2 * static_cast<float>(pop_.fit[cell]) * t_.inverse_depth[depth];
        const i32x8 here =
            (lane == static_cast<std::int32_t>(cu.firm)) & -static_cast<std::int32_t>(on);
        d = here ? fitted : d;
        customised |= static_cast<std::uint64_t>(on) << cu.firm;
      }
      if (programs) {
        const i32x8 count = simd::widen8(load<simd::u8x8>(bought + k));
        const i32x8 every =
            load<i32x8>(reinterpret_cast<const std::int32_t*>(&t_.loyalty_every[k]));
        const f32x8 less = p - load<f32x8>(&t_.member_discount[k]);
        const i32x8 member = (every != 0) & (count > 0);
        p = member ? (less > 0.0f ? less : f32x8{}) : p;
        const i32x8 since = simd::widen8(load<simd::u8x8>(&pop_.since[i * W + k]));
        const i32x8 after = simd::widen8(load<simd::u8x8>(&t_.retention_after[k]));
        const i32x8 offer = (after != 0) & (since > after) &
                            ((bit & static_cast<std::int32_t>((known >> k) & 255u)) != 0);
        p = offer ? p * load<f32x8>(&t_.retention_keep[k]) : p;
        retained |= static_cast<std::uint64_t>(simd::lane_bits(offer)) << k;
      }
      simd::store(quality + k, q);
      simd::store(d2 + k, d);
      simd::store(price + k, p);
    }
  }
};

}  // namespace
}  // namespace msim
