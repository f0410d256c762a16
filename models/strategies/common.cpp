#include "models/strategies/common.hpp"

#include <fmt/format.h>

#include "models/limits.hpp"
#include "sim/config.hpp"
#include "sim/yaml_writer.hpp"

namespace msim {

Pricing Pricing::read(const Config& node, double default_markup) {
  Pricing p;
  p.markup =
      node.get_double("markup", default_markup, range::fraction(range::closed(-0.99, 100.0)));
  if (p.markup > kLargeMarkup) node.child("markup").note(large_markup(p.markup));
  if (p.markup < 0.0) node.child("markup").note(below_cost_markup(p.markup));
  p.price = node.get_double("price", 0.0, unit_money_range());
  // Prices are whole cents: a smaller one would sell at 0.00, which is giving the goods away.
  if (p.price > 0.0 && p.price < kSmallestPrice)
    node.child("price").fail(fmt::format(
        "a price of {:g} rounds to 0.00 (prices are kept in whole cents), and the firm would "
        "give its products away; expected at least {:g}, or 0 for cost-plus pricing",
        p.price, kSmallestPrice));
  if (p.price > 0.0 && node.has("markup"))
    node.child("markup").fail(fmt::format(
        "the firm also has a fixed price ({:g}), which the markup would not change; give either "
        "price (a fixed price) or markup (cost-plus: unit cost x (1 + markup)), not both",
        p.price));
  return p;
}

void Pricing::write(YamlWriter& out) const {
  // A fixed price leaves the markup unused, and the two are not given together.
  if (price == 0.0) out.key("markup").value(markup);
  out.key("price").value(price);
}

void Pricing::add_products(const MarketView& view, const Eigen::VectorXd& position,
                           FirmPlan& plan) const {
  for (int c : view.self().categories) {
    Product p;
    p.category = c;
    p.position = position;
    p.quality = view.self().quality;
    p.markup = markup;
    p.fixed_price = price;
    plan.products.push_back(std::move(p));
  }
}

Eigen::VectorXd position_or_mean(const MarketView& view, const std::vector<double>& position) {
  if (position.empty()) return view.population_mean;
  return Eigen::Map<const Eigen::VectorXd>(position.data(),
                                           static_cast<Eigen::Index>(position.size()));
}

std::vector<double> read_position(const Config& node, int dims) {
  if (!node.has("position")) return {};
  const Config pos = node.child("position");
  auto v = pos.as_doubles(coordinate_range());
  if (static_cast<int>(v.size()) != dims)
    pos.fail_expected(fmt::format("{} numbers (preference_dims)", dims));
  return v;
}

std::vector<std::string> segment_names(const Scenario& sc) {
  std::vector<std::string> out;
  for (const auto& s : sc.segments) out.push_back(s.name);
  return out;
}

std::vector<ParamDoc> pricing_docs(const std::string& default_markup) {
  return {{"markup", "number", default_markup, "fraction of unit cost",
           "cost-plus markup: price = unit cost * (1 + markup)"},
          {"price", "number", "0", "money per unit", "fixed price; 0 means cost-plus"}};
}

}  // namespace msim
