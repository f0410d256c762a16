// The memory a run may take: the least of the machine's free memory, what the address-space
// limit leaves and what the cgroup's limit leaves, each read from files the test writes.
#include "cli/memory_limits.hpp"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <limits>

#include <catch2/catch.hpp>

#include "tests/temp_dir.hpp"

using Catch::Contains;
using msim::cli::memory_limit;
using msim::cli::MemorySources;
using msim::test::TempDir;

namespace {

constexpr double kGiB = 1073741824.0;

/// Sources in `dir`: 8 GiB free, 0.5 GiB mapped, no address-space limit, the cgroup "box/run"
/// with no limit of its own.
MemorySources sources(const TempDir& dir) {
  std::ofstream(dir / "meminfo") << "MemTotal: 16777216 kB\nMemAvailable: 8388608 kB\n";
  std::ofstream(dir / "status") << "Name: marketsim\nVmSize:\t  524288 kB\n";
  std::ofstream(dir / "cgroup") << "0::/box/run\n";
  std::filesystem::create_directories(dir / "cg" / "box" / "run");
  std::ofstream(dir / "cg" / "box" / "run" / "memory.max") << "max\n";
  MemorySources s;
  s.meminfo = dir.file("meminfo");
  s.self_status = dir.file("status");
  s.self_cgroup = dir.file("cgroup");
  s.cgroup_root = dir.file("cg");
  s.address_space = std::numeric_limits<double>::infinity();
  return s;
}

}  // namespace

TEST_CASE("memory_limit takes the least of the machine, ulimit -v and the cgroup", "[memory]") {
  ::unsetenv("MARKETSIM_TEST_AVAILABLE_BYTES");
  TempDir dir;
  MemorySources s = sources(dir);
  auto limit = memory_limit(s);
  CHECK(limit.bytes == 8 * kGiB);
  CHECK(limit.source == "on this machine");

  // ulimit -v 4 GiB, of which 0.5 GiB is mapped already.
  s.address_space = 4 * kGiB;
  limit = memory_limit(s);
  CHECK(limit.bytes == 3.5 * kGiB);
  CHECK_THAT(limit.source,
             Contains("address-space limit (ulimit -v: 4.0 GiB, of which it has mapped 537 MB)"));

  // An ancestor cgroup's limit binds too: 3 GiB, 1 GiB of it in use.
  std::ofstream(dir / "cg" / "box" / "memory.max") << "3221225472\n";
  std::ofstream(dir / "cg" / "box" / "memory.current") << "1073741824\n";
  limit = memory_limit(s);
  CHECK(limit.bytes == 2 * kGiB);
  CHECK_THAT(limit.source, Contains("cgroup's memory limit (") &&
                               Contains("box/memory.max: 3.0 GiB, of which 1.0 GiB is in use)"));

  // Inactive file cache counts as free, as MemAvailable counts it: 0.5 GiB of the 1 GiB.
  std::ofstream(dir / "cg" / "box" / "memory.stat") << "anon 100\ninactive_file 536870912\n";
  limit = memory_limit(s);
  CHECK(limit.bytes == 2.5 * kGiB);
  CHECK_THAT(limit.source, Contains("box/memory.max: 3.0 GiB, of which 537 MB is in use)"));

  // A larger limit than the machine's free memory does not bind.
  s.address_space = std::numeric_limits<double>::infinity();
  std::ofstream(dir / "cg" / "box" / "memory.max") << "34359738368\n";
  CHECK(memory_limit(s).source == "on this machine");
}

TEST_CASE("memory_limit without cgroup v2 or an address-space limit is the machine's", "[memory]") {
  ::unsetenv("MARKETSIM_TEST_AVAILABLE_BYTES");
  TempDir dir;
  MemorySources s = sources(dir);
  s.self_cgroup = dir.file("none");  // cgroup v1 only: no "0::" line
  s.cgroup_root = dir.file("none");
  const auto limit = memory_limit(s);
  CHECK(limit.bytes == 8 * kGiB);
  CHECK(limit.source == "on this machine");
}
