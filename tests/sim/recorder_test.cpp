// FlatRecorder: what a MemoryRecorder holds, each series as one vector reserved for the steps it
// is told, handed over without a copy; rows that do not match the layout are refused. Both take
// table rows handed over by move without copying them.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/recorder.hpp"
#include "tests/same_bits.hpp"

namespace {

msim::RecordingLayout layout() {
  msim::RecordingLayout l;
  l.dims = {{"item", "/items", {"a", "b", "c"}, "item"}};
  l.series = {{"/one", {}, "", "one value a step"}, {"/three", {"item"}, "", "three a step"}};
  l.tables = {{"/log", {{"id", true, 0, "", "id"}, {"where", false, 2, "m", "where"}}}};
  return l;
}

/// Step t's rows: {t} and {t, t + 0.5, -t}.
std::vector<std::vector<double>> rows(std::int64_t t) {
  const double x = static_cast<double>(t);
  return {{x}, {x, x + 0.5, -x}};
}

msim::TableRows events(std::int64_t n) {
  std::vector<std::int64_t> id;
  std::vector<double> where;
  for (std::int64_t k = 0; k < n; ++k) {
    id.push_back(k);
    where.push_back(static_cast<double>(k));
    where.push_back(-static_cast<double>(k));
  }
  return {id, where};
}

}  // namespace

TEST_CASE("flat recorder: the rows and tables a MemoryRecorder keeps, each series flat",
          "[recorder]") {
  msim::MemoryRecorder memory;
  msim::FlatRecorder flat(10);
  for (msim::Recorder* r :
       {static_cast<msim::Recorder*>(&memory), static_cast<msim::Recorder*>(&flat)}) {
    r->begin(layout());
    r->append(0, events(3));
    for (std::int64_t t = 0; t < 4; ++t) r->record(t, rows(t));
    // Steps 4 to 9 at once: each series' rows one after another.
    std::vector<std::vector<double>> later(2);
    for (std::int64_t t = 4; t < 10; ++t) {
      const std::vector<std::vector<double>> step = rows(t);
      for (std::size_t k = 0; k < 2; ++k)
        later[k].insert(later[k].end(), step[k].begin(), step[k].end());
    }
    r->record_steps(4, 6, later);
    r->append(0, events(2));
    r->finish({{"steps_done", std::int64_t{10}}}, true);
  }
  REQUIRE(flat.steps() == 10);
  for (std::size_t k = 0; k < 2; ++k) {
    std::vector<double> expected;
    for (const auto& row : memory.rows()[k])
      expected.insert(expected.end(), row.begin(), row.end());
    CHECK(msim::test::same_bits(flat.values()[k], expected));
  }
  CHECK(flat.tables() == memory.tables());
  CHECK(flat.complete());
  CHECK(flat.final_attributes() == memory.final_attributes());
}

TEST_CASE("flat recorder: each series is reserved once for the steps it is told", "[recorder]") {
  // 100 steps of 3 values: 300, where growing by appends would reach 384.
  msim::FlatRecorder flat(100);
  flat.begin(layout());
  for (std::int64_t t = 0; t < 100; ++t) flat.record(t, rows(t));
  CHECK(flat.values()[0].capacity() == 100);
  CHECK(flat.values()[1].capacity() == 300);
  // The steps before a branch, copied at once, reserve the run's steps too.
  msim::FlatRecorder branched(100);
  branched.begin(layout());
  branched.record_steps(0, 100, flat.values());
  CHECK(branched.values()[1].capacity() == 300);
  CHECK(msim::test::same_bits(branched.values()[1], flat.values()[1]));
}

TEST_CASE("flat recorder: hands over its series and tables without copying them", "[recorder]") {
  msim::FlatRecorder flat(5);
  flat.begin(layout());
  for (std::int64_t t = 0; t < 5; ++t) flat.record(t, rows(t));
  flat.append(0, events(4));
  const double* series = flat.values()[1].data();
  const auto* ids = std::get<std::vector<std::int64_t>>(flat.tables()[0][0]).data();
  const std::vector<std::vector<double>> values = flat.take_values();
  const std::vector<msim::TableRows> tables = flat.take_tables();
  CHECK(values[1].data() == series);
  CHECK(std::get<std::vector<std::int64_t>>(tables[0][0]).data() == ids);
  CHECK(values[1].size() == 15);
  CHECK(flat.steps() == 5);
}

TEST_CASE("flat recorder: rows that do not match the layout are refused", "[recorder]") {
  msim::FlatRecorder flat;
  flat.begin(layout());
  CHECK_THROWS_AS(flat.record(0, {{1.0}}), std::invalid_argument);
  CHECK_THROWS_AS(flat.record_steps(0, 2, {{1.0}, {1.0, 2.0, 3.0}}), std::invalid_argument);
  CHECK_THROWS_AS(flat.append(0, {std::vector<double>{1.0}, std::vector<double>{1.0, 2.0}}),
                  std::invalid_argument);
  CHECK_THROWS_AS(flat.append(1, events(1)), std::out_of_range);
}

TEST_CASE("flat and memory recorders: rows handed over by move become an empty table's columns",
          "[recorder]") {
  // The first rows are taken whole (their values stay where they are); later ones are copied
  // after them. The table holds what appending copies gives.
  msim::MemoryRecorder copied;
  copied.begin(layout());
  const msim::TableRows first = events(3), later = events(2);
  copied.append(0, first);
  copied.append(0, later);
  const auto hand_over = [&](auto& recorder) {
    recorder.begin(layout());
    msim::TableRows rows = first;
    const std::int64_t* ids = std::get<std::vector<std::int64_t>>(rows[0]).data();
    const double* where = std::get<std::vector<double>>(rows[1]).data();
    recorder.append(0, std::move(rows));
    CHECK(std::get<std::vector<std::int64_t>>(recorder.tables()[0][0]).data() == ids);
    CHECK(std::get<std::vector<double>>(recorder.tables()[0][1]).data() == where);
    msim::TableRows more = later;
    recorder.append(0, std::move(more));
    CHECK(recorder.tables() == copied.tables());
  };
  msim::MemoryRecorder memory;
  msim::FlatRecorder flat;
  hand_over(memory);
  hand_over(flat);
}

TEST_CASE("flat and memory recorders: rows refused are not taken, nor any of their columns",
          "[recorder]") {
  // The second column has the wrong type: every column is checked before any is taken.
  msim::MemoryRecorder memory;
  msim::FlatRecorder flat;
  const auto refuse = [](auto& recorder) {
    recorder.begin(layout());
    msim::TableRows rows = {std::vector<std::int64_t>{1, 2}, std::vector<std::int64_t>{3, 4, 5, 6}};
    CHECK_THROWS_AS(recorder.append(0, std::move(rows)), std::invalid_argument);
    // NOLINTNEXTLINE(bugprone-use-after-move): refused, so the caller keeps its rows
    CHECK(std::get<std::vector<std::int64_t>>(rows[0]).size() == 2);
    CHECK(recorder.tables()[0] == msim::MemoryRecorder::empty_rows(layout().tables[0]));
  };
  refuse(memory);
  refuse(flat);
}
