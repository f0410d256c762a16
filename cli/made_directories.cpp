// Making an output's missing directories, and removing them again when the output fails.
#include "cli/made_directories.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

#include "sim/error.hpp"

namespace msim::cli {

MadeDirectories::MadeDirectories(const std::string& dir) {
  namespace fs = std::filesystem;
  // The missing ones, from `dir` up to the first that exists; made from the top down.
  std::vector<fs::path> missing;
  for (fs::path p = fs::path(dir).lexically_normal(); !p.empty();) {
    if (p.filename().empty()) p = p.parent_path();  // "out/" names "out"
    struct stat st {};
    if (p.empty() || ::stat(p.c_str(), &st) == 0) break;
    missing.push_back(p);
    if (p.parent_path() == p) break;
    p = p.parent_path();
  }
  std::reverse(missing.begin(), missing.end());
  for (const fs::path& p : missing) {
    if (::mkdir(p.c_str(), 0777) == 0) {
      made_.push_back(p.string());
      continue;
    }
    const int err = errno;
    if (err == EEXIST) continue;  // made meanwhile by someone else: not ours to remove
    remove_made();
    throw OutputError(fmt::format("cannot create the directory '{}' ({})", p.string(),
                                  std::error_code(err, std::generic_category()).message()));
  }
}

MadeDirectories::~MadeDirectories() {
  remove_made();
}

void MadeDirectories::remove_made() {
  // rmdir removes only an empty directory: anything put there meanwhile is kept, and so is the
  // directory that holds it.
  for (auto it = made_.rbegin(); it != made_.rend(); ++it) ::rmdir(it->c_str());
  made_.clear();
}

}  // namespace msim::cli
