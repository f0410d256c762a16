#pragma once
/// Reading and writing scenarios: YAML in, a checked Scenario out, and back to resolved YAML.
#include <cstddef>
#include <string>
#include <vector>

#include "models/limits.hpp"
#include "models/scenario.hpp"

namespace msim {

class Config;

/// Builds a Scenario from a parsed document. @throws InputError naming file, line, key and value.
Scenario load_scenario(const Config& root);
/// Parses and loads a scenario file, applying "key.path=value" overrides first.
Scenario load_scenario_file(const std::string& path,
                            const std::vector<std::string>& overrides = {});
/// The same for YAML text; `name` stands in for the file name in messages.
Scenario load_scenario_text(const std::string& text, const std::string& name,
                            const std::vector<std::string>& overrides = {});
/// The scenario with every default filled in, as YAML that loads back to the same scenario.
std::string resolved_yaml(const Scenario& scenario);

/// Why a share of a segment's consumers (from share_above_max_rate()) is too many, if it is more
/// than kMaxShareAboveRate: "a share 0.0025 of the segment's consumers would draw a purchase
/// rate above 18 ...; expected ...". "" when it is not.
std::string rate_share_problem(double share);

/// Two items of `list` ("firms", "shocks") with one name: "the name 'A' is used twice in firms:
/// item 0 (FILE:LINE:COLUMN) has it already; ...", with the first item's index and place.
std::string used_twice(const std::string& list, const std::string& name, std::size_t first,
                       const Config& first_item);

/// The scenario compiled into the program (scenarios/default.yaml).
std::string default_scenario_text();

/// Limits the loader enforces.
inline constexpr int kMaxFirms = 64;
inline constexpr int kMaxCategories = 16;
inline constexpr int kMaxSegments = 64;
inline constexpr int kMaxRegions = 64;
inline constexpr int kMaxDims = 4;
inline constexpr std::int64_t kMaxSteps = 65000;
/// Longest product lifetime scale, in steps (failure steps are stored in 16 bits).
inline constexpr double kMaxLifetime = 65000.0;
/// Firms with an `audience` targeting rule (each takes a bit of Population::flags).
inline constexpr std::size_t kMaxAudiences = 6;

}  // namespace msim
