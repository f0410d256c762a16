#pragma once
/// A count with its noun for the command line's messages: "1 thread", "2 threads".
#include <fmt/format.h>

#include <concepts>
#include <string>

namespace msim::cli {

inline std::string counted(std::integral auto n, const char* noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}
/// The same for a noun whose plural is not its singular and an "s": "1 category", "2 categories".
inline std::string counted(std::integral auto n, const char* singular, const char* plural) {
  return fmt::format("{} {}", n, n == 1 ? singular : plural);
}

}  // namespace msim::cli
