// Applying the shocks timeline: the scenario copy, the shock state and the population.
#include "models/shocks.hpp"

#include <algorithm>
#include <cmath>

#include "models/population.hpp"
#include "models/random_purposes.hpp"
#include "models/strategy.hpp"
#include "sim/parallel.hpp"
#include "sim/rng.hpp"

namespace msim {

namespace {

/// A firm with an enter shock is out until it fires; a disabled entry never fires.
bool keeps_out_at_start(const Shock& s) {
  return s.kind == ShockKind::enter && (s.step > 0 || !s.enabled);
}

}  // namespace

ShockState initial_shock_state(const Scenario& sc) {
  ShockState state;
  state.firms.resize(sc.firms.size());
  for (auto& f : state.firms) f.cost_factor.assign(sc.categories.size(), 1.0);
  for (const Shock& s : sc.shocks)
    if (keeps_out_at_start(s)) state.firms[static_cast<std::size_t>(s.firm)].active = false;
  return state;
}

bool in_market_in_run(const std::vector<Shock>& shocks, int firm, std::int64_t steps) {
  bool active = true;
  std::vector<const Shock*> moves;  // the firm's enabled entries and exits, in step order
  for (const Shock& s : shocks) {
    if (s.firm != firm) continue;
    if (keeps_out_at_start(s)) active = false;
    if (s.enabled && (s.kind == ShockKind::enter || s.kind == ShockKind::exit)) moves.push_back(&s);
  }
  std::stable_sort(moves.begin(), moves.end(),
                   [](const Shock* a, const Shock* b) { return a->step < b->step; });
  std::int64_t step = 0;  // the moves of steps before it have applied
  for (const Shock* s : moves) {
    if (s->step >= steps) break;
    if (active && s->step > step) return true;  // in the market in steps [step, s->step)
    active = s->kind == ShockKind::enter;
    step = s->step;
  }
  return active && step < steps;
}

namespace {

double apply_op(const Shock& s, double current) {
  return s.op == ShockOp::set ? s.value : current * s.value;
}

/// The categories a shock names, or all of them.
std::vector<int> categories_of(const Shock& s, const Scenario& sc) {
  if (!s.categories.empty()) return s.categories;
  std::vector<int> all(sc.categories.size());
  for (std::size_t c = 0; c < all.size(); ++c) all[c] = static_cast<int>(c);
  return all;
}

}  // namespace

void apply_shock(const Shock& s, Scenario& sc, ShockState& state) {
  if (!s.enabled) return;
  Firm* firm = s.firm >= 0 ? &sc.firms[static_cast<std::size_t>(s.firm)] : nullptr;
  FirmShockState* fs = s.firm >= 0 ? &state.firms[static_cast<std::size_t>(s.firm)] : nullptr;
  switch (s.kind) {
    case ShockKind::budget:
      firm->budget_per_year = apply_op(s, firm->budget_per_year);
      break;
    case ShockKind::fixed_cost:
      firm->fixed_cost_per_year = apply_op(s, firm->fixed_cost_per_year);
      break;
    case ShockKind::price:
      if (s.op == ShockOp::multiply) {
        fs->price_factor *= s.value;
      } else if (s.op == ShockOp::set) {
        fs->fixed_price = s.value;
        fs->price_factor = 1.0;
        fs->markup = -1.0;
      } else {
        fs->markup = s.value;
        fs->fixed_price = 0.0;
        fs->price_factor = 1.0;
      }
      break;
    case ShockKind::cost:
      for (int c : categories_of(s, sc)) {
        const auto k = static_cast<std::size_t>(c);
        // `set` gives the firm's own base cost (per unit at the reference volume).
        fs->cost_factor[k] = s.op == ShockOp::set ? s.value / sc.categories[k].base_cost
                                                  : fs->cost_factor[k] * s.value;
      }
      break;
    case ShockKind::cpm:
      if (s.channel == Channel::mass) {
        sc.market.cpm_mass = apply_op(s, sc.market.cpm_mass);
      } else if (s.channel == Channel::targeted) {
        sc.market.cpm_targeted = apply_op(s, sc.market.cpm_targeted);
      } else if (s.op == ShockOp::set) {
        state.contact_cost = s.value;
        state.contact_cost_factor = 1.0;
      } else {
        state.contact_cost_factor *= s.value;
      }
      break;
    case ShockKind::recession:
      for (auto& seg : sc.segments) {
        const int si = sc.segment_index(seg.name);
        if (!s.segments.empty() &&
            std::find(s.segments.begin(), s.segments.end(), si) == s.segments.end())
          continue;
        for (int c : categories_of(s, sc))
          seg.purchase_rate[static_cast<std::size_t>(c)].mean *= s.value;
      }
      break;
    case ShockKind::opt_out:
      break;  // consumers only
    case ShockKind::enter:
      fs->active = true;
      break;
    case ShockKind::exit:
      fs->active = false;
      break;
  }
}

void apply_population_shocks(const Scenario& sc, std::int64_t step, Population& pop,
                             std::size_t block_size) {
  const std::size_t C = pop.categories, S = sc.segments.size();
  std::uint32_t opt_out_rank = 0;
  for (const Shock& s : sc.shocks) {
    if (s.step != step || !s.enabled) continue;
    // An entry after step 0: the consumers' purchases so far are not the entrant's buyers'.
    if (s.kind == ShockKind::enter && step > 0) {
      pop.cat_count_at_entry.resize(sc.firms.size());
      pop.cat_count_at_entry[static_cast<std::size_t>(s.firm)] = pop.cat_count;
    }
    if (s.kind != ShockKind::recession && s.kind != ShockKind::opt_out) continue;
    std::vector<char> in_segment(S, s.segments.empty() ? 1 : 0);
    for (int k : s.segments) in_segment[static_cast<std::size_t>(k)] = 1;
    const Blocks blocks{pop.n, block_size};
    if (s.kind == ShockKind::recession) {
      std::vector<char> in_category(C, s.categories.empty() ? 1 : 0);
      for (int c : s.categories) in_category[static_cast<std::size_t>(c)] = 1;
      for_blocks(blocks, [&](std::size_t, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
          if (!in_segment[pop.segment[i]]) continue;
          for (std::size_t c = 0; c < C; ++c) {
            if (!in_category[c]) continue;
            std::uint32_t& none = pop.no_occasion[i * C + c];
            none = no_occasion_threshold(occasion_rate(none) * s.value);
          }
        }
      });
    } else {
      const Philox gen(sc.seed, purpose::shock_opt_out);
      const auto threshold =
          static_cast<std::uint64_t>(std::llround(std::clamp(s.value, 0.0, 1.0) * 4294967296.0));
      const std::uint32_t rank = opt_out_rank++;
      for_blocks(blocks, [&](std::size_t, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
          if (!in_segment[pop.segment[i]] || (pop.flags[i] & kOptOut) != 0) continue;
          const Words w =
              gen(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(step), rank);
          if (w[0] >= threshold) continue;
          pop.flags[i] |= kOptOut;
          // Opting out erases the consumer's CRM profiles (and referral tags): k = 0 from now on.
          std::fill_n(pop.crm.begin() + static_cast<std::ptrdiff_t>(i * pop.crm_firms),
                      pop.crm_firms, std::uint8_t{0});
        }
      });
    }
  }
}

void adjust_plan(const ShockState& state, std::size_t firm, FirmPlan& plan) {
  const FirmShockState& fs = state.firms[firm];
  for (Product& p : plan.products) {
    if (fs.fixed_price > 0) {
      p.fixed_price = fs.fixed_price;
    } else if (fs.markup >= -0.99) {
      p.markup = fs.markup;
      p.fixed_price = 0.0;
    }
    if (fs.price_factor != 1.0) {
      // Price is fixed_price, or unit cost * (1 + markup): scale whichever applies.
      // Cuts that stack past double precision reach markup -1: a price of 0 cents.
      if (p.fixed_price > 0)
        p.fixed_price *= fs.price_factor;
      else
        p.markup = (1.0 + p.markup) * fs.price_factor - 1.0;
    }
  }
  if (state.contact_cost > 0) plan.cost_per_contact = state.contact_cost;
  plan.cost_per_contact *= state.contact_cost_factor;
}

}  // namespace msim
