#include <string_view>

#include "models/scenario_load.hpp"

namespace msim {

extern const std::string_view kDefaultScenarioText;  // generated from scenarios/default.yaml

std::string default_scenario_text() {
  return std::string(kDefaultScenarioText);
}

}  // namespace msim
