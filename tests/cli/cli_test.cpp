// Tests for the marketsim program: exit codes (0 ok, 2 bad input), error text that names file,
// line and key, and output files that are written only when a run succeeds.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "tests/cli/cli_harness.hpp"
#include "tests/same_bits.hpp"

#include "models/scenario_load.hpp"
#include "models/strategy.hpp"
#include "models/version.hpp"
#include "sim/hdf5_file.hpp"

using Catch::Contains;
using Catch::EndsWith;
using Catch::StartsWith;
namespace fs = std::filesystem;

using namespace cli_test;

namespace {

const fs::path kTiny = kSource / "scenarios" / "tiny.yaml";

// The strategies the marketsim program knows: this process's registry before any test case
// adds one of its own (tests/cli/app_test.cpp registers two; a namespace-scope copy is made
// before main runs, so the binary run whole agrees with ctest's one case at a time).
const std::vector<msim::StrategyInfo> kShipped = msim::strategy_registry();

/// Every /market dataset of a run file, by path.
std::vector<std::pair<std::string, msim::Table>> market_tables(const fs::path& file) {
  const msim::Hdf5Reader r(file.string());
  std::vector<std::pair<std::string, msim::Table>> out;
  for (const std::string group : {"/market", "/market/by_category"})
    for (const auto& name : r.list(group)) {
      if (name == "by_category") continue;
      out.emplace_back(group + "/" + name, r.table(group + "/" + name));
    }
  return out;
}

/// The 1-based line of the first occurrence of `needle` in `text`.
int line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  REQUIRE(at != std::string::npos);
  return 1 + static_cast<int>(
                 std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

}  // namespace

TEST_CASE("cli: strategies lists every registered strategy", "[cli]") {
  TempDir dir;
  const Result r = marketsim(dir, "strategies");
  CHECK(r.code == 0);
  for (const auto& info : kShipped) {
    INFO(info.name);
    CHECK_THAT(r.out, Contains(info.name));
    for (const auto& p : info.params) CHECK_THAT(r.out, Contains(p.key));
  }
  for (const char* name : {"mass", "differentiated", "niche", "one_to_one"})
    CHECK_THAT(r.out, Contains(name));
}

TEST_CASE("cli: strategies lines up its columns", "[cli]") {
  TempDir dir;
  const Result r = marketsim(dir, "strategies");
  REQUIRE(r.code == 0);
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  // Every parameter's type, default and meaning start in the same columns in every table.
  std::size_t type = 0, value = 0, meaning = 0;
  for (const auto& info : kShipped) {
    const auto table = std::find(lines.begin(), lines.end(), info.name);
    REQUIRE(table != lines.end());
    for (const auto& p : info.params) {
      INFO(info.name << "." << p.key);
      const auto row = std::find_if(table, lines.end(), [&](const std::string& line) {
        return line.rfind("    " + p.key + " ", 0) == 0;
      });
      REQUIRE(row != lines.end());
      const std::size_t t = row->find(p.type, 4 + p.key.size());
      const std::size_t v = row->find("default " + p.default_value, t + p.type.size());
      const std::size_t m = row->find(p.meaning, v);
      REQUIRE(m != std::string::npos);
      if (type == 0) std::tie(type, value, meaning) = std::tuple(t, v, m);
      CHECK(t == type);
      CHECK(v == value);
      CHECK(m == meaning);
    }
  }
}

TEST_CASE("cli: strategies names every firm key the loader takes", "[cli]") {
  TempDir dir;
  const Result r = marketsim(dir, "strategies");
  REQUIRE(r.code == 0);
  // The keys in the footer, "Every firm also takes: a, b, c. ...".
  const std::string intro = "Every firm also takes: ";
  const auto at = r.out.find(intro);
  REQUIRE(at != std::string::npos);
  const std::string list =
      r.out.substr(at + intro.size(), r.out.find(". ", at) - at - intro.size());
  std::set<std::string> footer;
  for (std::size_t from = 0, comma = 0; comma != std::string::npos; from = comma + 2) {
    comma = list.find(", ", from);
    footer.insert(list.substr(from, comma - from));
  }
  // The loader's: its error for an unknown firm key lists the keys it knows, which are the
  // firm's own and its strategy's parameters.
  const msim::Scenario sc = msim::load_scenario_file(kTiny.string());
  for (const auto& firm : sc.firms) {
    INFO(firm.name << " (" << firm.strategy << ")");
    const Result bad = marketsim(
        dir, "validate " + quote(kTiny.string()) + " --set firms." + firm.name + ".zzzzzzzzzzzz=1");
    REQUIRE(bad.code == 2);
    const std::string known = "known keys: ";
    const auto from = bad.err.find(known);
    REQUIRE(from != std::string::npos);
    std::set<std::string> keys;
    std::istringstream words(
        bad.err.substr(from + known.size(), bad.err.find(')', from) - from - known.size()));
    for (std::string word; std::getline(words >> std::ws, word, ',');) keys.insert(word);
    for (const auto& p : msim::find_strategy(firm.strategy).params) keys.erase(p.key);
    CHECK(footer == keys);
  }
}

TEST_CASE("cli: validate prints the resolved scenario", "[cli]") {
  TempDir dir;
  const Result r = marketsim(dir, "validate " + quote(kTiny.string()));
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Contains("is valid") && Contains("firms:") && Contains("segments:"));
  // What it prints is YAML that loads to the same scenario.
  const msim::Scenario printed = msim::load_scenario_text(r.out, "validate output");
  const msim::Scenario file = msim::load_scenario_file(kTiny.string());
  CHECK(msim::resolved_yaml(printed) == msim::resolved_yaml(file));
  CHECK_THAT(r.out, Contains(msim::resolved_yaml(file)));
  // Overrides apply.
  const Result set = marketsim(dir, "validate " + quote(kTiny.string()) + " --set consumers=1234");
  CHECK(set.code == 0);
  CHECK_THAT(set.out, Contains("consumers: 1234"));
  // It says what the consumers need in memory (1234 x the bytes per consumer).
  CHECK_THAT(set.out, Contains("# Memory: about 0.1 MB for the state of 1234 consumers (") &&
                          Contains("available on this machine."));
  CHECK(set.err.empty());
  // Each firm's budget per year and per week beside what week 1 spent and charged, so that a
  // budget written per week stands out; a firm that enters later says so.
  CHECK_THAT(r.out, Contains("\n#   Mass (mass): budget 40.0k a year (769 a week); spent 769; "
                             "price snacks 1.20, drinks 0.96\n"));
  const Result later = marketsim(dir, "validate " + quote(kTiny.string()) +
                                          " --set 'shocks=[{step: 3, kind: enter, firm: Niche}]'");
  CHECK_THAT(later.out, Contains("\n#   Niche (niche): budget 10.0k a year (192 a week); not in "
                                 "the market in week 1\n"));
  // An experiment's runs are its design points: a swept markup shows each point's prices, and a
  // firm the design does not change keeps one line.
  const Result swept = marketsim(
      dir, "validate " + quote(kTiny.string()) +
               " --set 'experiment.sweep={firms.Mass.markup: [0.1, 0.5], consumers: [1e3, 2e3]}'");
  CHECK(swept.code == 0);
  CHECK_THAT(swept.out,
             Contains("(checked on a small population, each design point)") &&
                 Contains("\n#   Mass (mass), by design point:\n#     0 (firms.Mass.markup=0.1, "
                          "consumers=1e3): budget 40.0k a year (769 a week); spent 769; price "
                          "snacks 1.10, drinks 0.88\n") &&
                 Contains("\n#     3 (firms.Mass.markup=0.5, consumers=2e3): budget 40.0k a year "
                          "(769 a week); spent 769; price snacks 1.50, drinks 1.20\n") &&
                 Contains("\n#   Diff (differentiated): budget 30.0k a year (577 a week); spent "
                          "577; fixed costs 231; price snacks 1.35, drinks 1.08\n"));
}

