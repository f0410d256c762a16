#include "sim/hdf5_file.hpp"

#include <catch2/catch.hpp>

#include "tests/temp_dir.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/error.hpp"

namespace fs = std::filesystem;
using msim::AttrValue;
using msim::Hdf5Reader;

using msim::test::slurp;
using msim::test::TempDir;

namespace {

constexpr std::size_t kFirms = 3;
constexpr std::size_t kCategories = 2;

msim::RecordingLayout test_layout() {
  msim::RecordingLayout layout;
  layout.attributes = {{"seed", std::int64_t{42}},
                       {"dt", 0.25},
                       {"model", std::string("café-market")},
                       {"big", std::int64_t{-9007199254740993}}};
  layout.texts = {{"/scenario", "market:\n  firms: 3\n", "resolved scenario (YAML)"}};
  layout.dims = {{"firm", "/firms/name", {"Acme", "Bolt", "Ćorp"}, "firm name"},
                 {"category", "/categories/name", {"food", "toys"}, "product category"}};
  layout.labels = {{"/firms/strategy", "firm", {"greedy", "random", "tit-for-tat"}, "strategy"}};
  layout.series = {{"/market/units", {}, "units", "units sold in the market"},
                   {"/firms/price", {"firm"}, "EUR", "price of each firm"},
                   {"/firms/sales", {"category", "firm"}, "units", "sales by category and firm"}};
  return layout;
}

/// Distinct, exactly representable values: series k, step t, element i.
double value(std::size_t k, std::int64_t t, std::size_t i) {
  return static_cast<double>(k) * 1000.0 + static_cast<double>(t) * 10.0 + static_cast<double>(i) +
         0.5;
}

std::vector<std::vector<double>> test_rows(std::int64_t t) {
  const std::size_t sizes[] = {1, kFirms, kCategories * kFirms};
  std::vector<std::vector<double>> rows;
  for (std::size_t k = 0; k < 3; ++k) {
    rows.emplace_back();
    for (std::size_t i = 0; i < sizes[k]; ++i) rows.back().push_back(value(k, t, i));
  }
  return rows;
}

/// The rows of steps [first, first + n) of every test series, each series' rows one after
/// another, as Recorder::record_steps takes them.
std::vector<std::vector<double>> test_values(std::int64_t first, std::size_t n) {
  std::vector<std::vector<double>> values(3);
  for (std::size_t t = 0; t < n; ++t) {
    const auto rows = test_rows(first + static_cast<std::int64_t>(t));
    for (std::size_t k = 0; k < 3; ++k)
      values[k].insert(values[k].end(), rows[k].begin(), rows[k].end());
  }
  return values;
}

void record_steps(msim::Recorder& recorder, std::int64_t steps) {
  for (std::int64_t t = 0; t < steps; ++t) recorder.record(t, test_rows(t));
}

/// Checks shapes and values of the three test series after `steps` rows.
void check_series(const Hdf5Reader& reader, std::int64_t steps) {
  const auto t_count = static_cast<std::size_t>(steps);
  const auto step = reader.table("/step");
  REQUIRE(step.shape == std::vector<std::size_t>{t_count});
  for (std::size_t t = 0; t < t_count; ++t) CHECK(step.values[t] == static_cast<double>(t));

  const std::vector<std::vector<std::size_t>> shapes = {
      {t_count}, {t_count, kFirms}, {t_count, kCategories, kFirms}};
  const char* paths[] = {"/market/units", "/firms/price", "/firms/sales"};
  for (std::size_t k = 0; k < 3; ++k) {
    INFO(paths[k]);
    const auto table = reader.table(paths[k]);
    REQUIRE(table.shape == shapes[k]);
    const std::size_t row = table.values.size() / std::max<std::size_t>(t_count, 1);
    for (std::size_t t = 0; t < t_count; ++t)
      for (std::size_t i = 0; i < row; ++i)
        CHECK(table.values[t * row + i] == value(k, static_cast<std::int64_t>(t), i));
  }
}

/// Every dataset below `group`, recursively.
void collect_datasets(const Hdf5Reader& reader, const std::string& group,
                      std::vector<std::string>& out) {
  for (const auto& name : reader.list(group)) {
    const std::string path = (group == "/" ? "" : group) + "/" + name;
    bool is_group = true;
    try {
      reader.list(path);
    } catch (const msim::InputError&) {
      is_group = false;
    }
    if (is_group)
      collect_datasets(reader, path, out);
    else
      out.push_back(path);
  }
}

bool have_h5dump() {
  return std::system("command -v h5dump >/dev/null 2>&1") == 0;
}

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

}  // namespace

