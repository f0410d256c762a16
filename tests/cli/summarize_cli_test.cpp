// marketsim summarize --csv: a single run's tables, file names for a prefix, and CSV files that
// are never overwritten without --force nor left half written.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include <hdf5.h>
#include <catch2/catch.hpp>

#include "tests/cli/cli_harness.hpp"

#include "models/csv_replacement.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/hdf5_file.hpp"
#include "tests/csv_cells.hpp"

using Catch::Contains;
using Catch::EndsWith;
using Catch::StartsWith;
namespace fs = std::filesystem;

using namespace cli_test;
using msim::test::digits_and_decimals;

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
  CHECK(files_in(dir / "tables") == std::vector<std::string>{"categories.csv", "columns.csv",
                                                             "market.csv", "summary.csv",
                                                             "years.csv"});
  CHECK_THAT(header(dir / "tables" / "categories.csv"), StartsWith("step,week,category,firm,"));
  CHECK_THAT(header(dir / "tables" / "years.csv"),
             StartsWith("year,from_step,to_step,from_week,to_week,steps,firm,units,"));
  CHECK_THAT(r.out, Contains("wrote tables/years.csv\n"));
  // A monthly run counts months, a yearly one years (whose table has their numbers already), and
  // one of 10 steps a year only steps.
  for (const auto& [per_year, market, years] :
       {std::tuple{"12", "step,month,firm,", "year,from_step,to_step,from_month,to_month,steps,"},
        std::tuple{"1", "step,year,firm,", "year,from_step,to_step,steps,firm,"},
        std::tuple{"10", "step,firm,", "year,from_step,to_step,steps,firm,"}}) {
    INFO(per_year);
    const std::string name = std::string("per") + per_year;
    REQUIRE(marketsim(dir, "run " + kTiny + " -o " + name + ".h5 --quiet --set steps=3 --set " +
                               "steps_per_year=" + per_year)
                .code == 0);
    REQUIRE(marketsim(dir, "summarize " + name + ".h5 --csv " + name + "/").code == 0);
    CHECK_THAT(header(dir / name / "market.csv"), StartsWith(market));
    CHECK_THAT(header(dir / name / "years.csv"), StartsWith(years));
  }
  CHECK_THAT(slurp(dir / "per12" / "market.csv"), Contains("\n2,3,Mass,"));
  CHECK_THAT(slurp(dir / "per12" / "years.csv"), Contains("\n1,0,2,1,3,3,Mass,"));
  // A prefix that ends in a separator gets no second one.
  REQUIRE(marketsim(dir, "summarize run.h5 --csv lhs-").code == 0);
  REQUIRE(marketsim(dir, "summarize run.h5 --csv lhs_").code == 0);
  REQUIRE(marketsim(dir, "summarize run.h5 --csv plain").code == 0);
  for (const char* name : {"lhs-summary.csv", "lhs-market.csv", "lhs_summary.csv",
                           "plain-summary.csv", "plain-market.csv"})
    CHECK(fs::exists(dir / name));
  CHECK_FALSE(fs::exists(dir / "lhs--summary.csv"));
  CHECK_FALSE(fs::exists(dir / "lhs_-summary.csv"));
  // The name of an existing directory, without its '/', is that directory, as --help says.
  fs::create_directory(dir / "existing");
  REQUIRE(marketsim(dir, "summarize run.h5 --csv existing").code == 0);
  CHECK(fs::exists(dir / "existing" / "summary.csv"));
  CHECK_FALSE(fs::exists(dir / "existing-summary.csv"));
  const Result help = marketsim(dir, "summarize --help");
  CHECK_THAT(help.out, Contains("made if missing, or the name of an existing directory) or else "
                                "with a file-name prefix"));
}

