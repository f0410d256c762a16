// The market step: firm phase (sequential), consumer kernel (parallel blocks), reduction in
// block order, accounting. See DESIGN.md §1 for the model.
#include "models/market.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/consumer_kernel.hpp"
#include "models/costs.hpp"
#include "models/diagnostics.hpp"
#include "models/limits.hpp"
#include "models/media.hpp"
#include "models/plan_check.hpp"
#include "models/random_purposes.hpp"
#include "sim/error.hpp"

namespace msim {

// A block's sums in cents cannot pass 64 bits before Market::step's checked reduction.
static_assert(static_cast<double>(kMaxBlockSize) * kMaxCategories * slot::kMaxOccasions *
                      (kMaxUnitMoney * 100.0) <
                  0x1p63,
              "a block's revenue in cents could pass 64 bits: lower kMaxBlockSize");

namespace {

/// The block size, checked: blocks are what the kernel sums without checks.
/// @throws std::invalid_argument for 0 or more than kMaxBlockSize.
std::size_t checked_block_size(std::size_t size) {
  if (size < 1 || size > kMaxBlockSize)
    throw std::invalid_argument(
        fmt::format("EngineOptions::block_size {} is not a number of consumers from 1 to {}", size,
                    kMaxBlockSize));
  return size;
}

}  // namespace

Market::Market(const Scenario& scenario, EngineOptions options)
    : sc_(scenario),
      shocks_(initial_shock_state(sc_)),
      options_(options),
      blocks_{static_cast<std::size_t>(scenario.consumers), checked_block_size(options.block_size)},
      partials_(1, 1),
      strategy_key_(scenario.seed, purpose::strategy) {
  const std::size_t F = sc_.firms.size(), C = sc_.categories.size(), S = sc_.segments.size();
  KernelTables& t = tables_;
  t.F = F;
  t.C = C;
  t.S = S;
  t.D = static_cast<std::size_t>(sc_.preference_dims);
  t.layout = PartialLayout{F, C, S};
  t.step_gen = Philox(sc_.seed, purpose::step);
  t.aware_gen = Philox(sc_.seed, purpose::initial_awareness);
  t.initial_aware = threshold32(sc_.market.initial_awareness);
  for (const DiagnosticDoc& d : scenario_diagnostics(sc_)) diagnostic_names_.push_back(d.name);
  firm_diagnostics_ = firm_diagnostics(sc_, diagnostic_names_);
  for (const Firm& f : sc_.firms) {
    strategies_.push_back(f.prototype->clone());
    const bool crm = strategies_.back()->uses_crm();
    t.crm_col.push_back(crm ? static_cast<int>(t.crm_firms++) : -1);
    if (crm) t.crm_firm.push_back(static_cast<int>(t.crm_col.size() - 1));
    std::uint64_t mask = 0;
    for (int r : f.regions) mask |= 1ull << r;
    t.region_mask.push_back(mask);
  }
  const MarketParams& m = sc_.market;
  t.decay_q16 = q16(m.adstock_decay);
  // A smoothing above 0 keeps a past buyer's loyalty above 0 (lanes::smooth_q16), however small
  // it is: at least the smallest 16-bit multiplier.
  t.rho_q16 = m.loyalty_smoothing > 0 ? std::max<std::uint32_t>(1, q16(m.loyalty_smoothing)) : 0;
  t.wom_goodwill = static_cast<std::uint32_t>(std::lround(m.wom_goodwill * kGoodwillScale));
  t.direct_gain = static_cast<std::uint32_t>(std::lround(m.beta_direct * kGoodwillScale));
  t.distance_weight = static_cast<float>(m.distance_weight);
  t.loyalty_weight = static_cast<float>(m.loyalty_weight);
  t.goodwill_weight = static_cast<float>(m.goodwill_weight);
  t.goodwill_cap = static_cast<float>(m.goodwill_cap);
  t.outside_utility = static_cast<float>(m.outside_utility);
  // (255: every past customer is recent, and none lapses.)
  t.wom_window =
      static_cast<std::uint32_t>(m.wom_window >= kEveryPastCustomer ? 255 : m.wom_window);

  t.regions = std::max<std::size_t>(1, sc_.regions.size());
  for (std::size_t k = 0; k < t.inverse_depth.size(); ++k)
    t.inverse_depth[k] = 1.0f / (1.0f + static_cast<float>(k));
  for (const Category& c : sc_.categories)
    t.durable_of.push_back(c.durable() ? static_cast<int>(t.durables++) : -1);
  t.durable.resize(t.durables);
  early_history_.assign(static_cast<std::size_t>(t.wom_window),
                        std::vector<std::int64_t>(S * F, 0));
  early_window_.assign(S * F, 0);
  pop_ = synthesize(sc_, t.crm_firm, options_.block_size);
  mark_audiences();
  t.lanes = pop_.lanes;
  t.firm_bits = F >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << F) - 1;
  segment_consumers_.assign(S, 0.0);
  for (std::uint8_t s : pop_.segment) segment_consumers_[s] += 1.0;
  partials_ = PartialSums(blocks_.count(), t.layout.width());
  panel_members_ =
      msim::panel_members(sc_.seed, pop_.n, static_cast<std::size_t>(sc_.output.panel_size));
  for (std::uint32_t i : panel_members_) pop_.flags[i] |= kPanel;
  panel_blocks_.resize(blocks_.count());
  last_sums_.assign(t.layout.width(), 0);
  installed_.assign(C * F, 0);
  ledgers_.resize(F);
  for (auto& l : ledgers_) {
    l.cumulative_units.assign(C, 0);
    l.scr_denominator.assign(C, 0);
    l.customers_by_category.assign(C, 0);
    l.cumulative_profit_by_category.assign(C, 0.0);
    l.cumulative_marketing_by_category.assign(C, 0.0);
  }
  unit_cost_.assign(F, std::vector<double>(C, 0.0));
  plain_cost_ = unit_cost_;
  list_price_.assign(F, std::vector<double>(C, 0.0));
  plans_.resize(F);
  studies_.resize(F);
}

