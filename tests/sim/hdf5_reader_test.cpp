// Opening a file to read (Hdf5Reader): a file another process is writing, and one cut short,
// are said to be so, not "not an HDF5 file".
#include <fcntl.h>
#include <hdf5.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

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

TEST_CASE("has_hdf5_signature: finds the signature after a user block, as HDF5 does", "[hdf5]") {
  TempDir dir;
  // A file HDF5 made with a user block of 1024 bytes: its signature is at byte 1024.
  const std::string blocked = dir.file("blocked.h5");
  const hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
  REQUIRE(H5Pset_userblock(fcpl, 1024) >= 0);
  const hid_t file = H5Fcreate(blocked.c_str(), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
  REQUIRE(file >= 0);
  H5Fclose(file);
  H5Pclose(fcpl);
  CHECK(msim::has_hdf5_signature(blocked));
  // Only where HDF5 looks: at 0, 512, 1024, 2048, ... and not elsewhere.
  const std::string signature = "\x89HDF\r\n\x1a\n";
  const std::string at_512 = dir.file("at512"), at_700 = dir.file("at700"), text = dir.file("t");
  std::ofstream(at_512, std::ios::binary) << std::string(512, ' ') << signature << "rest";
  std::ofstream(at_700, std::ios::binary) << std::string(700, ' ') << signature << "rest";
  std::ofstream(text, std::ios::binary) << "step,week,firm\n";
  CHECK(msim::has_hdf5_signature(at_512));
  CHECK_FALSE(msim::has_hdf5_signature(at_700));
  CHECK_FALSE(msim::has_hdf5_signature(text));
  CHECK_FALSE(msim::has_hdf5_signature(dir.path.string()));  // a directory
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

TEST_CASE("Hdf5Reader: a value of another shape or type than asked for is refused, with its path",
          "[hdf5]") {
  // A file another program wrote: two texts where one is expected, attributes that are a pair,
  // a bit field and a number.
  TempDir dir;
  const std::string path = dir.file("other.h5");
  {
    const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(file >= 0);
    const hid_t text = H5Tcopy(H5T_C_S1);
    H5Tset_size(text, H5T_VARIABLE);
    const hsize_t two = 2;
    const hid_t pair = H5Screate_simple(1, &two, nullptr), scalar = H5Screate(H5S_SCALAR);
    const hid_t words =
        H5Dcreate2(file, "/scenario", text, pair, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const std::vector<const char*> chars = {"first", "second"};
    REQUIRE(H5Dwrite(words, text, H5S_ALL, H5S_ALL, H5P_DEFAULT, chars.data()) >= 0);
    const std::int64_t numbers[2] = {3, 4}, steps = 12;
    const unsigned char bits = 5;
    const auto attribute = [&](const char* name, hid_t type, hid_t space, const void* value) {
      const hid_t a = H5Acreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
      REQUIRE(H5Awrite(a, type, value) >= 0);
      H5Aclose(a);
    };
    attribute("pair", H5T_NATIVE_INT64, pair, numbers);
    attribute("flags", H5T_NATIVE_B8, scalar, &bits);
    attribute("steps", H5T_NATIVE_INT64, scalar, &steps);
    H5Dclose(words);
    H5Sclose(pair);
    H5Sclose(scalar);
    H5Tclose(text);
    REQUIRE(H5Fclose(file) >= 0);
  }
  const Hdf5Reader reader(path);
  CHECK(reader.strings("/scenario") == std::vector<std::string>{"first", "second"});
  CHECK_THROWS_WITH(reader.text("/scenario"), "'/scenario' in '" + path + "' is not a single text");
  CHECK_THROWS_WITH(reader.attribute("pair"),
                    "cannot read attribute 'pair' of '/' in '" + path + "' as a scalar");
  CHECK_THROWS_WITH(reader.attribute("flags"),
                    "cannot read attribute 'flags' of '/' in '" + path + "' as a scalar");
  CHECK(std::get<std::int64_t>(reader.attribute("steps")) == 12);
  CHECK_THROWS_WITH(reader.string_attribute("/", "steps"),
                    "attribute 'steps' of '/' in '" + path + "' is not a string");
  CHECK(reader.string_attribute("/", "missing").empty());
  CHECK_THROWS_AS(reader.text("/scenario"), msim::InputError);  // bad input, not a fault
}
