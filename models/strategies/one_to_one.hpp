#pragma once
/// one_to_one: relationship marketing. CRM profiles grow with every purchase and two-way
/// contact; products are customised to the profile; direct contacts go only to known customers
/// who did not opt out; customisation costs a unit-cost premium.
#include "models/strategy.hpp"

namespace msim {
StrategyInfo one_to_one_strategy();
}
