// The memory estimate (cli/memory_check.hpp): which run of an experiment is the largest, how
// many of its populations are held at once, for explicit thread counts, and the parts beside
// the consumers: recorded series and tables, partial sums, and the refusal's advice.
#include <fmt/format.h>
#include <stdlib.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "cli/memory_check.hpp"
#include "models/experiment.hpp"
#include "models/kernel_tables.hpp"
#include "models/panel.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/background_recorder.hpp"
#include "sim/parallel.hpp"

namespace {

const std::string kTiny = std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml";

/// tiny.yaml with `overrides`, its experiment planned.
struct Planned {
  msim::Scenario base;
  msim::Experiment ex;
};
Planned plan(const std::vector<std::string>& overrides) {
  const auto load = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> all = overrides;
    all.insert(all.end(), extra.begin(), extra.end());
    return msim::load_scenario_file(kTiny, all);
  };
  return {load({}), msim::plan_experiment(load)};
}

/// A market of 64 segments, 8 firms and one category, `consumers` consumers: a wide row of
/// partial sums (2,736 counters) for each block.
msim::Scenario segmented(std::int64_t consumers) {
  std::string text = fmt::format(
      "name: segmented\nconsumers: {}\nsteps: 2\ncategories:\n  - {{name: c0, kind: "
      "consumable, base_cost: 1.0}}\nsegments:\n",
      consumers);
  for (int s = 0; s < 64; ++s)
    text += fmt::format(
        "  - {{name: s{}, share: 0.015625, ideal: {{mean: [0.0, 0.0], sd: [0.3, 0.3]}}, "
        "purchase_rate: {{c0: {{mean: 0.5, shape: 1}}}}}}\n",
        s);
  text += "firms:\n";
  for (int f = 0; f < 8; ++f)
    text += fmt::format("  - {{name: f{}, strategy: mass, budget_per_year: 1000}}\n", f);
  return msim::load_scenario_text(text, "segmented.yaml");
}

/// The populations an experiment holds at once on `threads` threads.
std::size_t copies(const msim::Scenario& base, const msim::Experiment& ex, std::size_t threads) {
  return msim::cli::experiment_use(base, ex, threads).copies();
}

/// MARKETSIM_TEST_AVAILABLE_BYTES set for the scope: the memory the estimate takes to be free.
struct PretendAvailable {
  explicit PretendAvailable(const char* bytes) {
    ::setenv("MARKETSIM_TEST_AVAILABLE_BYTES", bytes, 1);
  }
  ~PretendAvailable() { ::unsetenv("MARKETSIM_TEST_AVAILABLE_BYTES"); }
  PretendAvailable(const PretendAvailable&) = delete;
  PretendAvailable& operator=(const PretendAvailable&) = delete;
};

}  // namespace

TEST_CASE("memory check: the largest run is one the experiment runs", "[cli]") {
  // A sweep of `consumers` never runs the base population of 300,000.
  const Planned p = plan({"consumers=300000", "experiment.replications=2",
                          "experiment.sweep={consumers: [1000, 2000]}"});
  REQUIRE(p.ex.runs.size() == 4);
  CHECK(msim::cli::largest_run(p.base, p.ex).consumers == 2000);
  // Runs of 2,000 go on up to one per thread, at most as many as there are runs.
  CHECK(copies(p.base, p.ex, 1) == 1);
  CHECK(copies(p.base, p.ex, 2) == 2);
  CHECK(copies(p.base, p.ex, 16) == 4);
}

TEST_CASE("memory check: large runs go one at a time, and a branch doubles them", "[cli]") {
  const Planned big = plan({"consumers=300000", "experiment.replications=3"});
  CHECK(msim::cli::largest_run(big.base, big.ex).consumers == 300000);
  CHECK(copies(big.base, big.ex, 8) == 1);
  const Planned branched = plan({"experiment.replications=3", "experiment.branch_at=2",
                                 "experiment.sweep={market.cpm_mass: [5.0, 10.0]}"});
  CHECK(copies(branched.base, branched.ex, 1) == 2);
  CHECK(copies(branched.base, branched.ex, 4) == 8);
}

