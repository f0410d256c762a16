// Opening a file to read (Hdf5Reader): a file another process is writing, and one cut short,
// are said to be so, not "not an HDF5 file".
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <catch2/catch.hpp>

#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "tests/temp_dir.hpp"

using Catch::Contains;
using msim::Hdf5Reader;
using msim::test::TempDir;

namespace {

/// A small finished HDF5 file at `path`, with a few rows in it.
void write_file(const std::string& path) {
  msim::RecordingLayout layout;
  layout.texts = {{"/scenario", std::string(4000, 'x'), "text"}};
  layout.series = {{"/market/units", {}, "units", "units sold"}};
  auto recorder = msim::make_hdf5_recorder(path);
  recorder->begin(layout);
  for (std::int64_t t = 0; t < 50; ++t) recorder->record(t, {{static_cast<double>(t)}});
  recorder->finish({}, true);
}

}  // namespace

TEST_CASE("Hdf5Reader: a file cut short says so, with its size and the size it should have",
          "[hdf5]") {
  TempDir dir;
  const std::string good = dir.file("good.h5"), cut = dir.file("cut.h5");
  write_file(good);
  std::ifstream in(good, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  REQUIRE(bytes.size() > 3000);
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, 3000);
  CHECK_THROWS_WITH(Hdf5Reader(cut),
                    Contains("'" + cut + "': it is an HDF5 file cut short, 3000 of its " +
                             std::to_string(bytes.size()) + " bytes") &&
                        Contains("copied incompletely") && !Contains("not an HDF5 file"));
  // Cut inside its first block: the signature says what it was.
  std::ofstream(cut, std::ios::binary | std::ios::trunc) << bytes.substr(0, 20);
  CHECK_THROWS_WITH(Hdf5Reader(cut),
                    Contains("starts as an HDF5 file does") && Contains("cut short or damaged"));
  CHECK(msim::has_hdf5_signature(good));
  CHECK_FALSE(msim::has_hdf5_signature(dir.file("missing.h5")));
}

TEST_CASE("Hdf5Reader: a file that a run is writing is refused as such", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("live.h5.partial");
  write_file(path);
  // The lock HDF5 takes on a file it writes, held here as a run in progress would hold it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX) == 0);
  CHECK_THROWS_WITH(Hdf5Reader(path), Contains("'" + path +
                                               "': it is being written by a run in "
                                               "progress") &&
                                          Contains("wait for it to finish"));
  ::close(fd);
  CHECK(Hdf5Reader(path).exists("/market/units"));
}
