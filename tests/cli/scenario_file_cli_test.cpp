// A scenario path that is not a regular file (a device, a fifo) or is far larger than any
// scenario is refused at once, before it is read: /dev/zero would be read without end.
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/cli/cli_harness.hpp"

using Catch::Contains;
namespace fs = std::filesystem;
using namespace cli_test;

// Under an address-space limit, so that reading a device without end fails (bad_alloc) instead
// of making the test wait for ever; a sanitizer's runtime, which reserves terabytes of address
// space, cannot start under one, so there a time limit stands in for it.
const std::string kLimited = kAddressSanitizer ? "ulimit -t 60" : "ulimit -v 2000000";

TEST_CASE("cli: a scenario that is a device is refused at once", "[cli][scenario]") {
  TempDir dir;
  Result r = marketsim(dir, "validate /dev/zero", kLimited);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("'/dev/zero' is not a regular file (it is a character device)") &&
                        !Contains("internal error"));
  r = marketsim(dir, "run /dev/urandom -o out.h5 --quiet", kLimited);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("'/dev/urandom' is not a regular file"));
  CHECK_FALSE(fs::exists(dir / "out.h5"));
  CHECK_FALSE(fs::exists(dir / "out.h5.partial"));
}

TEST_CASE("cli: a scenario file past the size limit is refused with its size", "[cli][scenario]") {
  TempDir dir;
  {  // sparse: 65 MiB that take no room
    std::ofstream big(dir / "big.yaml");
  }
  fs::resize_file(dir / "big.yaml", 65u << 20);
  Result r = marketsim(dir, "validate big.yaml");
  CHECK(r.code == 2);
  CHECK_THAT(r.err,
             Contains("scenario 'big.yaml' is 68157440 bytes (65.0 MiB), larger than the 64 MiB"));
  r = marketsim(dir, "run big.yaml -o out.h5 --quiet");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("(65.0 MiB), larger than the 64 MiB"));
  CHECK_FALSE(fs::exists(dir / "out.h5"));
}