TEST_CASE("memory check: a run too large for memory because of a sweep names the sweep's key",
          "[cli]") {
  // --set consumers=N cannot shrink a swept population: the sweep's values override it.
  const Planned p = plan({"experiment.sweep={consumers: [1000, 3000000000]}"});
  const auto why =
      msim::cli::memory_shortfall(msim::cli::largest_run(p.base, p.ex), {}, p.base.experiment);
  REQUIRE(why);
  CHECK_THAT(*why, Catch::StartsWith("--set 'experiment.sweep={consumers: [1000, 3000000000]}': "
                                     "key 'experiment.sweep.consumers': 3000000000 consumers") &&
                       Catch::Contains("lower the largest value of experiment.sweep.consumers to "
                                       "at most ") &&
                       Catch::Contains("--set consumers=... would not change it") &&
                       !Catch::Contains("(e.g. --set consumers="));
  // A single run of that size: --set consumers is the way.
  const msim::Scenario alone = msim::load_scenario_file(kTiny, {"consumers=3000000000"});
  const auto single = msim::cli::memory_shortfall(alone, {}, alone.experiment);
  REQUIRE(single);
  CHECK_THAT(*single, Catch::Contains("lower `consumers` (e.g. --set consumers="));
}

TEST_CASE(
    "memory check: a run size from keys moved together, a swept scale or a Latin "
    "hypercube names that key",
    "[cli]") {
  const PretendAvailable only("300e6");
  const auto refusal = [](const std::vector<std::string>& overrides) {
    const Planned p = plan(overrides);
    const auto why =
        msim::cli::memory_shortfall(msim::cli::largest_run(p.base, p.ex), {}, p.base.experiment);
    REQUIRE(why);
    return *why;
  };
  CHECK_THAT(refusal({"experiment.together={consumers: [1000, 30000000], market.wom_rate: [0.1, "
                      "0.2]}"}),
             Catch::Contains("key 'experiment.together.consumers': 30000000 consumers need") &&
                 Catch::Contains("lower the largest value of experiment.together.consumers to at "
                                 "most ") &&
                 Catch::Contains("(the experiment sets `consumers` in each run, so --set "
                                 "consumers=... would not change it)"));
  // tiny.yaml's 20,000 consumers at scale 1000 are 20 M.
  CHECK_THAT(refusal({"experiment.sweep={scale: [1, 1000]}"}),
             Catch::Contains("key 'experiment.sweep.scale': 20000000 consumers need") &&
                 Catch::Contains("lower the largest value of experiment.sweep.scale to at most ") &&
                 Catch::Contains("so --set scale=... would not change it"));
  CHECK_THAT(
      refusal({"experiment.design={latin_hypercube: {samples: 2, ranges: {scale: [1, 1000]}}}"}),
      Catch::Contains("key 'experiment.design.latin_hypercube.ranges.scale': ") &&
          Catch::Contains("lower the top of the range of "
                          "experiment.design.latin_hypercube.ranges.scale to at most ") &&
          Catch::Contains("so --set scale=... would not change it"));
}

TEST_CASE("memory check: an experiment's runs keep their series, a single run streams them",
          "[cli]") {
  // Each of the runs going on at once keeps every step's rows, 8 bytes a value a step, in one
  // vector a series reserved for its steps (FlatRecorder), and hands them over to be written
  // without a copy.
  const auto experiment = [](std::int64_t steps) {
    const Planned p = plan({fmt::format("steps={}", steps), "experiment.replications=2"});
    const msim::cli::MemoryUse use = msim::cli::experiment_use(p.base, p.ex, 2);
    REQUIRE(use.runs == 2);
    REQUIRE(use.kept);
    return msim::cli::memory_need(msim::cli::largest_run(p.base, p.ex), use);
  };
  const msim::cli::MemoryNeed e100 = experiment(100), e400 = experiment(400),
                              e40k = experiment(40000), e60k = experiment(60000);
  REQUIRE(e100.step_values > 100);
  CHECK(e400.series == Approx(4.0 * e100.series));
  CHECK(e100.series == Approx(100.0 * 2 * 8 * e100.step_values));
  CHECK(e400.bytes - e100.bytes >= 300.0 * 2 * 8 * e100.step_values);
  CHECK(e60k.bytes - e40k.bytes >= 20000.0 * 2 * 8 * e100.step_values);
  CHECK(e60k.bytes >= 60000.0 * 2 * 8 * e100.step_values);
  // A single run writes each step's rows as it goes: only the file's chunk caches grow with
  // the steps, up to 1 MiB a dataset, and the rows queued for the writer, up to its bound.
  const auto single = [](std::int64_t steps) {
    return msim::load_scenario_file(kTiny, {fmt::format("steps={}", steps)});
  };
  const msim::cli::MemoryNeed s100 = msim::cli::memory_need(single(100)),
                              s60k = msim::cli::memory_need(single(60000));
  const double queue = static_cast<double>(msim::BackgroundRecorder::kDefaultMaxBytes);
  CHECK(s100.series == 0);
  CHECK(s60k.series == 0);
  CHECK(s100.recorded < 100 * (8 * s100.step_values + 2000));  // every step's rows, queued
  CHECK(s60k.recorded == queue);
  const double datasets = static_cast<double>(msim::recording_layout(single(1), 0).series.size());
  CHECK(s60k.bytes - s100.bytes <= (datasets + 1) * 1048576.0 + queue);
  CHECK(s60k.bytes - s100.bytes < 0.2 * (e60k.bytes - e100.bytes));
}

