// The final snapshot: /snapshot, one row per consumer in the sample, written after the last step.
#include "models/snapshot.hpp"

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "models/panel.hpp"
#include "models/population.hpp"
#include "models/random_purposes.hpp"

namespace msim {
namespace {

constexpr const char* kSnapshot = "/snapshot";
constexpr std::size_t kSlice = 1 << 16;  ///< consumers per append

/// "0=a, 1=b", for describing an index column.
std::string index_names(const std::vector<std::string>& names) {
  std::vector<std::string> parts;
  for (std::size_t k = 0; k < names.size(); ++k) parts.push_back(fmt::format("{}={}", k, names[k]));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

void add_snapshot_layout(const Scenario& sc, RecordingLayout& layout) {
  if (sc.output.snapshot_size <= 0) return;
  const auto F = sc.firms.size(), C = sc.categories.size(), D = sc.durable_categories();
  const auto dims = static_cast<std::size_t>(sc.preference_dims);
  std::vector<std::string> firms, categories, durables;
  for (const Firm& f : sc.firms) firms.push_back(f.name);
  for (const Category& c : sc.categories) {
    categories.push_back(c.name);
    if (c.durable()) durables.push_back(c.name);
  }
  const std::string by_firm = "; one value per firm: " + index_names(firms);
  const std::string by_durable = "; one value per durable category: " + index_names(durables);
  // A column along firms or categories: its description names them, and /firms/name or
  // /categories/name labels its second axis (through the scales /firm and /category).
  const auto per_firm = [&](const char* name, bool integer, const char* units,
                            const std::string& what) {
    return TableColumnSpec{name, integer, F, units, what + by_firm, "firm"};
  };
  const auto per_category = [&](const char* name, bool integer, const char* units,
                                const std::string& what) {
    return TableColumnSpec{name, integer, C, units, what + ": " + index_names(categories),
                           "category"};
  };
  std::vector<TableColumnSpec> columns = {
      {"consumer", true, 0, "", "the consumer's index in the population"},
      {"segment", true, 0, "", "the consumer's segment, an index into /segments/name"},
      {"region", true, 0, "", "the consumer's region: " + index_names(sc.regions)},
      {"opt_out", true, 0, "", "1: opted out of CRM (at the start, or by an opt_out shock)"},
      {"price_sensitivity", false, 0, "utility per unit of money",
       "price sensitivity (the logit's price weight)"},
      {"ideal", false, dims, "preference space", "ideal point [consumer, preference dimension]",
       "dimension"},
      per_category("purchase_rate", false, "occasions per step",
                   "mean purchase occasions per step in each category"),
      per_firm("goodwill", false, "exposure-equivalents",
               "adstock goodwill towards each firm, to 1/256"),
      per_firm("aware", true, "", "1: aware of the firm (goodwill of 1 or more, or any loyalty)"),
      per_firm("loyalty", false, "fraction", "loyalty to the firm, 0..1"),
      {"purchases", true, C * F, "units",
       "purchases from each firm in each category over the run [consumer, category x firm], "
       "exact up to 255 (255 or a wrapped count above it)"},
      per_category("category_purchases", true, "units",
                   "purchases in each category over the run (at most 65535)"),
      per_firm("steps_since_purchase", true, "steps",
               "steps since the last purchase from the firm (0: this step; at most 254), -1: "
               "never"),
      per_firm("crm_depth", true, "",
               "depth k of the firm's CRM profile (contacts and purchases, at most 127); 0 for "
               "firms without profiles"),
      per_firm("referred", true, "", "1: referred by the firm's referral program")};
  if (D > 0) {
    columns.push_back({"owner", true, D, "",
                       "the maker (an index into /firms/name) of the product owned, -1: never "
                       "owned one" +
                           by_durable});
    columns.push_back({"bought", true, D, "step",
                       "the step the owned product was bought, -1: none" + by_durable});
    columns.push_back({"fails", true, D, "step",
                       "the step it fails (or failed: a failed product stays until it is "
                       "replaced), -1: none" +
                           by_durable});
  }
  layout.tables.push_back({kSnapshot, std::move(columns)});
  layout.groups.push_back(
      {kSnapshot,
       {{"size", sc.output.snapshot_size},
        {"description",
         std::string("final snapshot: the state of a sample of consumers (or all) at the end of "
                     "the run, one row per consumer, by consumer index")}}});
}

int snapshot_table(const RecordingLayout& layout) {
  for (std::size_t k = 0; k < layout.tables.size(); ++k)
    if (layout.tables[k].path == kSnapshot) return static_cast<int>(k);
  return -1;
}

std::vector<std::uint32_t> snapshot_members(std::uint64_t seed, std::size_t consumers,
                                            std::size_t size) {
  if (size != consumers) return consumer_sample(seed, purpose::snapshot, consumers, size);
  std::vector<std::uint32_t> all(consumers);
  std::iota(all.begin(), all.end(), 0u);
  return all;
}

TableRows snapshot_rows(const Market& market, const std::vector<std::uint32_t>& members) {
  const Scenario& sc = market.scenario();
  const Population& p = market.population();
  const std::size_t F = sc.firms.size(), C = sc.categories.size(), W = p.lanes, D = p.durables;
  const std::size_t dims = p.dims, K = p.crm_firms, n = members.size();
  std::vector<std::int64_t> consumer, segment, region, opt_out, aware, purchases, in_category,
      since, depth, referred, owner, bought, fails;
  std::vector<double> sensitivity, ideal, rate, goodwill, loyalty;
  // Each column is reserved at once (a column grown by push_back would reach up to twice its
  // size): the slice is held once, as `run`'s memory estimate counts it.
  for (auto* column : {&consumer, &segment, &region, &opt_out}) column->reserve(n);
  for (auto* column : {&aware, &since, &depth, &referred}) column->reserve(n * F);
  purchases.reserve(n * C * F);
  in_category.reserve(n * C);
  for (auto* column : {&owner, &bought, &fails}) column->reserve(n * D);
  sensitivity.reserve(n);
  ideal.reserve(n * dims);
  rate.reserve(n * C);
  for (auto* column : {&goodwill, &loyalty}) column->reserve(n * F);
  for (std::uint32_t i : members) {
    consumer.push_back(i);
    segment.push_back(p.segment[i]);
    region.push_back(p.region[i]);
    opt_out.push_back((p.flags[i] & kOptOut) != 0 ? 1 : 0);
    sensitivity.push_back(p.price_sensitivity[i]);
    for (std::size_t d = 0; d < dims; ++d) ideal.push_back(p.ideal[i * dims + d]);
    for (std::size_t c = 0; c < C; ++c) rate.push_back(occasion_rate(p.no_occasion[i * C + c]));
    for (std::size_t j = 0; j < F; ++j) {
      const std::uint16_t g = p.goodwill[i * W + j], L = p.loyalty[i * W + j];
      goodwill.push_back(g / kGoodwillScale);
      aware.push_back(g >= kGoodwillScale || L != 0 ? 1 : 0);
      loyalty.push_back(L / 65535.0);
      since.push_back(static_cast<std::int64_t>(p.since[i * W + j]) - 1);
      const int col = market.crm_column(j);
      const std::uint8_t crm = col >= 0 ? p.crm[i * K + static_cast<std::size_t>(col)] : 0;
      depth.push_back(crm & kDepthMask);
      referred.push_back((crm & kReferred) != 0 ? 1 : 0);
    }
    for (std::size_t c = 0; c < C; ++c) {
      for (std::size_t j = 0; j < F; ++j) purchases.push_back(p.count[(i * C + c) * W + j]);
      in_category.push_back(p.cat_count[i * C + c]);
    }
    for (std::size_t d = 0; d < D; ++d) {
      const std::uint8_t maker = p.owner[i * D + d];
      owner.push_back(maker == kNoOwner ? -1 : maker - 1);
      bought.push_back(maker == kNoOwner ? -1 : p.bought[i * D + d]);
      fails.push_back(maker == kNoOwner ? -1 : p.fails[i * D + d]);
    }
  }
  // Each column moves into the rows, in the layout's order (a braced list would copy them
  // twice: into the list, and from it).
  TableRows rows;
  rows.reserve(D > 0 ? 18 : 15);
  for (auto* column : {&consumer, &segment, &region, &opt_out})
    rows.emplace_back(std::move(*column));
  for (auto* column : {&sensitivity, &ideal, &rate, &goodwill})
    rows.emplace_back(std::move(*column));
  rows.emplace_back(std::move(aware));
  rows.emplace_back(std::move(loyalty));
  for (auto* column : {&purchases, &in_category, &since, &depth, &referred})
    rows.emplace_back(std::move(*column));
  if (D > 0)
    for (auto* column : {&owner, &bought, &fails}) rows.emplace_back(std::move(*column));
  return rows;
}

void record_snapshot(const Market& market, Recorder& recorder, int table) {
  if (table < 0) return;
  const Scenario& sc = market.scenario();
  const std::vector<std::uint32_t> members = snapshot_members(
      sc.seed, market.population().n, static_cast<std::size_t>(sc.output.snapshot_size));
  for (std::size_t first = 0; first < members.size(); first += kSlice) {
    const std::vector<std::uint32_t> slice(
        members.begin() + static_cast<std::ptrdiff_t>(first),
        members.begin() + static_cast<std::ptrdiff_t>(std::min(members.size(), first + kSlice)));
    // The slice's rows are handed over (a BackgroundRecorder queues them uncopied, a
    // FlatRecorder takes the first as its columns).
    recorder.append(static_cast<std::size_t>(table), snapshot_rows(market, slice));
  }
}

}  // namespace msim
