#pragma once
/// Advertising reach: how the firms' media money becomes mean exposures per consumer.
#include <vector>

#include "models/scenario.hpp"
#include "models/strategy.hpp"

namespace msim {

/// Mean exposures per consumer, by (segment, firm) ([S*F]), split by channel.
struct MediaReach {
  std::vector<double> mass, targeted;
};

/// Mass media: 1000 * spend / CPM impressions spread evenly over everyone. Targeted media: a
/// `targeting_precision` share of the impressions bought for segment s lands evenly on s, the
/// rest spills evenly over the whole population.
MediaReach media_reach(const Scenario& sc, const std::vector<FirmPlan>& plans,
                       const std::vector<double>& segment_consumers);

}  // namespace msim
