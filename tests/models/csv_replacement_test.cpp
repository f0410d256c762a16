// The files a CSV table replaces: a table an earlier summarize --csv wrote, never an HDF5 file, a
// scenario or notes that have a table's name; and the tables of an earlier --csv that this one
// does not write, which --force removes.
#include "models/csv_replacement.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/experiment_report.hpp"
#include "sim/error.hpp"
#include "tests/temp_dir.hpp"

using Catch::Contains;
using msim::kept_from_replacing;
using msim::test::slurp;
using msim::test::TempDir;
namespace fs = std::filesystem;

namespace {

msim::ExperimentTable market() {
  msim::ExperimentTable t;
  t.columns = {"step", "week", "firm", "revenue"};
  t.rows = {{"0", "1", "Mass", "10"}};
  return t;
}

}  // namespace

TEST_CASE("csv replacement: a table an earlier --csv wrote is replaced, whatever its columns",
          "[csv_replacement]") {
  TempDir dir;
  const msim::ExperimentTable t = market();
  CHECK(kept_from_replacing(dir.file("missing.csv"), t).empty());
  std::ofstream(dir / "empty.csv").close();
  CHECK(kept_from_replacing(dir.file("empty.csv"), t).empty());
  // Another run's market table (monthly, other metrics), and one with Windows line ends.
  std::ofstream(dir / "monthly.csv") << "step,month,firm,units\n0,1,Mass,3\n";
  std::ofstream(dir / "crlf.csv") << "step\r\n0\r\n";
  CHECK(kept_from_replacing(dir.file("monthly.csv"), t).empty());
  CHECK(kept_from_replacing(dir.file("crlf.csv"), t).empty());
  // A link to nothing: the link is replaced, nothing behind it is lost.
  fs::create_symlink(dir / "nowhere", dir / "dangling.csv");
  CHECK(kept_from_replacing(dir.file("dangling.csv"), t).empty());
}

TEST_CASE("csv replacement: an HDF5 file, a scenario or notes are kept, and named",
          "[csv_replacement]") {
  TempDir dir;
  const msim::ExperimentTable t = market();
  const std::string signature = "\x89HDF\r\n\x1a\n";
  std::ofstream(dir / "run.csv", std::ios::binary) << signature << std::string(100, '\0');
  // After a user block of 512 bytes, whose text could pass for a table's header.
  std::ofstream(dir / "blocked.csv", std::ios::binary)
      << "step,week,firm\n"
      << std::string(512 - 15, ' ') << signature << "rest";
  std::ofstream(dir / "scenario.csv") << "name: Tiny market\nsteps: 12\n";
  std::ofstream(dir / "notes.csv") << "stepping stones\n";
  std::ofstream(dir / "binary.csv", std::ios::binary) << std::string("\x01\x02step", 6);
  CHECK_THAT(kept_from_replacing(dir.file("run.csv"), t), Contains("is an HDF5 file"));
  CHECK_THAT(kept_from_replacing(dir.file("blocked.csv"), t), Contains("is an HDF5 file"));
  CHECK(kept_from_replacing(dir.file("scenario.csv"), t) ==
        "is not a table that summarize --csv wrote: its first line is 'name: Tiny market', "
        "where one of this table starts with 'step,'");
  CHECK_THAT(kept_from_replacing(dir.file("notes.csv"), t),
             Contains("its first line is 'stepping stones'"));
  CHECK_THAT(kept_from_replacing(dir.file("binary.csv"), t), Contains("it is not text"));
  // Through a link, what it points to; a pipe is never opened (which would wait for a writer).
  fs::create_symlink(dir / "run.csv", dir / "link.csv");
  CHECK_THAT(kept_from_replacing(dir.file("link.csv"), t), Contains("is an HDF5 file"));
  REQUIRE(::mkfifo(dir.file("pipe.csv").c_str(), 0666) == 0);
  CHECK_THAT(kept_from_replacing(dir.file("pipe.csv"), t), Contains("not a regular file"));
  fs::create_directory(dir / "directory.csv");
  CHECK_THAT(kept_from_replacing(dir.file("directory.csv"), t), Contains("not a regular file"));
}