void Market::mark_audiences() {
  const std::size_t F = sc_.firms.size(), S = sc_.segments.size();
  audience_bit_.assign(F, 0);
  audience_static_.assign(S * F, -1.0);
  std::uint8_t next = kFirstAudienceBit;
  for (std::size_t j = 0; j < F; ++j) {
    const Audience& a = sc_.firms[j].audience;
    if (!a.active) continue;
    const std::uint8_t bit = next;
    next = static_cast<std::uint8_t>(next << 1);
    audience_bit_[j] = bit;
    tables_.audiences.push_back({static_cast<std::uint32_t>(j), bit,
                                 static_cast<std::uint16_t>(std::ceil(a.loyalty.lo * 65535.0)),
                                 static_cast<std::uint16_t>(std::floor(a.loyalty.hi * 65535.0))});
    for (std::size_t s = 0; s < S; ++s) audience_static_[s * F + j] = 0.0;
  }
  if (tables_.audiences.empty()) return;
  // One pass over the consumers, in parallel: each one's demographics are drawn again once and
  // checked against every audience; counts are integers, summed per block.
  std::vector<std::vector<std::int64_t>> counts(blocks_.count(),
                                                std::vector<std::int64_t>(S * F, 0));
  for_blocks(blocks_, [&](std::size_t b, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const Demographics d = demographics(sc_, pop_, i);
      for (const KernelTables::Audience& a : tables_.audiences)
        if (picks_out(sc_.firms[a.firm].audience, pop_, i, d)) {
          pop_.flags[i] |= a.bit;
          ++counts[b][pop_.segment[i] * F + a.firm];
        }
    }
  });
  for (const auto& block : counts)
    for (std::size_t k = 0; k < S * F; ++k) audience_static_[k] += static_cast<double>(block[k]);
}

