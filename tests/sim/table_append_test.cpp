// Tables that grow by any number of rows (RecordingLayout::tables, Recorder::append), in the
// HDF5 recorder and the memory recorder: shapes, exact values, attributes and bad input.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/temp_dir.hpp"

#include "sim/hdf5_file.hpp"
#include "sim/recorder.hpp"

using msim::test::TempDir;

namespace {

msim::RecordingLayout table_layout() {
  msim::RecordingLayout layout;
  layout.series = {{"/total", {}, "items", "items so far"}};
  layout.tables = {
      {"/log/events", {{"id", true, 0, "", "event id"}, {"where", false, 3, "m", "position"}}}};
  layout.groups = {{"/log", {{"size", std::int64_t{7}}, {"note", std::string("an event log")}}}};
  return layout;
}

msim::TableRows events(std::int64_t first, std::size_t n) {
  std::vector<std::int64_t> id;
  std::vector<double> where;
  for (std::size_t k = 0; k < n; ++k) {
    id.push_back(first + static_cast<std::int64_t>(k) - (std::int64_t{1} << 40));
    for (int d = 0; d < 3; ++d) where.push_back(static_cast<double>(id.back()) + 0.25 * d);
  }
  return {id, where};
}

}  // namespace

TEST_CASE("tables: rows appended in batches of any size read back exactly", "[hdf5][table]") {
  TempDir dir;
  const std::string file = dir.file("t.h5");
  auto rec = msim::make_hdf5_recorder(file);
  rec->begin(table_layout());
  rec->append(0, events(0, 5));
  rec->record(0, {{5.0}});
  rec->append(0, events(5, 0));  // nothing to add is fine
  rec->append(0, events(5, 2000));
  rec->record(1, {{2005.0}});
  rec->finish({}, true);

  const msim::Hdf5Reader in(file);
  const auto id = in.integers("/log/events/id");
  REQUIRE(id.size() == 2005);
  const msim::Table where = in.table("/log/events/where");
  REQUIRE(where.shape == std::vector<std::size_t>{2005, 3});
  const msim::TableRows expected = events(0, 2005);
  CHECK(id == std::get<std::vector<std::int64_t>>(expected[0]));
  CHECK(where.values == std::get<std::vector<double>>(expected[1]));
  CHECK(in.string_attribute("/log/events/where", "units") == "m");
  CHECK(in.string_attribute("/log/events/id", "description") == "event id");
  CHECK(std::get<std::int64_t>(in.attribute("size", "/log")) == 7);
  CHECK(in.string_attribute("/log", "note") == "an event log");

  msim::MemoryRecorder memory;
  memory.begin(table_layout());
  memory.append(0, events(0, 5));
  memory.append(0, events(5, 2000));
  CHECK(memory.table("/log/events") == expected);
}

TEST_CASE("tables: a column of width 1 keeps its second dimension", "[hdf5][table]") {
  // (one preference dimension, one firm: readers index [:, k] whatever the size)
  TempDir dir;
  msim::RecordingLayout layout;
  layout.tables = {{"/t", {{"one", false, 1, "", "width 1"}, {"scalar", true, 0, "", "width 0"}}}};
  auto rec = msim::make_hdf5_recorder(dir.file("w.h5"));
  rec->begin(layout);
  rec->append(0, {std::vector<double>{0.5, 1.5}, std::vector<std::int64_t>{1, 2}});
  rec->finish({}, true);
  const msim::Hdf5Reader in(dir.file("w.h5"));
  CHECK(in.table("/t/one").shape == std::vector<std::size_t>{2, 1});
  CHECK(in.table("/t/scalar").shape == std::vector<std::size_t>{2});
}

TEST_CASE("tables: columns of the wrong type or length are rejected", "[hdf5][table]") {
  TempDir dir;
  auto rec = msim::make_hdf5_recorder(dir.file("bad.h5"));
  rec->begin(table_layout());
  msim::MemoryRecorder memory;
  memory.begin(table_layout());
  const msim::TableRows swapped = {std::vector<double>{1.0}, std::vector<std::int64_t>{1, 2, 3}};
  const msim::TableRows ragged = {std::vector<std::int64_t>{1, 2},
                                  std::vector<double>{1.0, 2.0, 3.0}};
  const msim::TableRows short_row = {std::vector<std::int64_t>{1}};
  for (msim::Recorder* r :
       {static_cast<msim::Recorder*>(rec.get()), static_cast<msim::Recorder*>(&memory)}) {
    CHECK_THROWS_AS(r->append(0, swapped), std::invalid_argument);
    CHECK_THROWS_AS(r->append(0, short_row), std::invalid_argument);
    CHECK_THROWS_AS(r->append(0, ragged), std::invalid_argument);
  }
  CHECK_THROWS(rec->append(1, events(0, 1)));  // no such table
  rec->finish({}, false);
}
