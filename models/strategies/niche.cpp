#include "models/strategies/niche.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/limits.hpp"
#include "models/strategies/common.hpp"
#include "sim/config.hpp"
#include "sim/yaml_writer.hpp"

namespace msim {
namespace {

class Niche final : public Strategy {
 public:
  Niche(Pricing pricing, int target, std::string target_name, double precision,
        double quality_bonus)
      : pricing_(pricing),
        target_(target),
        target_name_(std::move(target_name)),
        precision_(precision),
        quality_bonus_(quality_bonus) {}
  std::unique_ptr<Strategy> clone() const override { return std::make_unique<Niche>(*this); }

  void plan(const MarketView& view, FirmPlan& plan) override {
    const auto& centre = view.segment_centres[static_cast<std::size_t>(target_)];
    pricing_.add_products(
        view,
        Eigen::Map<const Eigen::VectorXd>(centre.data(), static_cast<Eigen::Index>(centre.size())),
        plan);
    for (auto& p : plan.products) p.quality += quality_bonus_;
    plan.targeted_spend[static_cast<std::size_t>(target_)] = view.budget;
    plan.targeting_precision = precision_;
  }

  AddedQuality added_quality() const override { return {quality_bonus_, "quality_bonus"}; }

  void write_params(YamlWriter& out) const override {
    pricing_.write(out);
    out.key("target").value(target_name_);
    out.key("targeting_precision").value(precision_);
    out.key("quality_bonus").value(quality_bonus_);
  }

 private:
  Pricing pricing_;
  int target_;
  std::string target_name_;
  double precision_;
  double quality_bonus_;
};

/// Notes a target segment that lives in none of the regions the firm sells in: the targeted
/// media aimed at it reach no one who can buy from the firm, only what spills over does.
void note_unreachable(const Config& target, const Scenario& sc, const Firm& f, int segment) {
  const Segment& seg = sc.segments[static_cast<std::size_t>(segment)];
  const auto lives_in = [&](std::size_t r) {
    return r < seg.region_weights.size() && seg.region_weights[r] > 0;
  };
  if (std::any_of(f.regions.begin(), f.regions.end(),
                  [&](int r) { return lives_in(static_cast<std::size_t>(r)); }))
    return;
  std::vector<std::string> sold, lived;
  for (const int r : f.regions) sold.push_back(sc.regions[static_cast<std::size_t>(r)]);
  for (std::size_t r = 0; r < sc.regions.size(); ++r)
    if (lives_in(r)) lived.push_back(sc.regions[r]);
  target.note(fmt::format(
      "firm '{}' sells only in {}, and segment '{}' lives only in {}, so the targeted media it "
      "aims at the segment reach no one who can buy from it (only what spills over reaches the "
      "regions it sells in); give the firm one of the segment's regions, or another target",
      f.name, fmt::join(sold, ", "), seg.name, fmt::join(lived, ", ")));
}

std::unique_ptr<Strategy> make(const StrategyContext& ctx) {
  const Config target = ctx.node.child("target");
  const std::string name = target.as_choice(segment_names(ctx.scenario));
  note_unreachable(target, ctx.scenario, ctx.firm, ctx.scenario.segment_index(name));
  return std::make_unique<Niche>(Pricing::read(ctx.node, 0.6), ctx.scenario.segment_index(name),
                                 name,
                                 ctx.node.get_double("targeting_precision", 0.9, range::unit()),
                                 ctx.node.get_double("quality_bonus", 0.5, utility_range()));
}

}  // namespace

StrategyInfo niche_strategy() {
  auto params = pricing_docs("0.6");
  params.push_back({"target", "segment name", "(required)", "",
                    "the one segment served, at its centre (true, or learned by research: the "
                    "firm key `segmentation`)"});
  params.push_back({"targeting_precision", "number in [0,1]", "0.9", "fraction",
                    "share of targeted impressions that reach the target segment"});
  params.push_back({"quality_bonus", "number", "0.5", "utility",
                    "extra quality from specialising on the segment's needs"});
  return {"niche", "one target segment served precisely at a premium price; all media targeted",
          params, make};
}

}  // namespace msim
