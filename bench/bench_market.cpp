// The market benchmark: consumer-steps per second and bytes per consumer for a standard market
// of 8 firms (two per strategy), 2 categories (one consumable, one durable), 3 segments and word
// of mouth, at 1 and 2 threads, HDF5 included, with the share of time in each phase.
//
//   bench_market [consumers=1000000] [steps=52] [threads=1,2]
//
// Each run also prints a `row:` line, a Markdown table row that bench/suite.sh collects.
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/background_recorder.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/parallel.hpp"

namespace {

constexpr const char* kMarket = R"(
name: Benchmark market
seed: 1
consumers: 1000000
steps: 52
categories:
  - {name: staples, kind: consumable, base_cost: 1.0}
  - {name: appliances, kind: durable, base_cost: 2.0, lifetime: {shape: 2.0, scale: 52},
     backlash: 0.5}
market: {outside_utility: -1.0, negative_wom_rate: 1.0}
segments:
  - {name: mainstream, share: 0.5, ideal: {mean: [0, 0], sd: [0.6, 0.6]},
     purchase_rate: {staples: {mean: 0.5, shape: 1.2}, appliances: {mean: 0.1, shape: 2.0}}}
  - {name: premium, share: 0.2, ideal: {mean: [1.5, 0.8], sd: [0.4, 0.4]},
     price_sensitivity: {mean: 0.5, sd: 0.1},
     purchase_rate: {staples: {mean: 0.4, shape: 1.0}, appliances: {mean: 0.1, shape: 2.0}}}
  - {name: budget, share: 0.3, ideal: {mean: [-0.8, -1.0], sd: [0.5, 0.5]},
     price_sensitivity: {mean: 1.3, sd: 0.3},
     purchase_rate: {staples: {mean: 0.7, shape: 1.5}, appliances: {mean: 0.08, shape: 2.0}}}
firms:
  - {name: Mass1, strategy: mass, budget_per_year: 3.0e6}
  - {name: Mass2, strategy: mass, budget_per_year: 2.0e6, position: [0.3, -0.3], durability: 40}
  - {name: Diff1, strategy: differentiated, budget_per_year: 2.5e6}
  - {name: Diff2, strategy: differentiated, budget_per_year: 1.5e6, segments: [mainstream, budget]}
  - {name: Niche1, strategy: niche, target: premium, budget_per_year: 6.0e5}
  - {name: Niche2, strategy: niche, target: budget, budget_per_year: 4.0e5}
  - {name: O2O1, strategy: one_to_one, budget_per_year: 1.5e6}
  - {name: O2O2, strategy: one_to_one, budget_per_year: 1.0e6, categories: [staples]}
)";

double peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024.0;
}

/// Resident bytes now (from /proc/self/statm).
double rss_bytes() {
  std::ifstream in("/proc/self/statm");
  double pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string consumers = argc > 1 ? argv[1] : "1000000";
  const std::string steps = argc > 2 ? argv[2] : "52";
  const std::string thread_list = argc > 3 ? argv[3] : "1,2";
  // Budgets are written for a million consumers and scale with the population, so every size
  // sees the same market (the same exposures per consumer).
  std::vector<std::string> overrides = {"consumers=" + consumers, "steps=" + steps};
  const auto base = msim::load_scenario_text(kMarket, "<benchmark market>", overrides);
  for (const auto& f : base.firms)
    overrides.push_back(fmt::format("firms.{}.budget_per_year={}", f.name,
                                    f.budget_per_year * static_cast<double>(base.consumers) / 1e6));
  const auto sc = msim::load_scenario_text(kMarket, "<benchmark market>", overrides);
  const double cs = static_cast<double>(sc.consumers) * static_cast<double>(sc.steps);
  fmt::print("benchmark market: {} consumers x {} steps, {} firms, {} categories, {} segments\n",
             sc.consumers, sc.steps, sc.firms.size(), sc.categories.size(), sc.segments.size());
  // One file per process, so that two benchmarks can run at once (one per core, say).
  const auto out =
      std::filesystem::temp_directory_path() / fmt::format("marketsim_bench_{}.h5", getpid());
  // Everything resident before the first population: code, libraries, thread pools.
  const double baseline = rss_bytes();
  std::stringstream list(thread_list);
  std::string item;
  while (std::getline(list, item, ',')) {
    const auto threads = static_cast<std::size_t>(std::stoul(item));
    msim::ThreadLimit limit(threads);
    // As `marketsim run` does: the file is written on a thread of its own.
    auto file = msim::make_hdf5_recorder(out.string());
    msim::BackgroundRecorder recorder(*file);
    msim::RunOptions options;
    options.threads = threads;
    const auto start = std::chrono::steady_clock::now();
    const auto r = msim::run_simulation(sc, recorder, options);
    // (Not r.wall_seconds, which the file records before it is finished.)
    const double total =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double phases =
        r.phases.firms + r.phases.consumers + r.phases.reduction + r.recording_seconds;
    fmt::print(
        "threads={}  end to end {:.2f} s  consumer-steps/s={:.3g} (stepping only; {:.3g} end to "
        "end)\n"
        "  bytes/consumer: columns {:.0f}, peak RSS above the {:.0f} MB baseline {:.0f}, peak "
        "RSS {:.0f}\n"
        "  phases: firm decisions {:.1f}%, consumer kernel {:.1f}%, reduction {:.1f}%, "
        "recording {:.1f}%, setup (population) {:.1f}%\n"
        "  recording is the time the run waited on the file; its thread wrote for {:.2f} s\n",
        threads, total, cs / phases, cs / total, r.bytes_per_consumer, baseline / 1e6,
        (peak_rss_bytes() - baseline) / static_cast<double>(sc.consumers),
        peak_rss_bytes() / static_cast<double>(sc.consumers), 100 * r.phases.firms / total,
        100 * r.phases.consumers / total, 100 * r.phases.reduction / total,
        100 * r.recording_seconds / total, 100 * (total - phases) / total, recorder.busy_seconds());
    fmt::print(
        "row: | {} | {} | {} | {:.2f} | {:.1f} M | {:.1f} M | {:.0f} | {:.0f} | {:.1f} | {:.1f} | "
        "{:.1f} | {:.1f} | {:.1f} |\n",
        sc.consumers, sc.steps, threads, total, cs / phases / 1e6, cs / total / 1e6,
        r.bytes_per_consumer, peak_rss_bytes() / static_cast<double>(sc.consumers),
        100 * r.phases.firms / total, 100 * r.phases.consumers / total,
        100 * r.phases.reduction / total, 100 * r.recording_seconds / total,
        100 * (total - phases) / total);
    std::fflush(stdout);
    std::filesystem::remove(out);
  }
  return 0;
}
