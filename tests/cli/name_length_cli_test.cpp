// Names longer than the file system allows (255 bytes on most): refused before anything is
// written or created, with the name shortened, its length and the limit; not misread as a file
// in the way, and not found halfway through.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/cli/cli_harness.hpp"

using Catch::Contains;
namespace fs = std::filesystem;
using namespace cli_test;

namespace {

const std::string kTiny = quote((kSource / "scenarios" / "tiny.yaml").string());

/// The file system's name limit where the tests write.
std::size_t name_max(const TempDir& dir) {
  const long v = ::pathconf(dir.path.c_str(), _PC_NAME_MAX);
  return static_cast<std::size_t>(v > 0 ? v : 255);
}

/// Nothing but the names given (and the harness's own) is in `dir`.
bool only(const TempDir& dir, std::initializer_list<std::string> names) {
  for (const auto& e : fs::directory_iterator(dir.path)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(".std", 0) == 0) continue;
    if (std::find(names.begin(), names.end(), name) == names.end()) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("cli: summarize --csv into a directory whose name is too long makes nothing",
          "[cli][names]") {
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o good.h5 --quiet --set steps=2").code == 0);
  const std::string limit = std::to_string(name_max(dir));
  const Result r = marketsim(dir, "summarize good.h5 --csv newA/" + std::string(300, 'x') + "/");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("directory name 'xxxxxxxx") && Contains("…") &&
                        Contains("is 300 bytes, longer than the " + limit + " bytes") &&
                        !Contains("internal error"));
  CHECK(r.out.empty());  // refused before the summary is printed
  CHECK(only(dir, {"good.h5"}));
}

TEST_CASE("cli: summarize --csv with a prefix too long for its file names says so",
          "[cli][names]") {
  TempDir dir;
  REQUIRE(marketsim(dir, "run " + kTiny + " -o good.h5 --quiet --set steps=2").code == 0);
  const std::size_t max = name_max(dir);
  // The file names are too long ('-summary.csv' adds 12 bytes); nothing of that name exists.
  Result r = marketsim(dir, "summarize good.h5 --csv " + std::string(max - 10, 'p'));
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("the file name 'pppp") &&
                        Contains("is " + std::to_string(max + 2) + " bytes, longer than the " +
                                 std::to_string(max) + " bytes") &&
                        !Contains("already exist"));
  CHECK(r.out.empty());
  CHECK(only(dir, {"good.h5"}));

  // The file names fit, but not their temporary names (+ ".partial").
  r = marketsim(dir, "summarize good.h5 --csv " + std::string(max - 14, 'p'));
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("the temporary name 'pppp") && Contains(".partial'") &&
                        Contains("fits, but each table is written to its name + \".partial\"") &&
                        !Contains("already exist"));
  CHECK(only(dir, {"good.h5"}));
}

TEST_CASE("cli: run -o with a name too long for the file system says so, not that it is there",
          "[cli][names]") {
  TempDir dir;
  const std::size_t max = name_max(dir);
  const std::string force = GENERATE(std::string(""), std::string(" --force"));
  INFO(force);
  // The name fits, its .partial name (8 bytes more) does not.
  const std::string fits = std::string(max - 5, 'a') + ".h5";
  Result r = marketsim(dir, "run " + kTiny + " -o " + fits + " --quiet" + force);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("the name fits, but the temporary name 'aaaa") &&
                        Contains(".h5.partial' is " + std::to_string(max + 6) + " bytes") &&
                        Contains("longer than the " + std::to_string(max) + " bytes") &&
                        !Contains("is there and is not a regular file"));
  CHECK(only(dir, {}));

  // The name itself is too long.
  r = marketsim(dir, "run " + kTiny + " -o " + std::string(300, 'a') + ".h5 --quiet" + force);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("the name 'aaaa") && Contains("is 303 bytes") &&
                        !Contains("is there and is not a regular file"));
  CHECK(only(dir, {}));
}

TEST_CASE("cli: an experiment whose output name is too long is refused before it runs",
          "[cli][names]") {
  TempDir dir;
  const std::size_t max = name_max(dir);
  std::ofstream(dir / "e.yaml") << slurp(kSource / "scenarios" / "tiny.yaml")
                                << "experiment: {replications: 2}\n";
  // The name fits; its .partial file and its .runs directory would not.
  const Result r = marketsim(dir, "run e.yaml -o " + std::string(max - 5, 'e') + ".h5 --quiet");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("the temporary name 'eeee") &&
                        Contains("longer than the " + std::to_string(max) + " bytes") &&
                        !Contains("is there and is not"));
  CHECK(only(dir, {"e.yaml"}));
}
