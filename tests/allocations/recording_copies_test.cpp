// The panel's rows, made once and handed over to a BackgroundRecorder uncopied: counted in the
// bytes that operator new gives the caller's thread.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/panel.hpp"
#include "models/scenario_load.hpp"
#include "models/simulation.hpp"
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
