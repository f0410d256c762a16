#pragma once
/// differentiated: one product per chosen segment, targeted media split across those segments,
/// and a fixed cost for every variant.
#include "models/strategy.hpp"

namespace msim {
StrategyInfo differentiated_strategy();
}