void Market::plan_firms() {
  const std::size_t F = sc_.firms.size(), C = sc_.categories.size(), S = sc_.segments.size();
  const PartialLayout& lay = tables_.layout;
  MarketView view{sc_, 0, 0, 0.0, {}, {}, {}, {}, {}, {}, {}, 0.0, {}};
  view.step = step_;
  view.segment_consumers = segment_consumers_;
  std::vector<std::vector<double>> true_centres;
  for (const auto& s : sc_.segments)
    true_centres.emplace_back(s.ideal_mean.data(), s.ideal_mean.data() + s.ideal_mean.size());
  // What strategies read as the last step: a copy, since this step's centres are written below.
  last_metrics_ = step_ > 0 && !metrics_.units.firm.empty() ? metrics_ : zero_metrics(F, C, S);
  if (step_ == 0)
    last_metrics_.diagnostics.assign(diagnostic_names_.size() * F,
                                     std::numeric_limits<double>::quiet_NaN());
  view.last_metrics = &last_metrics_;
  view.strategy_key = &strategy_key_;
  view.diagnostic_names = &diagnostic_names_;
  metrics_.segment_centres.clear();
  metrics_.diagnostics.assign(diagnostic_names_.size() * F,
                              std::numeric_limits<double>::quiet_NaN());
  view.population_mean = sc_.population_mean();
  view.market_share = step_ > 0 ? metrics_.market_share.firm : std::vector<double>(F, 0.0);
  view.awareness.assign(S, std::vector<double>(F, 0.0));
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t j = 0; j < F; ++j)
      view.awareness[s][j] =
          ratio(static_cast<double>(last_sums_[lay.aware() + s * F + j]), segment_consumers_[s]);
  // Before the loop below, which overwrites each firm's plan and unit costs in turn.
  view.offers = offers();
  view.contact_cost_set = shocks_.contact_cost;
  view.contact_cost_factor = shocks_.contact_cost_factor;
  view.unit_cost.assign(C, std::vector<double>(F, 0.0));
  view.price.assign(C, std::vector<double>(F, 0.0));
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t j = 0; j < F; ++j) {
      view.unit_cost[c][j] = unit_cost_[j][c];
      view.price[c][j] = list_price_[j][c];
    }

  for (std::size_t j = 0; j < F; ++j) {
    const Firm& firm = sc_.firms[j];
    view.firm = static_cast<int>(j);
    view.budget = firm.budget_per_year / static_cast<double>(sc_.steps_per_year) * sc_.scale;
    view.crm_profiles = static_cast<double>(last_sums_[lay.crm_known() + j]);
    view.segment_units.assign(S, 0.0);
    for (std::size_t s = 0; s < S; ++s)
      view.segment_units[s] = static_cast<double>(last_sums_[lay.segment_units() + s * F + j]);
    // A research firm studies its segments when a study is due and acts on what it learned.
    const bool study = shocks_.firms[j].active && study_due(firm.segmentation, studies_[j], step_);
    if (study) studies_[j] = study_segments(sc_, pop_, static_cast<int>(j), step_);
    const bool learned =
        firm.segmentation.kind == SegmentationKind::research && studies_[j].step >= 0;
    view.segment_centres = learned ? studies_[j].segment_centres : true_centres;
    for (const auto& centre : view.segment_centres)
      metrics_.segment_centres.insert(metrics_.segment_centres.end(), centre.begin(), centre.end());
    FirmPlan plan;
    plan.targeted_spend.assign(S, 0.0);
    plan.durability = firm.durability;
    prepare_diagnostics(firm_diagnostics_[j], plan);
    if (shocks_.firms[j].active) {  // an inactive firm has no products and spends nothing
      // Errors name the strategy, the firm and the step.
      const auto where = [&] {
        return fmt::format("strategy '{}' of firm '{}' at step {}", firm.strategy, firm.name,
                           step_);
      };
      try {
        strategies_[j]->plan(view, plan);
      } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("{}: plan() threw: {}", where(), e.what()));
      }
      try {
        store_diagnostics(firm_diagnostics_[j], plan, j, F, metrics_);
      } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("{}: {}", where(), e.what()));
      }
    }
    // The strategy's plan, before any shock.
    check_plan(plan, sc_, j, view.budget, step_, crm_column(j) >= 0);
    if (plan.durability.empty()) plan.durability = firm.durability;  // a plan written afresh
    if (shocks_.firms[j].active) adjust_plan(shocks_, j, plan);      // checked in check_prices
    if (study) plan.fixed_cost += firm.segmentation.cost_per_study * sc_.scale;
    // Unit costs from volume so far, then cost-plus prices.
    for (int ci : firm.categories) {
      const auto c = static_cast<std::size_t>(ci);
      const Category& cat = sc_.categories[c];
      const auto cost = [&](double premium) {
        return unit_cost(cat.base_cost, cat.learning, cat.reference_volume * sc_.scale,
                         static_cast<double>(ledgers_[j].cumulative_units[c]), premium,
                         static_cast<int>(firm.categories.size())) *
               product_cost_factor(cat, plan.durability[c], firm.quality_cut[c]);
      };
      const double factor = shocks_.firms[j].cost_factor[c];
      plain_cost_[j][c] = cost(0.0) * factor;
      unit_cost_[j][c] = plan.customized ? cost(plan.custom_premium) * factor : plain_cost_[j][c];
    }
    check_prices(plan, j);
    for (std::size_t c = 0; c < C; ++c) list_price_[j][c] = 0.0;
    for (auto it = plan.products.rbegin(); it != plan.products.rend(); ++it) {
      const double cost = unit_cost_[j][static_cast<std::size_t>(it->category)];
      list_price_[j][static_cast<std::size_t>(it->category)] =
          static_cast<double>(price_cents(it->fixed_price, it->markup, cost)) / 100.0;
    }
    plans_[j] = std::move(plan);
  }
}