TEST_CASE("cli: summarize --csv never overwrites a CSV file without --force", "[cli]") {
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o run.h5 --quiet --set steps=3").code == 0);
  fs::create_directory(dir / "out");
  std::ofstream(dir / "out" / "market.csv") << "my own notes\n";
  // Notes are not a table an earlier --csv wrote, so --force would not help: not suggested.
  const Result refused = marketsim(dir, "summarize run.h5 --csv out/");
  CHECK(refused.code == 2);
  CHECK_THAT(refused.err, Contains("'out/market.csv' is not a table that summarize --csv wrote") &&
                              !Contains("--force to"));
  CHECK(refused.out.empty());
  CHECK(slurp(dir / "out" / "market.csv") == "my own notes\n");
  CHECK(files_in(dir / "out") == std::vector<std::string>{"market.csv"});  // nothing written
  // An earlier table is replaced only with --force.
  std::ofstream(dir / "out" / "market.csv") << "step,old\n";
  const Result table = marketsim(dir, "summarize run.h5 --csv out/");
  CHECK(table.code == 2);
  CHECK_THAT(table.err,
             Contains("--csv 'out/': 'out/market.csv' already exists") && Contains("--force"));
  CHECK(table.out.empty());
  CHECK(slurp(dir / "out" / "market.csv") == "step,old\n");
  std::ofstream(dir / "out" / "market.csv") << "my own notes\n";
  // Notes are not a table an earlier --csv wrote: kept even with --force.
  const Result notes = marketsim(dir, "summarize run.h5 --csv out/ --force");
  CHECK(notes.code == 2);
  CHECK_THAT(notes.err, Contains("'out/market.csv' is not a table that summarize --csv wrote: its "
                                 "first line is 'my own notes'"));
  CHECK(slurp(dir / "out" / "market.csv") == "my own notes\n");
  CHECK(files_in(dir / "out") == std::vector<std::string>{"market.csv"});
  fs::remove(dir / "out" / "market.csv");
  REQUIRE(marketsim(dir, "summarize run.h5 --csv out/").code == 0);
  REQUIRE(marketsim(dir, "run " + kTiny + " -o run.h5 --quiet --force --set steps=4").code == 0);
  const Result forced = marketsim(dir, "summarize run.h5 --csv out/ --force");
  CHECK(forced.code == 0);
  CHECK_THAT(header(dir / "out" / "market.csv"), StartsWith("step,week,firm,"));
  CHECK_THAT(slurp(dir / "out" / "summary.csv"), EndsWith(",4,4,1\n"));  // the new run's
  CHECK(files_in(dir / "out") == std::vector<std::string>{"categories.csv", "columns.csv",
                                                          "market.csv", "summary.csv",
                                                          "years.csv"});

  // An experiment's tables too, naming every file in the way.
  std::string text = slurp(kSource / "scenarios" / "tiny.yaml");
  text.replace(text.find("steps: 12"), 9, "steps: 3");
  std::ofstream(dir / "e.yaml") << text << "experiment:\n  replications: 2\n";
  REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet").code == 0);
  REQUIRE(marketsim(dir, "summarize e.h5 --csv ex").code == 0);
  const std::string runs = slurp(dir / "ex-runs.csv");
  const Result again = marketsim(dir, "summarize e.h5 --csv ex");
  CHECK(again.code == 2);
  CHECK_THAT(again.err,
             Contains("'ex-runs.csv', 'ex-summary.csv', 'ex-columns.csv' already exist"));
  CHECK(again.out.empty());
  CHECK(marketsim(dir, "summarize e.h5 --csv ex --force").code == 0);
  CHECK(slurp(dir / "ex-runs.csv") == runs);
  // Written whole through a temporary file, which does not stay behind.
  for (const auto& name : files_in(dir.path)) CHECK_THAT(name, !Contains(".partial"));
}

TEST_CASE("cli: summarize --csv --force never replaces its input, an HDF5 file or a scenario",
          "[cli]") {
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o t1.h5 --quiet --set steps=3").code == 0);
  const std::string run = slurp(dir / "t1.h5");
  const auto no_partial_files = [&] {
    for (const auto& e : fs::recursive_directory_iterator(dir.path))
      CHECK_THAT(e.path().string(), !Contains(".partial"));
  };
  // The input itself, by a table's name: p-summary.csv is the run summarized.
  fs::copy_file(dir / "t1.h5", dir / "p-summary.csv");
  const Result input = marketsim(dir, "summarize p-summary.csv --csv p --force");
  CHECK(input.code == 2);
  CHECK(input.out.empty());
  CHECK_THAT(input.err, Contains("error: 'p-summary.csv' is an HDF5 file (a run's or an "
                                 "experiment's: the very file summarized, perhaps)") &&
                            Contains("so nothing was written") && Contains("choose another --csv"));
  CHECK(slurp(dir / "p-summary.csv") == run);
  CHECK_FALSE(fs::exists(dir / "p-market.csv"));
  // The same through a directory, and through a hard link to the input.
  fs::create_directory(dir / "cd");
  fs::copy_file(dir / "t1.h5", dir / "cd" / "summary.csv");
  CHECK(marketsim(dir, "summarize cd/summary.csv --csv cd/ --force").code == 2);
  CHECK(slurp(dir / "cd" / "summary.csv") == run);
  fs::create_hard_link(dir / "t1.h5", dir / "h-market.csv");
  const Result linked = marketsim(dir, "summarize t1.h5 --csv h --force");
  CHECK(linked.code == 2);
  CHECK_THAT(linked.err, Contains("'h-market.csv' is an HDF5 file"));
  CHECK(slurp(dir / "t1.h5") == run);
  CHECK_FALSE(fs::exists(dir / "h-summary.csv"));
  // Another run's file, and the scenario a run was made from, by a table's name.
  fs::copy_file(dir / "t1.h5", dir / "o-years.csv");
  fs::copy_file(kSource / "scenarios" / "tiny.yaml", dir / "q-market.csv");
  const std::string scenario = slurp(dir / "q-market.csv");
  REQUIRE(marketsim(dir, "run q-market.csv -o q.h5 --quiet --set steps=3").code == 0);
  // Without --force as with it: not "use --force", and refused before the summary is printed.
  const Result unforced = marketsim(dir, "summarize q.h5 --csv o");
  CHECK(unforced.code == 2);
  CHECK_THAT(unforced.err, Contains("'o-years.csv' is an HDF5 file") && !Contains("--force to"));
  CHECK(unforced.out.empty());
  const Result other = marketsim(dir, "summarize q.h5 --csv o --force");
  CHECK(other.code == 2);
  CHECK_THAT(other.err, Contains("'o-years.csv' is an HDF5 file"));
  const Result named = marketsim(dir, "summarize q.h5 --csv q --force");
  CHECK(named.code == 2);
  CHECK_THAT(named.err, Contains("'q-market.csv' is not a table that summarize --csv wrote: its "
                                 "first line is '") &&
                            Contains("where one of this table starts with 'step,'"));
  CHECK(slurp(dir / "q-market.csv") == scenario);
  CHECK_FALSE(fs::exists(dir / "q-summary.csv"));
  // An experiment's tables alike.
  std::string text = slurp(kSource / "scenarios" / "tiny.yaml");
  text.replace(text.find("steps: 12"), 9, "steps: 3");
  std::ofstream(dir / "e.yaml") << text << "experiment:\n  replications: 2\n";
  REQUIRE(marketsim(dir, "run e.yaml -o e.h5 --quiet").code == 0);
  fs::copy_file(dir / "e.h5", dir / "e-runs.csv");
  const std::string experiment = slurp(dir / "e.h5");
  const Result ex = marketsim(dir, "summarize e-runs.csv --csv e --force");
  CHECK(ex.code == 2);
  CHECK_THAT(ex.err, Contains("'e-runs.csv' is an HDF5 file"));
  CHECK(slurp(dir / "e-runs.csv") == experiment);
  CHECK_FALSE(fs::exists(dir / "e-summary.csv"));
  no_partial_files();
}

