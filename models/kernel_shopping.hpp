#pragma once
/// Who in a chunk has something to do in each category this step, and their shopping: purchase
/// occasions, and in durable categories failures and upgrades.
//
// Part of the consumer kernel, included only by models/consumer_kernel.cpp, whose one translation
// unit compiles the whole kernel. Its classes are in an unnamed namespace, as they were in that
// file, so that their functions keep internal linkage and the inliner's choices stay the ones
// measured (bench/performance-log.md).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "models/kernel_choice.hpp"
#include "models/kernel_lanes.hpp"
#include "sim/rng_batch.hpp"
#include "sim/simd.hpp"

namespace msim {
namespace {

template <std::size_t W>
class KernelShopping : public KernelChoice<W> {
 protected:
  using Base = KernelChoice<W>;
  using Base::Base;
  using Base::buy;
  using Base::choose;
  using Base::decide;
  using Base::fail;
  using Base::fails_now;
  using Base::kNoSet;
  using Base::nearest;
  using Base::pop_;
  using Base::row_;
  using Base::t_;
  using typename Base::Decision;
  using typename Base::Nearest;

  /// Bit l of due[c]: consumer c0 + l has something to do in category c this step, a purchase
  /// occasion (where some firm sells) or, in a durable category, its product's failure. Counted
  /// without branches, so that shop() runs only where needed: about a third of consumers shop in
  /// a step, a test the processor cannot predict.
  void events(std::size_t c0, std::size_t n, const WordRows<kChunk>* occ,
              std::uint32_t* due) const {
    // Whole chunks of markets with one or two categories and at most one durable: eight
    // consumers per vector comparison.
    if (n == kChunk && t_.C <= 2 && t_.durables <= 1) {
      for (std::size_t c = 0; c < t_.C; ++c) {
        if (t_.durable_of[c] < 0 && !t_.offers[c].any) {
          due[c] = 0;
          continue;
        }
        due[c] = (c & 1) == 0 ? due_in<0>(c0, c, occ[c >> 1]) : due_in<2>(c0, c, occ[c >> 1]);
      }
      return;
    }
    const std::size_t C = t_.C;
    const std::uint32_t* none = &pop_.no_occasion[c0 * C];
    for (std::size_t c = 0; c < C; ++c) {
      const WordRows<kChunk>& pair = occ[c >> 1];
      const std::size_t k = 2 * (c & 1);
      std::uint32_t bits = 0;
      if (const int d = t_.durable_of[c]; d >= 0) {
        const std::size_t D = t_.durables;
        const bool upgrades = t_.durable[static_cast<std::size_t>(d)].upgrades;
        for (std::size_t l = 0; l < n; ++l) {
          const std::size_t cell = (c0 + l) * D + static_cast<std::size_t>(d);
          // Without an upgrade on offer, an occasion of an owner whose product works is nothing.
          const std::uint8_t owner = pop_.owner[cell];
          const std::uint16_t fails = pop_.fails[cell];
          const bool idle = !upgrades & (owner != kNoOwner) & (t_.step < fails);
          const bool occasion = (pair.word(l, k) > none[l * C + c]) & !idle;
          bits |= static_cast<std::uint32_t>(occasion | fails_now(cell)) << l;
        }
      } else if (t_.offers[c].any) {
        for (std::size_t l = 0; l < n; ++l)
          bits |= static_cast<std::uint32_t>(pair.word(l, k) > none[l * C + c]) << l;
      }
      due[c] = bits;
    }
  }

