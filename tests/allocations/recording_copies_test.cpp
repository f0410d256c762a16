// The panel's and the snapshot's rows, made once and handed over to a BackgroundRecorder
// uncopied: counted in the bytes that operator new gives the caller's thread.
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/panel.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
#include "models/snapshot.hpp"
#include "sim/background_recorder.hpp"
#include "sim/recorder.hpp"
#include "tests/allocations/counting_new.hpp"

using msim::test::bytes_allocated_by;

namespace {

/// A scenario of scenarios/ with `overrides`.
msim::Scenario scenario(const char* file, const std::vector<std::string>& overrides) {
  return msim::load_scenario_file(std::string(MARKETSIM_SOURCE_DIR) + "/scenarios/" + file,
                                  overrides);
}

/// Bytes of the values of `rows`.
double value_bytes(const msim::TableRows& rows) {
  double bytes = 0;
  for (const msim::TableColumn& column : rows)
    std::visit([&](const auto& v) { bytes += static_cast<double>(sizeof(v[0]) * v.size()); },
               column);
  return bytes;
}

}  // namespace

TEST_CASE("snapshot: a slice's rows are made once, each column allocated once", "[snapshot]") {
  // 3,000 consumers, with durables (owner, bought, fails) and without: the columns, reserved at
  // once and moved into the rows, are all that is allocated beside the rows' own vector (a
  // column grown by push_back reallocates, and a braced list would copy every column twice).
  for (const char* file : {"tiny.yaml", "textbook/planned_obsolescence.yaml"}) {
    INFO(file);
    const msim::Market market(scenario(file, {"consumers=3000", "steps=1"}));
    std::vector<std::uint32_t> members(3000);
    std::iota(members.begin(), members.end(), 0u);
    msim::TableRows rows;
    const std::size_t counted =
        bytes_allocated_by([&] { rows = msim::snapshot_rows(market, members); });
    REQUIRE(rows.size() == (file == std::string("tiny.yaml") ? 15 : 18));
    const double values = value_bytes(rows);
    CHECK(values >= 3000.0 * 8 * 20);
    CHECK(static_cast<double>(counted) >= values);
    CHECK(static_cast<double>(counted) < values + 1024);
  }
}

TEST_CASE("snapshot: a background recorder queues each slice uncopied", "[snapshot]") {
  // 70,000 consumers: two slices, each made once on the caller's thread beside the list of
  // members and the slice's part of it; the writer's thread keeps them (a MemoryRecorder).
  const msim::Scenario sc =
      scenario("tiny.yaml", {"consumers=70000", "steps=1", "output.snapshot.size=all"});
  const msim::Market market(sc);
  const msim::RecordingLayout layout = msim::recording_layout(sc, 1);
  const int table = msim::snapshot_table(layout);
  REQUIRE(table >= 0);
  msim::MemoryRecorder memory;
  msim::BackgroundRecorder background(memory);
  background.begin(layout);
  const std::size_t counted =
      bytes_allocated_by([&] { msim::record_snapshot(market, background, table); });
  background.finish({}, true);
  const double values = value_bytes(memory.tables()[static_cast<std::size_t>(table)]);
  CHECK(values >= 70000.0 * 8 * 40);
  // The list of all 70,000 members (4 bytes each), each slice's part of it, the rows.
  const double lists = 2 * 4.0 * 70000;
  CHECK(static_cast<double>(counted) >= values + lists);
  CHECK(static_cast<double>(counted) < values + lists + 4096);
}

TEST_CASE("panel: a background recorder queues the member rows uncopied", "[panel]") {
  // 15,000 members: their rows, made once, are what the caller's thread allocates (a copy into
  // the queued call would be as much again); the writer's thread keeps them (a MemoryRecorder).
  const msim::Scenario sc =
      scenario("tiny.yaml", {"consumers=20000", "steps=1", "output.panel.size=15000"});
  const msim::Market market(sc);
  const msim::RecordingLayout layout = msim::recording_layout(sc, 1);
  const int panel = msim::panel_table(layout);
  REQUIRE(panel >= 0);
  msim::MemoryRecorder memory;
  msim::BackgroundRecorder background(memory);
  background.begin(layout);
  const std::size_t counted =
      bytes_allocated_by([&] { msim::record_panel_members(market, background, panel); });
  background.finish({}, true);
  const double rows = msim::panel_member_rows_bytes(15000, 2);
  CHECK(value_bytes(memory.tables()[static_cast<std::size_t>(panel)]) == rows);
  CHECK(static_cast<double>(counted) >= rows);
  CHECK(static_cast<double>(counted) < rows + 4096);
}
