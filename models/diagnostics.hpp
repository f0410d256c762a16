#pragma once
/// Strategies' own diagnostics (StrategyInfo::diagnostics): where each firm's values go among the
/// recorded columns, and how a plan's values reach StepMetrics::diagnostics.
#include <cstddef>
#include <vector>

#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "models/strategy.hpp"

namespace msim {

/// [F][k]: the column in recorded_diagnostics() of diagnostic k of firm j's strategy.
std::vector<std::vector<std::size_t>> diagnostic_columns(const Scenario& sc);

/// Sizes plan.diagnostics for `columns` (firm j's entry of diagnostic_columns), all NaN.
void prepare_diagnostics(const std::vector<std::size_t>& columns, FirmPlan& plan);

/// Copies firm j's plan.diagnostics into m.diagnostics ([K * F], column k, firm j at k * F + j).
/// @throws std::runtime_error when plan() resized plan.diagnostics.
void store_diagnostics(const std::vector<std::size_t>& columns, const FirmPlan& plan, std::size_t j,
                       std::size_t F, StepMetrics& m);

}  // namespace msim
