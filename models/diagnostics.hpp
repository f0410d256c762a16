#pragma once
/// Strategies' own diagnostics (StrategyInfo::diagnostics): which ones a run records, where each
/// firm's values go among them, and how a plan's values reach StepMetrics::diagnostics.
#include <cstddef>
#include <string>
#include <vector>

#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "models/strategy.hpp"

namespace msim {

/// The names of the diagnostics that the strategies of `sc`'s firms declare, and of its
/// after_branch's firms, each once, in the order scenario_diagnostics() gives them.
std::vector<std::string> diagnostics_used(const Scenario& sc);

/// The diagnostics a run of `sc` records, in the order of the rows k of
/// StepMetrics::diagnostics: those of the strategies `sc` uses (its after_branch's too), strategy
/// by strategy in registry order, each strategy's in the order it declares them, each name once,
/// at its first place in that sequence. With sc.diagnostics set (an experiment's: every run records
/// the diagnostics any of its runs uses), only the names it lists, and after the run's own those
/// of the others in the same order over the registry.
std::vector<DiagnosticDoc> scenario_diagnostics(const Scenario& sc);

/// One firm's diagnostics: the names its strategy declares, in order, and where each goes among
/// the recorded ones.
struct FirmDiagnostics {
  std::vector<std::string> names;
  std::vector<std::size_t> columns;  ///< index in the run's recorded names
};

/// [F]: each firm's diagnostics, placed among `recorded` (names, in recording order); looked up
/// once, at the start of a run and at a branch. @throws std::logic_error when a firm's strategy
/// declares a name not recorded.
std::vector<FirmDiagnostics> firm_diagnostics(const Scenario& sc,
                                              const std::vector<std::string>& recorded);

/// Sizes plan.diagnostics for the firm, all NaN, and names them.
void prepare_diagnostics(const FirmDiagnostics& firm, FirmPlan& plan);

/// Copies firm j's plan.diagnostics into m.diagnostics ([K * F], column k, firm j at k * F + j).
/// @throws std::runtime_error when plan() resized plan.diagnostics.
void store_diagnostics(const FirmDiagnostics& firm, const FirmPlan& plan, std::size_t j,
                       std::size_t F, StepMetrics& m);

}  // namespace msim
