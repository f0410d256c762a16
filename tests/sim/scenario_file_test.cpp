#include "sim/scenario_file.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "sim/config.hpp"
#include "sim/error.hpp"
#include "tests/temp_dir.hpp"

using Catch::Contains;
using msim::test::TempDir;

TEST_CASE("a scenario path that is not a regular file is refused before it is opened", "[config]") {
  TempDir dir;
  // A fifo without a writer: opening it would block.
  REQUIRE(::mkfifo(dir.file("pipe.yaml").c_str(), 0666) == 0);
  REQUIRE_THROWS_WITH(msim::Config::load_file(dir.file("pipe.yaml")),
                      Contains("is not a regular file (it is a fifo (a named pipe))"));
  REQUIRE_THROWS_WITH(msim::check_scenario_file("/dev/null"),
                      "scenario '/dev/null' is not a regular file (it is a character device); "
                      "expected a scenario YAML file");
  // A missing file and a directory are left to the reading, which says what they are.
  CHECK_NOTHROW(msim::check_scenario_file(dir.file("missing.yaml")));
  CHECK_NOTHROW(msim::check_scenario_file(dir.path.string()));
}

TEST_CASE("a scenario file larger than the limit is refused with its size", "[config]") {
  TempDir dir;
  std::ofstream(dir / "s.yaml") << "a: 1\n";
  std::filesystem::resize_file(dir / "s.yaml", msim::kMaxScenarioBytes);
  CHECK_NOTHROW(msim::check_scenario_file(dir.file("s.yaml")));
  std::filesystem::resize_file(dir / "s.yaml", msim::kMaxScenarioBytes + 1);
  REQUIRE_THROWS_WITH(
      msim::Config::load_file(dir.file("s.yaml")),
      Contains("is 67108865 bytes (64.0 MiB), larger than the 64 MiB a scenario file may be"));
}
