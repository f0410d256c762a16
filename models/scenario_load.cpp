// Loads a Scenario from YAML through the sim/ config wrapper. Every range and every name is
// checked here, so nothing can fail for a user's reason once a run has started.
#include "models/scenario_load.hpp"

#include <fmt/format.h>
#include <Eigen/Cholesky>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

#include "models/branch.hpp"
#include "models/costs.hpp"
#include "models/kernel_tables.hpp"
#include "models/population.hpp"
#include "models/shocks.hpp"
#include "models/strategy.hpp"
#include "sim/config.hpp"
#include "sim/error.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/yaml_writer.hpp"

namespace msim {

std::string used_twice(const std::string& list, const std::string& name, std::size_t first,
                       const Config& first_item) {
  const Mark at = first_item.mark();
  return fmt::format(
      "the name '{}' is used twice in {}: item {} ({}:{}:{}) has it already; give each item a "
      "name of its own",
      name, list, first, at.file, at.line, at.column);
}

namespace {

/// Why `name` is not one of `known` (the `what`s the scenario has): "unknown region 'norht'
/// (did you mean 'north'?); known: north, south", or "...; the scenario has none" (no industries
/// declared).
std::string unknown_name(const std::string& what, const std::string& name,
                         const std::vector<std::string>& known, const std::string& plural) {
  if (known.empty())
    return fmt::format("unknown {} '{}'; the scenario declares no {}", what, name, plural);
  const std::string hint = did_you_mean(name, known);
  return fmt::format("unknown {} '{}'{}; known: {}", what, name,
                     hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint),
                     fmt::join(known, ", "));
}

/// Resolves a list of names (or "all") against `known`, pointing at the bad entry.
std::vector<int> resolve_names(const Config& list, const std::vector<std::string>& known,
                               const std::string& what) {
  std::vector<int> out;
  std::set<int> seen;
  for (const Config& item : list.items()) {
    const std::string name = item.as_string();
    int index = -1;
    for (std::size_t k = 0; k < known.size(); ++k)
      if (known[k] == name) index = static_cast<int>(k);
    if (index < 0)
      item.fail(
          unknown_name(what, name, known,
                       what == "industry" ? "industries (segments' industries)" : what + "s"));
    if (!seen.insert(index).second) item.fail(fmt::format("{} '{}' is listed twice", what, name));
    out.push_back(index);
  }
  if (out.empty()) list.fail_expected(fmt::format("a non-empty list of {} names", what));
  return out;
}

void check_unique(const Config& list, const std::vector<std::string>& names,
                  const std::string& what) {
  std::map<std::string, std::size_t> first;
  for (std::size_t k = 0; k < names.size(); ++k)
    if (const auto [at, fresh] = first.emplace(names[k], k); !fresh)
      list.items()[k].fail(used_twice(what, names[k], at->second, list.items()[at->second]));
}

/// Keys that only durable categories have.
const std::vector<std::string>& durable_keys() {
  static const std::vector<std::string> keys = {"lifetime", "reference_life",
                                                "durability_cost_elasticity", "backlash",
                                                "upgrade_threshold", "durability_weight"};
  return keys;
}

Category load_category(const Config& node) {
  Category c;
  c.name = node.child("name").as_name();
  const std::string kind = node.find("kind")
                               ? node.child("kind").as_choice({"consumable", "durable"})
                               : std::string("consumable");
  c.kind = kind == "durable" ? CategoryKind::durable : CategoryKind::consumable;
  c.base_cost = node.get_double("base_cost", c.base_cost, positive_unit_money_range());
  c.base_cost_where = node.peek("base_cost").value_or(node).where();
  c.learning = node.get_double("learning", c.learning, {0.0, 1.0, true, false});
  c.reference_volume = node.get_double("reference_volume", c.reference_volume, range::positive());
  c.quality_learning = node.get_double("quality_learning", c.quality_learning, range::unit());
  c.quality_cut_saving =
      node.get_double("quality_cut_saving", c.quality_cut_saving, {0.0, 1.0, true, false});
  if (!c.durable()) {
    for (const std::string& key : durable_keys())
      if (auto extra = node.find(key))
        extra->fail(fmt::format("'{}' applies only to durable categories; this one is "
                                "consumable (add kind: durable)",
                                key));
    node.finish();
    return c;
  }
  const Config life = node.child("lifetime");
  c.lifetime_shape = life.get_double("shape", range::closed(0.1, 20));
  c.lifetime_scale = life.get_double("scale", range::closed(1, kMaxLifetime));
  life.finish();
  c.reference_life =
      node.get_double("reference_life", 0.5 * c.lifetime_scale, range::closed(0, kMaxLifetime));
  c.durability_cost_elasticity =
      node.get_double("durability_cost_elasticity", c.durability_cost_elasticity,
                      range::closed(0, 5));
  c.backlash = node.get_double("backlash", c.backlash, range::unit());
  c.upgrade_threshold =
      node.get_double("upgrade_threshold", c.upgrade_threshold, range::positive());
  c.durability_weight =
      node.get_double("durability_weight", c.durability_weight, range::closed(0, 100));
  node.finish();
  return c;
}

/// A per-category firm setting: one number for every category it sells (of the kinds `applies`
/// accepts), or a map {category: number}. Categories left out get `fallback(c)`.
template <class Applies, class Fallback>
std::vector<double> load_per_category(const Config& node, const std::string& key,
                                      const Scenario& sc, const std::vector<int>& sold,
                                      const Range& r, const std::string& kinds, Applies applies,
                                      Fallback fallback) {
  std::vector<double> out(sc.categories.size(), 0.0);
  for (int c : sold)
    if (applies(sc.categories[static_cast<std::size_t>(c)]))
      out[static_cast<std::size_t>(c)] = fallback(sc.categories[static_cast<std::size_t>(c)]);
  const auto value = node.find(key);
  if (!value) return out;
  const auto sells = [&](int c) { return std::find(sold.begin(), sold.end(), c) != sold.end(); };
  if (!value->is_map()) {
    const double v = value->as_double(r);
    bool any = false;
    for (int c : sold)
      if (applies(sc.categories[static_cast<std::size_t>(c)])) {
        out[static_cast<std::size_t>(c)] = v;
        any = true;
      }
    if (!any) value->fail(fmt::format("the firm sells no {} category", kinds));
    return out;
  }
  for (const std::string& name : value->keys()) {
    const Config item = value->child(name);
    const int c = sc.category_index(name);
    if (c < 0 || !sells(c)) {
      std::vector<std::string> sold_names;
      for (int k : sold) sold_names.push_back(sc.categories[static_cast<std::size_t>(k)].name);
      const std::string hint = did_you_mean(name, sold_names);
      item.fail(fmt::format("the firm sells no category '{}'{}; it sells {}{}", name,
                            hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint),
                            fmt::join(sold_names, ", "), value->renamed_note(name)));
    }
    if (!applies(sc.categories[static_cast<std::size_t>(c)]))
      item.fail(fmt::format("category '{}' is not {}", name, kinds));
    out[static_cast<std::size_t>(c)] = item.as_double(r);
  }
  return out;
}