std::vector<std::vector<Offer>> Market::offers() const {
  std::vector<std::vector<Offer>> out(plans_.size());
  for (std::size_t j = 0; j < plans_.size(); ++j)
    for (const Product& p : plans_[j].products) {
      // The price as build_tables charged it: the plan after shocks, on the step's unit cost.
      const double cost = unit_cost_[j][static_cast<std::size_t>(p.category)];
      const double price = static_cast<double>(price_cents(p.fixed_price, p.markup, cost)) / 100.0;
      out[j].push_back({p.category, p.position, p.quality, price,
                        plans_[j].durability[static_cast<std::size_t>(p.category)]});
    }
  return out;
}

/// "; the shocks that moved it: shocks.boom (step 9, price multiply 1000)", or "": the price
/// shocks of firm j since its last that set the price or markup, and, for a price set on cost
/// (not `fixed`), the cost shocks of category c since the last that set the cost.
std::string Market::price_shocks_so_far(std::size_t j, std::size_t c, bool fixed) const {
  std::vector<std::size_t> order;  // the firm's shocks so far, by step (then file order)
  for (std::size_t k = 0; k < sc_.shocks.size(); ++k) {
    const Shock& s = sc_.shocks[k];
    const bool in_category =
        s.categories.empty() || std::find(s.categories.begin(), s.categories.end(),
                                          static_cast<int>(c)) != s.categories.end();
    if (s.enabled && s.step <= step_ && s.firm == static_cast<int>(j) && in_category &&
        (s.kind == ShockKind::price || (s.kind == ShockKind::cost && !fixed)))
      order.push_back(k);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return sc_.shocks[a].step < sc_.shocks[b].step;
  });
  // A shock that sets its value replaces what the same kind did before it.
  std::vector<std::size_t> moved;
  for (const std::size_t k : order) {
    const Shock& s = sc_.shocks[k];
    if (s.op != ShockOp::multiply)
      std::erase_if(moved, [&](std::size_t m) { return sc_.shocks[m].kind == s.kind; });
    moved.push_back(k);
  }
  std::vector<std::string> found;
  for (const std::size_t k : moved) {
    const Shock& s = sc_.shocks[k];
    const char* op = s.op == ShockOp::multiply ? "multiply"
                     : s.op == ShockOp::set    ? "set"
                                               : "markup";
    found.push_back(fmt::format("shocks.{} (step {}, {} {} {:.4g})",
                                s.name.empty() ? std::to_string(k) : s.name, s.step,
                                s.kind == ShockKind::price ? "price" : "cost", op, s.value));
  }
  return found.empty() ? "" : fmt::format("; the shocks that moved it: {}", fmt::join(found, ", "));
}

void Market::check_prices(const FirmPlan& plan, std::size_t j) const {
  const Firm& firm = sc_.firms[j];
  for (const Product& p : plan.products) {
    const auto c = static_cast<std::size_t>(p.category);
    check_unit_cost(plan, j, c);
    const double cost = unit_cost_[j][c];
    const bool fixed = p.fixed_price > 0;
    const double price = fixed ? p.fixed_price : cost * (1.0 + p.markup);
    const bool low = price < kSmallestPrice;  // whole cents: it would round to 0.00
    if (!low && price <= kMaxUnitMoney) continue;
    // Where the scenario set the price, and (cost-plus) where it set the cost it is based on.
    const std::string& where = fixed ? firm.price_where : firm.markup_where;
    const std::string& cost_where = sc_.categories[c].base_cost_where;
    throw InputError(fmt::format(
        "{}at step {}, firm '{}' would sell {} at {:.4g} per unit ({}), {}; {} the category's "
        "base_cost{}, the firm's markup or price, or its price and cost shocks{}",
        where.empty() ? "" : where + ": ", step_, firm.name, sc_.categories[c].name, price,
        fmt::format(
            "{}{}",
            fixed ? std::string("a fixed price")
                  // The markup as planned, before the price shocks scaled it.
                  : fmt::format("unit cost {:.4g} with markup {:.4g}", cost,
                                (1.0 + p.markup) / shocks_.firms[j].price_factor - 1.0),
            shocks_.firms[j].price_factor != 1.0
                ? fmt::format(", after price shocks that multiply the firm's prices by {:.4g}",
                              shocks_.firms[j].price_factor)
                : ""),
        low ? fmt::format("below the smallest price of {:g}: prices are whole cents, and it "
                          "would round to 0.00, the goods given away",
                          kSmallestPrice)
            : fmt::format("above the limit of {:.0e} per unit that keeps revenue exact",
                          kMaxUnitMoney),
        low ? "raise" : "lower", fixed || cost_where.empty() ? "" : " (" + cost_where + ")",
        price_shocks_so_far(j, c, fixed)));
  }
}

