#pragma once
/// How much memory a run may take: the least of what the machine has free (MemAvailable), what
/// the process's address-space limit (ulimit -v) leaves, and what its cgroup's memory limit
/// (cgroup v2 memory.max) leaves. A run past any of them fails with bad_alloc or is killed; the
/// refusal before it must name the one that binds.
#include <optional>
#include <string>

namespace msim::cli {

/// The memory a run may take, and what sets it.
struct MemoryLimit {
  double bytes = 0;
  /// Where `bytes` comes from, to follow "available": "on this machine", "under this process's
  /// address-space limit (ulimit -v: 7.6 GiB, of which it has mapped 45 MB)", "under its
  /// cgroup's memory limit (.../memory.max: 4.0 GiB, of which 1.2 GiB is in use)".
  std::string source;
};

/// Where the limits are read from: the system's files by default; tests give their own.
struct MemorySources {
  std::string meminfo = "/proc/meminfo";
  std::string self_status = "/proc/self/status";  ///< VmSize: what the process has mapped
  std::string self_cgroup = "/proc/self/cgroup";  ///< "0::/path" names its cgroup v2
  std::string cgroup_root = "/sys/fs/cgroup";     ///< where cgroup v2 is mounted
  /// The address-space limit in bytes (nullopt: getrlimit(RLIMIT_AS)'s; infinity: none).
  std::optional<double> address_space;
};

/// The least of the limits that apply. MARKETSIM_TEST_AVAILABLE_BYTES, for tests only, replaces
/// them all.
MemoryLimit memory_limit(const MemorySources& sources = {});

}  // namespace msim::cli