TEST_CASE("cli: a value that looks like a slip is a warning, and the run goes on", "[cli]") {
  TempDir dir;
  const std::string markup = " --set firms.Mass.markup=50";
  const Result v = marketsim(dir, "validate " + quote(kTiny.string()) + markup);
  CHECK(v.code == 0);
  CHECK_THAT(v.err, Contains("warning: --set 'firms.Mass.markup=50': key 'firms.Mass.markup': a "
                             "markup of 50 sets the price at 51 times the unit cost"));
  const Result r = marketsim(dir, "run " + quote(kTiny.string()) + " -o m.h5 --quiet" + markup);
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Contains("warning: ") && Contains("a markup of 50"));
  CHECK(fs::exists(dir / "m.h5"));
  // Swept in the file, the value is named at its sweep key's line, not as a --set never typed.
  std::ofstream(dir / "swept.yaml")
      << slurp(kTiny) << "experiment:\n  sweep:\n    firms.Mass.markup: [0.5, 50]\n";
  const Result swept = marketsim(dir, "validate swept.yaml");
  CHECK(swept.code == 0);
  CHECK_THAT(swept.err, Contains("warning: swept.yaml:39:") &&
                            Contains("key 'experiment.sweep.firms.Mass.markup': value 50: a "
                                     "markup of 50 sets the price at 51 times the unit cost") &&
                            !Contains("--set"));
  // Every shipped scenario is free of them.
  for (const auto& entry : fs::recursive_directory_iterator(kSource / "scenarios"))
    if (entry.path().extension() == ".yaml") {
      const Result s = marketsim(dir, "validate " + quote(entry.path().string()));
      INFO(entry.path() << "\n" << s.err);
      CHECK(s.code == 0);
      CHECK(s.err.find("warning") == std::string::npos);
    }
}

TEST_CASE("cli: validate counts an experiment's populations held at once", "[cli]") {
  TempDir dir;
  // 120 runs of 5,000 consumers, branched at week 26: small runs go on up to one per thread,
  // and each keeps its history beside the variant, so at least two copies.
  const fs::path planning = kSource / "scenarios" / "planning" / "budget_stress_test.yaml";
  const Result r = marketsim(dir, "validate " + quote(planning.string()));
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Contains("copies of the largest run's 5000 consumers (") &&
                        Contains("a branch keeps its history beside each variant."));
  // A single run of an experiment is one population.
  const Result one =
      marketsim(dir, "validate " + quote(kTiny.string()) + " --set experiment.replications=1");
  CHECK(one.code == 0);
  CHECK_THAT(one.out, Contains("for the state of the largest run's ") && !Contains("copies of") &&
                          !Contains("Held at once"));
}

TEST_CASE("cli: a bad scenario exits 2, names file, line and key, and writes nothing", "[cli]") {
  TempDir dir;
  std::string text = slurp(kTiny);
  const std::string firm = "{name: Mass, strategy: mass, budget_per_year: 40000";
  const int line = line_of(text, firm);
  text.replace(text.find(firm), firm.size(), firm + ", markupp: 0.2");
  std::ofstream(dir / "bad.yaml") << text;

  for (const std::string cmd :
       {"run bad.yaml -o out.h5 --quiet", "run bad.yaml -o out.h5", "validate bad.yaml"}) {
    INFO(cmd);
    const Result r = marketsim(dir, cmd);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("bad.yaml:" + std::to_string(line) + ":") &&
                          Contains("firms.Mass.markupp") && Contains("did you mean 'markup'?"));
    CHECK_FALSE(fs::exists(dir / "out.h5"));
    CHECK_FALSE(fs::exists(dir / "out.h5.partial"));
    CHECK_FALSE(fs::exists(dir / "tiny.h5"));  // the scenario's own output.path
  }
  // A missing scenario file is bad input too.
  const Result missing = marketsim(dir, "run nowhere.yaml -o out.h5");
  CHECK(missing.code == 2);
  CHECK_THAT(missing.err, Contains("nowhere.yaml"));
  CHECK_FALSE(fs::exists(dir / "out.h5"));
}

