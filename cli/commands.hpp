#pragma once
/// The marketsim subcommands. Each returns the process exit code; InputError escapes to main.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace msim::cli {

struct RunArgs {
  std::string scenario;     ///< empty: the embedded default
  bool has_output = false;  ///< -o was given (an empty -o is an error, not the default)
  std::string output;       ///< without -o: the scenario's output.path
  std::size_t threads = 0;
  bool has_seed = false;
  std::int64_t seed = 0;
  std::vector<std::string> overrides;
  bool force = false;
  bool resume = false;  ///< experiments: skip runs that finished before
  /// Experiments: --part K/N runs only part K of N (part = K - 1, parts = N); parts 0: all.
  std::size_t part = 0, parts = 0;
  bool quiet = false;
  std::size_t block_size = 4096;
};

int run(const RunArgs& args);
int validate(const std::string& scenario, const std::vector<std::string>& overrides);
/// `csv`: --csv's value, when given; `force`: replace CSV tables that an earlier --csv wrote.
int summarize(const std::string& file, const std::optional<std::string>& csv, bool force);
int strategies();

}  // namespace msim::cli