Range2 load_range(const Config& node, const Range& r) {
  const std::vector<double> v = node.as_doubles(r);
  if (v.size() != 2 || v[0] > v[1]) node.fail_expected("a range [low, high] with low <= high");
  return {v[0], v[1]};
}

/// audience: a targeting rule over demographic, geographic, firmographic, psychographic and
/// behavioural attributes.
Audience load_audience(const Config& node, const Scenario& sc) {
  Audience a;
  a.active = true;
  if (auto n = node.find("age")) a.age = load_range(*n, range::closed(0, 150));
  if (auto n = node.find("income")) a.income = load_range(*n, range::non_negative());
  if (auto n = node.find("company_size")) a.company_size = load_range(*n, range::non_negative());
  if (auto n = node.find("novelty")) a.novelty = load_range(*n, range::unit());
  if (auto n = node.find("loyalty")) a.loyalty = load_range(*n, range::unit());
  if (auto n = node.find("regions")) a.regions = resolve_names(*n, sc.regions, "region");
  if (auto n = node.find("industries")) a.industries = resolve_names(*n, sc.industries, "industry");
  if (auto n = node.find("ideal")) {
    a.ideal_centre = n->child("centre").as_doubles(coordinate_range());
    if (a.ideal_centre.size() != static_cast<std::size_t>(sc.preference_dims))
      n->child("centre").fail_expected(
          fmt::format("{} numbers (preference_dims)", sc.preference_dims));
    a.ideal_radius = n->get_double("radius", spread_range());
    n->finish();
  }
  a.purchase_rate.assign(sc.categories.size(), Range2{});
  if (auto n = node.find("purchase_rate")) {
    for (const std::string& key : n->keys()) {
      const int c = sc.category_index(key);
      if (c < 0) {
        std::vector<std::string> names;
        for (const Category& cat : sc.categories) names.push_back(cat.name);
        n->child(key).fail(unknown_name("category", key, names, "categories") +
                           n->renamed_note(key));
      }
      a.purchase_rate[static_cast<std::size_t>(c)] =
          load_range(n->child(key), range::non_negative());
    }
  }
  node.finish();
  return a;
}

void load_innovation(const Config& node, Innovation& in) {
  in.every_steps = node.get_int("every_steps", range::closed(1, kMaxSteps));
  in.quality_gain = node.get_double("quality_gain", range::closed(0, 100));
  node.finish();
}

/// Whether `name` looks like a slip of the keyboard for `other`: the same letters in another
/// case, a letter (not a digit) added or dropped, or two neighbouring letters swapped. A letter
/// changed is how distinct names differ (east and west, zone1 and zone2, b2b and b2c), so it is
/// not taken for a slip, nor is a number added (zone, zone2).
bool looks_like_typo(const std::string& name, const std::string& other) {
  if (name == other) return false;
  const auto lower = [](std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  };
  const std::string a = lower(name), b = lower(other);
  if (a == b) return true;
  const auto first_difference = [](const std::string& x, const std::string& y) {
    return static_cast<std::size_t>(std::mismatch(x.begin(), x.end(), y.begin(), y.end()).first -
                                    x.begin());
  };
  if (a.size() + 1 == b.size() || b.size() + 1 == a.size()) {
    std::string longer = a.size() > b.size() ? a : b;
    const std::string& shorter = a.size() > b.size() ? b : a;
    const std::size_t at = first_difference(longer, shorter);
    const bool digit = std::isdigit(static_cast<unsigned char>(longer[at])) != 0;
    return !digit && longer.erase(at, 1) == shorter;
  }
  if (a.size() != b.size()) return false;
  const std::size_t at = first_difference(a, b);
  return at + 1 < a.size() && a[at] == b[at + 1] && a[at + 1] == b[at] &&
         a.compare(at + 2, std::string::npos, b, at + 2) == 0;
}

/// Reads {name: weight, ...} into weights over `names` (registering new names), summing to 1.
/// `what` names one of them in messages ("region").
std::vector<double> load_weights(const Config& node, std::vector<std::string>& names,
                                 std::vector<std::string>& named_at, const std::string& what) {
  const std::vector<std::string> earlier = names;  // declared by other segments
  const std::vector<std::string> here = node.keys();
  std::map<int, double> by_index;
  double total = 0.0;
  for (const std::string& key : here) {
    const double w = node.get_double(key, range::non_negative());
    auto it = std::find(names.begin(), names.end(), key);
    if (const std::string fault = path_name_fault(key, node.path() + ".NAME"); !fault.empty())
      node.child(key).fail(fmt::format("{} name '{}': {}", what, key, fault));
    if (it == names.end()) {
      // Names are declared by use; one letter away from a known name is a typo, not a new name.
      // Either spelling may be the slip: both places are named.
      for (std::size_t k = 0; k < earlier.size(); ++k)
        if (const std::string& known = earlier[k];
            edit_distance(key, known) <= 1 || looks_like_typo(key, known))
          node.child(key).fail(fmt::format(
              "'{}' is a new {} name here, but another segment names '{}' ({}): one of the two "
              "is a slip; spell the {} the same in both",
              key, what, known, k < named_at.size() ? named_at[k] : "earlier", what));
      // Within one map only slips count: zone1 and zone2 are two names.
      for (const std::string& other : here) {
        if (other == key) break;  // (names before it)
        if (looks_like_typo(key, other))
          node.child(key).fail(fmt::format(
              "'{}' is a new {} name, but this map also names '{}' (did you mean '{}'?); two {} "
              "names may not differ only by a letter added, dropped or swapped, or by case",
              key, what, other, other, what));
      }
      if (names.size() >= static_cast<std::size_t>(kMaxRegions))
        node.child(key).fail(
            fmt::format("more than {} names, expected at most {}", kMaxRegions, kMaxRegions));
      names.push_back(key);
      named_at.push_back(node.child(key).where());
      it = names.end() - 1;
    }
    by_index[static_cast<int>(it - names.begin())] = w;
    total += w;
  }
  if (std::abs(total - 1.0) > 1e-6) node.fail(fmt::format("weights sum to {}, expected 1", total));
  std::vector<double> out(names.size(), 0.0);
  for (auto [k, w] : by_index) out[static_cast<std::size_t>(k)] = w;
  return out;
}