TEST_CASE("cli: a bad market-research study exits 2 and names the key and the line", "[cli]") {
  TempDir dir;
  std::string text = slurp(kTiny);
  const std::string firm = "{name: Mass, strategy: mass, budget_per_year: 40000";
  const int line = line_of(text, firm);
  text.replace(text.find(firm), firm.size(),
               firm + ", segmentation: {kind: research, sample_size: 2, clusters: 3}");
  std::ofstream(dir / "bad.yaml") << text;
  const Result r = marketsim(dir, "run bad.yaml -o out.h5 --quiet");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("bad.yaml:" + std::to_string(line) + ":") &&
                        Contains("firms.Mass.segmentation.sample_size") && Contains("got \"2\"") &&
                        Contains("at least clusters (3)"));
  CHECK_FALSE(fs::exists(dir / "out.h5"));
  const Result kind = marketsim(
      dir, "validate " + quote(kTiny.string()) + " --set firms.Diff.segmentation=resarch");
  CHECK(kind.code == 2);
  CHECK_THAT(kind.err, Contains("firms.Diff.segmentation") && Contains("did you mean 'research'"));
}

TEST_CASE("cli: a price past the limit, reached in the middle of a run, exits 2 and writes nothing",
          "[cli]") {
  TempDir dir;
  const Result r = marketsim(
      dir, "run " + quote(kTiny.string()) +
               " -o t.h5 --set categories.snacks.base_cost=1e6 --set firms.Mass.markup=0.2"
               " --set 'shocks=[{step: 2, kind: cost, firm: Mass, multiply: 1000}]'");
  CHECK(r.code == 2);
  // Named where the scenario set the price's markup and the cost it is based on.
  CHECK_THAT(r.err, Contains("error: --set 'firms.Mass.markup=0.2': key 'firms.Mass.markup': at "
                             "step 2, firm 'Mass' would sell snacks at 1.2e+09") &&
                        Contains("lower the category's base_cost (--set "
                                 "'categories.snacks.base_cost=1e6': key "
                                 "'categories.snacks.base_cost')"));
  CHECK_FALSE(fs::exists(dir / "t.h5"));
  CHECK_FALSE(fs::exists(dir / "t.h5.partial"));
}

TEST_CASE(
    "cli: a price past the limit is named at the file's line of the markup, the price or "
    "the firm, and of the base cost",
    "[cli]") {
  TempDir dir;
  std::ofstream(dir / "dear.yaml")
      << "name: dear\nconsumers: 2000\nsteps: 3\ncategories:\n"
         "  - {name: gems, base_cost: 9e8}\nsegments:\n"
         "  - {name: all, share: 1, ideal: {mean: [0, 0], sd: [1, 1]},\n"
         "     price_sensitivity: {mean: 1, sd: 0.1}, purchase_rate: {gems: {mean: 0.5}}}\n"
         "firms:\n"
         "  - {name: A, strategy: mass, budget_per_year: 1000, markup: 0.5}\n"
         "  - {name: B, strategy: mass, budget_per_year: 1000, price: 9e8}\n";
  const Result markup = marketsim(dir, "run dear.yaml -o t.h5 --quiet");
  CHECK(markup.code == 2);
  CHECK_THAT(markup.err,
             Contains("dear.yaml:10:62: key 'firms.A.markup': at step 0, firm 'A'") &&
                 Contains("base_cost (dear.yaml:5:29: key 'categories.gems.base_cost')"));
  // Without a markup of its own, the firm's entry: the default markup is the firm's.
  const Result entry = marketsim(dir, "run dear.yaml -o t.h5 --quiet --set firms.A.markup=null");
  CHECK(entry.code == 2);
  CHECK_THAT(entry.err, Contains("dear.yaml:10:5: key 'firms.A': at step 0, firm 'A'"));
  // A fixed price that a shock raised: its own key, and no base cost to lower.
  const Result fixed = marketsim(dir,
                                 "run dear.yaml -o t.h5 --quiet --set firms.A.markup=0.01 --set "
                                 "'shocks=[{step: 1, kind: price, firm: B, multiply: 2}]'");
  CHECK(fixed.code == 2);
  CHECK_THAT(fixed.err, Contains("dear.yaml:11:61: key 'firms.B.price': at step 1, firm 'B'") &&
                            Contains("(a fixed price, after price shocks") &&
                            !Contains("base_cost ("));
  CHECK_FALSE(fs::exists(dir / "t.h5"));
  CHECK_FALSE(fs::exists(dir / "t.h5.partial"));
}

TEST_CASE("cli: run never overwrites an existing file without --force", "[cli]") {
  TempDir dir;
  std::ofstream(dir / "out.h5") << "precious";
  const Result r = marketsim(dir, "run " + quote(kTiny.string()) + " -o out.h5 --quiet");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("out.h5") && Contains("--force"));
  CHECK(slurp(dir / "out.h5") == "precious");
  CHECK_FALSE(fs::exists(dir / "out.h5.partial"));

  // --force replaces an earlier run's file, never one of another kind.
  const Result refused =
      marketsim(dir, "run " + quote(kTiny.string()) + " -o out.h5 --quiet --force");
  CHECK(refused.code == 2);
  CHECK_THAT(refused.err, Contains("is not an HDF5 file") && Contains("refused even with --force"));
  CHECK(slurp(dir / "out.h5") == "precious");
  fs::remove(dir / "out.h5");
  REQUIRE(
      marketsim(dir, "run " + quote(kTiny.string()) + " -o out.h5 --quiet --set steps=2").code ==
      0);
  const Result forced =
      marketsim(dir, "run " + quote(kTiny.string()) + " -o out.h5 --quiet --force");
  CHECK(forced.code == 0);
  const msim::Hdf5Reader reader((dir / "out.h5").string());
  CHECK(std::get<std::int64_t>(reader.attribute("complete")) == 1);
  CHECK(std::get<std::int64_t>(reader.attribute("steps")) == 12);
}

