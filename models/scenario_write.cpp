// Writes a Scenario back as YAML with every default filled in (`marketsim validate`, /scenario).
#include <charconv>
#include <cmath>
#include <string>

#include "models/scenario_load.hpp"
#include "models/shocks.hpp"
#include "models/strategy.hpp"
#include "sim/yaml_writer.hpp"

namespace msim {
namespace {

std::vector<double> to_vector(const Eigen::VectorXd& v) {
  return {v.data(), v.data() + v.size()};
}

std::vector<std::string> names_of(const std::vector<int>& idx,
                                  const std::vector<std::string>& all) {
  std::vector<std::string> out;
  for (int k : idx) out.push_back(all[static_cast<std::size_t>(k)]);
  return out;
}

/// The branch as the resolved scenario must hold it: a shock's time set by `week` set by its
/// `step` (week - 1), as the shocks list writes every shock, so that the text loads again (a
/// shock with both would not) and its readers find the time where they look for it.
BranchSpec resolved_branch(BranchSpec b) {
  for (auto& [path, value] : b.values) {
    const std::size_t dot = path.find('.'), last = path.rfind('.');
    if (path.compare(0, dot, "shocks") != 0 || last == dot || path.substr(last + 1) != "week")
      continue;
    std::int64_t week = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), week);
    if (error != std::errc{} || end != value.data() + value.size()) continue;
    path = path.substr(0, last) + ".step";
    value = std::to_string(week - 1);
  }
  return b;
}

void write_weights(YamlWriter& out, const char* key, const std::vector<double>& w,
                   const std::vector<std::string>& names) {
  double total = 0.0;
  for (double x : w) total += x;
  if (names.empty() || total == 0.0) return;
  out.key(key).begin_map();
  for (std::size_t k = 0; k < names.size(); ++k) out.key(names[k]).value(w[k]);
  out.end_map();
}

void write_pair(YamlWriter& out, const char* key, const char* a, double va, const char* b,
                double vb) {
  out.key(key).begin_map().key(a).value(va).key(b).value(vb).end_map();
}

void write_segment(YamlWriter& out, const Scenario& sc, const Segment& s) {
  out.begin_map().key("name").value(s.name).key("share").value(s.share);
  out.key("ideal").begin_map().key("mean").value(to_vector(s.ideal_mean));
  const bool diagonal = s.ideal_cov.isDiagonal();
  if (diagonal) {
    out.key("sd").value(to_vector(s.ideal_cov.diagonal().cwiseSqrt()));
  } else {
    out.key("cov").begin_list();
    for (Eigen::Index r = 0; r < s.ideal_cov.rows(); ++r)
      out.value(to_vector(s.ideal_cov.row(r).transpose()));
    out.end_list();
  }
  out.end_map();
  write_pair(out, "price_sensitivity", "mean", s.price_sensitivity_mean, "sd",
             s.price_sensitivity_sd);
  out.key("purchase_rate").begin_map();
  for (std::size_t c = 0; c < sc.categories.size(); ++c)
    write_pair(out, sc.categories[c].name.c_str(), "mean", s.purchase_rate[c].mean, "shape",
               s.purchase_rate[c].shape);
  out.end_map();
  out.key("privacy_opt_out").value(s.privacy_opt_out);
  write_pair(out, "novelty_seeking", "mean", s.novelty_mean, "sd", s.novelty_sd);
  write_pair(out, "age", "mean", s.age_mean, "sd", s.age_sd);
  write_pair(out, "income", "median", s.income_median, "sigma", s.income_sigma);
  write_pair(out, "company_size", "median", s.company_size_median, "sigma", s.company_size_sigma);
  write_weights(out, "regions", s.region_weights, sc.regions);
  write_weights(out, "industries", s.industry_weights, sc.industries);
  out.end_map();
}

void write_audience(YamlWriter& out, const Scenario& sc, const Audience& a) {
  out.key("audience").begin_map();
  const auto range = [&](const char* key, const Range2& r) {
    if (std::isfinite(r.lo) || std::isfinite(r.hi))
      out.key(key).value(std::vector<double>{r.lo, r.hi});
  };
  range("age", a.age);
  range("income", a.income);
  range("company_size", a.company_size);
  range("novelty", a.novelty);
  if (a.uses_loyalty()) out.key("loyalty").value(std::vector<double>{a.loyalty.lo, a.loyalty.hi});
  if (!a.regions.empty()) out.key("regions").value(names_of(a.regions, sc.regions));
  if (!a.industries.empty()) out.key("industries").value(names_of(a.industries, sc.industries));
  if (!a.ideal_centre.empty()) {
    out.key("ideal").begin_map().key("centre").value(a.ideal_centre);
    out.key("radius").value(a.ideal_radius).end_map();
  }
  bool open = false;
  for (std::size_t c = 0; c < a.purchase_rate.size(); ++c) {
    const Range2& r = a.purchase_rate[c];
    if (!std::isfinite(r.lo) && !std::isfinite(r.hi)) continue;
    if (!open) out.key("purchase_rate").begin_map();
    open = true;
    out.key(sc.categories[c].name).value(std::vector<double>{r.lo, r.hi});
  }
  if (open) out.end_map();
  out.end_map();
}

