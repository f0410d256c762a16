#pragma once
/// mass: one product for everyone, all advertising in mass media, a thin markup.
#include "models/strategy.hpp"

namespace msim {
StrategyInfo mass_strategy();
}