TEST_CASE("cli: run never writes over its own scenario file, even with --force", "[cli]") {
  TempDir dir;
  fs::copy_file(kTiny, dir / "plan.yaml");
  fs::create_symlink("plan.yaml", dir / "link.yaml");
  const std::string scenario = slurp(dir / "plan.yaml");
  for (const std::string out : {"plan.yaml", "./plan.yaml", "link.yaml"}) {
    INFO(out);
    const Result r = marketsim(dir, "run plan.yaml -o " + out + " --quiet --force");
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("output '" + out + "' is the scenario file 'plan.yaml' itself") &&
                          Contains("refused even with --force") && Contains("such as"));
    CHECK(slurp(dir / "plan.yaml") == scenario);
    CHECK_FALSE(fs::exists(dir / (out + ".partial")));
  }
  // Through output.path in the file, and in an experiment, the same.
  const Result by_key = marketsim(dir, "run plan.yaml --set output.path=plan.yaml --quiet --force");
  CHECK(by_key.code == 2);
  CHECK_THAT(by_key.err, Contains("key 'output.path'") && Contains("is the scenario file"));
  const Result experiment =
      marketsim(dir, "run plan.yaml -o plan.yaml --set experiment.replications=2 --quiet --force");
  CHECK(experiment.code == 2);
  CHECK_THAT(experiment.err, Contains("is the scenario file"));
  CHECK(slurp(dir / "plan.yaml") == scenario);
}

TEST_CASE("cli: run refuses an output named as a scenario, a table or a figure", "[cli]") {
  TempDir dir;
  // `-o niche.yaml` wrote an HDF5 file under a scenario's name (exit 0).
  for (const std::string out :
       {"niche.yaml", "plan.YML", "shares.csv", "fig.png", "r.html", "sheet.xlsx", "notes.txt"}) {
    INFO(out);
    const Result r = marketsim(dir, "run " + quote(kTiny.string()) + " -o " + out + " --quiet");
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("output '" + out + "' ends in '") &&
                          Contains("but the run writes an HDF5 file") &&
                          Contains("give it a name ending in .h5"));
    CHECK(fs::is_empty(dir.path));
  }
  const Result by_key =
      marketsim(dir, "run " + quote(kTiny.string()) + " --set output.path=out.yaml --quiet");
  CHECK(by_key.code == 2);
  CHECK_THAT(by_key.err, Contains("key 'output.path'") && Contains("such as 'out.h5'"));
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE("cli: a path in another encoding is printed with its bytes escaped", "[cli]") {
  // A Latin-1 name ("caf\xe9") reached the terminal as a raw byte, which it garbles, from errors
  // made outside the scenario loader (a missing file, a wrong output name, summarize).
  TempDir dir;
  const std::string latin1 = "caf\xe9";
  for (const std::string& args :
       {"run " + quote(latin1 + ".yaml"),
        "run " + quote(kTiny.string()) + " -o " + quote(latin1 + ".csv") + " --quiet",
        "summarize " + quote(latin1 + ".h5")}) {
    INFO(args);
    const Result r = marketsim(dir, args);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("caf\\xe9"));
    CHECK(r.err.find('\xe9') == std::string::npos);
    CHECK(fs::is_empty(dir.path));
  }
}

TEST_CASE("cli: run --quiet writes the file and no partial file", "[cli]") {
  TempDir dir;
  const Result r = marketsim(dir, "run " + quote(kTiny.string()) + " -o X.h5 --quiet");
  CHECK(r.code == 0);
  CHECK(r.out.empty());
  REQUIRE(fs::exists(dir / "X.h5"));
  CHECK_FALSE(fs::exists(dir / "X.h5.partial"));
  const msim::Scenario sc = msim::load_scenario_file(kTiny.string());
  const msim::Hdf5Reader reader((dir / "X.h5").string());
  CHECK(std::get<std::int64_t>(reader.attribute("complete")) == 1);
  CHECK(std::get<std::int64_t>(reader.attribute("seed")) == static_cast<std::int64_t>(sc.seed));
  const msim::Table units = reader.table("/market/units");
  REQUIRE(units.shape.size() == 2);
  CHECK(units.shape[0] == static_cast<std::size_t>(sc.steps));
  CHECK(units.shape[1] == sc.firms.size());

  // Without --quiet it prints the summary table.
  const Result loud = marketsim(dir, "run " + quote(kTiny.string()) + " -o Y.h5");
  CHECK(loud.code == 0);
  for (const auto& f : sc.firms) CHECK_THAT(loud.out, Contains(f.name));
}

TEST_CASE("cli: run with no scenario runs the embedded default", "[cli]") {
  TempDir dir;
  const Result r = marketsim(dir, "run -o d.h5 --quiet --set consumers=5000 --set steps=2");
  CHECK(r.code == 0);
  REQUIRE(fs::exists(dir / "d.h5"));
  const msim::Hdf5Reader reader((dir / "d.h5").string());
  const msim::Scenario def = msim::load_scenario_text(msim::default_scenario_text(), "default");
  CHECK(std::get<std::string>(reader.attribute("scenario_name")) == def.name);
  CHECK(std::get<std::int64_t>(reader.attribute("consumers")) == 5000);
  CHECK(reader.table("/market/units").shape[0] == 2);
}

TEST_CASE("cli: bad overrides and arguments exit 2", "[cli]") {
  TempDir dir;
  const std::string tiny = quote(kTiny.string());
  const Result neg = marketsim(dir, "run " + tiny + " -o out.h5 --quiet --set consumers=-5");
  CHECK(neg.code == 2);
  CHECK_THAT(neg.err, Contains("consumers=-5") && Contains("consumers"));
  CHECK_FALSE(fs::exists(dir / "out.h5"));
  CHECK_FALSE(fs::exists(dir / "out.h5.partial"));

  const Result typo =
      marketsim(dir, "run " + tiny + " -o out.h5 --quiet --set firms.Mas.budget_per_year=1");
  CHECK(typo.code == 2);
  CHECK_THAT(typo.err, Contains("did you mean 'Mass'?"));

  for (const std::string& args : std::vector<std::string>{
           "frobnicate", "run " + tiny + " --frobnicate", "run " + tiny + " --threads 0", "",
           "validate", "summarize", "run " + tiny + " --seed abc"}) {
    INFO("marketsim " << args);
    const Result r = marketsim(dir, args);
    CHECK(r.code == 2);
    CHECK_FALSE(r.err.empty());
  }
  CHECK_FALSE(fs::exists(dir / "tiny.h5"));
  CHECK(marketsim(dir, "--help").code == 0);
}

