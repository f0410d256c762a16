// The one list of strategies. To add one: write strategies/<name>.{hpp,cpp} and add a line here.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "models/strategies/adaptive.hpp"
#include "models/strategies/differentiated.hpp"
#include "models/strategies/mass.hpp"
#include "models/strategies/niche.hpp"
#include "models/strategies/one_to_one.hpp"
#include "sim/config.hpp"
#include "sim/error.hpp"

namespace msim {

namespace {

std::vector<StrategyInfo>& registry() {
  static std::vector<StrategyInfo> list = {
      mass_strategy(),
      differentiated_strategy(),
      niche_strategy(),
      one_to_one_strategy(),
      adaptive_strategy(),
  };
  return list;
}

bool identifier(const std::string& name) {
  const auto word = [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
  };
  return !name.empty() && !(name[0] >= '0' && name[0] <= '9') &&
         std::all_of(name.begin(), name.end(), word);
}

/// A strategy's diagnostics are identifiers, each once, and agree in units with any strategy
/// in `others` that records the same name.
void check_diagnostics(const StrategyInfo& info, const std::vector<StrategyInfo>& others) {
  for (std::size_t k = 0; k < info.diagnostics.size(); ++k) {
    const DiagnosticDoc& d = info.diagnostics[k];
    const auto refuse = [&](const std::string& why) {
      throw std::invalid_argument(
          fmt::format("strategy '{}': diagnostic '{}' {}", info.name, d.name, why));
    };
    if (!identifier(d.name))
      refuse("is not a name of letters, digits and underscores (it names an HDF5 dataset)");
    for (std::size_t k2 = 0; k2 < k; ++k2)
      if (info.diagnostics[k2].name == d.name) refuse("is declared twice");
    for (const StrategyInfo& other : others)
      for (const DiagnosticDoc& o : other.diagnostics)
        if (o.name == d.name && o.units != d.units)
          refuse(fmt::format("has units '{}', but strategy '{}' records it in '{}'", d.units,
                             other.name, o.units));
        else if (o.name == d.name && o.description != d.description)
          refuse(fmt::format(
              "is described as '{}', but strategy '{}' records it as '{}': strategies share a "
              "diagnostic's dataset only for the same quantity (give this one another name)",
              d.description, other.name, o.description));
  }
}

/// A strategy's documented parameters have keys of their own: each once, none a firm key.
void check_params(const StrategyInfo& info) {
  for (std::size_t k = 0; k < info.params.size(); ++k) {
    const std::string& key = info.params[k].key;
    const auto& firm = firm_keys();
    if (std::find(firm.begin(), firm.end(), key) != firm.end())
      throw std::invalid_argument(fmt::format(
          "strategy '{}': parameter '{}' is a key every firm takes (the scenario reads and "
          "writes it itself); give the parameter a name of its own",
          info.name, key));
    for (std::size_t k2 = 0; k2 < k; ++k2)
      if (info.params[k2].key == key)
        throw std::invalid_argument(
            fmt::format("strategy '{}': parameter '{}' is documented twice", info.name, key));
  }
}

}  // namespace

const std::vector<std::string>& firm_keys() {
  static const std::vector<std::string> keys = {"name",
                                                "strategy",
                                                "budget_per_year",
                                                "categories",
                                                "regions",
                                                "quality",
                                                "fixed_cost_per_year",
                                                "durability",
                                                "quality_cut",
                                                "innovation",
                                                "audience",
                                                "segmentation"};
  return keys;
}

const std::vector<StrategyInfo>& strategy_registry() {
  return registry();
}

void register_strategy(StrategyInfo info) {
  for (const auto& existing : registry())
    if (existing.name == info.name)
      throw std::invalid_argument(fmt::format("strategy '{}' is already registered", info.name));
  check_params(info);
  check_diagnostics(info, registry());
  registry().push_back(std::move(info));
}

std::vector<DiagnosticDoc> recorded_diagnostics() {
  std::vector<DiagnosticDoc> out;
  for (const StrategyInfo& info : strategy_registry())
    for (const DiagnosticDoc& d : info.diagnostics)
      if (std::none_of(out.begin(), out.end(), [&](const auto& o) { return o.name == d.name; }))
        out.push_back(d);
  return out;
}

const StrategyInfo& find_strategy(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& info : strategy_registry()) {
    if (info.name == name) return info;
    names.push_back(info.name);
  }
  const std::string hint = did_you_mean(name, names);
  // A strategy of a user's own exists only in the program that registers it (the examples'
  // scenarios name theirs): say so where the name is not a slip of the keyboard.
  throw InputError(fmt::format(
      "unknown strategy '{}'{}; registered strategies: {}{}", name,
      hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint), fmt::join(names, ", "),
      hint.empty() ? ". A strategy of your own is known only to the program that registers it "
                     "(register_strategy; examples/README.md): run the scenario with that program"
                   : ""));
}

}  // namespace msim
