// DESIGN.md §2: the same scenario and seed give bit-identical HDF5 datasets at any thread
// count and block size; runs that differ only in a budget share their random numbers.
//
// Every dataset under /market, /segments, /panel and /snapshot (walked recursively) is compared
// bit for bit (memcmp of the values read as float64, exact for the integers; == for strings); no
// tolerance anywhere.
#include <catch2/catch.hpp>

#include "tests/temp_dir.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>


#include <fmt/format.h>

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/parallel.hpp"
#include "sim/recorder.hpp"

namespace fs = std::filesystem;

using msim::test::TempDir;

namespace {

std::string tiny_yaml() {
  const std::string path = std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml";
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// One dataset read back: numbers (exact bits) or strings.
struct Dataset {
  std::vector<std::size_t> shape;
  std::vector<double> values;
  std::vector<std::string> strings;
  bool is_strings = false;
};

/// Every dataset under `group`, recursively, by full path.
void walk(const msim::Hdf5Reader& reader, const std::string& group,
          std::map<std::string, Dataset>& out) {
  for (const std::string& name : reader.list(group)) {
    const std::string path = group + "/" + name;
    bool is_group = true;
    try {
      (void)reader.list(path);
    } catch (const msim::InputError&) {
      is_group = false;
    }
    if (is_group) {
      walk(reader, path, out);
      continue;
    }
    Dataset d;
    try {
      const msim::Table t = reader.table(path);
      d.shape = t.shape;
      d.values = t.values;
    } catch (const msim::InputError&) {
      d.strings = reader.strings(path);
      d.is_strings = true;
    }
    out.emplace(path, std::move(d));
  }
}

std::map<std::string, Dataset> read_outputs(const std::string& file) {
  msim::Hdf5Reader reader(file);
  std::map<std::string, Dataset> out;
  walk(reader, "/market", out);
  walk(reader, "/segments", out);
  walk(reader, "/firms", out);
  if (reader.exists("/panel")) walk(reader, "/panel", out);
  if (reader.exists("/snapshot")) walk(reader, "/snapshot", out);
  return out;
}

/// Runs `sc` into `file` with at most `threads` TBB threads and the given block size.
std::map<std::string, Dataset> run_to_file(const msim::Scenario& sc, const std::string& file,
                                           std::size_t threads, std::size_t block_size) {
  {
    msim::ThreadLimit limit(threads);
    // TBB really is limited (1 thread means a sequential run).
    REQUIRE(msim::ThreadLimit::active() == threads);
    auto recorder = msim::make_hdf5_recorder(file);
    msim::RunOptions options;
    options.block_size = block_size;
    options.threads = threads;
    const msim::RunReport report = msim::run_simulation(sc, *recorder, options);
    REQUIRE(report.complete);
  }
  return read_outputs(file);
}

bool bit_identical(const Dataset& a, const Dataset& b) {
  if (a.is_strings != b.is_strings) return false;
  if (a.is_strings) return a.strings == b.strings;
  return a.shape == b.shape && a.values.size() == b.values.size() &&
         (a.values.empty() ||
          std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(double)) == 0);
}

/// Compares two runs dataset by dataset; reports the first differing value of each.
void require_identical(const std::map<std::string, Dataset>& a,
                       const std::map<std::string, Dataset>& b, const std::string& what) {
  REQUIRE(a.size() == b.size());
  for (const auto& [path, da] : a) {
    INFO(what << ": " << path);
    const auto it = b.find(path);
    REQUIRE(it != b.end());
    const Dataset& db = it->second;
    if (!bit_identical(da, db)) {
      std::size_t k = 0;
      while (k < da.values.size() && k < db.values.size() &&
             std::memcmp(&da.values[k], &db.values[k], sizeof(double)) == 0)
        ++k;
      FAIL_CHECK(fmt::format("{} differs (first at flat index {}: {:.17g} vs {:.17g})", path, k,
                             k < da.values.size() ? da.values[k] : 0.0,
                             k < db.values.size() ? db.values[k] : 0.0));
    }
  }
}

}  // namespace

