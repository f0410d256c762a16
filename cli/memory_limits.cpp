// Reading the memory limits: /proc/meminfo, getrlimit(RLIMIT_AS) less /proc/self/status's VmSize,
// and the cgroup v2 memory.max less memory.current of the process's cgroup and its ancestors.
#include "cli/memory_limits.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "cli/memory_check.hpp"

namespace msim::cli {
namespace {

constexpr double kNone = std::numeric_limits<double>::infinity();

/// The value of `key` ("MemAvailable:", "VmSize:") in a /proc file of "key value kB" lines, in
/// bytes; nothing when absent.
std::optional<double> kib_field(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::strtod(line.c_str() + key.size(), nullptr) * 1024.0;
  return std::nullopt;
}

/// A cgroup file of one number ("max" or missing: nothing).
std::optional<double> cgroup_number(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string word;
  if (!(in >> word) || word == "max") return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(word.c_str(), &end);
  if (end == word.c_str()) return std::nullopt;
  return v;
}

/// The process's cgroup v2, relative to the mount ("" for the root), from its "0::/path" line.
std::string own_cgroup(const std::string& self_cgroup) {
  std::ifstream in(self_cgroup);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("0::/", 0) == 0) return line.substr(4);
  return "";
}

}  // namespace

MemoryLimit memory_limit(const MemorySources& sources) {
  if (const char* test = std::getenv("MARKETSIM_TEST_AVAILABLE_BYTES"))
    return {std::strtod(test, nullptr), "on this machine"};
  MemoryLimit least{kNone, "on this machine"};
  if (const auto free = kib_field(sources.meminfo, "MemAvailable:"))
    least.bytes = *free;
  else
    least.bytes =
        static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));

  // ulimit -v counts every mapping, the program's own among them.
  double address_space = kNone;
  if (sources.address_space) {
    address_space = *sources.address_space;
  } else if (rlimit rl{}; ::getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    address_space = static_cast<double>(rl.rlim_cur);
  }
  if (std::isfinite(address_space)) {
    const double mapped = kib_field(sources.self_status, "VmSize:").value_or(0.0);
    const double left = std::max(0.0, address_space - mapped);
    if (left < least.bytes)
      least = {left, fmt::format("under this process's address-space limit (ulimit -v: {}, of "
                                 "which it has mapped {})",
                                 readable_bytes(address_space), readable_bytes(mapped))};
  }

  // A cgroup's limit binds its processes, and so does each ancestor's.
  namespace fs = std::filesystem;
  for (fs::path group = fs::path(own_cgroup(sources.self_cgroup)).lexically_normal();;
       group = group.parent_path()) {
    const fs::path dir = fs::path(sources.cgroup_root) / group;
    if (const auto max = cgroup_number(dir / "memory.max")) {
      // memory.current counts the file cache too, which the kernel reclaims under the limit
      // (as MemAvailable discounts it): its inactive part is not in use. (memory.stat is in
      // bytes, where kib_field reads kB.)
      const double cache =
          kib_field((dir / "memory.stat").string(), "inactive_file ").value_or(0.0) / 1024.0;
      const double used =
          std::max(0.0, cgroup_number(dir / "memory.current").value_or(0.0) - cache);
      const double left = std::max(0.0, *max - used);
      if (left < least.bytes)
        least = {left, fmt::format("under its cgroup's memory limit ({}: {}, of which {} is in "
                                   "use)",
                                   (dir / "memory.max").lexically_normal().string(),
                                   readable_bytes(*max), readable_bytes(used))};
    }
    if (group.empty() || group == group.parent_path()) break;
  }
  return least;
}

}  // namespace msim::cli
