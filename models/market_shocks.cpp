// The Market's shock hook and branching (kept apart from the market step in market.cpp).
#include <algorithm>
#include <vector>

#include "models/diagnostics.hpp"
#include "models/market.hpp"
#include "models/shocks.hpp"
#include "sim/yaml_writer.hpp"

namespace msim {

void Market::branch(const Scenario& variant) {
  const auto params = [](const Strategy& s) {
    YamlWriter out;
    out.begin_map();
    s.write_params(out);
    out.end_map();
    return out.str();
  };
  for (std::size_t j = 0; j < sc_.firms.size(); ++j)
    if (params(*variant.firms[j].prototype) != params(*strategies_[j])) {
      StrategyPtr fresh = variant.firms[j].prototype->clone();
      fresh->continue_from(*strategies_[j]);  // new parameters, what the history taught
      strategies_[j] = std::move(fresh);
    }
  sc_ = variant;
  firm_diagnostics_ = firm_diagnostics(sc_, diagnostic_names_);
  // The variant's own shocks before this step stand for what the history did, applied as the
  // history applied them: by step, and in list order within a step (a `set` listed after a
  // later `multiply` comes first).
  shocks_ = initial_shock_state(sc_);
  std::vector<const Shock*> before;
  for (const Shock& s : sc_.shocks)
    if (s.step < step_) before.push_back(&s);
  std::stable_sort(before.begin(), before.end(),
                   [](const Shock* a, const Shock* b) { return a->step < b->step; });
  for (const Shock* s : before) apply_shock(*s, sc_, shocks_);
}

void Market::apply_shocks() {
  for (const Shock& s : sc_.shocks)
    if (s.step == step_) apply_shock(s, sc_, shocks_);
  apply_population_shocks(sc_, step_, pop_, options_.block_size);
}

}  // namespace msim
