// marketsim summarize --csv: a single run's tables, file names for a prefix, and CSV files that
// are never overwritten without --force nor left half written.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/cli/cli_harness.hpp"

#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/hdf5_file.hpp"

using Catch::Contains;
using Catch::EndsWith;
using Catch::StartsWith;
namespace fs = std::filesystem;

using namespace cli_test;

namespace {

const std::string kTiny = quote((kSource / "scenarios" / "tiny.yaml").string());

/// The first line of a file.
std::string header(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

/// The regular files in `dir`, as names.
std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("cli: summarize --csv writes a single run's summary and market tables", "[cli]") {
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o run.h5 --quiet --set steps=4").code == 0);
  const Result r = marketsim(dir, "summarize run.h5 --csv tables/");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("Tiny market") && Contains("wrote tables/summary.csv\n") &&
                        Contains("wrote tables/market.csv\n"));
  CHECK_THAT(header(dir / "tables" / "summary.csv"),
             StartsWith("firm,strategy,in_market,market_share_fraction,customer_share_fraction,"
                        "penetration_fraction,awareness_fraction,cumulative_profit,"
                        "profit_per_year,roi,share_of_wallet_fraction"));
  CHECK_THAT(header(dir / "tables" / "summary.csv"), EndsWith(",steps_done,steps,complete"));
  CHECK_THAT(slurp(dir / "tables" / "summary.csv"), EndsWith(",4,4,1\n"));
  CHECK_THAT(header(dir / "tables" / "market.csv"), StartsWith("step,week,firm,"));
  CHECK_THAT(slurp(dir / "tables" / "summary.csv"), Contains("\nMass,mass,1,0."));
  CHECK(files_in(dir / "tables") ==
        std::vector<std::string>{"market.csv", "summary.csv", "years.csv"});
  CHECK_THAT(header(dir / "tables" / "years.csv"),
             StartsWith("year,from_step,to_step,from_week,to_week,steps,firm,units,"));
  CHECK_THAT(r.out, Contains("wrote tables/years.csv\n"));
  // A prefix that ends in a separator gets no second one.
  REQUIRE(marketsim(dir, "summarize run.h5 --csv lhs-").code == 0);
  REQUIRE(marketsim(dir, "summarize run.h5 --csv lhs_").code == 0);
  REQUIRE(marketsim(dir, "summarize run.h5 --csv plain").code == 0);
  for (const char* name : {"lhs-summary.csv", "lhs-market.csv", "lhs_summary.csv",
                           "plain-summary.csv", "plain-market.csv"})
    CHECK(fs::exists(dir / name));
  CHECK_FALSE(fs::exists(dir / "lhs--summary.csv"));
  CHECK_FALSE(fs::exists(dir / "lhs_-summary.csv"));
}

TEST_CASE("cli: summarize --csv never overwrites a CSV file without --force", "[cli]") {
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o run.h5 --quiet --set steps=3").code == 0);
  fs::create_directory(dir / "out");
  std::ofstream(dir / "out" / "market.csv") << "my own notes\n";
  const Result refused = marketsim(dir, "summarize run.h5 --csv out/");
  CHECK(refused.code == 2);
  CHECK_THAT(refused.err,
             Contains("--csv 'out/': 'out/market.csv' already exists") && Contains("--force"));
  CHECK(refused.out.empty());
  CHECK(slurp(dir / "out" / "market.csv") == "my own notes\n");
  CHECK(files_in(dir / "out") == std::vector<std::string>{"market.csv"});  // nothing written
  const Result forced = marketsim(dir, "summarize run.h5 --csv out/ --force");
  CHECK(forced.code == 0);
  CHECK_THAT(header(dir / "out" / "market.csv"), StartsWith("step,week,firm,"));
  CHECK(files_in(dir / "out") ==
        std::vector<std::string>{"market.csv", "summary.csv", "years.csv"});

  // An experiment's tables too, naming every file in the way.
  std::string text = slurp(kSource / "scenarios" / "tiny.yaml");
  text.replace(text.find("steps: 12"), 9, "steps: 3");
  std::ofstream(dir / "e.yaml") << text << "experiment:\n  replications: 2\n";
  REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet").code == 0);
  REQUIRE(marketsim(dir, "summarize e.h5 --csv ex").code == 0);
  const std::string runs = slurp(dir / "ex-runs.csv");
  const Result again = marketsim(dir, "summarize e.h5 --csv ex");
  CHECK(again.code == 2);
  CHECK_THAT(again.err, Contains("'ex-runs.csv', 'ex-summary.csv' already exist"));
  CHECK(again.out.empty());
  CHECK(marketsim(dir, "summarize e.h5 --csv ex --force").code == 0);
  CHECK(slurp(dir / "ex-runs.csv") == runs);
  // Written whole through a temporary file, which does not stay behind.
  for (const auto& name : files_in(dir.path)) CHECK_THAT(name, !Contains(".partial"));
}

TEST_CASE("cli: summarize --csv refuses a temporary file it cannot create, naming the CSV",
          "[cli]") {
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o run.h5 --quiet --set steps=2").code == 0);
  fs::create_directories(dir / "out" / "summary.csv.partial" / "inside");
  const Result r = marketsim(dir, "summarize run.h5 --csv out/");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("--csv 'out/': cannot write 'out/summary.csv' ("));
  CHECK(r.out.empty());
  CHECK(files_in(dir / "out").empty());
}

TEST_CASE("cli: summarize --csv refuses to replace what is not a regular file", "[cli]") {
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o run.h5 --quiet --set steps=3").code == 0);
  fs::create_directory(dir / "t");
  REQUIRE(::mkfifo((dir / "t" / "summary.csv").c_str(), 0666) == 0);  // stands for a device
  const Result r = marketsim(dir, "summarize run.h5 --csv t/ --force");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("'t/summary.csv' is not a regular file"));
  CHECK(fs::is_fifo(dir / "t" / "summary.csv"));
  CHECK_FALSE(fs::exists(dir / "t" / "market.csv"));
}

TEST_CASE("cli: summarize on a run's partial file without a finished step says it holds nothing",
          "[cli]") {
  TempDir dir;
  {  // a run killed before its first step finished: its file begun, no rows, complete=0
    const msim::Scenario sc =
        msim::load_scenario_file((kSource / "scenarios" / "tiny.yaml").string());
    auto recorder = msim::make_hdf5_recorder((dir / "t.h5").string());
    recorder->begin(msim::recording_layout(sc, 1));
  }
  REQUIRE(fs::exists(dir / "t.h5.partial"));
  const Result r = marketsim(dir, "summarize t.h5.partial");
  INFO(r.out << r.err);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("'t.h5.partial' is the unfinished file of a run that was "
                             "interrupted or failed before its first step finished (0 of 12 "
                             "steps, complete=0): it holds no results to summarize"));
  CHECK_THAT(r.out, !Contains("not in market"));
}