TEST_CASE(
    "cli: summarize --csv --force leaves one file's tables, removing an earlier --csv's others",
    "[cli]") {
  TempDir dir;
  std::string tiny = slurp(kSource / "scenarios" / "tiny.yaml");
  tiny.replace(tiny.find("steps: 12"), 9, "steps: 3");
  tiny.replace(tiny.find("consumers: 20000"), 16, "consumers: 2000");
  // Two design points (a differences table), one (none), and a Latin hypercube (a sensitivity
  // table, no differences).
  std::ofstream(dir / "two.yaml")
      << tiny << "experiment:\n  sweep: {firms.Mass.budget_per_year: [20000, 30000]}\n";
  std::ofstream(dir / "one.yaml") << tiny << "experiment:\n  replications: 2\n";
  std::ofstream(dir / "lhs.yaml") << tiny
                                  << "experiment:\n  design: {latin_hypercube: {samples: 3, "
                                     "ranges: {firms.Mass.budget_per_year: [10000, 30000]}}}\n";
  std::ofstream(dir / "run.yaml") << tiny;
  for (const char* name : {"two", "one", "lhs", "run"})
    REQUIRE(marketsim(dir, std::string("run ") + name + ".yaml -o " + name + ".h5 --quiet").code ==
            0);
  REQUIRE(marketsim(dir, "summarize two.h5 --csv out/").code == 0);
  REQUIRE(files_in(dir / "out") ==
          std::vector<std::string>{"columns.csv", "differences.csv", "runs.csv", "summary.csv"});
  // Without --force, nothing is replaced nor removed.
  const Result refused = marketsim(dir, "summarize one.h5 --csv out/");
  CHECK(refused.code == 2);
  CHECK(refused.out.empty());
  CHECK(fs::exists(dir / "out" / "differences.csv"));
  // One design point: no differences table, so the earlier one goes.
  const Result one = marketsim(dir, "summarize one.h5 --csv out/ --force");
  INFO(one.err);
  CHECK(one.code == 0);
  CHECK_THAT(one.out, EndsWith("wrote out/columns.csv\nremoved out/differences.csv (an earlier "
                               "--csv's table of changes against design point 0, which this "
                               "experiment does not have)\n"));
  CHECK(files_in(dir / "out") ==
        std::vector<std::string>{"columns.csv", "runs.csv", "summary.csv"});
  // A single run's tables replace an experiment's: runs.csv goes.
  const Result run = marketsim(dir, "summarize run.h5 --csv out/ --force");
  CHECK(run.code == 0);
  CHECK_THAT(run.out, Contains("removed out/runs.csv (an earlier --csv's table of an experiment, "
                               "which a single run does not have)\n"));
  CHECK(files_in(dir / "out") == std::vector<std::string>{"categories.csv", "columns.csv",
                                                          "market.csv", "summary.csv",
                                                          "years.csv"});
  // And an experiment's replace a single run's (whose summary.csv starts with another column):
  // not refused as "not a table that summarize --csv wrote".
  const Result back = marketsim(dir, "summarize two.h5 --csv out/ --force");
  INFO(back.err);
  CHECK(back.code == 0);
  CHECK_THAT(back.out, Contains("removed out/market.csv (an earlier --csv's table of a single "
                                "run, which an experiment does not have)\n") &&
                           Contains("removed out/years.csv ("));
  CHECK(files_in(dir / "out") ==
        std::vector<std::string>{"columns.csv", "differences.csv", "runs.csv", "summary.csv"});
  CHECK_THAT(header(dir / "out" / "summary.csv"), StartsWith("design_point,"));
  // A Latin hypercube's sensitivity table, then a sweep's tables.
  REQUIRE(marketsim(dir, "summarize lhs.h5 --csv out/ --force").code == 0);
  CHECK(files_in(dir / "out") ==
        std::vector<std::string>{"columns.csv", "runs.csv", "sensitivity.csv", "summary.csv"});
  const Result sweep = marketsim(dir, "summarize two.h5 --csv out/ --force");
  CHECK(sweep.code == 0);
  CHECK_THAT(sweep.out, Contains("removed out/sensitivity.csv ("));
  CHECK_FALSE(fs::exists(dir / "out" / "sensitivity.csv"));
  // Files that are not summarize's tables are never removed, whatever their names.
  std::ofstream(dir / "out" / "market.csv") << "my own notes\n";
  std::ofstream(dir / "out" / "sensitivity.csv") << "";
  const Result notes = marketsim(dir, "summarize one.h5 --csv out/ --force");
  CHECK(notes.code == 0);
  CHECK_THAT(notes.out, Contains("removed out/differences.csv") && !Contains("market.csv") &&
                            !Contains("sensitivity.csv"));
  CHECK(slurp(dir / "out" / "market.csv") == "my own notes\n");
  CHECK(fs::exists(dir / "out" / "sensitivity.csv"));
  // A prefix's tables are its own: p-differences.csv goes, out/'s tables stay.
  REQUIRE(marketsim(dir, "summarize two.h5 --csv out/p").code == 0);
  const Result prefixed = marketsim(dir, "summarize one.h5 --csv out/p --force");
  CHECK(prefixed.code == 0);
  CHECK_THAT(prefixed.out, Contains("removed out/p-differences.csv ("));
  CHECK(files_in(dir / "out") ==
        std::vector<std::string>{"columns.csv", "market.csv", "p-columns.csv", "p-runs.csv",
                                 "p-summary.csv", "runs.csv", "sensitivity.csv", "summary.csv"});
  // Only an earlier table where nothing else is in the way: without --force it is named.
  fs::create_directory(dir / "left");
  fs::copy_file(dir / "out" / "summary.csv", dir / "left" / "differences.csv");
  const Result left = marketsim(dir, "summarize one.h5 --csv left/");
  CHECK(left.code == 2);
  CHECK_THAT(left.err, Contains("--csv 'left/': 'left/differences.csv' (an earlier --csv's table "
                                "of changes against design point 0, which this experiment does "
                                "not have) is left by an earlier --csv") &&
                           Contains("use --force to remove it"));
  CHECK(left.out.empty());
  CHECK(files_in(dir / "left") == std::vector<std::string>{"differences.csv"});
  for (const auto& name : files_in(dir / "out")) CHECK_THAT(name, !Contains(".partial"));
}

