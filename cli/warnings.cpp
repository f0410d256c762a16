#include "cli/warnings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sim/error.hpp"

namespace msim::cli {

void print_warnings(const Scenario& sc, const Experiment* ex) {
  std::vector<std::string> shown;
  const auto show = [&](const Scenario& s) {
    for (const std::string& note : s.notes)
      if (std::find(shown.begin(), shown.end(), note) == shown.end()) {
        fmt::print(stderr, "warning: {}\n", escape_non_utf8(note));
        shown.push_back(note);
      }
  };
  show(sc);
  if (sc.after_branch) show(*sc.after_branch);
  if (ex != nullptr) {
    for (const PlannedRun& run : ex->runs) show(run.scenario);
    for (const std::string& note : ex->notes)
      fmt::print(stderr, "warning: {}\n", escape_non_utf8(note));
  }
}

}  // namespace msim::cli
