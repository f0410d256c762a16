#pragma once
/// --seed S, which `run` and `validate` take: the same as --set seed=S.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace msim::cli {

/// The scenario's overrides: the --set assignments, then seed=S for --seed S unless a --set
/// seed=S is there already (so that the file records it once).
/// @throws InputError when a --set seed= gives another seed, or no integer, beside --seed.
std::vector<std::string> with_seed(const std::vector<std::string>& overrides,
                                   std::optional<std::int64_t> seed);

}  // namespace msim::cli