void load_ideal(const Config& node, int dims, Segment& s) {
  const auto mean = node.child("mean").as_doubles(coordinate_range());
  if (static_cast<int>(mean.size()) != dims)
    node.child("mean").fail_expected(fmt::format("{} numbers (preference_dims)", dims));
  s.ideal_mean = Eigen::Map<const Eigen::VectorXd>(mean.data(), dims);
  s.ideal_cov = Eigen::MatrixXd::Zero(dims, dims);
  if (node.has("cov")) {
    if (node.has("sd")) node.child("sd").fail("give either sd or cov, not both");
    const Config cov = node.child("cov");
    const auto rows = cov.items();
    if (static_cast<int>(rows.size()) != dims)
      cov.fail_expected(fmt::format("a {}x{} matrix (a list of {} rows)", dims, dims, dims));
    for (int r = 0; r < dims; ++r) {
      const auto row = rows[static_cast<std::size_t>(r)].as_doubles(
          range::closed(-kMaxCoordinate * kMaxCoordinate, kMaxCoordinate * kMaxCoordinate));
      if (static_cast<int>(row.size()) != dims)
        rows[static_cast<std::size_t>(r)].fail_expected(fmt::format("a row of {} numbers", dims));
      for (int c = 0; c < dims; ++c) s.ideal_cov(r, c) = row[static_cast<std::size_t>(c)];
    }
    if (!s.ideal_cov.isApprox(s.ideal_cov.transpose(), 1e-12))
      cov.fail_expected("a symmetric covariance matrix");
    Eigen::LDLT<Eigen::MatrixXd> ldlt(s.ideal_cov);
    if (ldlt.info() != Eigen::Success || !ldlt.isPositive() ||
        (ldlt.vectorD().array() < -1e-12).any())
      cov.fail_expected("a positive semi-definite covariance matrix");
  } else {
    const auto sd = node.child("sd").as_doubles(spread_range());
    if (static_cast<int>(sd.size()) != dims)
      node.child("sd").fail_expected(fmt::format("{} numbers (preference_dims)", dims));
    for (int d = 0; d < dims; ++d)
      s.ideal_cov(d, d) = sd[static_cast<std::size_t>(d)] * sd[static_cast<std::size_t>(d)];
  }
  node.finish();
}

/// Reads an optional {key_a: x, key_b: y} pair block into two numbers.
void load_pair(const Config& seg, const std::string& key, const std::string& a, double& va,
               const Range& ra, const std::string& b, double& vb, const Range& rb) {
  if (auto n = seg.find(key)) {
    va = n->get_double(a, va, ra);
    vb = n->get_double(b, vb, rb);
    n->finish();
  }
}

Segment load_segment(const Config& node, Scenario& sc) {
  Segment s;
  s.name = node.child("name").as_name();
  s.share = node.get_double("share", {0.0, 1.0, true, false});
  load_ideal(node.child("ideal"), sc.preference_dims, s);
  // A price weight past kMaxUtility per unit of money, or a lognormal spread past a hundred
  // times the mean (log sd 3.03), puts consumers' weights out of a float's range.
  load_pair(node, "price_sensitivity", "mean", s.price_sensitivity_mean,
            {0.0, kMaxUtility, true, false}, "sd", s.price_sensitivity_sd,
            range::closed(0.0, 100.0 * kMaxUtility));
  // The ends are included: a sd written as 100 times the mean may lie a rounding above the
  // product of the two doubles (1e-4 > 100 * 1e-6), so the ratio is compared within a few ulps.
  // The mean is shown in full, so that a refused sd is never shown as its own limit.
  if (s.price_sensitivity_sd >
      kMaxSensitivitySpread * s.price_sensitivity_mean * (1.0 + kRoundingTolerance)) {
    const Config sd = node.child("price_sensitivity").child("sd");
    sd.fail_expected(
        fmt::format("at most {:g} times the mean ({}): a spread the lognormal draw keeps within a "
                    "float's range",
                    kMaxSensitivitySpread, s.price_sensitivity_mean));
  }
  s.purchase_rate.assign(sc.categories.size(), PurchaseRate{});
  const Config rates = node.child("purchase_rate");
  if (!rates.is_map()) rates.fail_expected("a map from category name to {mean, shape}");
  std::vector<std::string> cat_names;
  for (const auto& c : sc.categories) cat_names.push_back(c.name);
  for (const std::string& key : rates.keys()) {
    const int c = sc.category_index(key);
    const Config r = rates.child(key);
    if (c < 0)
      r.fail(unknown_name("category", key, cat_names, "categories") + rates.renamed_note(key));
    auto& pr = s.purchase_rate[static_cast<std::size_t>(c)];
    const Config mean = r.child("mean");
    pr.mean = mean.as_double(range::non_negative());
    if (pr.mean > kMaxPurchaseRate)
      mean.fail_expected(
          fmt::format("a number in [0, {:g}], the most occasions per step that a "
                      "consumer's purchase rate is stored faithfully at",
                      kMaxPurchaseRate));
    pr.shape = r.get_double("shape", 1.0,
                            {kMinRateShape, std::numeric_limits<double>::infinity(), false, false});
    const std::string problem = rate_share_problem(share_above_max_rate(pr.mean, pr.shape));
    if (!problem.empty())
      mean.fail(
          fmt::format("got {:g} with shape {:g}{}: {} (a lower mean, or a larger shape "
                      "for a narrower spread)",
                      pr.mean, pr.shape, r.has("shape") ? "" : " (the default)", problem));
    r.finish();
  }
  s.privacy_opt_out = node.get_double("privacy_opt_out", s.privacy_opt_out, range::unit());
  load_pair(node, "novelty_seeking", "mean", s.novelty_mean, range::unit(), "sd", s.novelty_sd,
            range::non_negative());
  load_pair(node, "age", "mean", s.age_mean, range::closed(18, 99), "sd", s.age_sd,
            range::non_negative());
  load_pair(node, "income", "median", s.income_median, range::positive(), "sigma", s.income_sigma,
            range::non_negative());
  load_pair(node, "company_size", "median", s.company_size_median, range::non_negative(), "sigma",
            s.company_size_sigma, range::non_negative());
  if (auto r = node.find("regions"))
    s.region_weights = load_weights(*r, sc.regions, sc.region_where, "region");
  if (auto r = node.find("industries"))
    s.industry_weights = load_weights(*r, sc.industries, sc.industry_where, "industry");
  node.finish();
  return s;
}

