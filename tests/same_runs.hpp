#pragma once
// Experiment files compared run by run: every dataset's bits (numbers) or text, each run's place
// in the design, and the .h5 files a runs directory holds.
#include <algorithm>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "tests/same_bits.hpp"

namespace msim::test {

/// Whether every dataset under `group` of `a` and `b` holds the same bits (numbers) or text
/// (strings), the same datasets in each.
inline bool same_datasets(const Hdf5Reader& a, const Hdf5Reader& b, const std::string& group) {
  const std::vector<std::string> names = a.list(group);
  if (b.list(group) != names) return false;
  for (const std::string& name : names) {
    const std::string path = group + "/" + name;
    bool is_group = true;
    try {
      a.list(path);
    } catch (const std::exception&) {
      is_group = false;
    }
    if (is_group) {
      if (!same_datasets(a, b, path)) return false;
      continue;
    }
    try {
      if (!same_bits(a.table(path).values, b.table(path).values)) return false;
    } catch (const InputError&) {  // not numbers
      if (a.strings(path) != b.strings(path)) return false;
    }
  }
  return true;
}

/// Checks that the experiment files `a` and `b` hold the same runs (every dataset, and each
/// run's place: number, design point, replication, seed) and the same tables.
inline void check_same_runs(const std::filesystem::path& a_path,
                            const std::filesystem::path& b_path) {
  const Hdf5Reader a(a_path.string()), b(b_path.string());
  REQUIRE(b.list("/runs") == a.list("/runs"));
  CHECK(same_datasets(a, b, "/runs"));
  CHECK(same_datasets(a, b, "/experiment"));
  for (const auto& id : a.list("/runs")) {
    INFO("run " << id);
    for (const char* place : {"run", "design_point", "replication", "seed"})
      CHECK(std::get<std::int64_t>(a.attribute(place, "/runs/" + id)) ==
            std::get<std::int64_t>(b.attribute(place, "/runs/" + id)));
  }
}

/// The names of the .h5 files in `dir`, sorted.
inline std::vector<std::string> h5_files(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".h5") names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace msim::test