TEST_CASE("HDF5 recorder round-trips a complete run", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  auto recorder = msim::make_hdf5_recorder(path);
  recorder->begin(test_layout());
  CHECK(fs::exists(msim::partial_path(path)));
  CHECK_FALSE(fs::exists(path));
  record_steps(*recorder, 5);
  CHECK_FALSE(fs::exists(path));
  recorder->finish({{"steps", std::int64_t{5}}, {"dt", 0.5}, {"status", std::string("ok")}}, true);
  REQUIRE(fs::exists(path));
  CHECK_FALSE(fs::exists(msim::partial_path(path)));

  Hdf5Reader reader(path);
  SECTION("root attributes") {
    CHECK(reader.attribute("seed") == AttrValue{std::int64_t{42}});
    CHECK(reader.attribute("big") == AttrValue{std::int64_t{-9007199254740993}});
    CHECK(reader.attribute("model") == AttrValue{std::string("café-market")});
    CHECK(reader.attribute("dt") == AttrValue{0.5});  // overwritten by finish
    CHECK(reader.attribute("steps") == AttrValue{std::int64_t{5}});
    CHECK(reader.attribute("status") == AttrValue{std::string("ok")});
    CHECK(reader.attribute("complete") == AttrValue{std::int64_t{1}});
    CHECK_THROWS_AS(reader.attribute("nope"), msim::InputError);
  }
  SECTION("texts, dimensions and labels") {
    CHECK(reader.text("/scenario") == "market:\n  firms: 3\n");
    CHECK(reader.strings("/firms/name") == std::vector<std::string>{"Acme", "Bolt", "Ćorp"});
    CHECK(reader.strings("/categories/name") == std::vector<std::string>{"food", "toys"});
    CHECK(reader.strings("/firms/strategy") ==
          std::vector<std::string>{"greedy", "random", "tit-for-tat"});
    // Each dimension's scale is at the root, named as the dimension, beside its labels' place.
    CHECK(reader.list("/") == std::vector<std::string>{"categories", "category", "firm", "firms",
                                                       "market", "scenario", "step"});
    CHECK(reader.strings("/firm") == reader.strings("/firms/name"));
    CHECK(reader.strings("/category") == reader.strings("/categories/name"));
    CHECK(reader.list("/firms") == std::vector<std::string>{"name", "price", "sales", "strategy"});
  }
  SECTION("series") {
    check_series(reader, 5);
  }
  SECTION("every dataset has units and description") {
    std::vector<std::string> datasets;
    collect_datasets(reader, "/", datasets);
    CHECK(datasets.size() == 10);
    for (const auto& ds : datasets) {
      INFO(ds);
      CHECK(std::holds_alternative<std::string>(reader.attribute("units", ds)));
      CHECK_FALSE(reader.string_attribute(ds, "description").empty());
    }
    CHECK(reader.string_attribute("/firms/price", "units") == "EUR");
    CHECK(reader.string_attribute("/firms/price", "description") == "price of each firm");
    CHECK(reader.string_attribute("/step", "units") == "step");
    CHECK(reader.string_attribute("/step", "description") == "simulation step (0-based)");
    CHECK(reader.string_attribute("/firms/price", "absent") == "");
    // fixed-length strings written by the HDF5 dimension-scale API
    CHECK(reader.string_attribute("/step", "CLASS") == "DIMENSION_SCALE");
    CHECK(reader.string_attribute("/step", "NAME") == "step");
    CHECK(reader.string_attribute("/firm", "CLASS") == "DIMENSION_SCALE");
    CHECK(reader.string_attribute("/firm", "NAME") == "firm");
    CHECK(reader.string_attribute("/firm", "description") ==
          "firm name: the dimension scale of every firm axis (the same as /firms/name)");
    CHECK(reader.string_attribute("/firms/name", "CLASS").empty());  // labels, along /firm
  }
  SECTION("exists") {
    CHECK(reader.exists("/"));
    CHECK(reader.exists("/firms"));
    CHECK(reader.exists("/firms/sales"));
    CHECK(reader.exists("firms/sales"));
    CHECK_FALSE(reader.exists("/nope"));
    CHECK_FALSE(reader.exists("/nope/deeper/still"));
    CHECK_FALSE(reader.exists("/firms/sales/x"));  // below a dataset
  }
  SECTION("dimension scales are attached") {
    if (!have_h5dump()) {
      WARN("h5dump not on PATH; dimension scale check skipped");
      return;
    }
    const std::string sales = run("h5dump -A -d /firms/sales '" + path + "' 2>&1");
    CHECK(sales.find("DIMENSION_LIST") != std::string::npos);
    const std::string units = run("h5dump -A -d /market/units '" + path + "' 2>&1");
    CHECK(units.find("DIMENSION_LIST") != std::string::npos);
    const std::string strategy = run("h5dump -A -d /firms/strategy '" + path + "' 2>&1");
    CHECK(strategy.find("DIMENSION_LIST") != std::string::npos);
    const std::string names = run("h5dump -A -d /firms/name '" + path + "' 2>&1");
    CHECK(names.find("DIMENSION_LIST") != std::string::npos);
    const std::string step = run("h5dump -A -d /step '" + path + "' 2>&1");
    CHECK(step.find("DIMENSION_SCALE") != std::string::npos);
    CHECK(step.find("REFERENCE_LIST") != std::string::npos);
  }
}

