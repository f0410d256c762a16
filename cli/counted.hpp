#pragma once
/// A count with its noun for the command line's messages: "1 thread", "2 threads".
#include <fmt/format.h>

#include <concepts>
#include <string>

namespace msim::cli {

inline std::string counted(std::integral auto n, const char* noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

}  // namespace msim::cli
