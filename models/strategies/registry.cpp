// The one list of strategies. To add one: write strategies/<name>.{hpp,cpp} and add a line here.
#include <fmt/format.h>

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

}  // namespace

const std::vector<StrategyInfo>& strategy_registry() {
  return registry();
}

void register_strategy(StrategyInfo info) {
  for (const auto& existing : registry())
    if (existing.name == info.name)
      throw std::invalid_argument(fmt::format("strategy '{}' is already registered", info.name));
  registry().push_back(std::move(info));
}

const StrategyInfo& find_strategy(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& info : strategy_registry()) {
    if (info.name == name) return info;
    names.push_back(info.name);
  }
  const std::string hint = did_you_mean(name, names);
  throw InputError(fmt::format("unknown strategy '{}'{}; registered strategies: {}", name,
                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint),
                               fmt::join(names, ", ")));
}

}  // namespace msim