TEST_CASE("cli: a bad option names the command, the value and the nearest option", "[cli]") {
  TempDir dir;
  const Result words = marketsim(dir, "run --threads two");
  CHECK(words.code == 2);
  CHECK_THAT(words.err, StartsWith("error: run: --threads: got 'two', expected a whole number "
                                   "from 1 to 1024"));
  const Result typo = marketsim(dir, "run --sett x=1");
  CHECK(typo.code == 2);
  CHECK_THAT(typo.err, Contains("'--sett' is not an option of run (did you mean '--set'?)"));
  // The beginning of one option is taken for it (--out for --output), not the nearest word.
  const Result start = marketsim(dir, "run --out x.h5");
  CHECK(start.code == 2);
  CHECK_THAT(start.err, Contains("'--out' is not an option of run (did you mean '--output'?)"));
  const Result seed = marketsim(dir, "run --seed -1");
  CHECK(seed.code == 2);
  CHECK_THAT(seed.err, Contains("from 0 to 2^63 - 1"));
  const Result missing = marketsim(dir, "summarize");
  CHECK(missing.code == 2);
  CHECK_THAT(missing.err, StartsWith("error: summarize: ") &&
                              Contains("marketsim summarize --help lists its options"));
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE("cli: a word that is not a command exits 2 and lists the commands", "[cli]") {
  TempDir dir;
  const auto lists_commands = [](const Result& r) {
    CHECK(r.code == 2);
    for (const char* command : {"run", "validate", "summarize", "strategies"})
      CHECK_THAT(r.err, Contains(command));
    CHECK_THAT(r.err, !Contains("A subcommand is required"));
  };
  const Result unknown = marketsim(dir, "frobnicate");
  lists_commands(unknown);
  CHECK_THAT(unknown.err, Contains("'frobnicate' is not a command"));
  const Result typo = marketsim(dir, "summarise x.h5");
  lists_commands(typo);
  CHECK_THAT(typo.err, Contains("'summarise' is not a command (did you mean 'summarize'?)"));
  const Result none = marketsim(dir, "");
  lists_commands(none);
  CHECK_THAT(none.err, Contains("no command was given"));
  const Result option = marketsim(dir, "--frobnicate");
  lists_commands(option);
  CHECK_THAT(option.err, Contains("'--frobnicate' is not an option"));
  // --help of a command that is not one is refused too, not answered with marketsim's help.
  const Result help = marketsim(dir, "summarise --help");
  lists_commands(help);
  CHECK_THAT(help.err, Contains("'summarise' is not a command (did you mean 'summarize'?)"));
  CHECK(help.out.empty());
  // A module of the Python analysis is said to be one.
  const Result module = marketsim(dir, "compare a.h5 b.h5");
  lists_commands(module);
  CHECK_THAT(module.err, Contains("'compare' is not a command of marketsim but a module of the "
                                  "Python analysis: python3 -m analysis.compare --help"));
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE("cli: --help names the registered strategies and what --csv writes", "[cli]") {
  TempDir dir;
  const Result help = marketsim(dir, "--help");
  REQUIRE(help.code == 0);
  const std::string first = help.out.substr(0, help.out.find('\n'));
  const auto& registry = kShipped;
  CHECK_THAT(first, Contains(std::to_string(registry.size()) + " marketing strategies"));
  for (const auto& info : registry) CHECK_THAT(first, Contains(info.name));
  const Result summarize = marketsim(dir, "summarize --help");
  REQUIRE(summarize.code == 0);
  for (const char* table : {"runs", "summary", "differences", "sensitivity", "columns", "market"})
    CHECK_THAT(summarize.out, Contains("DIR/" + std::string(table) + ".csv"));
  CHECK_THAT(summarize.out, Contains("compared with design point 0") &&
                                Contains("with a Latin hypercube DIR/sensitivity.csv"));
  CHECK_THAT(summarize.out, Contains("--force"));
}

TEST_CASE("cli: --version prints the version and the commit, and nothing else", "[cli]") {
  TempDir dir;
  const Result r = marketsim(dir, "--version");
  CHECK(r.code == 0);
  CHECK(r.out == std::string(msim::kVersion) + " (" + msim::kGitCommit + ")\n");
  CHECK(r.err.empty());
  // An option of the program, not of a command.
  const Result late = marketsim(dir, "run --version");
  CHECK(late.code == 2);
  CHECK_THAT(late.err, Contains("'--version' is not an option of run"));
}

TEST_CASE("cli: a population too large for memory exits 2 with the estimate", "[cli]") {
  // 4e9 consumers need hundreds of GiB; the run must refuse before allocating anything.
  std::ifstream meminfo("/proc/meminfo");
  std::string key, unit;
  double kib = 0, available = 0;
  while (meminfo >> key >> kib >> unit)
    if (key == "MemAvailable:") available = kib * 1024.0;
  if (available > 100e9) {
    WARN("skipped: this machine has more than 100 GB available");
    return;
  }
  TempDir dir;
  const Result r = marketsim(
      dir, "run " + quote(kTiny.string()) + " -o big.h5 --quiet --set consumers=4000000000");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("--set 'consumers=4000000000': key 'consumers'") && Contains("GiB"));
  CHECK_FALSE(fs::exists(dir / "big.h5"));
  CHECK_FALSE(fs::exists(dir / "big.h5.partial"));
  // validate accepts the scenario (it is valid) but says that run would refuse it here.
  const Result v =
      marketsim(dir, "validate " + quote(kTiny.string()) + " --set consumers=4000000000");
  CHECK(v.code == 0);
  CHECK_THAT(v.out, Contains("is valid") && Contains("for the state of 4000000000 consumers"));
  CHECK_THAT(v.err, Contains("note: `marketsim run` would refuse this on this machine: "
                             "--set 'consumers=4000000000': key 'consumers': 4000000000 "
                             "consumers need about") &&
                        Contains("lower `consumers` (e.g. --set consumers="));
  // Set in the file, the message points at its line.
  std::ifstream tiny(kTiny);
  std::ofstream big(dir / "big.yaml");
  for (std::string line; std::getline(tiny, line);)
    big << (line.rfind("consumers:", 0) == 0 ? "consumers: 4000000000" : line) << "\n";
  big.close();
  const Result f = marketsim(dir, "run big.yaml -o big.h5 --quiet");
  CHECK(f.code == 2);
  CHECK_THAT(f.err, Contains("big.yaml:5:12: key 'consumers': 4000000000 consumers need about"));
  CHECK_FALSE(fs::exists(dir / "big.h5"));
  // Swept in an experiment, it points at the sweep key.
  fs::copy_file(kTiny, dir / "sweep.yaml");
  std::ofstream(dir / "sweep.yaml", std::ios::app)
      << "experiment:\n  sweep: {consumers: [1000, 4000000000]}\n";
  const Result e = marketsim(dir, "run sweep.yaml -o sweep.h5 --quiet");
  CHECK(e.code == 2);
  CHECK_THAT(e.err, Contains("sweep.yaml:") &&
                        Contains("key 'experiment.sweep.consumers': 4000000000 consumers need"));
  CHECK_FALSE(fs::exists(dir / "sweep.h5.runs"));
  // Scaled up, it suggests a smaller scale (a smaller `consumers` would be scaled again).
  const Result s =
      marketsim(dir, "run " + quote(kTiny.string()) +
                         " -o big.h5 --quiet --set consumers=4000000 --set scale=1000");
  CHECK(s.code == 2);
  CHECK_THAT(s.err, Contains("4000000000 consumers need about") &&
                        Contains("lower `scale` (e.g. --set scale="));
  CHECK_FALSE(fs::exists(dir / "big.h5"));
}

TEST_CASE("cli: validate counts in words, one segment and one category in the singular", "[cli]") {
  TempDir dir;
  const Result v = marketsim(
      dir, "validate " +
               quote((kSource / "scenarios" / "textbook" / "advertising_budget.yaml").string()) +
               " --set steps=1");
  CHECK(v.code == 0);
  CHECK_THAT(v.out, Contains(" consumers, 1 segment, 1 category, 2 firms, 1 step.\n"));
}

TEST_CASE("cli: a scaled market says so when validated, run and summarized", "[cli]") {
  TempDir dir;
  const Result v = marketsim(dir, "validate " + quote(kTiny.string()) + " --set scale=0.5");
  CHECK(v.code == 0);
  CHECK_THAT(v.out, Contains("is valid: 10000 consumers (the scenario's 20000 at scale 0.5;") &&
                        Contains("consumers: 20000\nscale: 0.5\n"));
  const Result r =
      marketsim(dir, "run " + quote(kTiny.string()) + " -o half.h5 --set scale=0.5 --set steps=2");
  CHECK(r.code == 0);
  const std::string note =
      "The market at scale 0.5: 0.5 times the scenario's consumers, budgets, fixed costs and "
      "reference volumes.";
  CHECK_THAT(r.out, Contains("10000 consumers") && Contains(note));
  const Result sum = marketsim(dir, "summarize half.h5");
  CHECK(sum.code == 0);
  CHECK_THAT(sum.out, Contains(note));
  const Result plain = marketsim(dir, "run " + quote(kTiny.string()) + " -o full.h5 --set steps=2");
  CHECK_THAT(plain.out, !Contains("The market at scale"));
}

TEST_CASE("cli: summarize", "[cli]") {
  TempDir dir;
  std::ofstream(dir / "not.h5") << "this is not HDF5\n";
  const Result bad = marketsim(dir, "summarize not.h5");
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Contains("not.h5"));
  const Result missing = marketsim(dir, "summarize missing.h5");
  CHECK(missing.code == 2);
  CHECK_THAT(missing.err, Contains("missing.h5"));
  // A valid HDF5 file that is not a run.
  {
    auto rec = msim::make_hdf5_recorder((dir / "other.h5").string());
    rec->begin(msim::RecordingLayout{});
    rec->finish({}, true);
  }
  REQUIRE(fs::exists(dir / "other.h5"));
  const Result other = marketsim(dir, "summarize other.h5");
  CHECK(other.code == 2);
  CHECK_THAT(other.err, Contains("other.h5"));

  REQUIRE(marketsim(dir, "run " + quote(kTiny.string()) + " -o good.h5 --quiet").code == 0);
  const Result good = marketsim(dir, "summarize good.h5");
  CHECK(good.code == 0);
  const msim::Scenario sc = msim::load_scenario_file(kTiny.string());
  CHECK_THAT(good.out, Contains(sc.name));
  for (const auto& f : sc.firms) {
    CHECK_THAT(good.out, Contains(f.name));
    CHECK_THAT(good.out, Contains(f.strategy));
  }
}