/// Notes where goodwill's fixed point (steps of 1/256, decay rounded down) changes what a
/// market key says by much: a goodwill per exposure kept 5% or more off (or as 0), and an
/// adstock decay so close to 1 that one exposure's goodwill of 1.0 falls below 0.1 in under
/// four fifths of the steps exact decay takes.
void note_goodwill_steps(const Config& n, const MarketParams& m) {
  for (const auto& [key, beta] :
       {std::pair{"beta_mass", m.beta_mass}, std::pair{"beta_targeted", m.beta_targeted},
        std::pair{"beta_direct", m.beta_direct}}) {
    if (!n.has(key) || beta <= 0) continue;
    const double kept = std::round(beta * kGoodwillScale) / kGoodwillScale;
    // (A firm that buys mass and targeted media in one step has their average rounded.)
    if (kept == 0)
      n.child(key).note(fmt::format(
          "{} {:g} is kept as 0 (goodwill is kept in steps of 1/256), so an exposure of this "
          "channel alone adds nothing; the smallest that counts is 0.002",
          key, beta));
    else if (std::abs(kept - beta) >= 0.05 * beta)
      n.child(key).note(fmt::format(
          "{} {:g} is kept as {:.4g} (goodwill is kept in steps of 1/256): {:+.0f}% for an "
          "exposure of this channel alone",
          key, beta, kept, 100.0 * (kept - beta) / beta));
  }
  if (!n.has("adstock_decay")) return;
  const double lambda = m.adstock_decay;
  if (lambda <= 0.9) return;
  const auto q = q16(lambda);
  std::int64_t kept_steps = 0;
  for (std::uint64_t g = 256; g >= 26 && kept_steps < 100000; ++kept_steps) g = (g * q) >> 16;
  const double exact_steps = std::ceil(std::log(0.1) / std::log(lambda));
  if (static_cast<double>(kept_steps) < 0.8 * exact_steps)
    n.child("adstock_decay")
        .note(fmt::format(
            "with adstock_decay {:g}, goodwill (kept in steps of 1/256, its decay rounded down) "
            "is forgotten faster than the decay says: one exposure's goodwill of 1.0 falls below "
            "0.1 after {} steps instead of {:.0f} (with fewer, longer steps a year the decay per "
            "step "
            "is further from 1, and the rounding matters less)",
            lambda, kept_steps, exact_steps));
}

void load_market(const Config& n, MarketParams& m) {
  m.distance_weight =
      n.get_double("distance_weight", m.distance_weight, range::closed(0, kMaxUtility));
  m.outside_utility = n.get_double("outside_utility", m.outside_utility, utility_range());
  m.loyalty_weight = n.get_double("loyalty_weight", m.loyalty_weight, utility_range());
  m.goodwill_weight = n.get_double("goodwill_weight", m.goodwill_weight, utility_range());
  m.goodwill_cap = n.get_double("goodwill_cap", m.goodwill_cap, range::closed(0, 255));
  m.loyalty_smoothing = n.get_double("loyalty_smoothing", m.loyalty_smoothing, {0, 1, false, true});
  m.adstock_decay = n.get_double("adstock_decay", m.adstock_decay, {0, 1, false, true});
  m.initial_awareness = n.get_double("initial_awareness", m.initial_awareness, range::unit());
  m.cpm_mass = n.get_double("cpm_mass", m.cpm_mass, positive_unit_money_range());
  m.cpm_targeted = n.get_double("cpm_targeted", m.cpm_targeted, positive_unit_money_range());
  m.beta_mass = n.get_double("beta_mass", m.beta_mass, range::closed(0, 255));
  m.beta_targeted = n.get_double("beta_targeted", m.beta_targeted, range::closed(0, 255));
  m.beta_direct = n.get_double("beta_direct", m.beta_direct, range::closed(0, 255));
  m.wom_rate = n.get_double("wom_rate", m.wom_rate, range::non_negative());
  m.homophily = n.get_double("homophily", m.homophily, range::unit());
  m.wom_window = n.get_int("wom_window", m.wom_window, range::closed(1, kMaxSteps));
  m.wom_goodwill = n.get_double("wom_goodwill", m.wom_goodwill, range::closed(1, 255));
  m.negative_wom_rate = n.get_double("negative_wom_rate", m.negative_wom_rate, range::non_negative());
  m.discount_rate_per_year = n.get_double("discount_rate_per_year", m.discount_rate_per_year,
                                          range::fraction(range::closed(0, 10)));
  if (m.discount_rate_per_year > 1.0)
    n.child("discount_rate_per_year")
        .note(large_fraction("a yearly discount rate", m.discount_rate_per_year, "a year"));
  n.finish();
  note_goodwill_steps(n, m);
}

/// Adds to `lost` the key paths beneath `given` (a map or list of the firm's entry, at `at`
/// relative to the entry) that the strategy's factory read and that `written`, what
/// write_params() wrote in its place, does not give. A null value reads as absent, a default
/// again, so is not lost; a list's items are all read.
void collect_lost(const Config& given, const Config& written, const std::string& at,
                  std::vector<std::string>& lost) {
  const auto beneath = [&](const Config& value, const std::string& segment) {
    const std::string path = at + "." + segment;
    if (value.is_null()) return;
    const std::optional<Config> again = written.peek(segment);
    if (!again || again->is_null())
      lost.push_back(path);
    else if ((value.is_map() && again->is_map()) || (value.is_sequence() && again->is_sequence()))
      collect_lost(value, *again, path, lost);
  };
  if (given.is_sequence()) {
    for (const Config& item : given.items())
      beneath(item, item.path().substr(given.path().size() + 1));
    return;
  }
  // child() only for keys asked already: it marks a key as known, which would hide an unknown
  // one from finish().
  for (const std::string& key : given.keys())
    if (given.known(key)) beneath(given.child(key), key);
}

