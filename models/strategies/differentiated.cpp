#include "models/strategies/differentiated.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "models/limits.hpp"
#include "models/strategies/common.hpp"
#include "sim/config.hpp"
#include "sim/yaml_writer.hpp"

namespace msim {
namespace {

class Differentiated final : public Strategy {
 public:
  Differentiated(Pricing pricing, std::vector<int> segments, std::vector<std::string> names,
                 double variant_cost, double precision)
      : pricing_(pricing),
        segments_(std::move(segments)),
        names_(std::move(names)),
        variant_cost_per_year_(variant_cost),
        precision_(precision) {}
  std::unique_ptr<Strategy> clone() const override {
    return std::make_unique<Differentiated>(*this);
  }

  void plan(const MarketView& view, FirmPlan& plan) override {
    double served = 0.0;
    for (int s : segments_) served += view.segment_consumers[static_cast<std::size_t>(s)];
    for (int s : segments_) {
      const auto& centre = view.segment_centres[static_cast<std::size_t>(s)];
      pricing_.add_products(view,
                            Eigen::Map<const Eigen::VectorXd>(
                                centre.data(), static_cast<Eigen::Index>(centre.size())),
                            plan);
      const double weight =
          served > 0 ? view.segment_consumers[static_cast<std::size_t>(s)] / served : 0.0;
      plan.targeted_spend[static_cast<std::size_t>(s)] = view.budget * weight;
    }
    plan.targeting_precision = precision_;
    const double variants = static_cast<double>(plan.products.size());
    plan.fixed_cost = variants * variant_cost_per_year_ * view.scenario.scale /
                      static_cast<double>(view.scenario.steps_per_year);
  }

  void write_params(YamlWriter& out) const override {
    pricing_.write(out);
    out.key("segments").value(names_);
    out.key("variant_fixed_cost_per_year").value(variant_cost_per_year_);
    out.key("targeting_precision").value(precision_);
  }

 private:
  Pricing pricing_;
  std::vector<int> segments_;
  std::vector<std::string> names_;
  double variant_cost_per_year_;
  double precision_;
};

std::unique_ptr<Strategy> make(const StrategyContext& ctx) {
  const auto all = segment_names(ctx.scenario);
  std::vector<std::string> names = all;
  if (ctx.node.has("segments")) {
    const Config list = ctx.node.child("segments");
    names.clear();
    for (const Config& item : list.items()) {
      const std::string n = item.as_string();
      if (ctx.scenario.segment_index(n) < 0) item.as_choice(all);  // throws with did-you-mean
      if (std::find(names.begin(), names.end(), n) != names.end())
        item.fail(fmt::format("segment '{}' is listed twice", n));
      names.push_back(n);
    }
    if (names.empty()) list.fail_expected("at least one segment name");
  }
  std::vector<int> idx;
  for (const auto& n : names) idx.push_back(ctx.scenario.segment_index(n));
  return std::make_unique<Differentiated>(
      Pricing::read(ctx.node, 0.35), idx, names,
      scaled_money(ctx.node, "variant_fixed_cost_per_year", 50000.0, ctx.scenario.scale),
      ctx.node.get_double("targeting_precision", 0.8, range::unit()));
}

}  // namespace

StrategyInfo differentiated_strategy() {
  auto params = pricing_docs("0.35");
  params.push_back(
      {"segments", "list of segment names", "all segments", "",
       "segments served, each with its own product at the segment centre (true, or learned "
       "by research: the firm key `segmentation`)"});
  params.push_back({"variant_fixed_cost_per_year", "number", "50000", "money per year",
                    "fixed cost of each product variant (segment x category)"});
  params.push_back({"targeting_precision", "number in [0,1]", "0.8", "fraction",
                    "share of targeted impressions that reach the intended segment"});
  return {"differentiated",
          "a product per chosen segment; targeted media split by segment size; a fixed cost per "
          "variant",
          params, make};
}

}  // namespace msim