TEST_CASE("cli: run into a missing directory exits 2 and creates nothing", "[cli]") {
  TempDir dir;
  const Result r = marketsim(dir, "run " + quote(kTiny.string()) + " -o nodir/out.h5 --quiet");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("nodir"));
  CHECK_FALSE(fs::exists(dir / "nodir"));
}

TEST_CASE("cli: run into a directory, or to a bad output.path, names it and where it was set",
          "[cli]") {
  TempDir dir;
  fs::create_directory(dir / "sub");
  // A directory is not a file to overwrite: --force is not the way out, so it is not offered.
  for (const std::string force : {"", " --force"}) {
    const Result r = marketsim(dir, "run " + quote(kTiny.string()) + " -o sub" + force);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("output 'sub' is a directory; expected the HDF5 file to write, "
                               "such as 'sub/run.h5'") &&
                          !Contains("--force"));
  }
  // output.path from the file: the message points at its line.
  std::string text = slurp(kTiny);
  text = text.substr(0, text.find("\noutput:") + 1);
  std::ofstream(dir / "o.yaml") << text << "output: {path: nodir/x.h5}\n";
  const auto line = std::count(text.begin(), text.end(), '\n') + 1;
  const Result r = marketsim(dir, "run o.yaml");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("o.yaml:" + std::to_string(line) + ":") &&
                        Contains("key 'output.path': output 'nodir/x.h5': the directory 'nodir' "
                                 "does not exist"));
  CHECK_FALSE(fs::exists(dir / "nodir"));
}