TEST_CASE("HDF5 recorder: a table column's second axis takes its dimension's scale", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("table.h5");
  msim::RecordingLayout layout = test_layout();
  layout.tables = {{"/sample",
                    {{"id", true, 0, "", "row id"},
                     {"score", false, kFirms, "points", "a score per firm", "firm"},
                     {"pair", true, 2, "", "two values, along no dimension"}}}};
  auto recorder = msim::make_hdf5_recorder(path);
  recorder->begin(layout);
  recorder->append(
      0, {std::vector<std::int64_t>{7, 8}, std::vector<double>{1.5, 2.5, 3.5, 4.5, 5.5, 6.5},
          std::vector<std::int64_t>{1, 2, 3, 4}});
  recorder->finish({}, true);
  Hdf5Reader reader(path);
  CHECK(reader.table("/sample/score").shape == std::vector<std::size_t>{2, kFirms});
  CHECK(reader.table("/sample/score").values == std::vector<double>{1.5, 2.5, 3.5, 4.5, 5.5, 6.5});
  if (!have_h5dump()) {
    WARN("h5dump not on PATH; dimension scale check skipped");
    return;
  }
  // The firm axis is labelled and has /firm for its scale; the rows have neither.
  const std::string score = run("h5dump -A -d /sample/score '" + path + "' 2>&1");
  INFO(score);
  CHECK(score.find("(0): \"\", \"firm\"") != std::string::npos);
  CHECK(score.find("(0): (), (DATASET") != std::string::npos);
  CHECK(score.find("\"/firm\")") != std::string::npos);
  // The scale lists it among the datasets it labels, at axis 1.
  const std::string firms = run("h5dump -A -d /firm '" + path + "' 2>&1");
  INFO(firms);
  const auto entry = firms.find("\"/sample/score\",");
  REQUIRE(entry != std::string::npos);
  CHECK(firms.find_first_not_of(" \n", entry + 16) == firms.find('1', entry + 16));
  // A column along no dimension has no scales.
  const std::string pair = run("h5dump -A -d /sample/pair '" + path + "' 2>&1");
  CHECK(pair.find("DIMENSION_LIST") == std::string::npos);
}

