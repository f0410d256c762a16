// Test and refine (adaptive A/B spend): one product at the population mean (or `position`), all
// media targeted. A `test_share` of the budget is always spread evenly over the segments (the
// test cells); the rest follows weights that, every `review_steps` steps, move `learning_rate` of
// the way towards each segment's share of the conversions, where a segment's conversion rate is
// the firm's units sold there per unit of money spent there since the last review.
#include "models/strategies/adaptive.hpp"

#include <numeric>

#include "models/strategies/common.hpp"
#include "sim/config.hpp"
#include "sim/yaml_writer.hpp"

namespace msim {
namespace {

struct AdaptiveParams {
  Pricing pricing;
  std::vector<double> position;
  double test_share = 0.2;
  double learning_rate = 0.5;
  std::int64_t review_steps = 4;
  double precision = 0.8;
};

class Adaptive final : public Strategy {
 public:
  explicit Adaptive(AdaptiveParams p) : p_(std::move(p)) {}
  std::unique_ptr<Strategy> clone() const override { return std::make_unique<Adaptive>(*this); }

  void plan(const MarketView& view, FirmPlan& plan) override {
    const std::size_t S = view.segment_consumers.size();
    if (weights_.size() != S) {  // first step: an even split
      weights_.assign(S, 1.0 / static_cast<double>(S));
      spent_.assign(S, 0.0);
      sold_.assign(S, 0.0);
    }
    // Last step's results of last step's spending.
    for (std::size_t s = 0; s < S; ++s) sold_[s] += view.segment_units[s];
    if (++since_review_ > p_.review_steps) review();
    p_.pricing.add_products(view, position_or_mean(view, p_.position), plan);
    plan.targeting_precision = p_.precision;
    for (std::size_t s = 0; s < S; ++s) {
      const double share =
          (1.0 - p_.test_share) * weights_[s] + p_.test_share / static_cast<double>(S);
      plan.targeted_spend[s] = view.budget * share;
      spent_[s] += plan.targeted_spend[s];
    }
  }

  /// Keeps the split learned so far and the test under way.
  void continue_from(const Strategy& before) override {
    if (const auto* b = dynamic_cast<const Adaptive*>(&before)) {
      weights_ = b->weights_;
      spent_ = b->spent_;
      sold_ = b->sold_;
      since_review_ = b->since_review_;
    }
  }

  void write_params(YamlWriter& out) const override {
    p_.pricing.write(out);
    if (!p_.position.empty()) out.key("position").value(p_.position);
    out.key("test_share").value(p_.test_share);
    out.key("learning_rate").value(p_.learning_rate);
    out.key("review_steps").value(p_.review_steps);
    out.key("targeting_precision").value(p_.precision);
  }

 private:
  /// Moves the weights towards each segment's share of units per money, then starts a new test.
  void review() {
    const std::size_t S = weights_.size();
    std::vector<double> rate(S, 0.0);
    for (std::size_t s = 0; s < S; ++s) rate[s] = spent_[s] > 0 ? sold_[s] / spent_[s] : 0.0;
    const double total = std::accumulate(rate.begin(), rate.end(), 0.0);
    if (total > 0)
      for (std::size_t s = 0; s < S; ++s)
        weights_[s] += p_.learning_rate * (rate[s] / total - weights_[s]);
    std::fill(spent_.begin(), spent_.end(), 0.0);
    std::fill(sold_.begin(), sold_.end(), 0.0);
    since_review_ = 1;
  }

  AdaptiveParams p_;
  std::vector<double> weights_, spent_, sold_;  ///< [S]
  std::int64_t since_review_ = 0;
};

std::unique_ptr<Strategy> make(const StrategyContext& ctx) {
  AdaptiveParams p;
  p.pricing = Pricing::read(ctx.node, 0.3);
  p.position = read_position(ctx.node, ctx.scenario.preference_dims);
  p.test_share = ctx.node.get_double("test_share", p.test_share, range::unit());
  p.learning_rate = ctx.node.get_double("learning_rate", p.learning_rate, range::unit());
  p.review_steps = ctx.node.get_int("review_steps", p.review_steps, range::closed(1, 1000));
  p.precision = ctx.node.get_double("targeting_precision", p.precision, range::unit());
  return std::make_unique<Adaptive>(p);
}

}  // namespace

StrategyInfo adaptive_strategy() {
  auto params = pricing_docs("0.3");
  params.push_back({"position", "list of numbers", "population mean", "preference space",
                    "where the single product sits"});
  params.push_back({"test_share", "number in [0,1]", "0.2", "fraction of budget",
                    "budget always spread evenly over the segments, to keep testing them"});
  params.push_back({"learning_rate", "number in [0,1]", "0.5", "fraction per review",
                    "how far the split moves towards each segment's share of conversions at a "
                    "review; 0 keeps the even split (no learning)"});
  params.push_back({"review_steps", "integer", "4", "steps",
                    "steps between reviews: units sold in each segment per unit of money spent "
                    "there since the last review"});
  params.push_back({"targeting_precision", "number in [0,1]", "0.8", "fraction",
                    "share of targeted impressions that reach the intended segment"});
  return {"adaptive",
          "test and refine: targeted media split over the segments, shifted towards the "
          "segments where money converts into sales (A/B testing)",
          params, make};
}

}  // namespace msim
