#pragma once
/// Errors: InputError is the user's (exit code 2), anything else is ours (exit code 1).
#include <stdexcept>
#include <string>

namespace msim {

/// Bad input from the user: a scenario, an override or a command-line argument.
/// The message is one paragraph that names the place, the value and what was expected.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace msim
