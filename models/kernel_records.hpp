#pragma once
/// What the kernel records for a consumer: a purchase, a durable's failure, and the end-of-step
/// tallies.
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
#include "models/kernel_state.hpp"

namespace msim {
namespace {

template <std::size_t W>
class KernelRecords : public KernelState<W> {
 protected:
  using Base = KernelState<W>;
  using Base::Base;
  using Base::panel_;
  using Base::pop_;
  using Base::row_;
  using Base::t_;
  using Base::tally_;

  /// Whether the durable owned in `cell` fails this step.
  bool fails_now(std::size_t cell) const {  // (no branch: events() asks it of every consumer)
    const std::uint8_t owner = pop_.owner[cell];
    const std::uint16_t fails = pop_.fails[cell];
    return (owner != kNoOwner) & (fails == t_.step);
  }

  /// The product in `cell`, made by firm j, fails this step. An early failure costs the maker
  /// backlash * shortfall of the owner's loyalty (0..1), the shortfall being the share of the
  /// reference life the product fell short of.
  void fail(std::size_t i, std::size_t s, std::size_t c, const DurableTables& du, std::size_t cell,
            std::size_t j) {
    const std::size_t F = t_.F;
    const std::uint32_t age = pop_.fails[cell] - pop_.bought[cell];
    ++row_.failures[c * F + j];
    --row_.installed[c * F + j];
    row_.failure_age[c * F + j] += age;
    const float shortfall = 1.0f - static_cast<float>(age) / du.reference_life;
    if (shortfall <= 0.0f) return;
    ++row_.early_failures[c * F + j];
    ++row_.segment_early_failures[s * F + j];
    std::uint16_t& L = pop_.loyalty[i * W + j];
    const float lost = std::min(du.backlash * shortfall, 1.0f) * 65535.0f;
    L = static_cast<std::uint16_t>(std::max(0.0f, static_cast<float>(L) - std::round(lost)));
  }

  /// Records a purchase of firm j's product in category c.
  void purchase(std::size_t i, std::size_t s, std::size_t c, std::size_t j, std::int64_t cents,
                bool customised, bool retention_offer) {
    const std::size_t F = t_.F, C = t_.C;
    ++row_.units[c * F + j];
    row_.customised_units[c * F + j] += customised ? 1 : 0;
    row_.revenue_cents[c * F + j] += cents;
    ++row_.segment_units[s * F + j];
    std::uint8_t* count = &pop_.count[(i * C + c) * W];
    std::uint8_t* since = &pop_.since[i * W];
    std::uint16_t& in_category = pop_.cat_count[i * C + c];
    // The vector tallies read the bytes before this purchase writes one of them (a vector load
    // of a just-stored byte would stall on store forwarding); lane j is added by hand.
    lanes::count_nonzero<W>(count, &tally_.scr[c * W]);
    lanes::add_to_customers<W>(since, cents, tally_.wallet.data());
    if (since[j] == 0) tally_.wallet[j] += cents;
    lanes::set_lane(since, j, 1);
    if (count[j] == 0) {
      ++tally_.scr[c * W + j];
      ++row_.new_category[c * F + j];
      bool bought_before = false;
      for (std::size_t c2 = 0; c2 < C; ++c2) bought_before |= pop_.count[(i * C + c2) * W + j] > 0;
      if (!bought_before) {
        ++row_.new_firm[j];
        const int col = t_.crm_col[j];
        if (t_.any_referral && col >= 0 &&
            (pop_.crm[i * t_.crm_firms + static_cast<std::size_t>(col)] & kReferred) != 0)
          ++row_.referred_purchases[j];
      }
      // Share of category requirements: a new buyer's purchases so far join the firm's base,
      // those since the firm entered the market for one that entered by a shock.
      const auto& entry = pop_.cat_count_at_entry;
      row_.scr_denominator[c * F + j] +=
          in_category - (entry.empty() || entry[j].empty() ? 0 : entry[j][i * C + c]);
    }
    lanes::set_lane(count, j, next_count(count[j], t_.loyalty_every[j]));
    in_category = sat16(in_category + 1u);
    if (t_.loyalty_every[j] != 0 && count[j] % t_.loyalty_every[j] == 0) ++row_.loyalty_rewards[j];
    row_.retention_units[j] += retention_offer ? 1 : 0;
    // The firm's CRM profile deepens, unless it keeps none or the consumer opted out: written
    // to a scratch byte then, without a branch (which firm was bought from is a coin).
    const int col = t_.crm_col[j];
    const bool keeps = (col >= 0) & ((pop_.flags[i] & kOptOut) == 0);
    std::uint8_t scratch = 0;
    std::uint8_t* profile =
        keeps ? pop_.crm.data() + i * t_.crm_firms + static_cast<std::size_t>(std::max(col, 0))
              : &scratch;
    *profile = deeper(*profile);
    if ((pop_.flags[i] & kPanel) != 0)
      panel_.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint16_t>(c),
                        static_cast<std::uint16_t>(j), cents});
  }

  /// End-of-step tallies of one consumer: recent customers of each firm (for next step's word of
  /// mouth), lapsed ones, loyalty and CRM profiles (ChunkTallies counts whole chunks), then the
  /// rest.
  void tally(std::size_t i, std::size_t s) {
    const std::uint8_t* since = &pop_.since[i * W];
    lanes::count_recent<W>(since, t_.wom_window, &tally_.recent[s * W]);
    lanes::sum_rounded_high_bytes<W>(&pop_.loyalty[i * W], tally_.loyalty.data());
    if (t_.wom_window < 255)
      lanes::count_equal<W>(since, static_cast<std::uint8_t>(t_.wom_window + 1),
                            tally_.lost.data());
    const std::uint8_t* depth = pop_.crm.data() + i * t_.crm_firms;  // empty without CRM firms
    for (std::size_t k = 0; k < t_.crm_firms; ++k)
      tally_.crm_known[k] += (depth[k] & kDepthMask) != 0 ? 1u : 0u;
    tally_rest(i, s);
  }

  /// The tallies that few markets need, one consumer at a time: audience members, and the
  /// customers that referral programs brought in.
  void tally_rest(std::size_t i, std::size_t s) {
    const std::uint16_t* L = &pop_.loyalty[i * W];
    for (const KernelTables::Audience& a : t_.audiences)
      tally_.matched[s * W + a.firm] +=
          (pop_.flags[i] & a.bit) != 0 && L[a.firm] >= a.loyalty_lo && L[a.firm] <= a.loyalty_hi
              ? 1u
              : 0u;
    const std::uint8_t* since = &pop_.since[i * W];
    const std::uint8_t* depth = pop_.crm.data() + i * t_.crm_firms;  // empty without CRM firms
    for (std::size_t k = 0; k < t_.crm_firms; ++k) {
      if ((depth[k] & kReferred) == 0) continue;
      const std::uint32_t last = since[static_cast<std::size_t>(t_.crm_firm[k])];
      tally_.referred[k] += last != 0 ? 1u : 0u;
      tally_.referred_recent[k] += last != 0 && last <= t_.wom_window ? 1u : 0u;
      tally_.referred_lost[k] += last == t_.wom_window + 1 ? 1u : 0u;
    }
  }
};

}  // namespace
}  // namespace msim