/// Every key of the firm's entry that its strategy read must come back from write_params(), at
/// every level (a key inside a map parameter too), and what write_params() wrote must load
/// again through the strategy's factory, every key read: /scenario (and each run's
/// /runs/<id>/scenario) must rerun the run. A key the entry does not give takes the strategy's
/// default again, so only keys given are checked.
/// @throws std::logic_error naming the strategy and the keys: a fault in the strategy's code.
void check_params_written(const Config& node, const std::vector<std::string>& asked_before,
                          const Firm& f, const StrategyInfo& info, const Scenario& sc) {
  const std::vector<std::string> asked = node.known_keys();
  YamlWriter out;
  out.begin_map();
  f.prototype->write_params(out);
  out.end_map();
  const Config written = Config::load_string(out.str(), "write_params()");
  std::vector<std::string> lost;
  for (const std::string& key : node.keys())
    if (std::binary_search(asked.begin(), asked.end(), key) &&
        !std::binary_search(asked_before.begin(), asked_before.end(), key)) {
      const Config value = node.child(key);
      const std::optional<Config> again = written.peek(key);
      if (value.is_null()) continue;
      if (!again || again->is_null())
        lost.push_back(key);
      else if ((value.is_map() && again->is_map()) || (value.is_sequence() && again->is_sequence()))
        collect_lost(value, *again, key, lost);
    }
  if (!lost.empty())
    throw std::logic_error(fmt::format(
        "strategy '{}' of firm '{}' reads {} but its write_params() does not write {}, so the "
        "recorded /scenario would not rerun this run (a fault in the strategy's code, not in "
        "the scenario)",
        f.strategy, f.name, fmt::join(lost, ", "), lost.size() == 1 ? "it" : "them"));
  std::vector<std::string> twice;  // the scenario writes the firm keys itself
  for (const std::string& key : written.keys())
    if (std::find(firm_keys().begin(), firm_keys().end(), key) != firm_keys().end())
      twice.push_back(key);
  if (!twice.empty())
    throw std::logic_error(fmt::format(
        "strategy '{}' of firm '{}' writes {} in write_params(), {} every firm takes and the "
        "scenario writes itself, so the recorded /scenario would give {} twice and not load (a "
        "fault in the strategy's code: give its parameters names of their own, and read the "
        "firm's own settings from StrategyContext::firm)",
        f.strategy, f.name, fmt::join(twice, ", "), twice.size() == 1 ? "a key" : "keys",
        twice.size() == 1 ? "it" : "them"));
  // The recorded /scenario gives the factory what write_params() wrote: it must take it, and
  // read every key of it (one it does not read, a misspelt one, would be an unknown key there).
  // A fresh document: `written` above has keys marked by the checks.
  const Config again = Config::load_string(out.str(), "write_params()");
  try {
    (void)info.make(StrategyContext{again, sc, f});
  } catch (const std::exception& e) {
    throw std::logic_error(fmt::format(
        "strategy '{}' of firm '{}' refuses what its write_params() writes, so the recorded "
        "/scenario would not load: {} (a fault in the strategy's code, not in the scenario)",
        f.strategy, f.name, e.what()));
  }
  const std::vector<std::string> unread = again.unread_keys();
  if (!unread.empty()) {
    std::vector<std::string> hints;
    for (const std::string& path : unread) {
      const std::size_t dot = path.rfind('.');
      const std::optional<Config> map =
          dot == std::string::npos ? again : again.peek(path.substr(0, dot));
      const std::string key = dot == std::string::npos ? path : path.substr(dot + 1);
      const std::string guess = map ? did_you_mean(key, map->known_keys()) : "";
      hints.push_back(guess.empty() ? path : fmt::format("{} (did you mean '{}'?)", path, guess));
    }
    throw std::logic_error(fmt::format(
        "strategy '{}' of firm '{}' writes {} in write_params() but its factory does not read "
        "{}, so the recorded /scenario would not load: the scenario would call {} unknown (a "
        "fault in the strategy's code, not in the scenario)",
        f.strategy, f.name, fmt::join(hints, ", "), unread.size() == 1 ? "it" : "them",
        unread.size() == 1 ? "it" : "them"));
  }
}

/// A parameter the firm's strategy documents but its factory did not ask for (whether the
/// firm's entry gives it or not) is a fault in the strategy's code. The keys of the entry that
/// nothing read, which finish() would call unknown, are checked against the other strategies'
/// documented parameters first: one that only another strategy takes says so.
void check_strategy_keys(const Config& node, const Firm& f, const StrategyInfo& info) {
  const std::vector<std::string> asked = node.known_keys();
  // Every parameter it documents, whether the entry gives it or not: `marketsim strategies`
  // would otherwise offer a setting that changes nothing.
  for (const ParamDoc& p : info.params)
    if (!std::binary_search(asked.begin(), asked.end(), p.key))
      throw std::logic_error(fmt::format(
          "strategy '{}' of firm '{}' documents the parameter '{}' but its factory does not read "
          "it (a fault in the strategy's code, not in the scenario)",
          f.strategy, f.name, p.key));
  const auto documents = [](const StrategyInfo& s, const std::string& key) {
    return std::any_of(s.params.begin(), s.params.end(),
                       [&](const ParamDoc& p) { return p.key == key; });
  };
  for (const std::string& key : node.keys()) {
    if (std::binary_search(asked.begin(), asked.end(), key)) continue;
    std::vector<std::string> takers;
    for (const StrategyInfo& other : strategy_registry())
      if (documents(other, key)) takers.push_back("'" + other.name + "'");
    if (takers.empty()) continue;  // finish() names it, with the nearest key
    std::vector<std::string> own;
    for (const ParamDoc& p : info.params) own.push_back(p.key);
    node.fail_key(
        key, fmt::format(
                 "'{}' is a parameter of strategy {}, not of '{}', this firm's strategy ({}); see "
                 "`marketsim strategies`",
                 key, fmt::join(takers, " and "), f.strategy,
                 own.empty() ? std::string("it takes no parameters of its own")
                             : fmt::format("its parameters: {}", fmt::join(own, ", "))));
  }
}

