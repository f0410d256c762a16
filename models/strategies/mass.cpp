#include "models/strategies/mass.hpp"

#include "models/strategies/common.hpp"
#include "sim/config.hpp"
#include "sim/yaml_writer.hpp"

namespace msim {
namespace {

class Mass final : public Strategy {
 public:
  Mass(Pricing pricing, std::vector<double> position)
      : pricing_(pricing), position_(std::move(position)) {}
  std::unique_ptr<Strategy> clone() const override { return std::make_unique<Mass>(*this); }

  void plan(const MarketView& view, FirmPlan& plan) override {
    pricing_.add_products(view, position_or_mean(view, position_), plan);
    plan.mass_spend = view.budget;
  }

  void write_params(YamlWriter& out) const override {
    pricing_.write(out);
    if (!position_.empty()) out.key("position").value(position_);
  }

 private:
  Pricing pricing_;
  std::vector<double> position_;
};

std::unique_ptr<Strategy> make(const StrategyContext& ctx) {
  return std::make_unique<Mass>(Pricing::read(ctx.node, 0.2),
                                read_position(ctx.node, ctx.scenario.preference_dims));
}

}  // namespace

StrategyInfo mass_strategy() {
  auto params = pricing_docs("0.2");
  params.push_back({"position", "list of numbers", "population mean", "preference space",
                    "where the single product sits"});
  return {"mass", "one product for everyone; the whole budget on mass media", params, make, {},
          false};
}

}  // namespace msim