  /// events() for category c (word K of the chunk's rows `pair`) of a whole chunk, in a market
  /// of one or two categories and at most one durable.
  template <std::size_t K>
  std::uint32_t due_in(std::size_t c0, std::size_t c, const WordRows<kChunk>& pair) const {
    using simd::i32x8;
    using simd::u32x8;
    const std::size_t C = t_.C;
    const bool durable = t_.durable_of[c] >= 0;
    const bool upgrades =
        durable && t_.durable[static_cast<std::size_t>(t_.durable_of[c])].upgrades;
    std::uint32_t bits = 0;
    for (std::size_t h = 0; h < kChunk; h += 8) {
      // Word K of rows h .. h + 7: each load holds two rows' four words.
      const auto rows = [&](std::size_t r) {
        u32x8 v;
        std::memcpy(&v, &pair.half[h + r][0], sizeof v);
        return v;
      };
      const u32x8 a = rows(0), b = rows(2), d = rows(4), e = rows(6);
      const auto ab = __builtin_shufflevector(a, b, K, 4 + K, 8 + K, 12 + K);
      const auto de = __builtin_shufflevector(d, e, K, 4 + K, 8 + K, 12 + K);
      const u32x8 w = __builtin_shufflevector(ab, de, 0, 1, 2, 3, 4, 5, 6, 7);
      const std::uint32_t* none = &pop_.no_occasion[(c0 + h) * C];
      u32x8 threshold;
      if (C == 1) {
        threshold = simd::load<u32x8>(none);
      } else {
        const u32x8 lo = simd::load<u32x8>(none), hi = simd::load<u32x8>(none + 8);
        threshold = c == 0 ? __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14)
                           : __builtin_shufflevector(lo, hi, 1, 3, 5, 7, 9, 11, 13, 15);
      }
      i32x8 mask = w > threshold;
      if (durable) {  // (the one durable: its ownership columns hold one entry per consumer)
        const i32x8 owner = simd::widen8(simd::load<simd::u8x8>(&pop_.owner[c0 + h]));
        const i32x8 fails = simd::widen8(simd::load<simd::u16x8>(&pop_.fails[c0 + h]));
        const i32x8 owned = owner != kNoOwner, step = i32x8{} + static_cast<std::int32_t>(t_.step);
        // Without an upgrade on offer, an occasion of an owner whose product works is nothing.
        if (!upgrades) mask &= ~(owned & (step < fails));
        mask |= owned & (fails == step);
      }
      bits |= simd::lane_bits(mask) << h;
    }
    return bits;
  }

  /// The consumers of a chunk (from c0) due in category c (bits of `due`), which events() found:
  /// in a durable category, an occasion or else the owned product's failure (own()); otherwise
  /// Poisson(rate) purchase occasions, one logit choice each. The first occasions of all of them
  /// are decided before any is written (decide(), then loyalty smoothing, then buy()), so that
  /// no consumer's choice waits on what the one before bought. Then the consumers with more
  /// occasions take them, one at a time (in rounds, all second occasions then all third, it was
  /// no faster).
  void shop(std::size_t c0, std::size_t c, std::uint32_t due, const WordRows<kChunk>* occ) {
    const WordRows<kChunk>& pair = occ[c >> 1];
    const std::size_t k = 2 * (c & 1);
    if (const int dc = t_.durable_of[c]; dc >= 0) {
      for (std::uint32_t bits = due; bits != 0; bits &= bits - 1) {
        const auto l = static_cast<std::size_t>(std::countr_zero(bits));
        const std::size_t i = c0 + l;
        const std::uint32_t none = pop_.no_occasion[i * t_.C + c];
        // (A durable category's ownership column is its index among the durables.)
        own(i, pop_.segment[i], c, i * t_.durables + static_cast<std::size_t>(dc),
            pair.word(l, k) > none ? to_unit_f(pair.word(l, k + 1)) : -1.0f);
      }
      return;
    }
    Decision decided[kChunk];
    std::uint32_t more = 0, chose = 0, bought = 0;
    for (std::uint32_t bits = due; bits != 0; bits &= bits - 1) {
      const auto l = static_cast<std::size_t>(std::countr_zero(bits));
      const std::size_t i = c0 + l;
      const bool single = single_occasion(to_unit(pair.word(l, k)), pop_.no_occasion[i * t_.C + c]);
      more |= static_cast<std::uint32_t>(!single) << l;
      Decision& d = decided[l];
      decide(i, c, to_unit_f(pair.word(l, k + 1)), d);
      chose |= static_cast<std::uint32_t>(d.pick != kNoSet) << l;
      bought |= static_cast<std::uint32_t>(d.pick >= 0) << l;
    }
    const std::uint16_t* avail = t_.offers[c].avail.data();
    for (std::uint32_t bits = chose; bits != 0; bits &= bits - 1) {
      const std::size_t i = c0 + static_cast<std::size_t>(std::countr_zero(bits));
      lanes::smooth_q16<W>(&pop_.loyalty[i * W], t_.rho_q16, &avail[pop_.region[i] * W]);
    }
    for (std::uint32_t bits = bought; bits != 0; bits &= bits - 1) {
      const auto l = static_cast<std::size_t>(std::countr_zero(bits));
      buy(c0 + l, pop_.segment[c0 + l], c, decided[l]);
    }
    for (std::uint32_t bits = more; bits != 0; bits &= bits - 1) {
      const auto l = static_cast<std::size_t>(std::countr_zero(bits));
      const std::size_t i = c0 + l;
      const std::uint32_t n = std::min(
          occasions(to_unit(pair.word(l, k)), pop_.no_occasion[i * t_.C + c]), slot::kMaxOccasions);
      if (n == 1) continue;
      // The nearest variants do not change between a step's occasions: found once for the
      // later ones (decide() found them for the first). occasions() repeats single_occasion().
      Nearest near;
      nearest(i, c, near);
      Words cw{};
      for (std::uint32_t o = 1; o < n; ++o) {
        if (((o - 1) & 3) == 0)
          cw = philox_one(t_.step_gen, static_cast<std::uint32_t>(i), t_.step,
                          slot::choice + static_cast<std::uint32_t>(c) * 64 + ((o - 1) >> 2));
        choose(i, pop_.segment[i], c, to_unit_f(cw[(o - 1) & 3]), &near);
      }
    }
  }

