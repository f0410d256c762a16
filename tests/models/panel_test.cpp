// The consumer panel (models/panel.hpp): who is in it, that it changes nothing else, and that
// the shares recomputed from its purchases agree with the incremental /market/customer_share.
#include "models/panel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "sim/parallel.hpp"
#include "sim/recorder.hpp"
#include "tests/same_bits.hpp"

namespace {

const std::string kTiny = std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/tiny.yaml";

msim::Scenario tiny(std::vector<std::string> overrides) {
  return msim::load_scenario_file(kTiny, overrides);
}

/// The consumers whose kPanel flag is set.
std::vector<std::uint32_t> flagged(const msim::Population& pop) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < pop.n; ++i)
    if ((pop.flags[i] & msim::kPanel) != 0) out.push_back(static_cast<std::uint32_t>(i));
  return out;
}

const std::vector<std::int64_t>& ints(const msim::TableRows& rows, std::size_t column) {
  return std::get<std::vector<std::int64_t>>(rows.at(column));
}

}  // namespace

TEST_CASE("panel: exactly N distinct members, fixed by the seed", "[panel]") {
  for (const std::size_t size : {0u, 1u, 17u, 500u, 9999u, 10000u}) {
    INFO("size " << size);
    const auto m = msim::panel_members(7, 10000, size);
    REQUIRE(m.size() == size);
    REQUIRE(std::set<std::uint32_t>(m.begin(), m.end()).size() == size);
    REQUIRE(std::is_sorted(m.begin(), m.end()));
    if (size > 0) REQUIRE(m.back() < 10000u);
    REQUIRE(msim::panel_members(7, 10000, size) == m);
  }
  CHECK(msim::panel_members(7, 10000, 500) != msim::panel_members(8, 10000, 500));
  CHECK_THROWS_AS(msim::panel_members(7, 100, 101), std::invalid_argument);
}

TEST_CASE("panel: a roughly uniform sample (every decile holds its share within 5 sd)", "[panel]") {
  const std::size_t n = 100000, size = 20000;
  const auto m = msim::panel_members(42, n, size);
  std::vector<double> decile(10, 0.0);
  for (std::uint32_t i : m) decile[i * 10 / n] += 1.0;
  const double expected = size / 10.0, sd = std::sqrt(size * 0.1 * 0.9);
  for (double d : decile) CHECK(std::abs(d - expected) < 5 * sd);
}

TEST_CASE("panel: the same members and purchases at 1 and 4 threads and any block size",
          "[panel]") {
  const msim::Scenario sc = tiny({"consumers=6000", "steps=3", "output.panel.size=700"});
  const auto run = [&](std::size_t threads, std::size_t block) {
    msim::ThreadLimit limit(threads);
    msim::Market market(sc, msim::EngineOptions{block});
    std::vector<msim::PanelPurchase> all;
    for (int t = 0; t < 3; ++t) {
      market.step();
      all.insert(all.end(), market.panel_purchases().begin(), market.panel_purchases().end());
    }
    REQUIRE(flagged(market.population()) == market.panel_members());
    return std::make_pair(market.panel_members(), all);
  };
  const auto [members, purchases] = run(1, 4096);
  REQUIRE(members.size() == 700);
  REQUIRE(purchases.size() > 700);
  const std::set<std::uint32_t> member_set(members.begin(), members.end());
  for (const auto& p : purchases) REQUIRE(member_set.count(p.consumer) == 1);
  for (const auto& [threads, block] :
       {std::pair<std::size_t, std::size_t>{4, 4096}, {1, 256}, {4, 333}, {2, 1000}}) {
    INFO(threads << " threads, block " << block);
    const auto [m, p] = run(threads, block);
    CHECK(m == members);
    REQUIRE(p.size() == purchases.size());
    for (std::size_t k = 0; k < p.size(); ++k) {
      CHECK(p[k].consumer == purchases[k].consumer);
      CHECK(p[k].category == purchases[k].category);
      CHECK(p[k].firm == purchases[k].firm);
      CHECK(p[k].cents == purchases[k].cents);
    }
  }
}

TEST_CASE("panel: recording a panel changes nothing else in the run", "[panel]") {
  const auto run = [](const std::string& size) {
    msim::MemoryRecorder rec;
    msim::run_simulation(tiny({"consumers=5000", "steps=6", "output.panel.size=" + size}), rec);
    return rec;
  };
  const msim::MemoryRecorder off = run("0"), on = run("5000");
  CHECK(off.layout().tables.empty());
  REQUIRE(on.layout().tables.size() == 2);
  REQUIRE(msim::test::same_bits(off.rows(), on.rows()));
}

