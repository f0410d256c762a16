// --seed S beside the --set assignments: refused when a --set seed= gives another seed.
#include "cli/seed_option.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <system_error>

#include "sim/error.hpp"

namespace msim::cli {

std::vector<std::string> with_seed(const std::vector<std::string>& overrides,
                                   std::optional<std::int64_t> seed) {
  std::vector<std::string> out = overrides;
  if (!seed) return out;
  bool given = false;  // a --set seed= that reads as --seed's would
  for (const std::string& assignment : overrides) {
    const std::size_t eq = assignment.find('=');
    if (eq == std::string::npos || assignment.substr(0, eq) != "seed") continue;
    std::string value = assignment.substr(eq + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t") + 1);
    // As the scenario reads a seed: 5, +5, 5.0 and 5e0 are all 5.
    char* end = nullptr;
    const double v = value.empty() ? std::nan("") : std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(v) ||
        v != std::trunc(v))
      throw InputError(fmt::format(
          "--set '{}': expected an integer seed; --seed {} sets the seed too, so give one of "
          "them",
          assignment, *seed));
    // Whole numbers as integers: past 2^53 two seeds can be the same double.
    std::int64_t whole = 0;
    const char* digits = value.c_str() + (value.front() == '+' ? 1 : 0);
    const auto [at, ec] = std::from_chars(digits, value.c_str() + value.size(), whole);
    const bool integer = ec == std::errc() && at == value.c_str() + value.size();
    if (integer ? whole != *seed : v != static_cast<double>(*seed))
      throw InputError(fmt::format(
          "--seed {} and --set '{}' both set the seed, to different values; give one of them "
          "(--seed S is the same as --set seed=S)",
          *seed, assignment));
    // Recorded once when the --set writes it as --seed would (a --set seed=5.0 stays beside).
    given = given || value == std::to_string(*seed);
  }
  if (!given) out.push_back(fmt::format("seed={}", *seed));
  return out;
}

}  // namespace msim::cli