TEST_CASE("cli: every table summarize --csv writes is told as its own by its header", "[cli]") {
  TempDir dir;
  std::string tiny = slurp(kSource / "scenarios" / "tiny.yaml");
  tiny.replace(tiny.find("steps: 12"), 9, "steps: 3");
  tiny.replace(tiny.find("consumers: 20000"), 16, "consumers: 2000");
  std::ofstream(dir / "two.yaml") << tiny
                                  << "experiment:\n  sweep: {firms.Mass.markup: [0.5, 0.6]}\n";
  // Swept and sampled keys: the sensitivity table starts with the swept key.
  std::ofstream(dir / "lhs.yaml")
      << tiny
      << "experiment:\n  sweep: {firms.Diff.markup: [0.5, 0.6]}\n  design: {latin_hypercube: "
         "{samples: 3, ranges: {firms.Mass.budget_per_year: [10000, 30000]}}}\n";
  REQUIRE(
      marketsim(dir, "run " + kTiny + " -o run.h5 --quiet --set steps=2 --set scale=0.5").code ==
      0);
  REQUIRE(marketsim(dir, "run two.yaml -o two.h5 --quiet").code == 0);
  REQUIRE(marketsim(dir, "run lhs.yaml -o lhs.h5 --quiet").code == 0);
  std::size_t tables = 0;
  for (const char* file : {"run", "two", "lhs"}) {
    REQUIRE(marketsim(dir, std::string("summarize ") + file + ".h5 --csv " + file + "/").code == 0);
    for (const std::string& name : files_in(dir / file)) {
      INFO(file << "/" << name << ": " << header(dir / file / name));
      CHECK(msim::summarize_header(name.substr(0, name.size() - 4), header(dir / file / name)));
      ++tables;
    }
  }
  CHECK(tables == 5 + 4 + 4);  // a run's 5; a sweep's differences; a hypercube's sensitivity
  CHECK(fs::exists(dir / "lhs" / "sensitivity.csv"));
  CHECK_THAT(header(dir / "lhs" / "sensitivity.csv"), StartsWith("firms.Diff.markup,"));
}

