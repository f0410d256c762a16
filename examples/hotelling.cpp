// Hotelling follower: a strategy that reads where its competitors' products are. view.offers
// holds every firm's products of the last step (category, position, quality, list price).
// "hotelling" moves its product each step a fraction `pull` of the way toward the product of
// its largest rival (by last step's market share); at step 0, when nothing was offered yet, it
// starts at the centre of the smallest segment. It records its distance from that rival's
// product as a diagnostic, /strategies/gap. The program runs the scenario with the follower
// moving and standing still (pull 0), prints the distance and the shares as weeks pass, and
// exits with 1 if the gap did not shrink.
//
//   build/.../examples/marketsim_example_hotelling [examples/hotelling.yaml]
#include <fmt/format.h>
#include <Eigen/Core>

#include <algorithm>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "models/strategy.hpp"
#include "sim/config.hpp"
#include "sim/error.hpp"
#include "sim/recorder.hpp"
#include "sim/yaml_writer.hpp"

namespace {

/// The position of the first offer in category `c`, or null when there is none.
const Eigen::VectorXd* position_in(const std::vector<msim::Offer>& offers, int c) {
  for (const msim::Offer& o : offers)
    if (o.category == c) return &o.position;
  return nullptr;
}

class Hotelling final : public msim::Strategy {
 public:
  Hotelling(double pull, double markup) : pull_(pull), markup_(markup) {}
  std::unique_ptr<msim::Strategy> clone() const override {
    return std::make_unique<Hotelling>(*this);
  }

  void plan(const msim::MarketView& view, msim::FirmPlan& plan) override {
    // The rival with the largest market share last step, among those that offered something.
    std::size_t leader = view.firms();  // none: step 0, or every rival out of the market
    for (std::size_t k = 0; k < view.firms(); ++k)
      if (static_cast<int>(k) != view.firm && !view.offers[k].empty() &&
          (leader == view.firms() || view.market_share[k] > view.market_share[leader]))
        leader = k;
    const auto& sizes = view.segment_consumers;
    const auto& centre = view.segment_centres[static_cast<std::size_t>(
        std::min_element(sizes.begin(), sizes.end()) - sizes.begin())];
    const Eigen::VectorXd start =
        Eigen::Map<const Eigen::VectorXd>(centre.data(), static_cast<Eigen::Index>(centre.size()));
    for (int c : view.self().categories) {
      // Where this firm's own product was last step (view.offers holds its own offers too).
      const Eigen::VectorXd* mine =
          position_in(view.offers[static_cast<std::size_t>(view.firm)], c);
      Eigen::VectorXd at = mine != nullptr ? *mine : start;
      const Eigen::VectorXd* target =
          leader < view.firms() ? position_in(view.offers[leader], c) : nullptr;
      if (target != nullptr) {
        at += pull_ * (*target - at);
        if (c == view.self().categories.front()) plan.record("gap", (*target - at).norm());
      }
      msim::Product p;
      p.category = c;
      p.position = at;
      p.quality = view.self().quality;
      p.markup = markup_;
      plan.products.push_back(p);
    }
    plan.mass_spend = view.budget;
  }

  void write_params(msim::YamlWriter& out) const override {
    out.key("pull").value(pull_).key("markup").value(markup_);
  }

 private:
  double pull_, markup_;
};

std::unique_ptr<msim::Strategy> make_hotelling(const msim::StrategyContext& ctx) {
  return std::make_unique<Hotelling>(
      ctx.node.get_double("pull", 0.2, msim::range::closed(0.0, 1.0)),
      ctx.node.get_double("markup", 0.3, msim::range::closed(0.0, 100.0)));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "examples/hotelling.yaml";
  msim::register_strategy(
      {"hotelling",
       "follows the largest rival's product, a fraction of the way each step",
       {{"pull", "number in [0, 1]", "0.2", "fraction", "share of the way moved each step"},
        {"markup", "number in [0, 100]", "0.3", "fraction of unit cost", "cost-plus markup"}},
       make_hotelling,
       {{"gap", "preference-space distance",
         "distance from the firm's product to its largest rival's of the last step"}}});
  try {
    // The scenario as written, and with Mover standing still at its start (pull 0).
    const msim::Scenario sc = msim::load_scenario_file(path);
    msim::MemoryRecorder moving, still;
    msim::run_simulation(sc, moving);
    msim::run_simulation(msim::load_scenario_file(path, {"firms.Mover.pull=0"}), still);
    std::size_t mover = 0, leader = 0;  // by name, as the scenario lists them
    for (std::size_t j = 0; j < sc.firms.size(); ++j) {
      if (sc.firms[j].name == "Mover") mover = j;
      if (sc.firms[j].name == "Leader") leader = j;
    }
    fmt::print(
        "{}: {} steps; Mover standing still (pull 0) and moving\n\n"
        "{:>5}  {:>16}  {:>16}  {:>16}\n{:>5}  {:>7} {:>8}  {:>7} {:>8}  {:>7} {:>8}\n",
        sc.name, sc.steps, "week", "Mover's gap", "Mover's share", "Leader's share", "", "still",
        "moving", "still", "moving", "still", "moving");
    const auto& gap = moving.series("/strategies/gap");
    const auto& still_gap = still.series("/strategies/gap");
    const auto& share = moving.series("/market/market_share");
    const auto& still_share = still.series("/market/market_share");
    for (std::size_t t = 0; t < share.size(); t += 4)
      fmt::print("{:>5}  {:>7.2f} {:>8.2f}  {:>6.1f}% {:>7.1f}%  {:>6.1f}% {:>7.1f}%\n", t + 1,
                 still_gap[t][mover], gap[t][mover], 100 * still_share[t][mover],
                 100 * share[t][mover], 100 * still_share[t][leader], 100 * share[t][leader]);
    fmt::print("\nGap: Mover's distance from its largest rival's product of the week before.\n");
    if (!(gap.back()[mover] < 0.5 * gap[1][mover]) ||
        !(still_gap.back()[mover] > 0.5 * still_gap[1][mover]))
      return 1;
  } catch (const msim::InputError& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "internal error: {}\n", e.what());
    return 1;
  }
  return 0;
}
