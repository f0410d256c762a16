#pragma once
/// The adaptive strategy: test and refine. It splits targeted media across segments, measures
/// what each segment's money converts into, and shifts the budget towards what converts.
#include "models/strategy.hpp"

namespace msim {

StrategyInfo adaptive_strategy();

}  // namespace msim
