#pragma once
/// Advertising reach: how the firms' media money becomes mean exposures per consumer.
#include <vector>

#include "models/scenario.hpp"
#include "models/strategy.hpp"

namespace msim {

/// Mean exposures per consumer, by (segment, firm) ([S*F]), split by channel.
struct MediaReach {
  std::vector<double> mass, targeted;
  /// Targeted exposures of the consumers a firm's audience picks out in the segment (for firms
  /// without one, the same as `targeted`).
  std::vector<double> targeted_in;
};

/// The most mean exposures per consumer and step a channel gives (10^6): a consumer is all but
/// certain to see an advertisement from a mean of 40, so more changes nothing but the arithmetic.
/// Without it, a tiny CPM (market.cpm_mass 1e-300, say) made a budget's impressions infinite,
/// and the exposure draws and their goodwill not a number: awareness 0 for the firms that spent.
inline constexpr double kMaxMeanExposures = 1e6;

/// Mass media: 1000 * spend / CPM impressions spread evenly over everyone. Targeted media: a
/// `targeting_precision` share of the impressions bought for segment s lands evenly on s, the
/// rest spills evenly over the whole population. A firm with an audience lands that share only on
/// the segment's consumers its rule picks out (audience[s * F + j] of them; all of it spills
/// when there are none); audience[s * F + j] < 0 means the firm has no audience. A channel's
/// impressions are capped at kMaxMeanExposures per consumer (N of them), and each mean at
/// kMaxMeanExposures, so a mean never falls as a spend rises.
MediaReach media_reach(const Scenario& sc, const std::vector<FirmPlan>& plans,
                       const std::vector<double>& segment_consumers,
                       const std::vector<double>& audience);

}  // namespace msim