TEST_CASE("csv replacement: tables are written only when no file in the way is kept",
          "[csv_replacement]") {
  TempDir dir;
  const msim::ExperimentTable t = market();
  const std::string table = dir.file("p-market.csv"), run = dir.file("p-summary.csv"),
                    scenario = dir.file("p-years.csv");
  std::ofstream(table) << "step,week,firm\nold\n";
  std::ofstream(run, std::ios::binary) << "\x89HDF\r\n\x1a\n" << std::string(100, 'x');
  std::ofstream(scenario) << "name: Tiny market\n";
  const std::string run_bytes = slurp(run);
  CHECK_THROWS_MATCHES(
      msim::write_csv_files({{&t, table}, {&t, run}, {&t, scenario}}), msim::InputError,
      Catch::Matchers::Message(
          "'" + run + "' is an HDF5 file (a run's or an experiment's: the very file summarized, " +
          "perhaps); '" + scenario +
          "' is not a table that summarize --csv wrote: its first line is 'name: Tiny market', "
          "where one of this table starts with 'step,'; --force replaces only the CSV tables "
          "that an earlier summarize --csv wrote (a file whose first line is the table's "
          "header), never an HDF5 file, a scenario or any other file, so nothing was written: "
          "choose another --csv, or move them elsewhere"));
  CHECK(slurp(table) == "step,week,firm\nold\n");  // nothing written, not even the table
  CHECK(slurp(run) == run_bytes);
  CHECK(slurp(scenario) == "name: Tiny market\n");
  for (const auto& entry : fs::directory_iterator(dir.path))
    CHECK_THAT(entry.path().string(), !Contains(".partial"));
  msim::write_csv_files({{&t, table}});
  CHECK(slurp(table) == "step,week,firm,revenue\n0,1,Mass,10\n");
}

TEST_CASE("csv replacement: summarize's headers are told by the table's name, of either kind",
          "[csv_replacement]") {
  using msim::summarize_header;
  // A single run's and an experiment's summary and columns tables share a name.
  CHECK(summarize_header("summary", "firm,strategy,in_market"));
  CHECK(summarize_header("summary", "design_point,metric,unit,firm"));
  CHECK(summarize_header("columns", "table,column,unit,meaning"));
  CHECK(summarize_header("columns", "column,metric,firm,unit,meaning"));
  CHECK(summarize_header("runs", "run,design_point,replication,seed"));
  CHECK(summarize_header("differences", "design_point,firms.Mass.price,metric"));
  CHECK(summarize_header("market", "step"));
  CHECK(summarize_header("years", "year,from_step,to_step"));
  // A sensitivity table starts with any swept keys: told by the columns it ends with.
  CHECK(summarize_header("sensitivity", "metric,firm,key,n,prcc,p_value"));
  CHECK(summarize_header("sensitivity", "market.cpm_mass,metric,firm,key,n,prcc,p_value"));
  CHECK_FALSE(summarize_header("sensitivity", "xmetric,firm,key,n,prcc,p_value"));
  CHECK_FALSE(summarize_header("sensitivity", "metric,firm,key,n,prcc"));
  // A header of another name's table, or another first column, is none.
  CHECK_FALSE(summarize_header("differences", "firm,strategy,in_market"));
  CHECK_FALSE(summarize_header("market", "steps,week"));
  CHECK_FALSE(summarize_header("runs", "name: Tiny market"));
  CHECK_FALSE(summarize_header("notes", "step,week"));
  CHECK_FALSE(summarize_header("summary", ""));
}