TEST_CASE("cli: run into an output that cannot be created exits 2 with the reason", "[cli]") {
  TempDir dir;
  std::ofstream(dir / "afile") << "a file, not a directory";
  const std::string tiny = quote(kTiny.string());
  // The parent is a file, at once or further up.
  for (const std::string out : {"afile/x.h5", "afile/sub/x.h5"}) {
    INFO(out);
    const Result r = marketsim(dir, "run " + tiny + " -o " + out);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("output '" + out + "'") && Contains("'afile' is not a directory"));
  }
  // The directory is there but refuses new files (even to root): the OS gives the reason, and the
  // run refuses before it starts.
  if (fs::is_directory("/proc")) {
    std::ofstream(dir / "e.yaml") << slurp(kTiny)
                                  << "experiment:\n  replications: 2\n  sweep: "
                                     "{firms.Mass.budget_per_year: [20000, 40000]}\n";
    for (const std::string& scenario : {tiny, std::string("e.yaml")}) {
      INFO(scenario);
      const Result r = marketsim(dir, "run " + scenario + " -o /proc/x.h5");
      CHECK(r.code == 2);
      CHECK_THAT(r.err, Contains("output '/proc/x.h5'") && Contains("/proc/x.h5.partial") &&
                            Contains(" ("));
      CHECK_THAT(r.err, !Contains("internal error") && !Contains("Tiny market"));
    }
  }
  CHECK_FALSE(fs::exists(dir / "tiny.h5"));
}

TEST_CASE("cli: run into a directory the system cannot reach exits 2 with the reason", "[cli]") {
  TempDir dir;
  fs::create_directory_symlink("loop", dir / "loop");  // a link to itself
  const Result r = marketsim(dir, "run " + quote(kTiny.string()) + " -o loop/x.h5 --quiet");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("error: output 'loop/x.h5': cannot reach 'loop' (Too many levels "
                             "of symbolic links)"));
  CHECK_THAT(r.err, !Contains("internal error"));
  CHECK(fs::is_symlink(dir / "loop"));
}

TEST_CASE("cli: run -o with an empty path exits 2 and writes nothing", "[cli]") {
  TempDir dir;
  for (const std::string option : {"-o ''", "--output ''"}) {
    INFO(option);
    const Result r = marketsim(dir, "run " + quote(kTiny.string()) + " --quiet " + option);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("-o/--output") && Contains("an empty path was given"));
    CHECK_FALSE(fs::exists(dir / "tiny.h5"));  // not the scenario's output.path instead
  }
  std::string text = slurp(kTiny);
  text.replace(text.find("output: {path: tiny.h5}"), 23, "output: {path: ''}");
  std::ofstream(dir / "nameless.yaml") << text;
  const Result r = marketsim(dir, "run nameless.yaml --quiet");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("nameless.yaml:") && Contains("key 'output.path'") &&
                        Contains("an empty path"));
  CHECK_FALSE(fs::exists(dir / ".partial"));
  // --set output.path= (nothing after the =) likewise, not the default file name instead.
  const Result set = marketsim(dir, "run " + quote(kTiny.string()) + " --quiet --set output.path=");
  CHECK(set.code == 2);
  CHECK_THAT(set.err,
             Contains("--set 'output.path=': key 'output.path'") && Contains("an empty path"));
  CHECK_FALSE(fs::exists(dir / "marketsim.h5"));
  CHECK_FALSE(fs::exists(dir / "marketsim.h5.partial"));
  // validate says so too (the scenario is valid: run -o FILE runs it).
  const Result valid = marketsim(dir, "validate nameless.yaml");
  CHECK(valid.code == 0);
  CHECK_THAT(valid.err, Contains("note: nameless.yaml:") && Contains("needs -o FILE"));
  CHECK(marketsim(dir, "run nameless.yaml --quiet -o named.h5").code == 0);
  // And `run ''` is refused, not taken for the embedded default.
  const Result blank = marketsim(dir, "run '' --quiet");
  CHECK(blank.code == 2);
  CHECK_THAT(blank.err, Contains("an empty path was given; expected a scenario YAML file"));
  // "--output= --quiet": the next option taken as the file name.
  const Result option = marketsim(dir, "run " + quote(kTiny.string()) + " --output= --quiet");
  CHECK(option.code == 2);
  CHECK_THAT(option.err, Contains("'--quiet' looks like an option") && Contains("./--quiet"));
  CHECK_FALSE(fs::exists(dir / "--quiet"));
}

