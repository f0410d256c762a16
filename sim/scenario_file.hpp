#pragma once
/// What a scenario path must be before it is read: a regular file of sane size. A device
/// (/dev/zero, /dev/urandom) would be read without end, a fifo would block, and a huge file is
/// another kind of file given by mistake; each is read whole into memory.
#include <cstdint>
#include <string>

namespace msim {

/// The most a scenario file may hold. Scenarios are a few KB of YAML.
inline constexpr std::uintmax_t kMaxScenarioBytes = std::uintmax_t{64} << 20;

/// Refuses (InputError) a scenario path that is not a regular file, or that is larger than
/// kMaxScenarioBytes, saying what it is. A missing path and a directory pass: reading them says
/// so.
void check_scenario_file(const std::string& path);

}  // namespace msim