TEST_CASE("cli: summarize --csv refuses a .csv file name, which would be a prefix", "[cli]") {
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o run.h5 --quiet --set steps=2").code == 0);
  fs::create_directory(dir / "out");
  for (const std::string target : {"out/summary.csv", "out/Summary.CSV"}) {
    INFO(target);
    const Result r = marketsim(dir, "summarize run.h5 --csv " + target);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("--csv '" + target +
                               "': expected a directory (DIR/) or a "
                               "file-name prefix, not a .csv file") &&
                          Contains("would give '" + target + "-summary.csv'"));
    CHECK(r.out.empty());
  }
  CHECK_THAT(marketsim(dir, "summarize run.h5 --csv out/summary.csv").err,
             Contains("use --csv 'out/summary/' for 'out/summary/summary.csv' and the rest, or "
                      "--csv 'out/summary' for 'out/summary-summary.csv'"));
  // The prefix suggested is spelt as --csv would take it: no second separator, no '//'.
  CHECK_THAT(marketsim(dir, "summarize run.h5 --csv out/t_.csv").err,
             Contains("or --csv 'out/t_' for 'out/t_summary.csv'"));
  CHECK_THAT(marketsim(dir, "summarize run.h5 --csv out/.csv").err,
             Contains("use --csv 'out/' for 'out/summary.csv' and the rest\n"));
  CHECK(files_in(dir / "out").empty());  // nothing written
  // A directory of that name is a directory.
  fs::create_directory(dir / "tables.csv");
  CHECK(marketsim(dir, "summarize run.h5 --csv tables.csv").code == 0);
  CHECK(fs::exists(dir / "tables.csv" / "market.csv"));
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

namespace {

/// The rows of the CSV file `p`.
std::vector<std::vector<std::string>> csv_rows(const fs::path& p) {
  return msim::test::csv_rows(slurp(p));
}

/// columns.csv of `file`, which summarize wrote to DIR/t/ before, is, like the other files, not
/// overwritten without --force (and nothing is written then), nor with it when it is not a
/// columns table; with a prefix it is PREFIX-columns.csv.
void check_columns_file(const TempDir& dir, const std::string& file, const std::string& prefix) {
  fs::create_directory(dir / "u");
  std::ofstream(dir / "u" / "columns.csv") << "my own notes\n";
  const Result refused = marketsim(dir, "summarize " + file + " --csv u/");
  CHECK(refused.code == 2);
  CHECK_THAT(refused.err, Contains("'u/columns.csv' is not a table that summarize --csv wrote") &&
                              !Contains("--force to"));
  CHECK(refused.out.empty());
  CHECK(files_in(dir / "u") == std::vector<std::string>{"columns.csv"});
  CHECK(slurp(dir / "u" / "columns.csv") == "my own notes\n");
  CHECK(marketsim(dir, "summarize " + file + " --csv u/ --force").code == 2);
  CHECK(slurp(dir / "u" / "columns.csv") == "my own notes\n");
  // An earlier columns table is replaced, with --force only.
  std::ofstream(dir / "u" / "columns.csv") << header(dir / "t" / "columns.csv") << "\nold\n";
  const Result table = marketsim(dir, "summarize " + file + " --csv u/");
  CHECK(table.code == 2);
  CHECK_THAT(table.err,
             Contains("--csv 'u/': 'u/columns.csv' already exists") && Contains("--force"));
  REQUIRE(marketsim(dir, "summarize " + file + " --csv u/ --force").code == 0);
  CHECK(slurp(dir / "u" / "columns.csv") == slurp(dir / "t" / "columns.csv"));
  REQUIRE(marketsim(dir, "summarize " + file + " --csv " + prefix).code == 0);
  CHECK(slurp(dir / (prefix + "-columns.csv")) == slurp(dir / "t" / "columns.csv"));
}

}  // namespace

