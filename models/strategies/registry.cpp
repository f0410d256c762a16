// The one list of strategies. To add one: write strategies/<name>.{hpp,cpp} and add a line here.
#include <fmt/format.h>

#include "models/strategies/differentiated.hpp"
#include "models/strategies/mass.hpp"
#include "models/strategies/niche.hpp"
#include "models/strategies/one_to_one.hpp"
#include "sim/config.hpp"
#include "sim/error.hpp"

namespace msim {

const std::vector<StrategyInfo>& strategy_registry() {
  static const std::vector<StrategyInfo> registry = {
      mass_strategy(),
      differentiated_strategy(),
      niche_strategy(),
      one_to_one_strategy(),
  };
  return registry;
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
