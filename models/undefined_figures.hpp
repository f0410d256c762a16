#pragma once
/// Where a run's /market series hold a number for a figure that is undefined. The model records
/// 0 there (each dataset's description says so: a customer share while nobody has bought from
/// the firm, ROI before any marketing money was spent), which a single run's market.csv leaves
/// empty, as summary.csv and the printed summary's n/a do; the HDF5 file keeps its 0. The rules
/// are those of analysis/summary.py's as_defined, and where a ratio's denominator is in the file
/// (churn, the mean age at failure, the replacement share) its own.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace msim {

class Hdf5Reader;

/// For the series /market/<metric> ([T, F], F = `firms`) of the run file `in`, 1 at each cell
/// (step * F + firm) where its figure is undefined, 0 elsewhere:
///   - market_share, value_share: no firm sold anything in the step (/market/units);
///   - customer_share, share_of_wallet, purchases_per_buyer, loyalty: nobody had bought from the
///     firm up to the step (none of its units sold since step 0; files without /market/units:
///     /market/customers 0);
///   - roi: less than kMinRoiSpend (0.01) of marketing money, marketing spend and program
///     rewards, spent since step 0;
///   - churn: no active customers at the end of the step before (and in step 0);
///   - mean_failure_age: none of the firm's durables failed in the step;
///   - replacement_share: the firm sold no unit in a durable category in the step.
/// Empty (every cell as recorded) for any other metric, and when the file lacks the series the
/// rule needs; as long as the shortest of those series, which a killed run may have.
/// With a `category`, the same for its [T, F] slice of /market/by_category/<metric>, by the
/// category's own series (units, customers, money, failures; the replacement share is undefined
/// throughout in a consumable category), except for the firm-wide loyalty, share of wallet and
/// churn, which are undefined where the firm's are.
std::vector<char> undefined_cells(const Hdf5Reader& in, const std::string& metric,
                                  std::size_t firms,
                                  std::optional<std::size_t> category = std::nullopt);

/// When a cell of market.csv's column for /market/<metric> is empty though the file has 0 (the
/// rules of undefined_cells), for columns.csv: "no firm sold anything in the step"; "" for a
/// metric whose cells are as recorded.
std::string undefined_when(const std::string& metric);

}  // namespace msim
