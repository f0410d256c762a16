#pragma once
/// Errors: InputError is the user's (exit code 2), OutputError the system's (exit code 1), anything
/// else is ours (exit code 1, reported as an internal error).
#include <stdexcept>
#include <string>
#include <string_view>

namespace msim {

/// Bad input from the user: a scenario, an override or a command-line argument.
/// The message is one paragraph that names the place, the value and what was expected.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

/// The system refused to write an output: disk full, a quota, a vanished directory. The message
/// names the file, the system's reason and what became of the unfinished file.
class OutputError : public std::runtime_error {
 public:
  explicit OutputError(const std::string& message) : std::runtime_error(message) {}
};

/// `text` with each byte that is not part of UTF-8 written as \xNN, the rest as it is: for a
/// message that quotes a path or a value, which a terminal would otherwise garble ("caf\xe9" for
/// Latin-1 "café"). Printed errors and warnings go through it.
std::string escape_non_utf8(std::string_view text);

}  // namespace msim
