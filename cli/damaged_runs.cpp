// Reading each run file of an experiment's runs directory before the experiment takes them.
#include "cli/damaged_runs.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "models/experiment.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"

namespace msim::cli {

void check_damaged_runs(const std::string& dir, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const fs::path& path = entry.path();
    if (!entry.is_regular_file(ec) || path.extension() != ".h5") continue;
    if (!run_file_name(path.filename().string()) && !has_hdf5_signature(path.string())) continue;
    if (file_locked(path.string())) continue;  // being written: not damaged, and refused later
    try {
      const Hdf5Reader readable(path.string());
    } catch (const InputError& e) {
      // The reader's reason without its "cannot open 'FILE': ", which the message says already.
      std::string why = e.what();
      const std::string opening = fmt::format("cannot open '{}': ", path.string());
      if (why.rfind(opening, 0) == 0) why.erase(0, opening.size());
      throw InputError(fmt::format(
          "{}: '{}', a finished run of the experiment kept in '{}', is damaged and cannot be "
          "read: {}; remove it, and the same command runs that run again (the other finished "
          "runs are kept)",
          what, path.string(), dir, why));
    }
  }
}

}  // namespace msim::cli
