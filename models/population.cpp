// Population synthesis: segment membership, ideal points (multivariate normal via an Eigen LDLT
// factor), lognormal price sensitivity, Gamma purchase rates (NBD), demographics, geography,
// firmographics, novelty seeking and privacy opt-out.
#include "models/population.hpp"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>

#include "models/choice.hpp"
#include "models/random_purposes.hpp"
#include "models/scenario_load.hpp"
#include "sim/parallel.hpp"
#include "sim/rng.hpp"
#include "sim/rng_batch.hpp"

namespace msim {
namespace {

template <class T>
T clamp_to(double v, double lo, double hi) {
  return static_cast<T>(std::lround(std::clamp(v, lo, hi)));
}

int pick(const std::vector<double>& weights, double u) {
  double acc = 0.0;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    acc += weights[k];
    if (u < acc) return static_cast<int>(k);
  }
  // Rounding can leave u just above the total: take the last non-zero weight.
  for (std::size_t k = weights.size(); k-- > 0;)
    if (weights[k] > 0) return static_cast<int>(k);
  return 0;
}

/// Per-segment factors computed once: the Cholesky factor and lognormal parameters.
struct SegmentDraw {
  Eigen::MatrixXd chol;
  double log_mu = 0.0, log_sigma = 0.0;  // price sensitivity
};

SegmentDraw prepare(const Segment& s) {
  SegmentDraw d;
  // LDLT-based factor tolerates singular (zero-sd) covariances.
  Eigen::LDLT<Eigen::MatrixXd> ldlt(s.ideal_cov);
  const Eigen::VectorXd dsqrt = ldlt.vectorD().cwiseMax(0.0).cwiseSqrt();
  Eigen::MatrixXd l = ldlt.matrixL();
  d.chol = ldlt.transpositionsP().transpose() * l * dsqrt.asDiagonal();
  const double m = s.price_sensitivity_mean, sd = s.price_sensitivity_sd;
  d.log_sigma = std::sqrt(std::log1p((sd * sd) / (m * m)));
  d.log_mu = std::log(m) - 0.5 * d.log_sigma * d.log_sigma;
  return d;
}

/// What a consumer's demographic stream gives, in the order it is drawn.
struct DemoDraw {
  Demographics demographics;
  std::uint8_t novelty = 0, region = 0;
  bool opted_out = false;
};

/// With `stored_only`, the traits the population stores (novelty, opt-out, region) and no
/// demographics: age and income's Box-Muller pair is skipped as its two uniforms, and the
/// stream stops after the region.
DemoDraw draw_demographics(const Segment& seg, Stream& demo, bool stored_only = false) {
  DemoDraw d;
  Demographics& g = d.demographics;
  if (stored_only) {
    demo.skip(2);
  } else {
    g.age = clamp_to<std::uint8_t>(seg.age_mean + seg.age_sd * demo.normal(), 18, 99);
    g.income = clamp_to<std::uint16_t>(
        seg.income_median * std::exp(seg.income_sigma * demo.normal()), 0, 65535);
  }
  d.novelty = clamp_to<std::uint8_t>(
      255.0 * std::clamp(seg.novelty_mean + seg.novelty_sd * demo.normal(), 0.0, 1.0), 0, 255);
  d.opted_out = demo.uniform() < seg.privacy_opt_out;
  d.region = static_cast<std::uint8_t>(pick(seg.region_weights, demo.uniform()));
  if (stored_only) return d;
  const double u_industry = demo.uniform();
  g.industry = seg.industry_weights.empty() ||
                       std::all_of(seg.industry_weights.begin(), seg.industry_weights.end(),
                                   [](double w) { return w == 0.0; })
                   ? kNoIndustry
                   : static_cast<std::uint8_t>(pick(seg.industry_weights, u_industry));
  const double size_draw = demo.normal();
  g.company_size =
      seg.company_size_median > 0
          ? clamp_to<std::uint16_t>(
                seg.company_size_median * std::exp(seg.company_size_sigma * size_draw), 1, 65535)
          : 0;
  return d;
}

/// The b of consumer i's demographic stream, (i, b).
constexpr std::uint32_t kDemographicStream = 1000;

/// Consumer i's demographic stream.
Stream demographic_stream(const Philox& gen, std::size_t i) {
  return Stream(gen, static_cast<std::uint32_t>(i), kDemographicStream);
}

}  // namespace

Demographics demographics(const Scenario& sc, const Population& p, std::size_t i) {
  const Philox gen(sc.seed, purpose::population);
  Stream demo = demographic_stream(gen, i);
  return draw_demographics(sc.segments[p.segment[i]], demo).demographics;
}

