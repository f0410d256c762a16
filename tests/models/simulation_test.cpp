// A run recorded into HDF5 says how far it got even when its process dies without finishing.
#include "models/simulation.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>

#include <catch2/catch.hpp>

#include "models/scenario_load.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/parallel.hpp"
#include "tests/temp_dir.hpp"

namespace fs = std::filesystem;
using msim::test::TempDir;

TEST_CASE("a killed run's file says how many steps it recorded", "[simulation]") {
  TempDir dir;
  const std::string file = dir.file("killed.h5");
  const msim::Scenario sc = msim::load_scenario_file(
      std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml", {"consumers=2000", "steps=20"});
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child dies after its third step is recorded, without finishing the file (no
    // destructors, no finish(): what a SIGKILL leaves).
    auto recorder = msim::make_hdf5_recorder(file);
    const msim::ThreadLimit one(1);  // no TBB worker threads to rely on after fork()
    msim::RunOptions options;
    options.on_step = [](std::int64_t done) {
      if (done == 3) ::_exit(0);
    };
    msim::run_simulation(sc, *recorder, options);
    ::_exit(1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  REQUIRE(fs::exists(file + ".partial"));
  const msim::Hdf5Reader in(file + ".partial");
  CHECK(std::get<std::int64_t>(in.attribute("complete")) == 0);
  CHECK(std::get<std::int64_t>(in.attribute("steps_done")) == 3);
  CHECK(in.table("/market/units").shape[0] == 3);
  CHECK(std::get<double>(in.attribute("wall_seconds")) > 0);
}