TEST_CASE("determinism: tiny.yaml is bit-identical at 1, 2 and 4 threads and any block size",
          "[determinism]") {
  TempDir dir;
  const msim::Scenario sc = msim::load_scenario_text(
      tiny_yaml(), "tiny.yaml", {"consumers=30000", "output.panel.size=3000"});
  REQUIRE(sc.consumers == 30000);

  const auto reference = run_to_file(sc, dir.file("t1_b4096.h5"), 1, 4096);
  // The walk found the expected layout: every firm metric overall and by category, and the
  // segment metrics (plus the /segments/name labels).
  REQUIRE(reference.count("/market/units") == 1);
  REQUIRE(reference.count("/market/by_category/unit_cost") == 1);
  REQUIRE(reference.count("/segments/awareness") == 1);
  REQUIRE(reference.count("/panel/members/consumer") == 1);
  REQUIRE(reference.count("/panel/members/ideal") == 1);
  REQUIRE(reference.at("/panel/members/consumer").values.size() == 3000);
  REQUIRE(reference.at("/panel/purchases/firm").values.size() > 3000);
  REQUIRE(reference.size() >= 2 * 15 + 3 + 10 + 6);
  // And the market is alive (otherwise identical zeros would prove nothing).
  double units = 0.0;
  for (double u : reference.at("/market/units").values) units += u;
  REQUIRE(units > 1000.0);

  require_identical(reference, run_to_file(sc, dir.file("t2_b4096.h5"), 2, 4096), "2 threads");
  require_identical(reference, run_to_file(sc, dir.file("t4_b4096.h5"), 4, 4096), "4 threads");
  require_identical(reference, run_to_file(sc, dir.file("t1_b256.h5"), 1, 256),
                    "1 thread, block 256");
  require_identical(reference, run_to_file(sc, dir.file("t4_b256.h5"), 4, 256),
                    "4 threads, block 256");
  require_identical(reference, run_to_file(sc, dir.file("t2_b1000.h5"), 2, 1000),
                    "2 threads, block 1000 (ragged last block)");
}

TEST_CASE("determinism: a durable market (planned obsolescence, with the rival) is bit-identical "
          "at 1, 2 and 4 threads and any block size",
          "[determinism][durables]") {
  // Lifetimes drawn at purchase, failures, backlash, negative word of mouth, replacements and
  // durability priced into unit cost all go through the per-block partial sums.
  TempDir dir;
  const std::string path =
      std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/textbook/planned_obsolescence.yaml";
  const msim::Scenario sc = msim::load_scenario_file(
      path, {"consumers=5000", "steps=156", "shocks.rival_enters.enabled=true",
             "firms.Durabox.durability=78", "output.snapshot.size=all"});
  REQUIRE(sc.consumers == 5000);
  const auto reference = run_to_file(sc, dir.file("d1_b4096.h5"), 1, 4096);
  // Every consumer's final state too (the snapshot), ownership and lifetimes included.
  REQUIRE(reference.at("/snapshot/owner").values.size() == 5000);
  REQUIRE(reference.at("/snapshot/goodwill").values.size() == 5000 * 2);
  // The durable metrics are there and the durable story is alive.
  for (const char* metric : {"/market/failures", "/market/replacements", "/market/saturation",
                             "/market/installed_base", "/market/loyalty"})
    REQUIRE(reference.count(metric) == 1);
  double failures = 0.0, replacements = 0.0;
  for (double v : reference.at("/market/failures").values) failures += v;
  for (double v : reference.at("/market/replacements").values) replacements += v;
  REQUIRE(failures > 500.0);
  REQUIRE(replacements > 100.0);

  require_identical(reference, run_to_file(sc, dir.file("d2_b4096.h5"), 2, 4096), "2 threads");
  require_identical(reference, run_to_file(sc, dir.file("d4_b4096.h5"), 4, 4096), "4 threads");
  require_identical(reference, run_to_file(sc, dir.file("d4_b256.h5"), 4, 256),
                    "4 threads, block 256");
  require_identical(reference, run_to_file(sc, dir.file("d2_b1000.h5"), 2, 1000),
                    "2 threads, block 1000 (ragged last block)");
}

