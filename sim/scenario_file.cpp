// The checks on a scenario path before it is opened: stat alone, which neither blocks on a fifo
// nor reads a device.
#include "sim/scenario_file.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include "sim/error.hpp"

namespace msim {

void check_scenario_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) return;
  if (!S_ISREG(st.st_mode)) {
    const char* kind = S_ISCHR(st.st_mode)    ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISFIFO(st.st_mode) ? "a fifo (a named pipe)"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "something else";
    throw InputError(
        fmt::format("scenario '{}' is not a regular file (it is {}); expected a scenario YAML file",
                    path, kind));
  }
  const auto bytes = static_cast<std::uintmax_t>(st.st_size);
  if (bytes > kMaxScenarioBytes)
    throw InputError(fmt::format(
        "scenario '{}' is {} bytes ({:.1f} MiB), larger than the {} MiB a scenario file may be "
        "(a scenario is a few KB of YAML); expected a scenario YAML file",
        path, bytes, static_cast<double>(bytes) / 1048576.0, kMaxScenarioBytes >> 20));
}

}  // namespace msim