/// A firm's durability and quality cut by category (only where they apply), and innovation.
void write_product_settings(YamlWriter& out, const Scenario& sc, const Firm& f) {
  const auto per_category = [&](const char* key, const std::vector<double>& values,
                                auto applies) {
    bool open = false;
    for (int ci : f.categories) {
      const auto c = static_cast<std::size_t>(ci);
      if (!applies(sc.categories[c])) continue;
      if (!open) out.key(key).begin_map();
      open = true;
      out.key(sc.categories[c].name).value(values[c]);
    }
    if (open) out.end_map();
  };
  per_category("durability", f.durability, [](const Category& c) { return c.durable(); });
  per_category("quality_cut", f.quality_cut, [](const Category&) { return true; });
  if (f.audience.active) write_audience(out, sc, f.audience);
  if (f.innovation.every_steps > 0) {
    out.key("innovation").begin_map().key("every_steps").value(f.innovation.every_steps);
    out.key("quality_gain").value(f.innovation.quality_gain).end_map();
  }
}

void write_market(YamlWriter& out, const MarketParams& m) {
  out.key("market").begin_map();
  out.key("distance_weight").value(m.distance_weight);
  out.key("outside_utility").value(m.outside_utility);
  out.key("loyalty_weight").value(m.loyalty_weight);
  out.key("goodwill_weight").value(m.goodwill_weight);
  out.key("goodwill_cap").value(m.goodwill_cap);
  out.key("loyalty_smoothing").value(m.loyalty_smoothing);
  out.key("adstock_decay").value(m.adstock_decay);
  out.key("initial_awareness").value(m.initial_awareness);
  out.key("cpm_mass").value(m.cpm_mass);
  out.key("cpm_targeted").value(m.cpm_targeted);
  out.key("beta_mass").value(m.beta_mass);
  out.key("beta_targeted").value(m.beta_targeted);
  out.key("beta_direct").value(m.beta_direct);
  out.key("wom_rate").value(m.wom_rate);
  out.key("homophily").value(m.homophily);
  out.key("wom_window").value(m.wom_window);
  out.key("wom_goodwill").value(m.wom_goodwill);
  out.key("negative_wom_rate").value(m.negative_wom_rate);
  out.key("discount_rate_per_year").value(m.discount_rate_per_year);
  out.end_map();
}

}  // namespace

std::string resolved_yaml(const Scenario& sc) {
  YamlWriter out;
  out.begin_map();
  out.key("name").value(sc.name);
  out.key("description").value(sc.description);
  out.key("seed").value(static_cast<std::int64_t>(sc.seed));
  out.key("consumers").value(sc.consumers_in_file);
  if (sc.scale != 1.0) out.key("scale").value(sc.scale);
  out.key("steps").value(sc.steps);
  out.key("steps_per_year").value(sc.steps_per_year);
  out.key("preference_dims").value(sc.preference_dims);
  write_market(out, sc.market);
  out.key("categories").begin_list();
  for (const auto& c : sc.categories) {
    out.begin_map().key("name").value(c.name);
    out.key("kind").value(c.durable() ? "durable" : "consumable");
    out.key("base_cost").value(c.base_cost).key("learning").value(c.learning);
    out.key("reference_volume").value(c.reference_volume);
    out.key("quality_learning").value(c.quality_learning);
    out.key("quality_cut_saving").value(c.quality_cut_saving);
    if (c.durable()) {
      out.key("lifetime").begin_map().key("shape").value(c.lifetime_shape);
      out.key("scale").value(c.lifetime_scale).end_map();
      out.key("reference_life").value(c.reference_life);
      out.key("durability_cost_elasticity").value(c.durability_cost_elasticity);
      out.key("backlash").value(c.backlash);
      out.key("upgrade_threshold").value(c.upgrade_threshold);
      out.key("durability_weight").value(c.durability_weight);
    }
    out.end_map();
  }
  out.end_list();
  out.key("segments").begin_list();
  for (const auto& s : sc.segments) write_segment(out, sc, s);
  out.end_list();
  std::vector<std::string> cats;
  for (const auto& c : sc.categories) cats.push_back(c.name);
  out.key("firms").begin_list();
  for (const auto& f : sc.firms) {
    out.begin_map().key("name").value(f.name).key("strategy").value(f.strategy);
    out.key("budget_per_year").value(f.budget_per_year);
    out.key("categories").value(names_of(f.categories, cats));
    out.key("regions").value(names_of(f.regions, sc.regions));
    out.key("quality").value(f.quality);
    out.key("fixed_cost_per_year").value(f.fixed_cost_per_year);
    write_product_settings(out, sc, f);
    write_segmentation(out, f.segmentation);
    f.prototype->write_params(out);
    out.end_map();
  }
  out.end_list();
  write_shocks(out, sc);
  write_experiment(out, sc.experiment);
  write_branch(out, resolved_branch(sc.branch));
  out.key("output").begin_map().key("path").value(sc.output.path);
  out.key("panel").begin_map().key("size").value(sc.output.panel_size).end_map();
  out.key("snapshot").begin_map().key("size").value(sc.output.snapshot_size).end_map();
  out.end_map();
  out.end_map();
  return out.str();
}

}  // namespace msim