TEST_CASE("panel: customer share recomputed from a whole-population panel matches the market's",
          "[panel]") {
  // Niche enters at step 4: its buyers' purchases before then are not in its base.
  const std::int64_t entry = GENERATE(std::int64_t{0}, std::int64_t{4});
  std::vector<std::string> sets{"consumers=4000", "steps=10", "output.panel.size=4000"};
  if (entry > 0)
    sets.push_back("shocks=[{step: " + std::to_string(entry) + ", kind: enter, firm: Niche}]");
  const msim::Scenario sc = tiny(sets);
  const std::size_t entrant = entry > 0 ? 2 : sc.firms.size();
  REQUIRE(sc.firms[2].name == "Niche");
  INFO("entry at step " << entry);
  msim::MemoryRecorder rec;
  msim::run_simulation(sc, rec);
  const msim::TableRows& members = rec.table("/panel/members");
  REQUIRE(ints(members, 0).size() == 4000);
  const msim::TableRows& p = rec.table("/panel/purchases");
  const auto &step = ints(p, 0), &consumer = ints(p, 1), &category = ints(p, 2), &firm = ints(p, 3);
  const std::size_t F = sc.firms.size(), C = sc.categories.size(), N = 4000;
  // count[(i * C + c) * F + j]: consumer i's purchases of firm j in category c so far.
  std::vector<std::int64_t> count(N * C * F, 0), in_category(N * C, 0);
  const auto& share = rec.series("/market/customer_share");
  const auto& by_category = rec.series("/market/by_category/customer_share");
  std::size_t row = 0;
  std::vector<std::int64_t> at_entry(N * C, 0);  // in_category when the entrant entered
  for (std::int64_t t = 0; t < sc.steps; ++t) {
    if (t == entry) at_entry = in_category;
    for (; row < step.size() && step[row] == t; ++row) {
      const auto i = static_cast<std::size_t>(consumer[row]);
      const auto c = static_cast<std::size_t>(category[row]);
      ++count[(i * C + c) * F + static_cast<std::size_t>(firm[row])];
      ++in_category[i * C + c];
    }
    for (std::size_t j = 0; j < F; ++j) {
      double units = 0, base = 0;  // over the firm's categories
      for (int ci : sc.firms[j].categories) {
        const auto c = static_cast<std::size_t>(ci);
        double u = 0, b = 0;
        for (std::size_t i = 0; i < N; ++i)
          if (count[(i * C + c) * F + j] > 0) {
            u += static_cast<double>(count[(i * C + c) * F + j]);
            b += static_cast<double>(in_category[i * C + c] -
                                     (j == entrant ? at_entry[i * C + c] : 0));
          }
        INFO("step " << t << ", firm " << j << ", category " << c);
        CHECK(by_category[static_cast<std::size_t>(t)][c * F + j] ==
              Approx(msim::ratio(u, b)).epsilon(1e-12));
        units += u;
        base += b;
      }
      INFO("step " << t << ", firm " << j);
      CHECK(share[static_cast<std::size_t>(t)][j] ==
            Approx(msim::ratio(units, base)).epsilon(1e-12));
    }
  }
  REQUIRE(row == step.size());
  CHECK(share.back()[0] > 0.1);  // the market is alive
  CHECK(share.back()[2] > 0.1);  // and the entrant sells
}

TEST_CASE("panel: a step's purchases come in consumer order, and a consumer's in the order made",
          "[panel]") {
  // The kernel decides a chunk's first occasions before it takes anyone's later ones, then puts
  // the panel's purchases back in consumer order: in a market of one category too.
  for (const char* file : {"textbook/differentiated.yaml", "tiny.yaml"}) {
    INFO(file);
    const msim::Scenario sc =
        msim::load_scenario_file(std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/" + file,
                                 {"consumers=3000", "steps=4", "output.panel.size=3000"});
    msim::Market market(sc, msim::EngineOptions{});
    std::size_t repeats = 0;  // purchases in the same category as the consumer's one before
    for (int t = 0; t < 4; ++t) {
      market.step();
      const std::vector<msim::PanelPurchase>& p = market.panel_purchases();
      REQUIRE(p.size() > 100);
      for (std::size_t k = 1; k < p.size(); ++k) {
        REQUIRE(p[k - 1].consumer <= p[k].consumer);
        if (p[k - 1].consumer == p[k].consumer) {
          REQUIRE(p[k - 1].category <= p[k].category);
          repeats += p[k - 1].category == p[k].category ? 1 : 0;
        }
      }
    }
    CHECK(repeats > 10);  // the test sees consumers with several occasions in a step
  }
}

TEST_CASE("panel: the member rows hold what panel_member_rows_bytes says, each column sized once",
          "[panel]") {
  // 3,000 members: a column grown by push_back would reach 4,096 values.
  const msim::Market market(tiny({"consumers=5000", "steps=1", "output.panel.size=3000"}));
  const std::vector<std::uint32_t>& members = market.panel_members();
  REQUIRE(members.size() == 3000);
  const msim::TableRows rows =
      msim::panel_member_rows(market.scenario(), market.population(), members);
  REQUIRE(rows.size() == 10);
  double bytes = 0;
  for (const msim::TableColumn& column : rows)
    std::visit(
        [&](const auto& v) {
          CHECK(v.capacity() == v.size());
          bytes += static_cast<double>(sizeof(v[0]) * v.capacity());
        },
        column);
  CHECK(bytes == msim::panel_member_rows_bytes(3000, 2));
  CHECK(bytes == 3000.0 * 8 * (9 + 2));
}
