#pragma once
/// niche (concentrated): one target segment, a product at its centre, a premium price and all
/// media aimed at that segment.
#include "models/strategy.hpp"

namespace msim {
StrategyInfo niche_strategy();
}