TEST_CASE("determinism: relationship programs and audiences are bit-identical at 1, 2 and 4 "
          "threads",
          "[determinism]") {
  // Referral tags, loyalty rewards, retention offers, share of wallet (int64 cents), lapsed
  // customers and an audience with a loyalty range all go through per-block integer sums.
  TempDir dir;
  const std::string path =
      std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/textbook/loyalty_referral.yaml";
  const msim::Scenario sc = msim::load_scenario_file(
      path, {"consumers=6000", "steps=30", "market.wom_window=6",
             "firms.PlainRoast.retention_offer={after_steps: 3, discount: 0.25}",
             "firms.BeanCo.strategy=differentiated",  // (a mass firm takes no audience)
             "firms.BeanCo.audience={age: [18, 50], loyalty: [0, 0.5]}"});
  const auto reference = run_to_file(sc, dir.file("r1.h5"), 1, 4096);
  double referred = 0.0, offers = 0.0, lost = 0.0;
  for (double v : reference.at("/market/referred_customers").values) referred += v;
  for (double v : reference.at("/market/retention_offers").values) offers += v;
  for (double v : reference.at("/market/lost_customers").values) lost += v;
  REQUIRE(referred > 0.0);
  REQUIRE(offers > 0.0);
  REQUIRE(lost > 0.0);
  require_identical(reference, run_to_file(sc, dir.file("r2.h5"), 2, 4096), "2 threads");
  require_identical(reference, run_to_file(sc, dir.file("r4.h5"), 4, 333), "4 threads, block 333");
}

TEST_CASE("determinism: research firms learn the same segments at 1 and 4 threads",
          "[determinism][research]") {
  // Diff studies a small noisy sample every 4 steps; Niche studies once.
  TempDir dir;
  const msim::Scenario sc = msim::load_scenario_text(
      tiny_yaml(), "tiny.yaml",
      {"consumers=30000",
       "firms.Diff.segmentation={kind: research, sample_size: 300, noise_sd: 0.5, "
       "refresh_steps: 4, cost_per_study: 1000}",
       "firms.Niche.segmentation=research"});
  REQUIRE(sc.firms[1].segmentation.kind == msim::SegmentationKind::research);
  const auto reference = run_to_file(sc, dir.file("r1.h5"), 1, 4096);
  REQUIRE(reference.count("/firms/segment_centres") == 1);
  require_identical(reference, run_to_file(sc, dir.file("r4.h5"), 4, 4096), "4 threads");
  require_identical(reference, run_to_file(sc, dir.file("r4_b1000.h5"), 4, 1000),
                    "4 threads, block 1000");
}

TEST_CASE("determinism: a different seed gives different results", "[determinism]") {
  TempDir dir;
  const msim::Scenario a = msim::load_scenario_text(tiny_yaml(), "tiny.yaml", {"consumers=30000"});
  const msim::Scenario b =
      msim::load_scenario_text(tiny_yaml(), "tiny.yaml", {"consumers=30000", "seed=8"});
  REQUIRE(a.seed != b.seed);
  const auto ra = run_to_file(a, dir.file("seed_a.h5"), 2, 4096);
  const auto rb = run_to_file(b, dir.file("seed_b.h5"), 2, 4096);
  for (const char* path : {"/market/units", "/market/awareness", "/segments/units"}) {
    INFO(path);
    CHECK_FALSE(bit_identical(ra.at(path), rb.at(path)));
  }
}

