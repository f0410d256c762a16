#pragma once
/// Where two YAML documents differ, key path by key path: for saying what changed between a
/// document a file recorded and the one a program would write now.
#include <cstddef>
#include <string>
#include <vector>

#include "sim/config.hpp"

namespace msim {

/// The most differences config_differences reports unless told otherwise.
inline constexpr std::size_t kDifferencesShown = 3;

/// The first `limit` differences between documents `before` and `after`, in document order,
/// each "key.path: X -> Y" (the value at a key path in each, shortened past 60 characters;
/// "(absent)" where one has none, "(a map)" or "(N items)" for a list where the kinds or the
/// lengths differ). Values that read alike (same_scalar) are the same. List items are compared
/// by position and named as key paths name them (by name where they have one); items whose
/// names differ are reported as "list.K: item A -> item B". Empty when the documents are alike.
std::vector<std::string> config_differences(const Config& before, const Config& after,
                                            std::size_t limit = kDifferencesShown);

/// Whether two single values of a document read alike: the same text, the same number (1000
/// and 1e3), or the same truth value (true, True, yes, on).
bool same_scalar(const std::string& a, const std::string& b);

}  // namespace msim