TEST_CASE(
    "cli: summarize --csv writes an experiment's numbers without binary noise and "
    "columns.csv with each runs column's unit",
    "[cli]") {
  TempDir dir;
  const fs::path stress = kSource / "scenarios" / "planning" / "budget_stress_test.yaml";
  REQUIRE(marketsim(dir, "run " + quote(stress.string()) +
                             " -o s.h5 --quiet --set steps=30 --set scale=0.1"
                             " --set experiment.replications=2")
              .code == 0);
  const Result r = marketsim(dir, "summarize s.h5 --csv t/");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("wrote t/runs.csv\nwrote t/summary.csv\nwrote t/differences.csv\n"
                             "wrote t/columns.csv\n"));
  const auto runs = csv_rows(dir / "t" / "runs.csv");
  const auto columns = csv_rows(dir / "t" / "columns.csv");
  REQUIRE(runs.size() == 4 * 2 + 1);
  // One row per runs.csv column, in order, each with a unit; the key results' are the
  // summary's unit strings.
  REQUIRE(columns.size() == runs[0].size() + 1);
  CHECK(columns[0] == std::vector<std::string>{"column", "metric", "firm", "unit", "meaning"});
  const std::vector<std::string> units = {"fraction", "money over the run", "money per year",
                                          "money per money of marketing"};
  std::vector<bool> money(runs[0].size(), false);
  for (std::size_t c = 0; c < runs[0].size(); ++c) {
    const auto& row = columns[c + 1];
    INFO(runs[0][c]);
    REQUIRE(row.size() == 5);
    CHECK(row[0] == runs[0][c]);
    CHECK_FALSE(row[3].empty());
    CHECK_FALSE(row[4].empty());
    if (!row[2].empty() && row[1] != "in_market") {
      CHECK(row[0] == row[1] + ":" + row[2]);
      CHECK(std::find(units.begin(), units.end(), row[3]) != units.end());
    }
    money[c] = row[3].rfind("money ", 0) == 0 && row[3] != "money per money of marketing";
  }
  const auto share = std::find_if(columns.begin(), columns.end(), [](const auto& row) {
    return row[0] == "market_share:MegaMeals";
  });
  REQUIRE(share != columns.end());
  CHECK(*share ==
        std::vector<std::string>{"market_share:MegaMeals", "market_share", "MegaMeals", "fraction",
                                 "market_share of firm 'MegaMeals': unit share in the last step"});
  CHECK(columns.back() ==
        std::vector<std::string>{"scale", "scale", "", "factor",
                                 "the market's scale: its money and unit totals are about this "
                                 "times the full market's"});
  // No number but a seed has more than 12 significant digits, and money at most 2 decimals.
  const std::size_t seed =
      static_cast<std::size_t>(std::find(runs[0].begin(), runs[0].end(), "seed") - runs[0].begin());
  std::size_t reals = 0;
  for (std::size_t k = 1; k < runs.size(); ++k)
    for (std::size_t c = 0; c < runs[k].size(); ++c) {
      const std::string& cell = runs[k][c];
      if (c == seed || cell.empty() || cell.find_first_not_of("0123456789.-+e") != cell.npos)
        continue;
      INFO(runs[0][c] << " = " << cell);
      reals += cell.find('.') != cell.npos ? 1 : 0;
      CHECK(digits_and_decimals(cell).first <= 12);
      if (money[c]) CHECK(digits_and_decimals(cell).second <= 2);
    }
  CHECK(reals > 0);
  for (const char* table : {"summary.csv", "differences.csv"}) {
    const auto rows = csv_rows(dir / "t" / table);
    const std::size_t unit = static_cast<std::size_t>(
        std::find(rows[0].begin(), rows[0].end(), "unit") - rows[0].begin());
    const std::size_t mean = static_cast<std::size_t>(
        std::find(rows[0].begin(), rows[0].end(), "mean") - rows[0].begin());
    REQUIRE(mean < rows[0].size());
    for (std::size_t k = 1; k < rows.size(); ++k)
      for (std::size_t c = mean; c < rows[k].size(); ++c) {
        const std::string& cell = rows[k][c];
        if (cell.empty()) continue;
        INFO(table << ": " << rows[0][c] << " of " << rows[k][unit] << " = " << cell);
        CHECK(digits_and_decimals(cell).first <= 12);
        // Plain decimals: small changes of shares (0.0000284...) too, never an exponent.
        CHECK(cell.find_first_not_of("0123456789.-") == cell.npos);
        if (rows[k][unit].rfind("money ", 0) == 0 &&
            rows[k][unit] != "money per money of marketing")
          CHECK(digits_and_decimals(cell).second <= 2);
      }
  }

  check_columns_file(dir, "s.h5", "stress");
}