TEST_CASE("determinism: runs that differ only in a budget share their random numbers",
          "[determinism][crn]") {
  // Two mass firms that never meet: Local sells only in the north, Far only in the south.
  // Far's mass advertising reaches northern consumers too, but they can never buy from Far,
  // and goodwill towards Far touches nothing of Local's. Because every draw is keyed by
  // (consumer, step, slot) and not by how many draws came before, changing Far's budget must
  // leave every one of Local's own series bit-identical, while Far's change.
  const std::string yaml = R"(
name: common random numbers
seed: 31
consumers: 30000
steps: 20
market: {outside_utility: -1}
categories:
  - {name: snacks, kind: consumable, base_cost: 1.0, reference_volume: 1000}
  - {name: drinks, kind: consumable, base_cost: 0.8, reference_volume: 1000}
segments:
  - name: young
    share: 0.6
    ideal: {mean: [0.5, 0.5], sd: [0.5, 0.5]}
    purchase_rate: {snacks: {mean: 0.6, shape: 1.0}, drinks: {mean: 0.4, shape: 1.0}}
    regions: {north: 0.5, south: 0.5}
  - name: old
    share: 0.4
    ideal: {mean: [-0.5, 0.0], sd: [0.4, 0.4]}
    purchase_rate: {snacks: {mean: 0.8, shape: 1.2}}
    regions: {north: 0.3, south: 0.7}
firms:
  - {name: Far, strategy: mass, budget_per_year: 1000, regions: [south]}
  - {name: Local, strategy: mass, budget_per_year: 3000, regions: [north]}
)";
  const auto run = [&](double far_budget) {
    const msim::Scenario sc = msim::load_scenario_text(
        yaml, "crn.yaml", {fmt::format("firms.Far.budget_per_year={}", far_budget)});
    msim::MemoryRecorder rec;
    msim::run_simulation(sc, rec);
    return rec;
  };
  const msim::MemoryRecorder base = run(1000), more = run(4000);
  const std::size_t F = 2, S = 2, C = 2, far = 0, local = 1;

  // Local's own series. (market_share, value_share and the segment shares are shares of all
  // units, so they legitimately depend on Far's sales and are left out.)
  for (const char* metric : {"units", "revenue", "customer_share", "penetration", "customers",
                             "new_customers", "awareness", "marketing_spend", "unit_cost", "price",
                             "profit", "cumulative_profit", "roi"}) {
    const auto& a = base.series(fmt::format("/market/{}", metric));
    const auto& b = more.series(fmt::format("/market/{}", metric));
    const auto& ac = base.series(fmt::format("/market/by_category/{}", metric));
    const auto& bc = more.series(fmt::format("/market/by_category/{}", metric));
    for (std::size_t t = 0; t < a.size(); ++t) {
      INFO(metric << " at step " << t);
      CHECK(a[t][local] == b[t][local]);
      for (std::size_t c = 0; c < C; ++c) CHECK(ac[t][c * F + local] == bc[t][c * F + local]);
    }
  }
  for (const char* metric : {"units", "awareness"}) {
    const auto& a = base.series(fmt::format("/segments/{}", metric));
    const auto& b = more.series(fmt::format("/segments/{}", metric));
    for (std::size_t t = 0; t < a.size(); ++t)
      for (std::size_t s = 0; s < S; ++s) {
        INFO("/segments/" << metric << " segment " << s << " step " << t);
        CHECK(a[t][s * F + local] == b[t][s * F + local]);
      }
  }
  // Far's series do change, so the comparison above is not vacuous.
  CHECK(base.series("/market/awareness").back()[far] <
        more.series("/market/awareness").back()[far]);
  double far_units_base = 0, far_units_more = 0, local_units = 0;
  for (const auto& row : base.series("/market/units")) {
    far_units_base += row[far];
    local_units += row[local];
  }
  for (const auto& row : more.series("/market/units")) far_units_more += row[far];
  CHECK(far_units_more > far_units_base);
  CHECK(local_units > 1000.0);
}
