#pragma once
/// The directories a command makes for what it writes (summarize --csv DIR/), removed again when
/// the writing fails: a failed command leaves nothing behind, not even an empty directory.
#include <string>
#include <vector>

namespace msim::cli {

class MadeDirectories {
 public:
  /// Makes `dir` and each of its ancestors that is missing.
  /// @throws OutputError when the system refuses one (a full disk), having removed those made.
  explicit MadeDirectories(const std::string& dir);
  /// Removes the directories it made, deepest first, unless keep() was called; one that is not
  /// empty (something else was put in it meanwhile) stays.
  ~MadeDirectories();
  MadeDirectories(const MadeDirectories&) = delete;
  MadeDirectories& operator=(const MadeDirectories&) = delete;

  /// What was written is complete: the directories stay.
  void keep() { made_.clear(); }

 private:
  void remove_made();
  std::vector<std::string> made_;  ///< in the order made: the shallowest first
};

}  // namespace msim::cli
