// Reading the .partial file that an earlier run left at an output's temporary name.
#include "cli/leftover_partial.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>
#include <variant>

#include "cli/counted.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"

namespace msim::cli {
namespace {

/// 'mv 'a' 'b'' for the shell, each name in single quotes.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

LeftoverPartial read_leftover_partial(const std::string& path) {
  LeftoverPartial found;
  try {
    const Hdf5Reader in(path);
    found.complete = in.int_attribute("complete") == 1;
    found.experiment = in.has_attribute("design_points");
    found.steps_done = in.int_attribute("steps_done");
    found.steps = in.int_attribute("steps");
    found.runs = in.int_attribute("runs");
  } catch (const InputError& e) {
    // The reader's reason without its "cannot open 'FILE': ", which the message says already.
    found.unreadable = e.what();
    const std::string opening = fmt::format("cannot open '{}': ", path);
    if (found.unreadable.rfind(opening, 0) == 0) found.unreadable.erase(0, opening.size());
  }
  return found;
}

std::string how_far(const LeftoverPartial& found) {
  if (!found.experiment && found.steps_done && found.steps)
    return fmt::format("{} of {} steps, complete={}", *found.steps_done, *found.steps,
                       found.complete ? 1 : 0);
  return fmt::format("complete={}", found.complete ? 1 : 0);
}

std::string finished_partial_refusal(const std::string& what, const std::string& partial,
                                     const std::string& out, const LeftoverPartial& found) {
  std::error_code ec;
  const std::string done =
      found.experiment
          ? fmt::format("a finished experiment{}",
                        found.runs ? fmt::format(" of {}", counted(*found.runs, "run")) : "")
          : "a finished run";
  return fmt::format(
      "{}: '{}' is {} ({}), whose rename to '{}' did not happen (it was stopped between the two, "
      "by a kill or a power loss, perhaps); to keep it, rename it: mv {} {}{}; or move or "
      "remove it. It is refused even with --force, which would discard a finished result",
      what, partial, done, how_far(found), out, quoted(partial), quoted(out),
      std::filesystem::exists(out, ec) ? fmt::format(" (which replaces the '{}' there)", out) : "");
}

}  // namespace msim::cli
