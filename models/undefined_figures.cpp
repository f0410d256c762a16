// Where a run's /market figures are undefined though the file records 0: each rule follows the
// figure's definition in models/market_accounting.cpp (a ratio whose denominator is 0 there) by
// the series the file keeps.
#include "models/undefined_figures.hpp"

#include <algorithm>
#include <optional>

#include "models/metrics.hpp"
#include "sim/hdf5_file.hpp"

namespace msim {
namespace {

enum class Rule {
  kNothingSold,
  kNoBuyersYet,
  kNoMarketingMoney,
  kNoActiveBefore,
  kNoFailures,
  kNoDurablesSold
};

struct Undefined {
  const char* metric;
  Rule rule;
  const char* when;
};

constexpr Undefined kRules[] = {
    {"market_share", Rule::kNothingSold, "no firm sold anything in the step"},
    {"value_share", Rule::kNothingSold, "no firm sold anything in the step"},
    {"customer_share", Rule::kNoBuyersYet, "nobody had bought from the firm yet"},
    {"share_of_wallet", Rule::kNoBuyersYet, "nobody had bought from the firm yet"},
    {"purchases_per_buyer", Rule::kNoBuyersYet, "nobody had bought from the firm yet"},
    {"loyalty", Rule::kNoBuyersYet, "nobody had bought from the firm yet"},
    {"roi", Rule::kNoMarketingMoney,
     "less than 0.01 of marketing money (spend and program rewards) was spent since step 0"},
    {"churn", Rule::kNoActiveBefore,
     "the firm had no active customers at the end of the step before (and in step 0)"},
    {"mean_failure_age", Rule::kNoFailures, "none of the firm's durables failed in the step"},
    {"replacement_share", Rule::kNoDurablesSold, "the firm sold no durable in the step"},
};

const Undefined* rule_of(const std::string& metric) {
  for (const Undefined& u : kRules)
    if (metric == u.metric) return &u;
  return nullptr;
}

/// The values of the [T, `firms`] series /market/<name>, or with a category `c` its [T, F] slice
/// of /market/by_category/<name> ([T, C, F]); none when the file lacks it or it has another
/// shape.
std::optional<std::vector<double>> series(const Hdf5Reader& in, const std::string& name,
                                          std::size_t firms, std::optional<std::size_t> c) {
  const std::string path = (c ? "/market/by_category/" : "/market/") + name;
  if (firms == 0 || !in.exists(path)) return std::nullopt;
  Table t = in.table(path);
  if (!c) {
    if (t.shape.size() != 2 || t.shape[1] != firms) return std::nullopt;
    return std::move(t.values);
  }
  if (t.shape.size() != 3 || *c >= t.shape[1] || t.shape[2] != firms) return std::nullopt;
  std::vector<double> slice;
  slice.reserve(t.shape[0] * firms);
  for (std::size_t step = 0; step < t.shape[0]; ++step) {
    const auto row =
        t.values.begin() + static_cast<std::ptrdiff_t>((step * t.shape[1] + *c) * firms);
    slice.insert(slice.end(), row, row + static_cast<std::ptrdiff_t>(firms));
  }
  return slice;
}

/// Each firm's sum of `values` from step 0 to each step.
std::vector<double> running_sums(std::vector<double> values, std::size_t firms) {
  for (std::size_t k = firms; k < values.size(); ++k) values[k] += values[k - firms];
  return values;
}

/// Cells where the firm's units sold in durable categories (or, with a category `c`, in that
/// category, every cell where it is not durable) are 0; none without the file's categories by
/// kind and units by category ([T, C, F]).
std::vector<char> no_durables_sold(const Hdf5Reader& in, std::size_t firms,
                                   std::optional<std::size_t> category) {
  if (!in.exists("/categories/kind") || !in.exists("/market/by_category/units")) return {};
  const std::vector<std::string> kinds = in.strings("/categories/kind");
  const Table units = in.table("/market/by_category/units");
  const std::size_t C = kinds.size();
  if (units.shape.size() != 3 || units.shape[1] != C || units.shape[2] != firms) return {};
  const std::size_t T = units.shape[0];
  std::vector<char> out(T * firms, 1);
  for (std::size_t t = 0; t < T; ++t)
    for (std::size_t c = 0; c < C; ++c)
      if (kinds[c] == "durable" && (!category || c == *category))
        for (std::size_t j = 0; j < firms; ++j)
          if (units.values[(t * C + c) * firms + j] > 0) out[t * firms + j] = 0;
  return out;
}

}  // namespace

std::vector<char> undefined_cells(const Hdf5Reader& in, const std::string& metric,
                                  std::size_t firms, std::optional<std::size_t> category) {
  const Undefined* u = rule_of(metric);
  if (u == nullptr) return {};
  // Firm-wide figures, the same in every category's slice, are undefined as the firm's are.
  if (metric == "loyalty" || metric == "share_of_wallet" || metric == "churn")
    category = std::nullopt;
  const auto where = [](const std::vector<double>& values, auto test) {
    std::vector<char> out(values.size());
    for (std::size_t k = 0; k < values.size(); ++k) out[k] = test(k, values[k]) ? 1 : 0;
    return out;
  };
  switch (u->rule) {
    case Rule::kNothingSold: {
      const auto units = series(in, "units", firms, category);
      if (!units) return {};
      std::vector<char> out(units->size(), 0);
      for (std::size_t row = 0; row + firms <= units->size(); row += firms) {
        const bool sold = std::any_of(units->begin() + static_cast<std::ptrdiff_t>(row),
                                      units->begin() + static_cast<std::ptrdiff_t>(row + firms),
                                      [](double x) { return x > 0; });
        std::fill(out.begin() + static_cast<std::ptrdiff_t>(row),
                  out.begin() + static_cast<std::ptrdiff_t>(row + firms), sold ? 0 : 1);
      }
      return out;
    }
    case Rule::kNoBuyersYet: {
      if (const auto units = series(in, "units", firms, category))
        return where(running_sums(*units, firms), [](std::size_t, double x) { return !(x > 0); });
      if (const auto customers = series(in, "customers", firms, category))
        return where(*customers, [](std::size_t, double x) { return !(x > 0); });
      return {};
    }
    case Rule::kNoMarketingMoney: {
      std::optional<std::vector<double>> money;  // the money ROI is a return on, step by step
      for (const char* paid : {"marketing_spend", "loyalty_cost", "referral_cost"}) {
        auto values = series(in, paid, firms, category);
        if (!values) continue;  // (older files recorded spend alone)
        if (!money) {
          money = std::move(values);
          continue;
        }
        money->resize(std::min(money->size(), values->size()));
        for (std::size_t k = 0; k < money->size(); ++k) (*money)[k] += (*values)[k];
      }
      if (!money) return {};
      return where(running_sums(*money, firms),
                   [](std::size_t, double x) { return !(x >= kMinRoiSpend); });
    }
    case Rule::kNoActiveBefore: {
      const auto active = series(in, "active_customers", firms, category);
      if (!active) return {};
      return where(*active,
                   [&](std::size_t k, double) { return k < firms || !((*active)[k - firms] > 0); });
    }
    case Rule::kNoFailures: {
      const auto failures = series(in, "failures", firms, category);
      if (!failures) return {};
      return where(*failures, [](std::size_t, double x) { return !(x > 0); });
    }
    case Rule::kNoDurablesSold:
      return no_durables_sold(in, firms, category);
  }
  return {};
}

std::string undefined_when(const std::string& metric) {
  const Undefined* u = rule_of(metric);
  return u == nullptr ? "" : u->when;
}

}  // namespace msim
