// The consumer kernel's other paths give the same results where they should: firms past the
// eighth (a second group of eight firm lanes, which also turns off the two-consumers-per-vector
// advertising and word of mouth) and categories past the second or durables past the first (the
// general search for who is due) are computed by other code than a small market's. Firms that
// enter only at the last step, and categories nobody sells, must leave every recorded figure of
// the others as it was, bit for bit: they draw their own random words.
#include <cmath>
#include <cstddef>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/recorder.hpp"

namespace {

// Two categories (a consumable and a durable with early failures, backlash and negative word of
// mouth), three segments in two regions, one firm of each textbook strategy, a one-to-one firm
// with loyalty and referral programs; 5,003 consumers, so the last chunk is a part one.
const std::string kBase = R"(name: kernel paths
seed: 23
consumers: 5003
steps: 30
steps_per_year: 52
market: {outside_utility: -1.0, wom_rate: 0.8, negative_wom_rate: 2.0, homophily: 0.5}
categories:
  - {name: snacks, kind: consumable, base_cost: 1.0, reference_volume: 1000}
  - {name: kettle, kind: durable, base_cost: 20, reference_volume: 1000,
     lifetime: {shape: 1.5, scale: 20}, reference_life: 15, backlash: 0.5}
EXTRA_CATEGORIES
segments:
  - name: young
    share: 0.5
    ideal: {mean: [0.5, 0.5], sd: [0.5, 0.5]}
    purchase_rate: {snacks: {mean: 0.6, shape: 1.0}, kettle: {mean: 0.2, shape: 2.0} EXTRA_RATES}
    regions: {north: 0.6, south: 0.4}
  - name: family
    share: 0.3
    ideal: {mean: [-0.5, 0.0], sd: [0.4, 0.4]}
    purchase_rate: {snacks: {mean: 0.8, shape: 1.2}, kettle: {mean: 0.1, shape: 2.0}}
    regions: {north: 0.5, south: 0.5}
  - name: senior
    share: 0.2
    ideal: {mean: [0.0, -1.0], sd: [0.3, 0.3]}
    purchase_rate: {snacks: {mean: 0.3, shape: 0.8}, kettle: {mean: 0.1, shape: 2.0}}
    privacy_opt_out: 0.4
firms:
  - {name: Mass, strategy: mass, budget_per_year: 20000, categories: [snacks, kettle],
     durability: 12}
  - {name: Diff, strategy: differentiated, budget_per_year: 15000, categories: [snacks, kettle]}
  - {name: Niche, strategy: niche, target: senior, budget_per_year: 5000, regions: [south],
     categories: [snacks]}
  - {name: Tailor, strategy: one_to_one, budget_per_year: 10000, categories: [snacks, kettle],
     loyalty_program: {every: 5, reward: 1.0}, referral_program: {multiplier: 3.0, reward: 0.5}}
EXTRA_FIRMS
)";

std::string with(const std::string& categories, const std::string& rates,
                 const std::string& firms) {
  std::string text = kBase;
  for (const auto& [mark, value] : std::map<std::string, std::string>{
           {"EXTRA_CATEGORIES", categories}, {"EXTRA_RATES", rates}, {"EXTRA_FIRMS", firms}})
    text.replace(text.find(mark), mark.size(), value);
  return text;
}

msim::MemoryRecorder run(const std::string& text) {
  msim::MemoryRecorder rec;
  msim::run_simulation(msim::load_scenario_text(text, "paths.yaml"), rec);
  return rec;
}

std::size_t size_of(const msim::RecordingLayout& l, const std::string& dim) {
  for (const auto& d : l.dims)
    if (d.name == dim) return d.labels.size();
  FAIL("no dimension " << dim);
  return 0;
}

/// Every value of every series of `base`, in its first `steps` steps, is the same bits in
/// `other`, whose firm and category dimensions may be longer (their first items are base's).
/// Returns how many values were compared.
std::size_t check_same(const msim::MemoryRecorder& base, const msim::MemoryRecorder& other,
                       std::size_t steps) {
  std::size_t compared = 0;
  for (std::size_t k = 0; k < base.layout().series.size(); ++k) {
    const msim::SeriesSpec& spec = base.layout().series[k];
    if (spec.path.rfind("/strategies/", 0) == 0) continue;  // a strategy's own diagnostics
    const auto& rows = base.series(spec.path);
    const auto& theirs = other.series(spec.path);
    std::vector<std::size_t> mine_sizes, their_sizes;
    for (const std::string& dim : spec.dims) {
      mine_sizes.push_back(size_of(base.layout(), dim));
      their_sizes.push_back(size_of(other.layout(), dim));
    }
    for (std::size_t t = 0; t < steps; ++t) {
      const std::vector<double>& a = rows.at(t);
      const std::vector<double>& b = theirs.at(t);
      for (std::size_t flat = 0; flat < a.size(); ++flat) {
        // The item's index along each dimension, and its place in the other's row.
        std::size_t rest = flat, at = 0, stride = 1;
        for (std::size_t d = spec.dims.size(); d-- > 0;) {
          at += (rest % mine_sizes[d]) * stride;
          rest /= mine_sizes[d];
          stride *= their_sizes[d];
        }
        INFO(spec.path << " at step " << t << ", item " << flat << ": " << a[flat] << " vs "
                       << b.at(at));
        REQUIRE(std::memcmp(&a[flat], &b.at(at), sizeof(double)) == 0);
        ++compared;
      }
    }
  }
  return compared;
}

}  // namespace

TEST_CASE(
    "kernel paths: firms past the eighth that enter at the last step change nothing before it",
    "[kernel]") {
  const msim::MemoryRecorder base = run(with("", "", ""));
  std::string late;
  const char* strategies[] = {"mass", "differentiated", "niche, target: young", "one_to_one",
                              "mass"};
  std::string shocks = "shocks:\n";
  for (int i = 0; i < 5; ++i) {
    late += "  - {name: Late" + std::to_string(i) + ", strategy: " + strategies[i] +
            ", budget_per_year: 5000}\n";
    shocks += "  - {name: enter" + std::to_string(i) + ", step: 29, kind: enter, firm: Late" +
              std::to_string(i) + "}\n";
  }
  const msim::MemoryRecorder nine = run(with("", "", late + shocks));
  REQUIRE(size_of(nine.layout(), "firm") == 9);
  // They sell in the last step: the runs part there.
  CHECK(nine.series("/market/units").back() != base.series("/market/units").back());
  CHECK(check_same(base, nine, 29) > 10000);
}

TEST_CASE(
    "kernel paths: categories nobody sells, a consumable and a second durable, change "
    "nothing",
    "[kernel]") {
  const msim::MemoryRecorder base = run(with("", "", ""));
  const msim::MemoryRecorder four = run(
      with("  - {name: fruit, kind: consumable, base_cost: 1.0}\n"
           "  - {name: toaster, kind: durable, base_cost: 30, lifetime: {shape: 2.0, scale: 30}}",
           ", fruit: {mean: 0.5}, toaster: {mean: 0.2}", ""));
  REQUIRE(size_of(four.layout(), "category") == 4);
  CHECK(check_same(base, four, 30) > 10000);
}
