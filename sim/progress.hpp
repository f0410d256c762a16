#pragma once
/// Progress with an ETA, drawn on one terminal line of stderr.
#include <chrono>
#include <cstdint>
#include <string>

namespace msim {

class Progress {
 public:
  /// Draws only when `enabled` and stderr is a terminal.
  Progress(std::string label, std::int64_t total, bool enabled);
  ~Progress();
  /// `done` units of `total` are finished; redraws at most every 0.2 s.
  void update(std::int64_t done);
  /// Clears the line.
  void finish();
  double elapsed_seconds() const;

 private:
  std::string label_;
  std::int64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

/// "1 min 05 s", "3.2 s".
std::string format_duration(double seconds);

}  // namespace msim
