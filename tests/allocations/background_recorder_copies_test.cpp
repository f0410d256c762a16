// BackgroundRecorder's copies, counted in the bytes that operator new gives the caller's thread:
// a call copies its arguments once.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/background_recorder.hpp"
#include "sim/recorder.hpp"
#include "tests/allocations/counting_new.hpp"

using msim::test::bytes_allocated_by;

namespace {

msim::RecordingLayout layout() {
  msim::RecordingLayout l;
  l.series = {{"/a", {}, "items", "a"}, {"/b", {}, "items", "b"}};
  l.tables = {{"/log", {{"id", true, 0, "", "id"}}}};
  return l;
}

/// Keeps the number of ids in each append it is given.
class Sizes final : public msim::Recorder {
 public:
  std::vector<std::size_t> appended;
  bool finished = false;

  void begin(const msim::RecordingLayout&) override {}
  void record(std::int64_t, const std::vector<std::vector<double>>&) override {}
  void append(std::size_t, const msim::TableRows& rows) override {
    appended.push_back(std::get<std::vector<std::int64_t>>(rows[0]).size());
  }
  void finish(const msim::Attributes&, bool) override { finished = true; }
};

/// A table of `n` ids.
msim::TableRows ids(std::size_t n) {
  return {std::vector<std::int64_t>(n, 7)};
}

}  // namespace

TEST_CASE("background recorder: a call copies its arguments once", "[recorder]") {
  // 8 MB of ids: the caller's thread allocates them once more (the queued call's copy), not
  // twice (a const capture, copied again into the std::function).
  Sizes inner;
  msim::BackgroundRecorder background(inner);
  background.begin(layout());
  const msim::TableRows rows = ids(1000000);
  std::size_t counted = bytes_allocated_by([&] { background.append(0, rows); });
  CHECK(counted >= 8000000);
  CHECK(counted < 8100000);
  const std::vector<std::vector<double>> values(2, std::vector<double>(500000, 1.0));
  counted = bytes_allocated_by([&] { background.record(0, values); });
  CHECK(counted >= 8000000);
  CHECK(counted < 8100000);
  background.finish({}, true);
  CHECK(inner.finished);
  CHECK(inner.appended == std::vector<std::size_t>{1000000});
}