TEST_CASE("memory check: the panel and the snapshot count what making them holds", "[cli]") {
  // A panel of all but one of 4 M consumers: the sample's set, then the member rows as
  // panel_member_rows() builds them, handed over to the writer's queue uncopied (measured:
  // 0.848 GB at the peak for a 0.35 GB population; 1.12 GB when the queue copied them, 1.51 GB
  // when the rows were built with copies and queued twice).
  const std::vector<std::string> big = {"consumers=4000000", "steps=1"};
  const auto need = [&](const std::string& extra) {
    std::vector<std::string> all = big;
    if (!extra.empty()) all.push_back(extra);
    return msim::cli::memory_need(msim::load_scenario_file(kTiny, all));
  };
  const msim::cli::MemoryNeed plain = need(""), panel = need("output.panel.size=3999999"),
                              snapshot = need("output.snapshot.size=3999999");
  CHECK(plain.recorded < 1e4);  // a step's rows, queued
  CHECK(panel.bytes - plain.bytes >= msim::panel_member_rows_bytes(3999999, 2));
  CHECK(msim::panel_member_rows_bytes(3999999, 2) == 88.0 * 3999999);  // 11 values a member
  CHECK(panel.recorded < 1.1 * 88 * 3999999);  // made and queued: the same rows
  CHECK(panel.bytes >= 0.848e9);
  // The snapshot's sample of all but one: its set (about 53 bytes a member), then the slice
  // being made and the one queued and written (measured: 0.58 GB at the peak; up to 0.69 GB
  // when the writer's queue was bounded by 16 calls instead of bytes).
  CHECK(snapshot.bytes - plain.bytes >= msim::consumer_sample_bytes(3999999));
  CHECK(snapshot.recorded >= 50.0 * 3999999);
  CHECK(snapshot.bytes >= 0.58e9);
  // A run's snapshot of all of its 1 M consumers: the list of them, a slice of 65,536 rows being
  // made (each column reserved once), the one before it queued and written, and the holes that
  // the allocator keeps of those before (measured: 0.195 GB at the peak; 0.22 to 0.23 GB when
  // each slice was made with two more copies and queued as a third).
  const msim::Scenario all =
      msim::load_scenario_file(kTiny, {"consumers=1000000", "output.snapshot.size=all"});
  double slice = 0;  // bytes of a slice of /snapshot
  for (const auto& t : msim::recording_layout(all, 0).tables)
    if (t.path == "/snapshot")
      for (const auto& c : t.columns)
        slice += 65536.0 * 8 * static_cast<double>(std::max<std::size_t>(c.width, 1));
  REQUIRE(slice == 65536.0 * 8 * 43);
  const msim::cli::MemoryNeed whole = msim::cli::memory_need(all);
  CHECK(whole.recorded >= 4e6 + 3 * slice);
  CHECK(whole.recorded < 4e6 + 3 * slice + 1e6);
  CHECK(whole.bytes >= 0.195e9);
  // An experiment keeps its runs' whole snapshot, and hands it over to be written, uncopied:
  // the snapshot of all 1 M consumers of a run, once, whatever the steps.
  const Planned p = plan(
      {"consumers=1000000", "steps=2", "output.snapshot.size=all", "experiment.replications=2"});
  const msim::cli::MemoryUse use = msim::cli::experiment_use(p.base, p.ex, 2);
  REQUIRE(use.runs == 1);  // runs of 1 M consumers go one at a time
  const msim::Scenario& run = p.ex.runs.front().scenario;
  const msim::cli::MemoryNeed kept = msim::cli::memory_need(run, use);
  double row = 0;  // bytes of a row of /snapshot
  for (const auto& t : msim::recording_layout(run, 0).tables)
    if (t.path == "/snapshot")
      for (const auto& c : t.columns)
        row += 8.0 * static_cast<double>(std::max<std::size_t>(c.width, 1));
  REQUIRE(row > 300);
  CHECK(kept.recorded - kept.series >= 1e6 * row);
  CHECK(kept.recorded - kept.series < 2.0 * 1e6 * row);
  // Measured: 0.61 GB at the peak (0.63 to 0.66 GB when each slice was made with copies, 0.93 GB
  // with the copy).
  CHECK(kept.bytes >= 0.61e9);
}

