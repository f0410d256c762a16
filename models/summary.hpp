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

/// Durable goods over the whole run, per firm (present when the market has durables).
struct DurablesRow {
  std::string firm;
  double units = 0, failures = 0, early_failures = 0, mean_failure_age = 0;
  double replacements = 0, upgrades = 0, installed_base = 0, loyalty = 0;
};

/// Customer relationships per firm: the last step's figures, and program costs over the run.
struct RelationshipRow {
  std::string firm;
  double share_of_wallet = 0, purchases_per_buyer = 0, active = 0, lost = 0, retention = 0;
  double clv = 0, program_cost = 0, referred = 0, referred_retention = 0;
};

struct Summary {
  std::string scenario;
  std::int64_t consumers = 0, steps = 0, steps_per_year = 0, steps_done = 0;
  bool complete = false;
  double wall_seconds = 0.0;
  std::vector<SummaryRow> rows;
  std::vector<RelationshipRow> relationships;    ///< empty for files without these metrics
  std::vector<DurablesRow> durables;             ///< empty when the market has none
  std::vector<std::string> durable_categories;   ///< names, with saturation at the last step
  std::vector<double> saturation;
};

/// Reads /market/* at the last recorded step. @throws InputError when the file is not a run.
Summary summarize_file(const std::string& path);

/// A fixed-width table with one row per firm, then two plain-language sentences; for markets
/// with durables, a second table on failures, replacements and ownership.
std::string format_summary(const Summary& s);

}  // namespace msim