  /// A durable category, ownership state at `cell`: the owned product may fail (backlash), and a
  /// consumer without a working product, or a novelty seeker whom a newer generation tempts,
  /// buys at an occasion (u >= 0). The installed base changes by the failures and purchases.
  /// Out of line: shop() calls it only at an occasion or a failure.
  [[gnu::noinline]] void own(std::size_t i, std::size_t s, std::size_t c, std::size_t cell,
                             float u) {
    const DurableTables& du = t_.durable[static_cast<std::size_t>(t_.durable_of[c])];
    const std::uint8_t maker = pop_.owner[cell];
    const std::size_t F = t_.F, step = t_.step;
    const bool working = maker != kNoOwner && step < pop_.fails[cell];
    if (fails_now(cell)) fail(i, s, c, du, cell, maker - 1u);
    bool upgrade = false;
    if (working && u >= 0.0f) {  // (the upgrade matters only at an occasion)
      upgrade = du.upgrades &&
                pop_.novelty[i] >= du.upgrade_need[(maker - 1u) * 256u + pop_.generation[cell]];
      if (!upgrade) u = -1.0f;
    }
    const int pick = u >= 0.0f && t_.offers[c].any ? choose(i, s, c, u) : -1;
    if (pick >= 0) {
      const auto j = static_cast<std::size_t>(pick);
      if (upgrade) {
        ++row_.upgrades[c * F + j];
        --row_.installed[c * F + maker - 1u];  // the working product it replaces
      } else if (maker != kNoOwner) {
        ++row_.replacements[c * F + j];
      }
      ++row_.installed[c * F + j];
      const Words w = philox_one(t_.step_gen, static_cast<std::uint32_t>(i), t_.step,
                                 slot::lifetime + static_cast<std::uint32_t>(c >> 2));
      // Weibull lifetime by inversion, whole steps (at least one).
      const double life = static_cast<double>(du.scale[j]) *
                          std::pow(-std::log(to_unit(w[c & 3])), du.inverse_shape);
      const double fails =
          std::min(65535.0, static_cast<double>(step) + std::max(1.0, std::ceil(life)));
      pop_.owner[cell] = static_cast<std::uint8_t>(j + 1);
      pop_.generation[cell] = du.generation[j];
      pop_.bought[cell] = static_cast<std::uint16_t>(step);
      pop_.fails[cell] = static_cast<std::uint16_t>(fails);
    }
  }
};

}  // namespace
}  // namespace msim
