#pragma once
/// Where two YAML documents differ, key path by key path: for saying what changed between a
/// document a file recorded and the one a program would write now.
#include <cstddef>
#include <string>
#include <vector>

#include "sim/config.hpp"

namespace msim {

/// The first `limit` differences between documents `before` and `after`, in document order,
/// each "key.path: X -> Y" (the value at a key path in each; "(absent)" where one has none,
/// "(N items)" for a list that changed length, "(a map)" or "(a list)" where the kinds differ).
/// List items are named by their name, as key paths name them. Empty when they are the same.
std::vector<std::string> config_differences(const Config& before, const Config& after,
                                            std::size_t limit = 3);

}  // namespace msim
