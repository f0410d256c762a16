#pragma once
/// The end-of-run summary table, read back from a run's HDF5 file.
#include <string>
#include <vector>

namespace msim {

struct SummaryRow {
  std::string firm, strategy;
  double market_share = 0, customer_share = 0, penetration = 0, awareness = 0;
  double profit = 0, roi = 0;  ///< cumulative profit (money) and return on marketing
};

struct Summary {
  std::string scenario;
  std::int64_t consumers = 0, steps = 0, steps_per_year = 0, steps_done = 0;
  bool complete = false;
  double wall_seconds = 0.0;
  std::vector<SummaryRow> rows;
};

/// Reads /market/* at the last recorded step. @throws InputError when the file is not a run.
Summary summarize_file(const std::string& path);

/// A fixed-width table with one row per firm, then two plain-language sentences.
std::string format_summary(const Summary& s);

}  // namespace msim