double population_bytes_per_consumer(std::size_t firms, std::size_t categories,
                                     std::size_t durables, std::size_t dims, std::size_t crm_firms,
                                     std::size_t entrants) {
  // Traits: segment, region, novelty and flags (1 byte each), the ideal point, price
  // sensitivity, the no-occasion threshold per category, and the custom-fit draw per CRM firm.
  const std::size_t traits = 4 + 4 * dims + 4 + 4 * categories + 2 * crm_firms;
  // State: goodwill, loyalty and purchase recency per firm, counts per (category, firm) (1 byte)
  // and per category (2), CRM depth per CRM firm, and the owned product (6 bytes) per durable
  // category; and per firm that enters later, the counts per category when it entered (2).
  const std::size_t lanes = firm_lanes(firms);
  const std::size_t state = 5 * lanes + categories * lanes + 2 * categories + crm_firms +
                            6 * durables + 2 * categories * entrants;
  return static_cast<double>(traits + state);
}

double Population::bytes_per_consumer() const {
  const auto entrants =
      static_cast<std::size_t>(std::count_if(cat_count_at_entry.begin(), cat_count_at_entry.end(),
                                             [](const auto& column) { return !column.empty(); }));
  return population_bytes_per_consumer(firms, categories, durables, dims, crm_firms, entrants);
}

bool picks_out(const Audience& a, const Population& p, std::size_t i, const Demographics& g) {
  const auto in = [](const std::vector<int>& list, int v) {
    return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
  };
  if (!a.age.contains(g.age) || !a.income.contains(g.income) ||
      !a.company_size.contains(g.company_size) || !a.novelty.contains(p.novelty[i] / 255.0) ||
      !in(a.regions, p.region[i]) || !in(a.industries, g.industry == kNoIndustry ? -1 : g.industry))
    return false;
  for (std::size_t c = 0; c < a.purchase_rate.size(); ++c)
    if (!a.purchase_rate[c].contains(occasion_rate(p.no_occasion[i * p.categories + c])))
      return false;
  if (a.ideal_centre.empty()) return true;
  double d2 = 0.0;
  for (std::size_t d = 0; d < p.dims; ++d) {
    const double diff = p.ideal[i * p.dims + d] - a.ideal_centre[d];
    d2 += diff * diff;
  }
  return d2 <= a.ideal_radius * a.ideal_radius;
}

std::uint32_t no_occasion_threshold(double rate) {
  if (rate <= 0.0) return 0xFFFFFFFFu;
  return static_cast<std::uint32_t>(std::min(std::exp(-rate) * 4294967296.0, 4294967295.0));
}

