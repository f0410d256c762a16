// The shapes of the datasets that summarize reads from a run's file (models/summary_read.cpp).
#include "cli/run_file_layout.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstddef>
#include <string>
#include <vector>

#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"

namespace msim::cli {
namespace {

/// The series summarize reads a column per firm of: [steps, firms].
constexpr const char* kFirmSeries[] = {"/market/market_share",
                                       "/market/units",
                                       "/market/customer_share",
                                       "/market/penetration",
                                       "/market/awareness",
                                       "/market/cumulative_profit",
                                       "/market/roi",
                                       "/market/marketing_spend",
                                       "/market/loyalty_cost",
                                       "/market/referral_cost",
                                       "/market/share_of_wallet",
                                       "/market/purchases_per_buyer",
                                       "/market/active_customers",
                                       "/market/lost_customers",
                                       "/market/retention",
                                       "/market/clv",
                                       "/market/referred_customers",
                                       "/market/referred_retention",
                                       "/market/loyalty"};

/// The durables' series: [steps, categories, firms].
constexpr const char* kCategoryFirmSeries[] = {
    "/market/by_category/units",          "/market/by_category/failures",
    "/market/by_category/early_failures", "/market/by_category/replacements",
    "/market/by_category/upgrades",       "/market/by_category/installed_base",
    "/market/by_category/price",          "/market/by_category/mean_failure_age"};

}  // namespace

void check_run_layout(const std::string& path) {
  const Hdf5Reader r(path);
  if (!r.exists("/market/market_share")) return;
  if (!r.exists("/firms/name"))
    throw InputError(
        fmt::format("'{}' has no /firms/name, the firms' names (one for each column of the /market "
                    "series): it is damaged, or not a whole run file of marketsim",
                    path));
  const std::size_t firms = r.strings("/firms/name").size();
  const auto refuse = [&](const std::string& dataset, const std::vector<std::size_t>& shape,
                          const std::string& expected) {
    return InputError(
        fmt::format("'{}': {} has shape [{}]; expected {}: it is damaged, or not a "
                    "whole run file of marketsim",
                    path, dataset, fmt::join(shape, ", "), expected));
  };
  // A name list of another length than its series: summarize reads one entry per column.
  const auto same_count = [&](const char* dataset, std::size_t n, const char* of) {
    if (!r.exists(dataset)) return;
    const std::size_t have = r.strings(dataset).size();
    if (have != n)
      throw InputError(fmt::format(
          "'{}': {} has {} entries; expected {}, one for each of the {} {}: it is damaged, or "
          "not a whole run file of marketsim",
          path, dataset, have, n, n, of));
  };
  same_count("/firms/strategy", firms, "firms in /firms/name");
  const std::string per_firm =
      fmt::format("[steps, {}] (a row per step, a column for each of the {} firms in /firms/name)",
                  firms, firms);
  for (const char* dataset : kFirmSeries) {
    if (!r.exists(dataset)) continue;
    const auto shape = r.shape(dataset);
    if (shape.size() != 2 || shape[1] != firms) throw refuse(dataset, shape, per_firm);
  }
  if (r.exists("/segments/units") && r.exists("/segments/name")) {
    const std::size_t segments = r.strings("/segments/name").size();
    const auto shape = r.shape("/segments/units");
    if (shape.size() != 3 || shape[1] != segments || shape[2] != firms)
      throw refuse("/segments/units", shape,
                   fmt::format("[steps, {}, {}] (a row per step, for each of the {} segments in "
                               "/segments/name and each of the {} firms in /firms/name)",
                               segments, firms, segments, firms));
  }
  if (!r.exists("/categories/name")) return;
  const std::size_t categories = r.strings("/categories/name").size();
  same_count("/categories/kind", categories, "categories in /categories/name");
  const std::string per_category = fmt::format(
      "[steps, {}, {}] (a row per step, for each of the {} categories in /categories/name and "
      "each of the {} firms in /firms/name)",
      categories, firms, categories, firms);
  for (const char* dataset : kCategoryFirmSeries) {
    if (!r.exists(dataset)) continue;
    const auto shape = r.shape(dataset);
    if (shape.size() != 3 || shape[1] != categories || shape[2] != firms)
      throw refuse(dataset, shape, per_category);
  }
  if (r.exists("/market/saturation")) {
    const auto shape = r.shape("/market/saturation");
    if (shape.size() != 2 || shape[1] != categories)
      throw refuse("/market/saturation", shape,
                   fmt::format("[steps, {}] (a row per step, a column for each of the {} "
                               "categories in /categories/name)",
                               categories, categories));
  }
}

}  // namespace msim::cli