/// Refuses an `audience` or `segmentation: research` on a firm whose strategy does not act on
/// segments (StrategyInfo::uses_segments): it buys no targeted media for an audience to aim and
/// places no product at a segment centre, so either would change nothing but a study's cost.
void refuse_segment_keys(const Config& node, const Firm& f, const Scenario& sc) {
  const bool audience = node.has("audience");
  if (!audience && f.segmentation.kind != SegmentationKind::research) return;
  std::vector<std::string> targeting;
  for (const StrategyInfo& s : strategy_registry())
    if (s.uses_segments) targeting.push_back(s.name);
  const std::string key = audience ? "audience" : "segmentation";
  node.child(key).fail(fmt::format(
      "a {} firm buys no targeted media and places no product at a segment's centre, so {} "
      "would change nothing{}; remove it, or give the firm a strategy that acts on segments "
      "({})",
      f.strategy, audience ? "an audience" : "market research",
      audience ? ""
               : fmt::format(" but cost {:g} a study", f.segmentation.cost_per_study * sc.scale),
      fmt::join(targeting, ", ")));
}

/// Refuses a firm whose products' quality would leave the range of a utility term
/// (kMaxUtility), each key being within its own: the firm's `quality` plus what its strategy
/// adds (niche's quality_bonus), as plan() offers it (check_plan would stop the run there, as the
/// strategy's fault), and, in each category it sells, as buyers weigh it over the run: plus the
/// gains of its innovations by the last step and a durable's durability term, less the quality
/// cut that repeat purchases reveal. Refused at the key that takes the sum out of the range
/// (innovation or quality_cut where it is the sum with them), else at the strategy's key, else
/// at `quality`.
void check_product_quality(const Config& node, const Firm& f, const Scenario& sc) {
  const AddedQuality added = f.prototype->added_quality();
  const auto show = [](double v) { return fmt::format("{}", v); };
  std::string base = fmt::format("quality {}", show(f.quality));
  if (!added.key.empty())
    base += fmt::format(" + {} {}{}", added.key, show(added.value),
                        node.has(added.key) ? "" : " (the default)");
  // Refuses at the first of `keys` the firm's entry gives (at the entry where it gives none).
  const auto refuse = [&](const std::vector<std::string>& keys, const std::string& sum_text,
                          double sum) {
    for (const std::string& key : keys) {
      const std::optional<Config> at = key.empty() ? std::nullopt : node.peek(key);
      if (!at || at->is_null()) continue;
      at->fail_expected(fmt::format(
          "a value that keeps the quality of the firm's products within [{:g}, {:g}]: {} = {}",
          -kMaxUtility, kMaxUtility, sum_text, show(sum)));
    }
    node.fail(fmt::format("the quality of the firm's products leaves [{:g}, {:g}]: {} = {}",
                          -kMaxUtility, kMaxUtility, sum_text, show(sum)));
  };
  const double offered = f.quality + added.value;
  const Range quality = utility_range();
  if (!quality.contains(offered)) refuse({added.key, "quality"}, base, offered);
  const std::int64_t generations = f.innovation.generation(sc.steps - 1);
  const double gain = f.innovation.quality_gain * static_cast<double>(generations);
  for (const int ci : f.categories) {
    const auto c = static_cast<std::size_t>(ci);
    const Category& cat = sc.categories[c];
    const double durability = durability_utility(cat, f.durability[c]);
    const double cut = f.quality_cut[c];
    std::string text = base;
    if (durability != 0.0)
      text += fmt::format(" {} durability term {} (durability_weight x log2(durability / scale))",
                          durability > 0 ? "+" : "-", show(std::abs(durability)));
    const std::string durability_key =
        node.peek("durability." + cat.name) ? "durability." + cat.name : std::string("durability");
    const std::string cut_key =
        node.peek("quality_cut." + cat.name) ? "quality_cut." + cat.name : "quality_cut";
    const std::string in = fmt::format("in category '{}', ", cat.name);
    if (const double high = offered + durability + gain; !quality.contains(high))
      refuse({gain > 0 ? "innovation.quality_gain" : "", durability > 0 ? durability_key : "",
              added.value > 0 ? added.key : "", "quality"},
             in + text +
                 (gain > 0 ? fmt::format(" + innovation {} ({} generations of {} by step {})",
                                         show(gain), generations, show(f.innovation.quality_gain),
                                         generations * f.innovation.every_steps)
                           : ""),
             high);
    if (const double low = offered + durability - cut; !quality.contains(low))
      refuse(
          {cut > 0 ? cut_key : "", durability < 0 ? durability_key : "",
           added.value < 0 ? added.key : "", "quality"},
          in + text +
              (cut > 0 ? fmt::format(" - quality_cut {} (once buyers learn it)", show(cut)) : ""),
          low);
  }
}

Firm load_firm(const Config& node, const Scenario& sc) {
  Firm f;
  f.name = node.child("name").as_name();
  const Config strategy = node.child("strategy");
  f.strategy = strategy.as_string();
  const StrategyInfo* info = nullptr;
  try {
    info = &find_strategy(f.strategy);
  } catch (const InputError& e) {
    strategy.fail(e.what());
  }
  f.budget_per_year = node.get_double("budget_per_year", money_range());
  check_scaled_money(node, "budget_per_year", f.budget_per_year, sc.scale);
  std::vector<std::string> names;
  for (const auto& c : sc.categories) names.push_back(c.name);
  if (auto list = node.find("categories")) {
    f.categories = resolve_names(*list, names, "category");
  } else {
    for (std::size_t c = 0; c < names.size(); ++c) f.categories.push_back(static_cast<int>(c));
  }
  if (auto list = node.find("regions")) {
    f.regions = resolve_names(*list, sc.regions, "region");
  } else {
    for (std::size_t r = 0; r < std::max<std::size_t>(1, sc.regions.size()); ++r)
      f.regions.push_back(static_cast<int>(r));
  }
  f.quality = node.get_double("quality", f.quality, utility_range());
  // peek: the strategy, not the loader, reads these keys (and may not know them). Where one is
  // absent or null, the default is the firm's.
  const auto where_set = [&](const std::string& key) {
    const std::optional<Config> value = node.peek(key);
    return (value && !value->is_null() ? *value : node).where();
  };
  f.price_where = where_set("price");
  f.markup_where = where_set("markup");
  f.durability_where = where_set("durability");
  f.fixed_cost_per_year = scaled_money(node, "fixed_cost_per_year", 0.0, sc.scale);
  f.durability = load_per_category(
      node, "durability", sc, f.categories, range::closed(1, kMaxLifetime), "durable",
      [](const Category& c) { return c.durable(); },
      [](const Category& c) { return c.lifetime_scale; });
  f.quality_cut = load_per_category(
      node, "quality_cut", sc, f.categories, range::closed(0, 100), "sold",
      [](const Category&) { return true; }, [](const Category&) { return 0.0; });
  if (auto in = node.find("innovation")) load_innovation(*in, f.innovation);
  if (auto a = node.find("audience")) f.audience = load_audience(*a, sc);
  f.segmentation = load_segmentation(node, sc);
  if (!info->uses_segments) refuse_segment_keys(node, f, sc);
  const std::vector<std::string> asked_before = node.known_keys();
  try {
    f.prototype = info->make(StrategyContext{node, sc, f});
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    // A strategy's factory reads the firm's entry: what it refuses is the scenario's input.
    node.fail(fmt::format("strategy '{}' refused the firm's settings: {}", f.strategy, e.what()));
  }
  // A strategy of a user's own may not finish() the maps it looks into: a key in them nothing
  // read is as unknown as one beside `strategy:`.
  node.finish_beneath();
  check_params_written(node, asked_before, f, *info, sc);
  check_strategy_keys(node, f, *info);
  check_product_quality(node, f, sc);
  node.finish();
  return f;
}