void Market::check_unit_cost(const FirmPlan& plan, std::size_t j, std::size_t c) const {
  const double cost = std::max(unit_cost_[j][c], plain_cost_[j][c]);
  if (cost <= kMaxUnitMoney) return;
  const Firm& firm = sc_.firms[j];
  const Category& cat = sc_.categories[c];
  // What multiplied the category's base cost past the limit (learning only lowers it).
  std::vector<std::string> parts;
  if (cat.durable())
    parts.push_back(fmt::format(
        "{:.4g} for a durability of {:.4g} steps against the lifetime scale of {:.4g} "
        "(durability_cost_elasticity {:.4g})",
        std::pow(plan.durability[c] / cat.lifetime_scale, cat.durability_cost_elasticity),
        plan.durability[c], cat.lifetime_scale, cat.durability_cost_elasticity));
  if (plan.customized && unit_cost_[j][c] > plain_cost_[j][c])
    parts.push_back(fmt::format("{:.4g} for the customisation premium of {:.4g}",
                                unit_cost_[j][c] / plain_cost_[j][c], plan.custom_premium));
  if (shocks_.firms[j].cost_factor[c] != 1.0)
    parts.push_back(fmt::format("{:.4g} by cost shocks", shocks_.firms[j].cost_factor[c]));
  throw InputError(fmt::format(
      "{}at step {}, firm '{}' would make {} at a unit cost of {:.4g}, above the limit of {:.0e} "
      "per unit that keeps its accounts exact: the category's base_cost of {:.4g}{}, times {}; "
      "lower the firm's durability, the category's durability_cost_elasticity or base_cost, the "
      "customisation premium or the cost shocks",
      firm.durability_where.empty() || !cat.durable() ? "" : firm.durability_where + ": ", step_,
      firm.name, cat.name, cost, kMaxUnitMoney, cat.base_cost,
      cat.base_cost_where.empty() ? "" : " (" + cat.base_cost_where + ")",
      parts.empty() ? std::string("its other cost factors")
                    : fmt::format("{}", fmt::join(parts, ", times "))));
}

void Market::step() {
  using clock = std::chrono::steady_clock;
  const auto seconds = [](clock::time_point a, clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  };
  const auto t0 = clock::now();
  apply_shocks();
  plan_firms();
  build_tables();
  partials_.clear();
  const auto t1 = clock::now();
  for_blocks(blocks_, [&](std::size_t b, std::size_t begin, std::size_t end) {
    panel_blocks_[b].clear();
    run_consumer_block(tables_, pop_, begin, end, partials_.row(b), panel_blocks_[b]);
  });
  panel_step_.clear();
  for (const auto& rows : panel_blocks_)
    panel_step_.insert(panel_step_.end(), rows.begin(), rows.end());
  const auto t2 = clock::now();
  std::vector<std::int64_t> sums;
  try {
    partials_.reduce(sums);
  } catch (const std::overflow_error&) {
    // Only money in cents comes near: a price of kMaxUnitMoney is 1e11 cents a unit.
    throw InputError(fmt::format(
        "at step {}, the money the {} consumers spent in the step, summed in integer cents, "
        "passes the range of 64-bit integers (about 9.2e16 money in a step): lower the prices "
        "(base_cost, markup or price, price shocks) or the number of consumers",
        step_, pop_.n));
  }
  for (std::size_t k = 0; k < installed_.size(); ++k)  // the blocks' change, into the count
    sums[tables_.layout.installed() + k] = installed_[k] += sums[tables_.layout.installed() + k];
  account(sums);
  last_sums_ = std::move(sums);
  ++step_;
  const auto t3 = clock::now();
  times_.firms += seconds(t0, t1);
  times_.consumers += seconds(t1, t2);
  times_.reduction += seconds(t2, t3);
}

}  // namespace msim
