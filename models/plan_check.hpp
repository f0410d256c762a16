#pragma once
/// Checking a strategy's plan before the market acts on it: a strategy of the user's own can
/// write anything into a FirmPlan, and a bad plan must stop the run with a message that names
/// the strategy, the firm, the step and what was wrong, not crash or run on nonsense.
#include <cstdint>

#include "models/scenario.hpp"
#include "models/strategy.hpp"

namespace msim {

/// @throws std::logic_error naming the strategy, firm, step and the fault: money beyond the
/// step's budget or negative, targeted_spend not sized to the segments, a product in a category
/// the firm does not sell or with a position of the wrong size, a value that is not a finite
/// number in its range (quality, markup, fixed_price, targeting_precision, cost_per_contact,
/// custom_sigma0, custom_premium, program settings), a durability changed outside a durable
/// category the firm sells or beyond [1, 65000] steps, and direct contacts or customised products
/// from a firm that keeps no CRM profiles (`keeps_crm`: its strategy's uses_crm()), whose money
/// or premium would buy nothing.
void check_plan(const FirmPlan& plan, const Scenario& sc, std::size_t firm, double budget,
                std::int64_t step, bool keeps_crm);

}  // namespace msim