TEST_CASE("cli: --seed changes results and the same seed reproduces them exactly", "[cli]") {
  TempDir dir;
  const std::string tiny = quote(kTiny.string());
  REQUIRE(marketsim(dir, "run " + tiny + " -o a.h5 --quiet --seed 11").code == 0);
  REQUIRE(marketsim(dir, "run " + tiny + " -o b.h5 --quiet --seed 11").code == 0);
  REQUIRE(marketsim(dir, "run " + tiny + " -o c.h5 --quiet --seed 12").code == 0);
  CHECK(std::get<std::int64_t>(msim::Hdf5Reader((dir / "a.h5").string()).attribute("seed")) == 11);
  const auto a = market_tables(dir / "a.h5");
  const auto b = market_tables(dir / "b.h5");
  const auto c = market_tables(dir / "c.h5");
  REQUIRE(a.size() >= 30);  // [T, F] and [T, C, F] metrics
  REQUIRE(a.size() == b.size());
  REQUIRE(a.size() == c.size());
  std::size_t differing = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    INFO(a[k].first);
    REQUIRE(a[k].first == b[k].first);
    CHECK(a[k].second.shape == b[k].second.shape);
    CHECK(msim::test::same_bits(a[k].second.values, b[k].second.values));
    differing += msim::test::same_bits(a[k].second.values, c[k].second.values) ? 0 : 1;
  }
  const auto units = [](const auto& tables) {
    for (const auto& [path, t] : tables)
      if (path == "/market/units") return t.values;
    FAIL("no /market/units");
    return std::vector<double>{};
  };
  CHECK(units(a) != units(c));
  CHECK(differing > a.size() / 2);
}

/// `marketsim run` of tiny.yaml into long.h5, far longer than the interruption tests wait, with
/// 500 consumers: the population is drawn and the first step done well within the 300 ms they
/// wait after long.h5.partial appears, also in a build without optimisation. (With tiny.yaml's
/// 20,000 consumers, there the signal came before the first step finished.)
const std::vector<std::string> kLongRun = {"run",         kTiny.string(), "-o",
                                           "long.h5",     "--quiet",      "--set",
                                           "steps=60000", "--set",        "consumers=500"};

TEST_CASE("cli: a run stopped by SIGTERM or SIGHUP exits 128 + the signal, its steps kept",
          "[cli]") {
  // A scheduler's kill (SIGTERM) and a closed terminal (SIGHUP) stop the run as Ctrl-C does,
  // and the exit code says which: 143 and 129, as a shell reports them.
  for (const auto& [signal, code] : {std::pair{SIGTERM, 143}, std::pair{SIGHUP, 129}}) {
    TempDir dir;
    const Result r = interrupted(dir, kLongRun, dir / "long.h5.partial", {signal});
    INFO("signal " << signal << ": " << r.err);
    CHECK(r.code == code);
    CHECK_THAT(r.err, Contains("interrupted after"));
    const msim::Hdf5Reader reader((dir / "long.h5.partial").string());
    CHECK(std::get<std::int64_t>(reader.attribute("complete")) == 0);
    CHECK_FALSE(fs::exists(dir / "long.h5"));
  }
}

TEST_CASE("cli: under nohup a closed terminal's SIGHUP does not stop a run", "[cli]") {
  TempDir dir;
  // SIGHUP first, ignored; then Ctrl-C's SIGINT stops it, with SIGINT's code.
  const Result r = interrupted(dir, kLongRun, dir / "long.h5.partial", {SIGHUP, SIGINT}, true);
  INFO(r.err);
  CHECK(r.code == 130);
}

TEST_CASE("cli: an interrupted run exits 130 and leaves a readable partial file", "[cli]") {
  TempDir dir;
  const fs::path final_file = dir / "long.h5", partial = dir / "long.h5.partial";
  // Far more steps than the test waits for; SIGINT ends the run after the current step.
  const Result r = interrupted(dir, kLongRun, partial);
  CHECK(r.code == 130);
  CHECK_FALSE(fs::exists(final_file));
  REQUIRE(fs::exists(partial));
  {
    const msim::Hdf5Reader reader(partial.string());
    CHECK(std::get<std::int64_t>(reader.attribute("complete")) == 0);
    const msim::Table units = reader.table("/market/units");
    CHECK(units.shape[0] < 60000);
  }
  const Result summary = marketsim(dir, "summarize long.h5.partial");
  CHECK(summary.code == 0);
  CHECK_THAT(summary.out, Contains("INCOMPLETE"));
  // The CSV summary says it too, in every row: steps_done of steps, complete 0.
  REQUIRE(marketsim(dir, "summarize long.h5.partial --csv t/").code == 0);
  std::istringstream csv(slurp(dir / "t" / "summary.csv"));
  std::string line;
  std::getline(csv, line);
  CHECK_THAT(line, EndsWith(",steps_done,steps,complete"));
  int rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    const std::size_t comma = line.rfind(',', line.size() - 3);
    const std::size_t before = line.rfind(',', comma - 1);
    CHECK(std::stol(line.substr(before + 1, comma - before - 1)) < 60000);  // steps_done
    CHECK_THAT(line, EndsWith(",60000,0"));
  }
  CHECK(rows > 0);
}

TEST_CASE("cli: --seed and --set seed= with different values are refused, naming both", "[cli]") {
  TempDir dir;
  const std::string tiny = quote((kSource / "scenarios" / "tiny.yaml").string());
  for (const std::string& options :
       {std::string("--seed 5 --set seed=6"), std::string("--set seed=6 --seed 5")}) {
    INFO(options);
    const Result r = marketsim(dir, "run " + tiny + " -o s.h5 --quiet --set steps=2 " + options);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("--seed 5 and --set 'seed=6' both set the seed, to different "
                               "values; give one of them"));
    CHECK_FALSE(fs::exists(dir / "s.h5"));
    CHECK_FALSE(fs::exists(dir / "s.h5.partial"));
  }
  // The same value twice is no conflict, however the --set writes it (the scenario reads 5.0 as
  // 5); a --set seed that is no integer is said to be one.
  for (const char* same : {"seed=5", "seed=5.0", "seed=+5", "seed=5e0"}) {
    INFO(same);
    CHECK(marketsim(dir,
                    "run " + tiny + " -o s.h5 --force --quiet --set steps=2 --seed 5 --set " + same)
              .code == 0);
  }
  const Result word = marketsim(dir, "run " + tiny + " -o w.h5 --quiet --seed 5 --set seed=abc");
  CHECK(word.code == 2);
  CHECK_THAT(word.err, Contains("--set 'seed=abc': expected an integer seed; --seed 5 sets the "
                                "seed too"));
}