TEST_CASE("memory check: a small block size counts its partial sums", "[cli]") {
  // Each market holds a row of partial sums per block (sim/parallel.hpp): 2 M consumers in
  // blocks of 64 are 31,250 rows of 2,736 counters (measured: 0.83 GB at the peak, against
  // 0.17 GB in blocks of 4096).
  const msim::Scenario sc = segmented(2000000);
  const msim::PartialLayout row{sc.firms.size(), sc.categories.size(), sc.segments.size()};
  REQUIRE(row.width() == 2736);
  msim::cli::MemoryUse small;
  small.block_size = 64;
  const msim::cli::MemoryNeed usual = msim::cli::memory_need(sc),
                              fine = msim::cli::memory_need(sc, small);
  CHECK(fine.partial_sums >= msim::PartialSums::bytes(31250, row.width()));
  CHECK(fine.partial_sums >= 31250.0 * 8 * 2736);
  CHECK(fine.bytes - usual.bytes == Approx(fine.partial_sums - usual.partial_sums));
  CHECK(fine.bytes >= 0.83e9);
  CHECK(usual.bytes >= 0.17e9);
  CHECK(usual.bytes < 0.25e9);
  // Two populations held at once have two sets.
  msim::cli::MemoryUse two = small;
  two.runs = 2;
  CHECK(msim::cli::memory_need(sc, two).partial_sums == Approx(2 * fine.partial_sums));
}

TEST_CASE("memory check: the refusal names the largest part and what lowers it", "[cli]") {
  const PretendAvailable only("300e6");
  // An experiment whose series alone exceed it: fewer runs at once, fewer steps, --part.
  const Planned p = plan({"steps=60000", "experiment.replications=2"});
  const msim::cli::MemoryUse use = msim::cli::experiment_use(p.base, p.ex, 2);
  const msim::cli::MemoryNeed need = msim::cli::memory_need(p.base, use);
  REQUIRE(need.series > 300e6);
  REQUIRE(need.state < 10e6);
  const auto why = msim::cli::memory_shortfall(p.base, use, p.base.experiment, "tiny.yaml");
  REQUIRE(why);
  CHECK_THAT(*why, Catch::StartsWith("tiny.yaml: the experiment needs about ") &&
                       Catch::Contains("of it for the series its runs record: each of the 2 "
                                       "runs going on at once keeps its 60000 steps of ") &&
                       Catch::Contains("but only 300 MB of memory is available") &&
                       Catch::Contains("--threads 1") &&
                       Catch::Contains("lower `steps` (now 60000; about ") &&
                       Catch::Contains("--part"));
  // A panel of nearly all of 2 M consumers: lower its size.
  const msim::Scenario panel = msim::load_scenario_file(
      kTiny, {"consumers=2000000", "output.panel.size=1999999", "steps=1"});
  const auto panel_why = msim::cli::memory_shortfall(panel, {}, {}, "tiny.yaml");
  REQUIRE(panel_why);
  CHECK_THAT(*panel_why, Catch::StartsWith("tiny.yaml: the run needs about ") &&
                             Catch::Contains("for the panel it records, beside ") &&
                             Catch::Contains("lower output.panel.size (now 1999999)"));
  // Blocks of 64 consumers with wide rows: a larger block size.
  msim::cli::MemoryUse blocks;
  blocks.block_size = 64;
  const auto blocks_why =
      msim::cli::memory_shortfall(segmented(1000000), blocks, {}, "segmented.yaml");
  REQUIRE(blocks_why);
  CHECK_THAT(*blocks_why,
             Catch::Contains("for the partial sums of its 15625 blocks of 64 consumers") &&
                 Catch::Contains("use a larger --block-size"));
  // The population itself: lower `consumers`, as before.
  const msim::Scenario many = msim::load_scenario_file(kTiny, {"consumers=5000000"});
  const auto many_why = msim::cli::memory_shortfall(many, {}, {}, "tiny.yaml");
  REQUIRE(many_why);
  CHECK_THAT(*many_why, Catch::Contains("5000000 consumers need about") &&
                            Catch::Contains("lower `consumers` (e.g. --set consumers="));
}