Population synthesize(const Scenario& sc, const std::vector<int>& crm_firms,
                      std::size_t block_size) {
  Population p;
  p.n = static_cast<std::size_t>(sc.consumers);
  p.firms = sc.firms.size();
  p.categories = sc.categories.size();
  p.dims = static_cast<std::size_t>(sc.preference_dims);
  p.crm_firms = crm_firms.size();
  p.durables = sc.durable_categories();
  p.lanes = firm_lanes(p.firms);
  const std::size_t n = p.n, W = p.lanes, C = p.categories, D = p.dims;
  p.segment.resize(n);
  p.region.resize(n);
  p.novelty.resize(n);
  p.flags.resize(n);
  p.ideal.resize(n * D);
  p.price_sensitivity.resize(n);
  p.no_occasion.resize(n * C);
  p.fit.resize(n * crm_firms.size());
  p.goodwill.assign(n * W, 0);
  p.loyalty.assign(n * W, 0);
  p.count.assign(n * C * W, 0);
  p.cat_count.assign(n * C, 0);
  p.cat_count_at_entry.assign(sc.firms.size(), {});
  p.crm.assign(n * crm_firms.size(), 0);
  p.since.assign(n * W, 0);
  p.owner.assign(n * p.durables, kNoOwner);
  p.generation.assign(n * p.durables, 0);
  p.bought.assign(n * p.durables, 0);
  p.fails.assign(n * p.durables, 0);

  std::vector<double> shares;
  std::vector<SegmentDraw> draws;
  for (const auto& s : sc.segments) {
    shares.push_back(s.share);
    draws.push_back(prepare(s));
  }
  const Philox gen(sc.seed, purpose::population);
  const Philox fit_gen(sc.seed, purpose::custom_fit);
  // The first Philox call of each consumer's streams is drawn for kGroup consumers at once
  // (the same bits as one at a time), in rows by stream: the consumer's own and its
  // demographics' (both their first two calls, which they always use), its purchase rates' (one
  // per category) and its custom fits' (one per CRM firm).
  constexpr std::size_t kGroup = 16;
  const std::size_t streams = 4 + C + crm_firms.size();
  for_blocks(Blocks{n, block_size}, [&](std::size_t, std::size_t begin, std::size_t end) {
    double z[kMaxDims];  // the loop over consumers allocates nothing, beyond this block's rows
    std::vector<WordRows<kGroup>> first(streams);
    WordRows<kGroup>& own = first[0];
    WordRows<kGroup>& own_second = first[1];
    WordRows<kGroup>& demo_first = first[2];
    WordRows<kGroup>& demo_second = first[3];
    const WordRows<kGroup>* rate_first = &first[4];
    const WordRows<kGroup>* fit_first = &first[4 + C];
    for (std::size_t g0 = begin; g0 < end; g0 += kGroup) {
      const std::size_t m = std::min(kGroup, end - g0);
      const std::size_t drawn = (m + 7) / 8 * 8;  // philox_rows draws whole groups of eight
      const auto a0 = static_cast<std::uint32_t>(g0);
      philox_rows(gen, a0, 0, 0, own.half, drawn);
      philox_rows(gen, a0, 0, 1, own_second.half, drawn);
      philox_rows(gen, a0, kDemographicStream, 0, demo_first.half, drawn);
      philox_rows(gen, a0, kDemographicStream, 1, demo_second.half, drawn);
      for (std::size_t c = 0; c < C; ++c)
        philox_rows(gen, a0, static_cast<std::uint32_t>(1 + c), 0, first[4 + c].half, drawn);
      for (std::size_t k = 0; k < crm_firms.size(); ++k)
        philox_rows(fit_gen, a0, static_cast<std::uint32_t>(crm_firms[k]), 0, first[4 + C + k].half,
                    drawn);
      for (std::size_t r = 0; r < m; ++r) {
        const std::size_t i = g0 + r;
        const auto i32 = static_cast<std::uint32_t>(i);
        const Words own_next = row_words(own_second.half[r]);
        Stream rs(gen, i32, 0, row_words(own.half[r]), &own_next);
        const int s = pick(shares, rs.uniform());
        const Segment& seg = sc.segments[static_cast<std::size_t>(s)];
        const SegmentDraw& sd = draws[static_cast<std::size_t>(s)];
        p.segment[i] = static_cast<std::uint8_t>(s);
        for (std::size_t d = 0; d < D; ++d) z[d] = rs.normal();
        // x = mean + chol z, column by column (D is at most kMaxDims).
        double x[kMaxDims] = {};
        for (std::size_t k = 0; k < D; ++k)
          for (std::size_t d = 0; d < D; ++d)
            x[d] += sd.chol(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(k)) * z[k];
        for (std::size_t d = 0; d < D; ++d)
          p.ideal[i * D + d] =
              static_cast<float>(x[d] + seg.ideal_mean[static_cast<Eigen::Index>(d)]);
        p.price_sensitivity[i] =
            static_cast<float>(std::exp(sd.log_mu + sd.log_sigma * rs.normal()));
        // Each trait group draws from its own stream, so a change to one (a Gamma shape, say)
        // leaves every other trait of every consumer as it was.
        for (std::size_t c = 0; c < C; ++c) {
          const PurchaseRate& rate = seg.purchase_rate[c];
          Stream rate_stream(gen, i32, static_cast<std::uint32_t>(1 + c),
                             row_words(rate_first[c].half[r]));
          const float mean =
              rate.mean > 0
                  ? static_cast<float>(rate_stream.gamma(rate.shape) * rate.mean / rate.shape)
                  : 0.0f;
          p.no_occasion[i * C + c] = no_occasion_threshold(mean);
        }
        for (std::size_t k = 0; k < crm_firms.size(); ++k)
          p.fit[i * crm_firms.size() + k] = clamp_to<std::uint16_t>(
              chi2_fit(row_words(fit_first[k].half[r]), D) * kFitScale, 0, 65535);
        const Words demo_next = row_words(demo_second.half[r]);
        Stream demo(gen, i32, kDemographicStream, row_words(demo_first.half[r]), &demo_next);
        const DemoDraw demo_draw = draw_demographics(seg, demo, /*stored_only=*/true);
        p.novelty[i] = demo_draw.novelty;
        p.flags[i] = demo_draw.opted_out ? kOptOut : 0;
        p.region[i] = demo_draw.region;
      }
    }
  });
  return p;
}

}  // namespace msim
