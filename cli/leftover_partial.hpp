#pragma once
/// What a .partial file left at an output's temporary name holds: a run or an experiment that
/// was interrupted (complete=0), or one that finished but was stopped before its rename
/// (complete=1), which is never replaced unseen.
#include <cstdint>
#include <optional>
#include <string>

namespace msim::cli {

/// The root attributes of a .partial file that say how far its run got.
struct LeftoverPartial {
  std::string unreadable;  ///< why it cannot be read (not HDF5, cut short); empty when it can
  bool complete = false;   ///< complete=1: finished, only its rename did not happen
  bool experiment = false;
  std::optional<std::int64_t> steps_done, steps, runs;
};

/// Reads the .partial file `path`, which no process holds (file_locked() is false).
LeftoverPartial read_leftover_partial(const std::string& path);

/// The refusal (starting with `what`) of the finished `partial`, whose output is `out`: how
/// to keep it (mv), and that --force does not replace it.
std::string finished_partial_refusal(const std::string& what, const std::string& partial,
                                     const std::string& out, const LeftoverPartial& found);

/// How far it got: "12 of 52 steps, complete=0", or "complete=0" (an experiment's, say).
std::string how_far(const LeftoverPartial& found);

}  // namespace msim::cli