TEST_CASE("HDF5 recorder: long texts and many labels round-trip", "[hdf5]") {
  // Strings are written through a conversion buffer of a few bytes per string: a text far
  // longer than the buffer, and more labels than fit in it, come back whole.
  TempDir dir;
  const std::string path = dir.file("long.h5");
  msim::RecordingLayout layout;
  std::string text;
  for (int line = 0; text.size() < 3'000'000; ++line)
    text += "line " + std::to_string(line) + ": \u00e9t\u00e9 caf\u00e9 \u0106orp\n";
  layout.texts = {{"/scenario", text, "a long text"}};
  std::vector<std::string> labels;
  for (int k = 0; k < 20'000; ++k) labels.push_back(std::string(k % 97, 'x') + std::to_string(k));
  layout.dims = {{"item", "/items/name", labels, "item"}};
  layout.series = {{"/items/value", {"item"}, "units", "a value per item"}};
  auto recorder = msim::make_hdf5_recorder(path);
  recorder->begin(layout);
  recorder->record(0, {std::vector<double>(labels.size(), 1.5)});
  recorder->finish({}, true);
  Hdf5Reader reader(path);
  CHECK(reader.text("/scenario") == text);
  CHECK(reader.strings("/items/name") == labels);
  CHECK(reader.table("/items/value").values == std::vector<double>(labels.size(), 1.5));
}

TEST_CASE("HDF5 recorder: finish(false) leaves an incomplete partial file", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  auto recorder = msim::make_hdf5_recorder(path);
  recorder->begin(test_layout());
  record_steps(*recorder, 3);
  recorder->finish({{"steps", std::int64_t{3}}}, false);
  CHECK_FALSE(fs::exists(path));
  REQUIRE(fs::exists(msim::partial_path(path)));
  Hdf5Reader reader(msim::partial_path(path));
  CHECK(reader.attribute("complete") == AttrValue{std::int64_t{0}});
  CHECK(reader.attribute("steps") == AttrValue{std::int64_t{3}});
  check_series(reader, 3);
}

TEST_CASE("HDF5 recorder: a partial file another process writes is refused and left alone",
          "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("run.h5"), partial = msim::partial_path(path);
  std::ofstream(partial) << "another run's rows";
  // The lock HDF5 takes on a file it writes, held here as another run would hold it.
  const int fd = ::open(partial.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX) == 0);
  CHECK(msim::file_locked(partial));
  {
    auto recorder = msim::make_hdf5_recorder(path);
    CHECK_THROWS_WITH(
        recorder->begin(test_layout()),
        Catch::Contains("another process is writing it") && Catch::Contains("it was left alone"));
  }
  CHECK(slurp(partial) == "another run's rows");
  CHECK_THROWS_AS(msim::Hdf5Output(path), msim::InputError);
  CHECK(slurp(partial) == "another run's rows");
  ::close(fd);
  CHECK_FALSE(msim::file_locked(partial));
  // Nobody holds it now: a killed run's leftover, which a new run replaces.
  auto recorder = msim::make_hdf5_recorder(path);
  recorder->begin(test_layout());
  record_steps(*recorder, 2);
  recorder->finish({{"steps", std::int64_t{2}}}, true);
  CHECK_FALSE(fs::exists(partial));
  Hdf5Reader reader(path);
  check_series(reader, 2);
}

TEST_CASE("HDF5 recorder: destroyed without finish leaves the rows so far", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  {
    auto recorder = msim::make_hdf5_recorder(path);
    recorder->begin(test_layout());
    record_steps(*recorder, 4);
  }
  CHECK_FALSE(fs::exists(path));
  Hdf5Reader reader(msim::partial_path(path));
  CHECK(reader.attribute("complete") == AttrValue{std::int64_t{0}});
  check_series(reader, 4);
}