TEST_CASE(
    "cli: summarize --csv writes a single run's numbers without binary noise and columns.csv "
    "with each column's unit",
    "[cli]") {
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o run.h5 --quiet").code == 0);
  const Result r = marketsim(dir, "summarize run.h5 --csv t/");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("wrote t/summary.csv\nwrote t/market.csv\nwrote t/categories.csv\n"
                             "wrote t/years.csv\nwrote t/columns.csv\n"));
  const auto described = csv_rows(dir / "t" / "columns.csv");
  CHECK_FALSE(described.empty());
  if (!described.empty())
    CHECK(described[0] == std::vector<std::string>{"table", "column", "unit", "meaning"});
  std::size_t next = 1, reals = 0, money_cells = 0;
  for (const char* table : {"summary", "market", "categories", "years"}) {
    const auto rows = csv_rows(dir / "t" / (std::string(table) + ".csv"));
    REQUIRE(rows.size() > 1);
    for (std::size_t c = 0; c < rows[0].size(); ++c) {
      // Every column is in columns.csv, in order, with a unit and a meaning.
      const auto doc = next < described.size() ? described[next] : std::vector<std::string>{};
      ++next;
      const std::string unit = doc.size() > 2 ? doc[2] : "";
      INFO(table << "." << rows[0][c] << " (" << unit << ")");
      CHECK(doc.size() == 4);
      CHECK(doc == std::vector<std::string>{table, rows[0][c], unit, doc.size() > 3 ? doc[3] : ""});
      CHECK_FALSE(unit.empty());
      CHECK_FALSE((doc.size() > 3 && doc[3].empty()));
      // Sums of money are whole cents; a price, a unit cost or CLV keeps its digits.
      const bool money = unit == "money" || unit.rfind("money over ", 0) == 0;
      // No cell has more than 12 significant digits, and sums of money at most 2 decimals.
      for (std::size_t k = 1; k < rows.size(); ++k) {
        const std::string& cell = rows[k][c];
        if (cell.empty() || cell.find_first_not_of("0123456789.-+e") != cell.npos) continue;
        INFO(cell);
        const auto [digits, decimals] = digits_and_decimals(cell);
        CHECK(digits <= 12);
        reals += decimals > 0 ? 1 : 0;
        if (money) {
          ++money_cells;
          CHECK(decimals <= 2);
        }
      }
    }
  }
  CHECK(next == described.size());
  CHECK(reals > 0);
  CHECK(money_cells > 0);
  const auto unit = [&](const std::string& table, const std::string& column) {
    for (const auto& row : described)
      if (row.size() == 4 && row[0] == table && row[1] == column) return row[2];
    return std::string();
  };
  CHECK(unit("market", "price") == "money per unit");
  CHECK(unit("market", "profit") == "money");
  CHECK(unit("summary", "profit_per_year") == "money per year");
  CHECK(unit("years", "marketing_spend") == "money over the year");
  // An average price paid is not rounded to cents: 1.1226977518734387 is 1.12269775187.
  const auto market = csv_rows(dir / "t" / "market.csv");
  REQUIRE(market.size() > 1);
  const auto price = static_cast<std::size_t>(
      std::find(market[0].begin(), market[0].end(), "price") - market[0].begin());
  REQUIRE(price < market[0].size());
  std::size_t precise = 0;
  for (std::size_t k = 1; k < market.size(); ++k)
    precise += digits_and_decimals(market[k][price]).second > 2 ? 1 : 0;
  CHECK(precise > 0);

  check_columns_file(dir, "run.h5", "tiny");
  CHECK(slurp(dir / "tiny-market.csv") == slurp(dir / "t" / "market.csv"));
}