/// The items of `list`, each read by `fn`, their names unique. Their names address them in key
/// paths (LIST.NAME.`key`), so may not hold a '.'.
template <class T, class Fn>
std::vector<T> load_list(const Config& list, const std::string& what, std::size_t max,
                         const std::string& key, Fn fn) {
  if (!list.is_sequence()) list.fail_expected(fmt::format("a list of {}", what));
  const auto items = list.items();
  if (items.empty()) list.fail_expected(fmt::format("a non-empty list of {}", what));
  if (items.size() > max) list.fail_expected(fmt::format("at most {} {}", max, what));
  std::vector<T> out;
  std::vector<std::string> names;
  for (const Config& item : items) {
    if (auto name = item.is_map() ? item.find("name") : std::nullopt)
      name->as_path_name(fmt::format("{}.NAME.{}", list.path(), key));
    out.push_back(fn(item));
    names.push_back(out.back().name);
  }
  check_unique(list, names, what);
  return out;
}

/// output.panel: {size: N}, 0 <= N <= consumers.
std::int64_t load_panel_size(const Config& node, std::int64_t consumers) {
  if (!node.is_map()) node.fail_expected("a map such as {size: 5000}");
  const std::int64_t size = node.get_int("size", 0, range::non_negative());
  if (size > consumers)
    node.child("size").fail_expected(
        fmt::format("a panel size of at most the number of consumers ({})", consumers));
  node.finish();
  return size;
}

/// output.snapshot: {size: N} with N up to the population, or {size: all}.
std::int64_t load_snapshot_size(const Config& node, std::int64_t consumers) {
  if (!node.is_map()) node.fail_expected("a map such as {size: 10000} or {size: all}");
  std::int64_t size = 0;
  if (auto s = node.find("size")) {
    if (s->is_scalar() && s->as_string() == "all") {
      size = consumers;
    } else if (std::string text = s->is_scalar() ? s->as_string() : "";
               !text.empty() && text.find_first_of("0123456789") == std::string::npos) {
      // A word, not a number: "All", "everyone".
      for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      s->fail_expected(std::string("an integer >= 0 (a number of consumers), or all") +
                       (text == "all" ? ", in lower case" : ""));
    } else {
      size = s->as_int(range::non_negative());
      if (size > consumers)
        s->fail_expected(fmt::format(
            "a snapshot size of at most the number of consumers ({}), or all", consumers));
    }
  }
  node.finish();
  return size;
}

/// The run's length as the scenario file itself gives it, before any --set: its `steps`, the
/// default where it has none, and sc.steps where no --set changed it (or the file's value is
/// not a count of steps).
std::int64_t file_steps(const Config& root, const Scenario& sc) {
  const std::optional<Config> steps = root.find("steps");
  if (!steps || steps->mark().file != "<--set>") return sc.steps;
  const std::optional<std::string> written = steps->file_value();
  if (!written) return Scenario{}.steps;  // the file had no steps: the default
  // Read as the loader reads the key (1e2, 12.0 and +12 are counts too).
  try {
    return Config::load_string(*written, "steps").as_int(range::closed(1, kMaxSteps));
  } catch (const InputError&) {
    return sc.steps;  // not a count of steps: the file's own check would have refused it
  }
}

/// Refuses a firm's innovation that would pass the 255th generation by the last step
/// (Innovation::generation() stops there, and the quality with it), at its every_steps.
void check_innovation_generations(const Config& firms, const Scenario& sc, bool steps_from_set) {
  // The last generation that Innovation::generation() counts to.
  const std::int64_t last_generation =
      Innovation{1, 0.0}.generation(std::numeric_limits<std::int64_t>::max());
  const std::vector<Config> items = firms.items();
  for (std::size_t j = 0; j < sc.firms.size() && j < items.size(); ++j) {
    const Innovation& in = sc.firms[j].innovation;
    if (in.every_steps <= 0 || (sc.steps - 1) / in.every_steps <= last_generation) continue;
    const std::optional<Config> every = items[j].peek("innovation.every_steps");
    if (!every) continue;
    every->fail(fmt::format(
        "a new generation every {} step{} over {} steps{} asks for {} generations by the last "
        "step, but at most {} are modelled (the quality would stop rising at step {}); give "
        "every_steps of at least {}, or run fewer steps",
        in.every_steps, in.every_steps == 1 ? "" : "s", sc.steps,
        steps_from_set ? " (steps from --set)" : "", (sc.steps - 1) / in.every_steps,
        last_generation, last_generation * in.every_steps,
        (sc.steps - 1) / (last_generation + 1) + 1));
  }
}

/// "1.000002 (everyone 0.600002 + fans 0.4), 2e-06 more than 1": the sum of the segments'
/// shares with enough digits to differ visibly from 1, what was added, and the difference.
std::string shares_sum(double total, const std::vector<Segment>& segments) {
  std::vector<std::string> shares;
  for (const auto& s : segments) shares.push_back(fmt::format("{} {}", s.name, s.share));
  const double off = total - 1.0;
  const int digits = std::clamp(static_cast<int>(std::ceil(-std::log10(std::abs(off)))) + 2, 6, 17);
  return fmt::format("{:.{}g} ({}), {:.2g} {} than 1", total, digits, fmt::join(shares, " + "),
                     std::abs(off), off > 0 ? "more" : "less");
}

}  // namespace