TEST_CASE("HDF5 recorder: a killed process leaves a readable partial file", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto recorder = msim::make_hdf5_recorder(path);
    recorder->begin(test_layout());
    record_steps(*recorder, 6);
    ::raise(SIGKILL);
    ::_exit(3);  // not reached
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  Hdf5Reader reader(msim::partial_path(path));
  CHECK(reader.attribute("complete") == AttrValue{std::int64_t{0}});
  CHECK(reader.text("/scenario") == "market:\n  firms: 3\n");
  check_series(reader, 6);
}

TEST_CASE("HDF5 recorder: finish(true) replaces an existing file, and no rows is fine", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  std::ofstream(path) << "old";
  auto recorder = msim::make_hdf5_recorder(path);
  recorder->begin(test_layout());
  recorder->finish({}, true);
  Hdf5Reader reader(path);
  CHECK(reader.attribute("complete") == AttrValue{std::int64_t{1}});
  check_series(reader, 0);
}

TEST_CASE("HDF5 recorder: begin refuses an output made or changed since the caller looked",
          "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  SECTION("nothing was there: a file that appeared is kept") {
    auto recorder = msim::make_hdf5_recorder(path, {.replaces = msim::FileId{}});
    std::ofstream(path) << "made meanwhile";
    CHECK_THROWS_WITH(recorder->begin(test_layout()),
                      Catch::Contains("it appeared since this run looked at it"));
  }
  SECTION("a file was there: another that took its place is kept") {
    std::ofstream(path) << "old";
    const msim::FileId seen = msim::file_id(path);
    auto recorder = msim::make_hdf5_recorder(path, {.replaces = seen});
    fs::remove(path);
    std::ofstream(path) << "another, made meanwhile";
    CHECK_THROWS_AS(recorder->begin(test_layout()), msim::InputError);
  }
  CHECK(slurp(path).find("meanwhile") != std::string::npos);
  CHECK_FALSE(fs::exists(path + ".partial"));
}

TEST_CASE("HDF5 recorder: begin goes on when the file the caller saw is gone", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  std::ofstream(path) << "old";
  auto recorder = msim::make_hdf5_recorder(path, {.replaces = msim::file_id(path)});
  fs::remove(path);
  recorder->begin(test_layout());
  recorder->finish({}, true);
  CHECK(Hdf5Reader(path).attribute("complete") == AttrValue{std::int64_t{1}});
}

TEST_CASE("HDF5 recorder: an empty dimension gives zero-width rows", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  msim::RecordingLayout layout;
  layout.dims = {{"firm", "/firms/name", {}, "no firms"}};
  layout.labels = {{"/firms/strategy", "firm", {}, "strategy"}};
  layout.series = {{"/firms/price", {"firm"}, "EUR", "price"}, {"/total", {}, "EUR", "total"}};
  auto recorder = msim::make_hdf5_recorder(path);
  recorder->begin(layout);
  recorder->record(0, {{}, {1.5}});
  recorder->record(1, {{}, {2.5}});
  recorder->finish({}, true);
  Hdf5Reader reader(path);
  CHECK(reader.strings("/firms/name").empty());
  CHECK(reader.table("/firms/price").shape == std::vector<std::size_t>{2, 0});
  CHECK(reader.table("/total").values == std::vector<double>{1.5, 2.5});
}

TEST_CASE("HDF5 recorder: record_steps writes what record() would, step after step", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  auto recorder = msim::make_hdf5_recorder(path);
  recorder->begin(test_layout());
  record_steps(*recorder, 3);                       // steps 0..2 one at a time
  recorder->record_steps(3, 7, test_values(3, 7));  // 3..9 at once
  recorder->record_steps(10, 0, test_values(10, 0));
  auto short_values = test_values(10, 2);
  short_values[1].pop_back();
  CHECK_THROWS_AS(recorder->record_steps(10, 2, short_values), std::invalid_argument);
  recorder->record(10, test_rows(10));
  recorder->finish({}, true);
  check_series(Hdf5Reader(path), 11);
}

