// Quickstart: load a scenario, run it in memory and print each firm's shares at the end.
//
//   build/.../examples/marketsim_example_quickstart [scenarios/tiny.yaml]
//
// The three types to know: a Scenario says *what* is simulated (loaded and checked from YAML),
// run_simulation says *how* it runs, and a Recorder keeps *what is recorded*. MemoryRecorder
// keeps every series in memory, so nothing is written to disk.
#include <fmt/format.h>

#include <exception>
#include <string>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/error.hpp"
#include "sim/recorder.hpp"

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "scenarios/tiny.yaml";
  try {
    // 1. Load the scenario. Every value is range-checked here; a mistake in the file throws an
    //    InputError that names the file, line, key and the value it got.
    const msim::Scenario scenario = msim::load_scenario_file(path);
    fmt::print("{}: {} consumers, {} firms, {} steps\n\n", scenario.name, scenario.consumers,
               scenario.firms.size(), scenario.steps);

    // 2. Run every step into a recorder that keeps the results in memory.
    msim::MemoryRecorder recorder;
    const msim::RunReport report = msim::run_simulation(scenario, recorder);

    // 3. Read two series. series(path)[step][firm] holds one value per step and firm; the paths
    //    are the same as in the HDF5 file that `marketsim run` writes.
    const auto& market_share = recorder.series("/market/market_share").back();
    const auto& customer_share = recorder.series("/market/customer_share").back();

    fmt::print("{:<12} {:<16} {:>13} {:>15}\n", "firm", "strategy", "market share",
               "customer share");
    for (std::size_t j = 0; j < scenario.firms.size(); ++j) {
      const msim::Firm& firm = scenario.firms[j];
      fmt::print("{:<12} {:<16} {:>12.1f}% {:>14.1f}%\n", firm.name, firm.strategy,
                 100.0 * market_share[j], 100.0 * customer_share[j]);
    }
    fmt::print(
        "\nMarket share: the firm's share of all units sold in the last step.\n"
        "Customer share: among the firm's own buyers, its share of their category purchases\n"
        "since the start (share of category requirements). {} steps in {:.2f} s.\n",
        report.steps_done, report.wall_seconds);
  } catch (const msim::InputError& e) {
    // Bad input (a wrong key, a value out of range, a missing file) is the user's to fix.
    fmt::print(stderr, "error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "internal error: {}\n", e.what());
    return 1;
  }
  return 0;
}
