#pragma once
// What the tests' own strategies share: the plainest product range.
#include "models/strategy.hpp"

namespace msim::test {

/// One product in each of the firm's categories, at the population mean, at the default markup.
inline void offer_at_mean(const MarketView& view, FirmPlan& plan) {
  for (int c : view.self().categories) {
    Product p;
    p.category = c;
    p.position = view.population_mean;
    plan.products.push_back(p);
  }
}

}  // namespace msim::test