TEST_CASE("HDF5 recorder: an unlabelled file holds the data, texts and attributes only",
          "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  auto recorder = msim::make_hdf5_recorder(
      path, {.flush_each_record = false, .labelled = false, .replaces = std::nullopt});
  recorder->begin(test_layout());
  recorder->record_steps(0, 4, test_values(0, 4));
  recorder->finish({{"wall_seconds", 1.5}}, true);
  const Hdf5Reader reader(path);
  check_series(reader, 4);
  CHECK(reader.text("/scenario") == "market:\n  firms: 3\n");
  CHECK(std::get<std::int64_t>(reader.attribute("seed")) == 42);
  CHECK(std::get<std::int64_t>(reader.attribute("complete")) == 1);
  CHECK(std::get<double>(reader.attribute("wall_seconds")) == 1.5);
  CHECK_FALSE(reader.exists("/firms/name"));       // no dimension scales
  CHECK_FALSE(reader.exists("/firm"));
  CHECK_FALSE(reader.exists("/firms/strategy"));   // no label tables
  CHECK(reader.string_attribute("/firms/price", "units").empty());
  // The labelled default has them.
  const std::string labelled = dir.file("labelled.h5");
  auto full = msim::make_hdf5_recorder(labelled);
  full->begin(test_layout());
  full->record_steps(0, 4, test_values(0, 4));
  full->finish({}, true);
  const Hdf5Reader full_reader(labelled);
  CHECK(full_reader.exists("/firms/name"));
  CHECK(full_reader.string_attribute("/firms/price", "units") == "EUR");
}

TEST_CASE("memory recorder: record_steps is record() for each step", "[hdf5]") {
  msim::MemoryRecorder one, many;
  one.begin(test_layout());
  many.begin(test_layout());
  for (std::int64_t t = 0; t < 5; ++t) one.record(t, test_rows(t));
  many.record_steps(0, 5, test_values(0, 5));
  CHECK(many.rows() == one.rows());
  REQUIRE(many.rows()[2].size() == 5);
  CHECK(many.rows()[2][4] == test_rows(4)[2]);
  auto ragged = test_values(5, 2);
  ragged[1].pop_back();
  CHECK_THROWS_AS(many.record_steps(5, 2, ragged), std::invalid_argument);
  CHECK(many.rows()[0].size() == 5);  // nothing recorded
}

TEST_CASE("HDF5 recorder rejects bad input", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");

  SECTION("wrong rows") {
    auto recorder = msim::make_hdf5_recorder(path);
    recorder->begin(test_layout());
    auto rows = test_rows(0);
    rows.pop_back();
    CHECK_THROWS_AS(recorder->record(0, rows), std::invalid_argument);
    rows = test_rows(0);
    rows[1].push_back(1.0);
    CHECK_THROWS_AS(recorder->record(0, rows), std::invalid_argument);
    rows = test_rows(0);
    rows[2].pop_back();
    CHECK_THROWS_AS(recorder->record(0, rows), std::invalid_argument);
    recorder->record(0, test_rows(0));  // still usable
    recorder->finish({}, true);
    check_series(Hdf5Reader(path), 1);
  }
  SECTION("unknown dimension") {
    auto layout = test_layout();
    layout.series[1].dims = {"planet"};
    auto recorder = msim::make_hdf5_recorder(path);
    CHECK_THROWS_AS(recorder->begin(layout), std::invalid_argument);
  }
  SECTION("a table column whose width is not its dimension's size, or an unknown dimension") {
    auto layout = test_layout();
    layout.tables = {{"/sample", {{"score", false, 2, "", "per firm", "firm"}}}};
    CHECK_THROWS_AS(msim::make_hdf5_recorder(path)->begin(layout), std::invalid_argument);
    layout.tables = {{"/sample", {{"score", false, 2, "", "per planet", "planet"}}}};
    CHECK_THROWS_AS(msim::make_hdf5_recorder(path)->begin(layout), std::invalid_argument);
  }
  SECTION("labels of an unknown dimension") {
    auto layout = test_layout();
    layout.labels[0].dim = "planet";
    auto recorder = msim::make_hdf5_recorder(path);
    CHECK_THROWS_AS(recorder->begin(layout), std::invalid_argument);
  }
  SECTION("a directory that does not exist") {
    const std::string bad = dir.file("no/such/dir/run.h5");
    auto recorder = msim::make_hdf5_recorder(bad);
    try {
      recorder->begin(test_layout());
      FAIL("begin should throw");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()).find(msim::partial_path(bad)) != std::string::npos);
    }
  }
}

