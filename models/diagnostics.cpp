#include "models/diagnostics.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace msim {

namespace {

/// Whether a firm of `sc`, or of its after_branch, has the strategy `name`.
bool uses(const Scenario& sc, const std::string& name) {
  for (const Scenario* s = &sc; s != nullptr; s = s->after_branch.get())
    for (const Firm& f : s->firms)
      if (f.strategy == name) return true;
  return false;
}

/// Appends `d` to `out` unless a diagnostic of its name is there already.
void add_once(std::vector<DiagnosticDoc>& out, const DiagnosticDoc& d) {
  if (std::none_of(out.begin(), out.end(),
                   [&](const DiagnosticDoc& o) { return o.name == d.name; }))
    out.push_back(d);
}

/// The diagnostics of the strategies `sc` uses: strategy by strategy in registry order, each
/// strategy's in the order it declares them, each name once.
std::vector<DiagnosticDoc> own_diagnostics(const Scenario& sc) {
  std::vector<DiagnosticDoc> out;
  for (const StrategyInfo& info : strategy_registry())
    if (uses(sc, info.name))
      for (const DiagnosticDoc& d : info.diagnostics) add_once(out, d);
  return out;
}

}  // namespace

std::vector<std::string> diagnostics_used(const Scenario& sc) {
  std::vector<std::string> out;
  for (const DiagnosticDoc& d : own_diagnostics(sc)) out.push_back(d.name);
  return out;
}

std::vector<DiagnosticDoc> scenario_diagnostics(const Scenario& sc) {
  std::vector<DiagnosticDoc> own = own_diagnostics(sc);
  if (!sc.diagnostics) return own;
  const std::vector<std::string>& names = *sc.diagnostics;
  const auto recorded = [&](const DiagnosticDoc& d) {
    return std::find(names.begin(), names.end(), d.name) != names.end();
  };
  std::vector<DiagnosticDoc> out;
  for (const DiagnosticDoc& d : own)
    if (recorded(d)) out.push_back(d);
  // Then those an experiment's other runs add, in the same order over their strategies.
  for (const StrategyInfo& info : strategy_registry())
    for (const DiagnosticDoc& d : info.diagnostics)
      if (recorded(d)) add_once(out, d);
  return out;
}

std::vector<FirmDiagnostics> firm_diagnostics(const Scenario& sc,
                                              const std::vector<std::string>& recorded) {
  std::vector<FirmDiagnostics> out;
  for (const Firm& f : sc.firms) {
    FirmDiagnostics& firm = out.emplace_back();
    for (const DiagnosticDoc& d : find_strategy(f.strategy).diagnostics) {
      const auto at = std::find(recorded.begin(), recorded.end(), d.name);
      if (at == recorded.end())
        throw std::logic_error(fmt::format(
            "firm '{}': strategy '{}' declares diagnostic '{}', which the run does not record",
            f.name, f.strategy, d.name));
      firm.names.push_back(d.name);
      firm.columns.push_back(static_cast<std::size_t>(at - recorded.begin()));
    }
  }
  return out;
}

void prepare_diagnostics(const FirmDiagnostics& firm, FirmPlan& plan) {
  plan.diagnostics.assign(firm.names.size(), std::numeric_limits<double>::quiet_NaN());
  plan.diagnostic_names = firm.names;
}

void store_diagnostics(const FirmDiagnostics& firm, const FirmPlan& plan, std::size_t j,
                       std::size_t F, StepMetrics& m) {
  if (plan.diagnostics.size() != firm.columns.size())
    throw std::runtime_error(fmt::format(
        "plan() resized plan.diagnostics to {} values; the strategy declares {} (set them with "
        "plan.record(name, value))",
        plan.diagnostics.size(), firm.columns.size()));
  for (std::size_t k = 0; k < firm.columns.size(); ++k)
    m.diagnostics[firm.columns[k] * F + j] = plan.diagnostics[k];
}

double MarketView::last_diagnostic(std::string_view name, int j) const {
  if (diagnostic_names == nullptr)
    throw std::logic_error("MarketView::last_diagnostic(): no diagnostic names were set");
  const std::vector<std::string>& names = *diagnostic_names;
  const auto at = std::find(names.begin(), names.end(), name);
  if (at == names.end())
    throw std::invalid_argument(fmt::format(
        "view.last_diagnostic(\"{}\"): the run records no diagnostic of that name ({})", name,
        names.empty() ? std::string("it records none")
                      : fmt::format("it records {}", fmt::join(names, ", "))));
  const std::size_t F = scenario.firms.size();
  const auto firm_index = static_cast<std::size_t>(j < 0 ? firm : j);
  return last().diagnostics.at(static_cast<std::size_t>(at - names.begin()) * F + firm_index);
}

void FirmPlan::record(std::string_view name, double value) {
  for (std::size_t k = 0; k < diagnostic_names.size() && k < diagnostics.size(); ++k)
    if (diagnostic_names[k] == name) {
      diagnostics[k] = value;
      return;
    }
  throw std::invalid_argument(fmt::format(
      "plan.record(\"{}\"): the strategy declares no diagnostic of that name ({}; declare it in "
      "StrategyInfo::diagnostics)",
      name,
      diagnostic_names.empty() ? std::string("it declares none")
                               : fmt::format("it declares {}", fmt::join(diagnostic_names, ", "))));
}

}  // namespace msim
