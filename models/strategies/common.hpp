#pragma once
/// Parameters and helpers that several strategies share: pricing and positions.
#include <string>
#include <vector>

#include "models/strategy.hpp"

namespace msim {

/// Cost-plus pricing: `markup` over unit cost, or a fixed `price` when one is given.
struct Pricing {
  double markup = 0.3;
  double price = 0.0;  ///< 0 = cost-plus

  /// Reads `markup` and `price` from a firm node. @throws InputError on out-of-range values.
  static Pricing read(const Config& node, double default_markup);
  void write(YamlWriter& out) const;
  /// One product per category the firm sells, at `position`, priced by these rules.
  void add_products(const MarketView& view, const Eigen::VectorXd& position, FirmPlan& plan) const;
};

/// An optional `position: [x, y]` override. @throws InputError on a wrong length.
std::vector<double> read_position(const Config& node, int dims);

/// Where a single product sits: `position` when given, else the population mean.
Eigen::VectorXd position_or_mean(const MarketView& view, const std::vector<double>& position);

/// Segment names, as the scenario lists them.
std::vector<std::string> segment_names(const Scenario& sc);

/// ParamDocs for `markup` and `price`.
std::vector<ParamDoc> pricing_docs(const std::string& default_markup);

}  // namespace msim