TEST_CASE("Hdf5Reader errors", "[hdf5]") {
  TempDir dir;
  const std::string missing = dir.file("missing.h5");
  try {
    Hdf5Reader reader(missing);
    FAIL("opening a missing file should throw");
  } catch (const msim::InputError& e) {
    CHECK(std::string(e.what()) == "cannot open '" + missing + "': no such file");
  }
  CHECK_THROWS_WITH(Hdf5Reader(dir.file("")), Catch::Contains("it is a directory"));
  const std::string text = dir.file("text.h5");
  std::ofstream(text) << "not hdf5\n";
  CHECK_THROWS_WITH(Hdf5Reader(text), Catch::Contains("not an HDF5 file"));
  CHECK_THROWS_AS(Hdf5Reader(text), msim::InputError);

  const std::string path = dir.file("run.h5");
  auto recorder = msim::make_hdf5_recorder(path);
  recorder->begin(test_layout());
  recorder->finish({}, true);
  Hdf5Reader reader(path);
  CHECK_THROWS_WITH(reader.table("/market/nope"),
                    Catch::Contains("/market/nope") && Catch::Contains(path));
  CHECK_THROWS_AS(reader.table("/firms/name"), msim::InputError);  // strings, not numbers
  CHECK_THROWS_AS(reader.table("/firms"), msim::InputError);       // a group
  CHECK_THROWS_AS(reader.strings("/market/units"), msim::InputError);
  CHECK_THROWS_AS(reader.text("/nope"), msim::InputError);
  CHECK_THROWS_AS(reader.list("/scenario"), msim::InputError);
  CHECK_THROWS_AS(reader.attribute("units", "/nope"), msim::InputError);
}

TEST_CASE("HDF5 recorder appends 500 steps of 40 series", "[hdf5]") {
  TempDir dir;
  msim::RecordingLayout layout;
  std::vector<std::string> names;
  for (int i = 0; i < 20; ++i) names.push_back("firm " + std::to_string(i));
  layout.dims = {{"firm", "/firms/name", names, "firm name"}};
  for (int k = 0; k < 40; ++k)
    layout.series.push_back(
        {"/s/" + std::to_string(k),
         k % 2 == 0 ? std::vector<std::string>{} : std::vector<std::string>{"firm"}, "units",
         "series"});
  std::vector<std::vector<double>> rows;
  for (int k = 0; k < 40; ++k) rows.emplace_back(k % 2 == 0 ? 1 : 20, 1.0);

  auto recorder = msim::make_hdf5_recorder(dir.file("fast.h5"));
  recorder->begin(layout);
  constexpr int kSteps = 500;
  for (int t = 0; t < kSteps; ++t) recorder->record(t, rows);
  recorder->finish({}, true);
  CHECK(Hdf5Reader(dir.file("fast.h5")).table("/s/39").shape ==
        std::vector<std::size_t>{kSteps, 20});
}

TEST_CASE("HDF5 recorder: a dimension's scale path taken by another dataset is refused", "[hdf5]") {
  TempDir dir;
  msim::RecordingLayout layout = test_layout();
  layout.series.push_back({"/firm/extra", {"firm"}, "units", "takes the firm scale's path"});
  CHECK_THROWS_WITH(msim::make_hdf5_recorder(dir.file("t.h5"))->begin(layout),
                    Catch::Contains("'/firm/extra' takes the path of dimension 'firm''s scale"));
}