std::string rate_share_problem(double share) {
  if (share <= kMaxShareAboveRate) return "";
  return fmt::format(
      "a share {:.2g} of the segment's consumers would draw a purchase rate above {:g} "
      "occasions per step, the most that is stored faithfully (within 0.05%); expected a share "
      "of at most {:g} above {:g}",
      share, kMaxPurchaseRate, kMaxShareAboveRate, kMaxPurchaseRate);
}

Scenario load_scenario(const Config& root) {
  if (!root.is_map())
    root.fail_expected("a scenario: a map with consumers, categories, segments and firms");
  Scenario sc;
  sc.name = root.has("name") ? root.child("name").as_name() : "unnamed scenario";
  sc.description = root.get_string("description", "");
  sc.seed = static_cast<std::uint64_t>(root.get_int("seed", 42, range::non_negative()));
  sc.consumers_in_file = root.get_int("consumers", range::closed(1, 4e9));
  sc.consumers_where = root.child("consumers").where();
  sc.scale = root.get_double("scale", 1.0, range::closed(1e-9, 1000.0));
  sc.consumers = sc.consumers_in_file;
  if (sc.scale != 1.0) {
    const double scaled = std::round(static_cast<double>(sc.consumers_in_file) * sc.scale);
    if (scaled < 1.0 || scaled > 4e9)
      root.child("scale").fail_expected(fmt::format(
          "a scale that leaves 1 to 4e9 consumers of the {} in the scenario (it gives {:.0f})",
          sc.consumers_in_file, scaled));
    sc.consumers = static_cast<std::int64_t>(scaled);
  }
  sc.steps = root.get_int("steps", sc.steps, range::closed(1, kMaxSteps));
  sc.steps_per_year = root.get_int("steps_per_year", sc.steps_per_year, range::closed(1, 366));
  sc.preference_dims = static_cast<int>(
      root.get_int("preference_dims", sc.preference_dims, range::closed(1, kMaxDims)));
  if (auto m = root.find("market")) load_market(*m, sc.market);
  sc.categories = load_list<Category>(root.child("categories"), "categories", kMaxCategories,
                                      "base_cost", load_category);
  const Config segments = root.child("segments");
  sc.segments = load_list<Segment>(segments, "segments", kMaxSegments, "share",
                                   [&](const Config& n) { return load_segment(n, sc); });
  double total = 0.0;
  for (const auto& s : sc.segments) total += s.share;
  if (std::abs(total - 1.0) > 1e-6)
    segments.fail(fmt::format("segment shares sum to {}; expected 1 (within 1e-06)",
                              shares_sum(total, sc.segments)));
  // (load_weights refuses a region name past kMaxRegions, at its key.)
  if (sc.regions.empty()) sc.regions.push_back("all");
  for (auto& s : sc.segments) {
    // A segment that names no regions lives evenly in all of them.
    if (s.region_weights.empty())
      s.region_weights.assign(sc.regions.size(), 1.0 / static_cast<double>(sc.regions.size()));
    s.region_weights.resize(sc.regions.size(), 0.0);
    s.industry_weights.resize(sc.industries.size(), 0.0);
  }
  sc.firms = load_list<Firm>(root.child("firms"), "firms", kMaxFirms, "budget_per_year",
                             [&](const Config& n) { return load_firm(n, sc); });
  std::size_t audiences = 0;
  for (std::size_t j = 0; j < sc.firms.size(); ++j)
    if (sc.firms[j].audience.active && ++audiences > kMaxAudiences)
      root.child("firms").items()[j].child("audience").fail(
          fmt::format("at most {} firms may have an audience", kMaxAudiences));
  // Shortening the run with --set steps=... keeps the file's later shocks (they never fire).
  const bool steps_from_set = root.find("steps") && root.child("steps").mark().file == "<--set>";
  check_innovation_generations(root.child("firms"), sc, steps_from_set);
  if (auto n = root.find("shocks")) sc.shocks = load_shocks(*n, sc, file_steps(root, sc));
  if (auto n = root.find("experiment"))
    sc.experiment = load_experiment(*n, sc.steps, steps_from_set, &root);
  if (auto n = root.find("branch"))  // the run's size and seed are fixed for the whole run
    sc.branch = load_branch(*n, sc.steps, steps_from_set, {"seed", "steps", "consumers"}, &root);
  if (auto o = root.find("output")) {
    // `path:` with nothing after it (--set output.path=, say) is an empty path, as "" is, which
    // `run` refuses; it does not fall back to the default.
    const std::vector<std::string> keys = o->keys();
    if (std::find(keys.begin(), keys.end(), "path") != keys.end()) {
      const Config path = o->child("path");
      sc.output.path = path.is_null() ? "" : path.as_string();
      sc.output.path_where = path.where();
    }
    if (auto p = o->find("panel")) sc.output.panel_size = load_panel_size(*p, sc.consumers);
    if (auto p = o->find("snapshot"))
      sc.output.snapshot_size = load_snapshot_size(*p, sc.consumers);
    o->finish();
  }
  root.finish();
  sc.notes = root.notes();
  return sc;
}

Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  // A run's file given where the scenario goes (`run out.h5`) would read as YAML gone wrong.
  if (has_hdf5_signature(path))
    throw InputError(fmt::format(
        "'{}' is an HDF5 file, not a scenario; to read it: marketsim summarize {}", path, path));
  Scenario sc = load_scenario(Config::load_file(path, overrides));
  sc.overrides = overrides;
  resolve_branch(sc, [&](const std::vector<std::string>& extra) {
    std::vector<std::string> all = overrides;
    all.insert(all.end(), extra.begin(), extra.end());
    return load_scenario(Config::load_file(path, all));
  });
  return sc;
}

Scenario load_scenario_text(const std::string& text, const std::string& name,
                            const std::vector<std::string>& overrides) {
  Scenario sc = load_scenario(Config::load_string(text, name, overrides));
  sc.overrides = overrides;
  resolve_branch(sc, [&](const std::vector<std::string>& extra) {
    std::vector<std::string> all = overrides;
    all.insert(all.end(), extra.begin(), extra.end());
    return load_scenario(Config::load_string(text, name, all));
  });
  return sc;
}

}  // namespace msim
