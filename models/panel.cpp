// The consumer panel: who is in it, and the layout and rows of /panel (analysis/README.md,
// "The /panel layout").
#include "models/panel.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "models/random_purposes.hpp"
#include "sim/rng.hpp"

namespace msim {
namespace {

constexpr const char* kMembers = "/panel/members";
constexpr const char* kPurchases = "/panel/purchases";

/// "0=north, 1=south", for describing an index column.
std::string index_names(const std::vector<std::string>& names) {
  std::vector<std::string> parts;
  for (std::size_t k = 0; k < names.size(); ++k) parts.push_back(fmt::format("{}={}", k, names[k]));
  return fmt::format("{}", fmt::join(parts, ", "));
}

template <class Column>
std::vector<std::int64_t> gather(const Column& column, const std::vector<std::uint32_t>& members) {
  std::vector<std::int64_t> out;
  out.reserve(members.size());
  for (std::uint32_t i : members) out.push_back(static_cast<std::int64_t>(column[i]));
  return out;
}

}  // namespace

std::vector<std::uint32_t> panel_members(std::uint64_t seed, std::size_t consumers,
                                         std::size_t size) {
  return consumer_sample(seed, purpose::panel, consumers, size);
}

std::vector<std::uint32_t> consumer_sample(std::uint64_t seed, std::uint32_t purpose,
                                           std::size_t consumers, std::size_t size) {
  if (size > consumers)
    throw std::invalid_argument(fmt::format("a sample of {} out of {} consumers", size, consumers));
  const Philox gen(seed, purpose);
  Stream stream(gen, 0, 0);
  // Floyd (1987): for j = n - size .. n - 1 take a uniform t in [0, j]; t if new, else j.
  std::unordered_set<std::uint32_t> chosen;
  chosen.reserve(size * 2);
  for (std::size_t j = consumers - size; j < consumers; ++j) {
    const std::uint64_t high = stream.bits();  // two statements: a fixed order of draws
    const std::uint64_t bits = (high << 32) | stream.bits();
    const auto t = static_cast<std::uint32_t>(bits % (j + 1));  // bias below 2^-32
    if (!chosen.insert(t).second) chosen.insert(static_cast<std::uint32_t>(j));
  }
  std::vector<std::uint32_t> out(chosen.begin(), chosen.end());
  std::sort(out.begin(), out.end());
  return out;
}

double consumer_sample_bytes(std::size_t size) {
  // The buckets: reserve(2 x size) rounds up to a prime of libstdc++'s table, at most 8% more
  // (7.3% at a million). A member's node (next pointer and value, 16 bytes) is a 32-byte heap
  // block. The returned vector sits beside them.
  const double n = static_cast<double>(size);
  return 8.0 * 2.0 * n * 1.08 + 32.0 * n + 4.0 * n;
}

int panel_table(const RecordingLayout& layout) {
  for (std::size_t k = 0; k < layout.tables.size(); ++k)
    if (layout.tables[k].path == kMembers) return static_cast<int>(k);
  return -1;
}

void add_panel_layout(const Scenario& sc, RecordingLayout& layout) {
  if (sc.output.panel_size <= 0) return;
  const std::string industries = sc.industries.empty()
                                     ? "-1 (households)"
                                     : index_names(sc.industries) + ", -1 for households";
  TableSpec members{
      kMembers,
      {{"consumer", true, 0, "", "the member's consumer index in the population"},
       {"segment", true, 0, "", "the member's segment, an index into /segments/name"},
       {"age", true, 0, "years", "age"},
       {"income", true, 0, "thousands per year", "income"},
       {"region", true, 0, "", "region: " + index_names(sc.regions)},
       {"novelty", true, 0, "1/255",
        "novelty seeking, 0 (none) to 255 (the most), fixed point of 0..1"},
       {"opt_out", true, 0, "", "1: opted out of CRM (at the start of the run)"},
       {"company_size", true, 0, "employees", "company size, 0 for households"},
       {"industry", true, 0, "", "industry: " + industries},
       {"ideal", false, static_cast<std::size_t>(sc.preference_dims), "preference space",
        "ideal point [member, preference dimension]", "dimension"}}};
  TableSpec purchases{kPurchases,
                      {{"step", true, 0, "step", "the step of the purchase"},
                       {"consumer", true, 0, "", "the buyer, one of /panel/members/consumer"},
                       {"category", true, 0, "", "the category, an index into /categories/name"},
                       {"firm", true, 0, "", "the firm, an index into /firms/name"},
                       {"price", false, 0, "money per unit", "price paid per unit"},
                       {"units", true, 0, "units", "units bought"}}};
  layout.tables.push_back(std::move(members));
  layout.tables.push_back(std::move(purchases));
  layout.groups.push_back(
      {"/panel",
       {{"size", sc.output.panel_size},
        {"description", std::string("consumer panel: a fixed random sample of consumers whose "
                                    "every purchase is logged")}}});
  layout.groups.push_back(
      {kMembers, {{"description", std::string("one row per panel member, by consumer index")}}});
  layout.groups.push_back(
      {kPurchases, {{"description", std::string("one row per purchase occasion of a member")}}});
}

TableRows panel_member_rows(const Scenario& sc, const Population& pop,
                            const std::vector<std::uint32_t>& members) {
  const std::size_t n = members.size();
  std::vector<std::int64_t> consumer(members.begin(), members.end()), opt_out, industry, age,
      income, company_size;
  for (auto* column : {&opt_out, &industry, &age, &income, &company_size}) column->reserve(n);
  for (std::uint32_t i : members) {
    opt_out.push_back((pop.flags[i] & kOptOut) != 0 ? 1 : 0);
    const Demographics d = demographics(sc, pop, i);
    industry.push_back(d.industry == kNoIndustry ? -1 : d.industry);
    age.push_back(d.age);
    income.push_back(d.income);
    company_size.push_back(d.company_size);
  }
  const std::size_t D = static_cast<std::size_t>(sc.preference_dims);
  std::vector<double> ideal;
  ideal.reserve(n * D);
  for (std::uint32_t i : members)
    for (std::size_t d = 0; d < D; ++d) ideal.push_back(pop.ideal[i * D + d]);
  // Each column moves into the rows (a braced list would copy them).
  TableRows rows;
  rows.reserve(10);
  rows.emplace_back(std::move(consumer));
  rows.emplace_back(gather(pop.segment, members));
  rows.emplace_back(std::move(age));
  rows.emplace_back(std::move(income));
  rows.emplace_back(gather(pop.region, members));
  rows.emplace_back(gather(pop.novelty, members));
  rows.emplace_back(std::move(opt_out));
  rows.emplace_back(std::move(company_size));
  rows.emplace_back(std::move(industry));
  rows.emplace_back(std::move(ideal));
  return rows;
}

double panel_member_rows_bytes(std::size_t members, std::size_t dims) {
  // Every column is sized or reserved at once and moves into the rows: nine int64 columns and
  // the ideal points, once.
  const double n = static_cast<double>(members), D = static_cast<double>(dims);
  return 9.0 * 8.0 * n + 8.0 * n * D;
}

TableRows panel_purchase_rows(std::int64_t step, const std::vector<PanelPurchase>& purchases) {
  const std::size_t n = purchases.size();
  std::vector<std::int64_t> steps(n, step), consumer(n), category(n), firm(n), units(n, 1);
  std::vector<double> price(n);
  for (std::size_t k = 0; k < n; ++k) {
    consumer[k] = purchases[k].consumer;
    category[k] = purchases[k].category;
    firm[k] = purchases[k].firm;
    price[k] = static_cast<double>(purchases[k].cents) / 100.0;
  }
  TableRows rows;
  rows.reserve(6);
  for (auto* column : {&steps, &consumer, &category, &firm}) rows.emplace_back(std::move(*column));
  rows.emplace_back(std::move(price));
  rows.emplace_back(std::move(units));
  return rows;
}

}  // namespace msim