TEST_CASE("memory check: the run that needs the most memory is the longest of a sweep of steps",
          "[cli]") {
  // Both design points have 20,000 consumers; the second keeps 100 times as many steps.
  const Planned p = plan({"experiment.sweep={steps: [10, 1000]}"});
  const msim::cli::MemoryUse use = msim::cli::experiment_use(p.base, p.ex, 2);
  CHECK(msim::cli::largest_run(p.base, p.ex).steps == 10);
  CHECK(msim::cli::neediest_run(p.base, p.ex, use).steps == 1000);
}

TEST_CASE("memory check: a single run's rows waiting for the writer are not a panel to lower",
          "[cli]") {
  // 60,000 steps of rows queue up to BackgroundRecorder's bound (16 MiB), far more than 1,000
  // consumers: without a panel or a snapshot, the advice is about the machine.
  const PretendAvailable only("100e6");
  const msim::Scenario sc = msim::load_scenario_file(kTiny, {"consumers=1000", "steps=60000"});
  const msim::cli::MemoryNeed need = msim::cli::memory_need(sc);
  REQUIRE(need.recorded > 10 * need.state);
  const auto why = msim::cli::memory_shortfall(sc, {}, {}, "tiny.yaml");
  REQUIRE(why);
  CHECK_THAT(*why, Catch::Contains("1000 consumers need about") &&
                       Catch::Contains("even without its consumers the run needs about") &&
                       !Catch::Contains("output.panel.size") &&
                       !Catch::Contains("output.snapshot.size"));
}

TEST_CASE("memory check: the refusal shows the need and the memory in one unit, and unlike",
          "[cli]") {
  using msim::cli::compared_bytes;
  using Pair = std::pair<std::string, std::string>;
  // Below 1 GiB in MB, as the rest of the message: 0.11 and 0.098 GiB both read 0.1 GiB before.
  CHECK(compared_bytes(118e6, 105e6) == Pair{"118 MB", "105 MB"});
  CHECK(compared_bytes(4.2e6, 3.9e6) == Pair{"4.2 MB", "3.9 MB"});
  // In GiB once either reaches it, with a digit more where one would read the same.
  constexpr double kGiB = 1073741824.0;
  CHECK(compared_bytes(3.4 * kGiB, 1.2 * kGiB) == Pair{"3.4 GiB", "1.2 GiB"});
  CHECK(compared_bytes(3.44 * kGiB, 3.41 * kGiB) == Pair{"3.44 GiB", "3.41 GiB"});
  CHECK(compared_bytes(1.02 * kGiB, 0.98 * kGiB) == Pair{"1.02 GiB", "0.98 GiB"});
  CHECK(compared_bytes(300.4e6, 300.2e6) == Pair{"300.4 MB", "300.2 MB"});
  // A need of 1,000,000 consumers under a small limit: the two figures differ in the message.
  const PretendAvailable only("98e6");
  const msim::Scenario sc = msim::load_scenario_file(kTiny, {"consumers=1000000"});
  const auto why = msim::cli::memory_shortfall(sc, {}, {}, "tiny.yaml");
  REQUIRE(why);
  CHECK_THAT(*why, Catch::Contains("1000000 consumers need about ") && Catch::Contains(" MB (") &&
                       Catch::Contains("but only 98 MB of memory is available") &&
                       !Catch::Contains("GiB"));
  // A need below what is available, but above the nine tenths a run may take, says so.
  const PretendAvailable more("122e6");
  const auto close = msim::cli::memory_shortfall(sc, {}, {}, "tiny.yaml");
  REQUIRE(close);
  CHECK_THAT(*close,
             Catch::Contains("but only 122 MB of memory is available on this machine, and a "
                             "run leaves a tenth of it free;"));
  CHECK_THAT(*why, !Catch::Contains("a tenth"));
}
