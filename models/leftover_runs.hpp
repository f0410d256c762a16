#pragma once
/// A runs directory beside a completed experiment's file (OUT.h5 and OUT.h5.runs/). An
/// experiment removes the directory once its file is written, so one is there only when the
/// experiment was stopped in between (a kill), or when a later run of it into OUT.h5 (with
/// --force, or --resume --force) is running or was stopped.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace msim {

struct RunsBeside {
  std::string dir;
  std::size_t entries = 0;   ///< files (and anything else) in it
  std::uintmax_t bytes = 0;  ///< the size of its files
  /// Every entry is a finished run that OUT.h5 holds under its name, as that run (the same
  /// scenario, seed and build): a leftover, of which nothing is lost when it is removed.
  bool redundant = false;
};

/// The runs directory beside `out_path` when `out_path` is a completed experiment's file and
/// the directory is there; none otherwise (a missing or unreadable file, a single run's).
std::optional<RunsBeside> runs_beside(const std::string& out_path);

/// What to tell a user of `beside`, the runs directory beside the completed experiment
/// `out_path`: its name and size, and either that it is a leftover to remove, or that it holds
/// runs that `out_path` does not (a later run of the experiment, which --resume --force
/// continues). One paragraph, ending in a newline.
std::string runs_beside_note(const RunsBeside& beside, const std::string& out_path);

}  // namespace msim