TEST_CASE("cli: summarize --csv gives a single run's CLV with its digits, as market.csv does",
          "[cli]") {
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o run.h5 --quiet --set steps=60").code == 0);
  REQUIRE(marketsim(dir, "summarize run.h5 --csv t/").code == 0);
  const auto summary = csv_rows(dir / "t" / "summary.csv");
  const auto market = csv_rows(dir / "t" / "market.csv");
  REQUIRE(summary.size() > 1);
  REQUIRE(market.size() > 1);
  const auto column = [](const std::vector<std::string>& header, const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const std::size_t clv = column(summary[0], "clv"), firm = column(summary[0], "firm");
  const std::size_t m_clv = column(market[0], "clv"), m_firm = column(market[0], "firm");
  REQUIRE(clv < summary[0].size());
  REQUIRE(m_clv < market[0].size());
  std::size_t precise = 0;
  for (std::size_t r = 1; r < summary.size(); ++r) {
    // The summary's CLV is the last step's: the last row of the firm in market.csv.
    std::string last;
    for (std::size_t k = 1; k < market.size(); ++k)
      if (market[k][m_firm] == summary[r][firm]) last = market[k][m_clv];
    INFO(summary[r][firm]);
    CHECK(summary[r][clv] == last);
    precise += digits_and_decimals(summary[r][clv]).second > 2 ? 1 : 0;
  }
  CHECK(precise > 0);
}

TEST_CASE("cli: summarize --csv writes a design point's key values in full, so --set reruns it",
          "[cli]") {
  TempDir dir;
  const Result run = marketsim(
      dir, "run " + kTiny +
               " -o e.h5 --quiet --set consumers=2000 --set experiment.replications=1 --set "
               "\"experiment.sweep={firms.Mass.budget_per_year: [40000.123456789012, 2e4]}\"");
  INFO(run.err);
  REQUIRE(run.code == 0);
  REQUIRE(marketsim(dir, "summarize e.h5 --csv t/").code == 0);
  for (const char* table : {"runs.csv", "summary.csv", "differences.csv"}) {
    const auto rows = csv_rows(dir / "t" / table);
    REQUIRE(rows.size() > 1);
    const auto key = static_cast<std::size_t>(
        std::find(rows[0].begin(), rows[0].end(), "firms.Mass.budget_per_year") - rows[0].begin());
    REQUIRE(key < rows[0].size());
    INFO(table);
    CHECK(rows[1][key] ==
          (std::string(table) == "differences.csv" ? "20000" : "40000.12345678901"));
  }
}

namespace {

/// A run-like file at `path` whose /market/market_share has a column for each of `columns`
/// (along a dimension of its own) while /firms/name, when `firms` is not empty, names `firms`.
/// Replaces the string list `dataset` of the file at `path` by one of the single `value`.
void replace_with_one_string(const std::string& path, const char* dataset, const char* value) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  REQUIRE(H5Ldelete(file, dataset, H5P_DEFAULT) >= 0);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  const hsize_t one = 1;
  const hid_t space = H5Screate_simple(1, &one, nullptr);
  const hid_t data = H5Dcreate2(file, dataset, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE(data >= 0);
  const char* values[] = {value};
  REQUIRE(H5Dwrite(data, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0);
  H5Dclose(data);
  H5Sclose(space);
  H5Tclose(type);
  H5Fclose(file);
}

void write_odd_run(const std::string& path, const std::vector<std::string>& firms,
                   const std::vector<std::string>& columns) {
  msim::RecordingLayout l;
  l.attributes = {{"scenario_name", std::string("odd")},
                  {"consumers", std::int64_t{10}},
                  {"steps", std::int64_t{2}},
                  {"steps_per_year", std::int64_t{52}},
                  {"wall_seconds", 0.1}};
  l.dims.push_back({"column", "/columns/name", columns, "a column"});
  if (!firms.empty()) {
    l.dims.push_back({"firm", "/firms/name", firms, "firm name"});
    l.labels.push_back({"/firms/strategy", "firm", firms, "strategy of each firm"});
  }
  l.series.push_back({"/market/market_share", {"column"}, "fraction", "share"});
  auto recorder = msim::make_hdf5_recorder(path);
  recorder->begin(l);
  for (std::int64_t step = 0; step < 2; ++step)
    recorder->record(step, {std::vector<double>(columns.size(), 0.5)});
  recorder->finish({}, true);
}

}  // namespace

TEST_CASE("cli: summarize names the file and the dataset that is missing or mis-shaped", "[cli]") {
  TempDir dir;
  write_odd_run(dir.file("nameless.h5"), {}, {"A", "B"});
  Result r = marketsim(dir, "summarize nameless.h5");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("'nameless.h5' has no /firms/name, the firms' names") &&
                        !Contains("no /market/market_share"));

  write_odd_run(dir.file("odd.h5"), {"A", "B", "C"}, {"A", "B"});
  r = marketsim(dir, "summarize odd.h5 --csv out/");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("'odd.h5': /market/market_share has shape [2, 2]; expected "
                             "[steps, 3] (a row per step, a column for each of the 3 firms in "
                             "/firms/name)"));
  CHECK(r.out.empty());
  CHECK_FALSE(fs::exists(dir / "out"));

  // One strategy for two firms: read past its end, summarize crashed (a segmentation fault).
  write_odd_run(dir.file("short.h5"), {"A", "B"}, {"A", "B"});
  replace_with_one_string(dir.file("short.h5"), "/firms/strategy", "mass");
  r = marketsim(dir, "summarize short.h5");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("'short.h5': /firms/strategy has 1 entries; expected 2, one for "
                             "each of the 2 firms in /firms/name"));
}

TEST_CASE("cli: summarize --csv of a file without figures by category writes the other tables",
          "[cli]") {
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o old.h5 --quiet --set steps=2 --set consumers=2000")
              .code == 0);
  const hid_t file = H5Fopen(dir.file("old.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  REQUIRE(H5Ldelete(file, "/market/by_category", H5P_DEFAULT) >= 0);
  H5Fclose(file);
  const Result r = marketsim(dir, "summarize old.h5 --csv t/");
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(files_in(dir / "t") ==
        std::vector<std::string>{"columns.csv", "market.csv", "summary.csv", "years.csv"});
}

TEST_CASE("cli: summarize of a file that is not there says what is there in its place", "[cli]") {
  TempDir dir;
  const Result none = marketsim(dir, "summarize e.h5");
  CHECK(none.code == 2);
  CHECK_THAT(none.err, Contains("cannot open 'e.h5': no such file") && !Contains("partial"));
  // An experiment split into parts, one of them finished: its runs wait in e.h5.runs.
  REQUIRE(marketsim(dir, "run " + kTiny +
                             " -o e.h5 --quiet --part 1/2 --set steps=2 --set consumers=2000 "
                             "--set experiment.replications=2")
              .code == 0);
  const Result runs = marketsim(dir, "summarize e.h5");
  CHECK(runs.code == 2);
  CHECK_THAT(runs.err,
             Contains("no such file; 'e.h5.runs' holds the finished runs") && Contains("--resume"));
  std::ofstream(dir / "e.h5.partial") << "cut short";
  const Result partial = marketsim(dir, "summarize e.h5");
  CHECK(partial.code == 2);
  CHECK_THAT(partial.err, Contains("'e.h5.partial' is there") &&
                              Contains("`marketsim summarize e.h5.partial`") &&
                              Contains("'e.h5.runs' holds"));
  CHECK_FALSE(fs::exists(dir / "e.h5"));
}
