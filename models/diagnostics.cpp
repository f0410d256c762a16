#include "models/diagnostics.hpp"

#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace msim {

std::vector<std::vector<std::size_t>> diagnostic_columns(const Scenario& sc) {
  const std::vector<DiagnosticDoc> all = recorded_diagnostics();
  std::vector<std::vector<std::size_t>> out;
  for (const Firm& f : sc.firms) {
    std::vector<std::size_t>& cols = out.emplace_back();
    for (const DiagnosticDoc& d : find_strategy(f.strategy).diagnostics)
      for (std::size_t k = 0; k < all.size(); ++k)
        if (all[k].name == d.name) cols.push_back(k);
  }
  return out;
}

void prepare_diagnostics(const std::vector<std::size_t>& columns, FirmPlan& plan) {
  plan.diagnostics.assign(columns.size(), std::numeric_limits<double>::quiet_NaN());
}

void store_diagnostics(const std::vector<std::size_t>& columns, const FirmPlan& plan, std::size_t j,
                       std::size_t F, StepMetrics& m) {
  if (plan.diagnostics.size() != columns.size())
    throw std::runtime_error(fmt::format(
        "plan() resized plan.diagnostics to {} values; the strategy declares {} (set the "
        "entries, in the order StrategyInfo::diagnostics lists them)",
        plan.diagnostics.size(), columns.size()));
  for (std::size_t k = 0; k < columns.size(); ++k)
    m.diagnostics[columns[k] * F + j] = plan.diagnostics[k];
}

}  // namespace msim