TEST_CASE("csv replacement: a table of the other kind under the same name is replaced",
          "[csv_replacement]") {
  TempDir dir;
  msim::ExperimentTable experiment_summary;
  experiment_summary.columns = {"design_point", "metric", "unit", "firm", "n"};
  // A single run's summary.csv where an experiment's goes, in a directory and by a prefix.
  for (const std::string name : {"summary.csv", "p-summary.csv", "p_summary.csv"}) {
    std::ofstream(dir / name) << "firm,strategy,in_market\nMass,mass,1\n";
    CHECK(kept_from_replacing(dir.file(name), experiment_summary).empty());
  }
  // The same first line in a file not named as summarize's summary table is kept.
  std::ofstream(dir / "psummary.csv") << "firm,strategy,in_market\n";
  std::ofstream(dir / "market.csv") << "firm,strategy,in_market\n";
  CHECK_THAT(kept_from_replacing(dir.file("psummary.csv"), experiment_summary),
             Contains("is not a table that summarize --csv wrote"));
  CHECK_THAT(kept_from_replacing(dir.file("market.csv"), experiment_summary),
             Contains("is not a table that summarize --csv wrote"));
}

TEST_CASE("csv replacement: the tables an earlier --csv wrote that this one does not are found",
          "[csv_replacement]") {
  TempDir dir;
  const std::string target = dir.file("out") + "/";
  fs::create_directory(dir / "out");
  std::ofstream(dir / "out" / "runs.csv") << "run,design_point\n";
  std::ofstream(dir / "out" / "summary.csv") << "design_point,metric\n";
  std::ofstream(dir / "out" / "differences.csv") << "design_point,metric\n";
  std::ofstream(dir / "out" / "sensitivity.csv") << "my notes on sensitivity\n";  // not ours
  std::ofstream(dir / "out" / "years.csv") << "";             // empty: nothing of summarize's
  std::ofstream(dir / "out" / "notes.csv") << "step,week\n";  // not a table's name
  fs::create_symlink(dir / "out" / "runs.csv", dir / "out" / "market.csv");  // a link: left
  const std::vector<std::string> written = {msim::csv_path(target, "summary"),
                                            msim::csv_path(target, "columns")};
  // Without --force: refused, naming them; nothing removed.
  CHECK_THROWS_MATCHES(
      msim::earlier_tables(target, written, false, false), msim::InputError,
      Catch::Matchers::Message(
          "--csv '" + target + "': '" + target +
          "runs.csv' (an earlier --csv's table of an experiment, which a single run does not "
          "have), '" +
          target +
          "differences.csv' (an earlier --csv's table of an experiment, which a single run does "
          "not have) are left by an earlier --csv, and the tables written beside them would mix "
          "two files' tables; use --force to remove them as this one's tables replace the "
          "others, or choose another --csv"));
  const auto earlier = msim::earlier_tables(target, written, false, true);
  REQUIRE(earlier.size() == 2);
  CHECK(earlier[0].path == target + "runs.csv");
  CHECK(earlier[1].path == target + "differences.csv");
  // An experiment of one design point leaves out differences.csv only.
  const auto one_point = msim::earlier_tables(
      target, {target + "runs.csv", target + "summary.csv", target + "columns.csv"}, true, true);
  REQUIRE(one_point.size() == 1);
  CHECK(one_point[0].what ==
        "an earlier --csv's table of changes against design point 0, which this experiment "
        "does not have");
  // Removed, each only while it is still a table of summarize's: runs.csv has become notes.
  std::ofstream(dir / "out" / "runs.csv") << "notes written since\n";
  const auto removed = msim::remove_earlier_tables(earlier);
  REQUIRE(removed.size() == 1);
  CHECK(removed[0].path == target + "differences.csv");
  CHECK_FALSE(fs::exists(dir / "out" / "differences.csv"));
  for (const char* kept : {"runs.csv", "summary.csv", "sensitivity.csv", "years.csv", "notes.csv"})
    CHECK(fs::exists(dir / "out" / kept));
  CHECK(fs::is_symlink(dir / "out" / "market.csv"));
  // Another target's tables are not this one's: a prefix names its own files only.
  std::ofstream(dir / "out" / "p-differences.csv") << "design_point,metric\n";
  CHECK(msim::earlier_tables(target, written, false, false).size() == 0);
  const auto prefixed = msim::earlier_tables(target + "p", {target + "p-runs.csv"}, true, true);
  REQUIRE(prefixed.size() == 1);
  CHECK(prefixed[0].path == target + "p-differences.csv");
}
