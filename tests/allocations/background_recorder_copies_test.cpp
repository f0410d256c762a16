// BackgroundRecorder's copies, counted in the bytes that operator new gives the caller's thread:
// a call copies its arguments once, and table rows handed over by move not at all (the queue's
// bound then counts the bytes their vectors hold).
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/background_recorder.hpp"
#include "sim/recorder.hpp"
#include "tests/allocations/counting_new.hpp"
#include "tests/sim/two_series_layout.hpp"

using msim::test::bytes_allocated_by;

namespace {

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
  background.begin(msim::test::two_series_layout());
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

TEST_CASE("background recorder: rows handed over by move are queued uncopied", "[recorder]") {
  // 8 MB of ids handed over: the caller's thread allocates the queued call, not the ids again
  // (a copy would be 8 MB). The bound counts the ids' vector whole, capacity and all.
  Sizes inner;
  msim::BackgroundRecorder background(inner);
  background.begin(msim::test::two_series_layout());
  msim::TableRows rows = ids(1000000);
  std::get<std::vector<std::int64_t>>(rows[0]).reserve(1500000);
  const std::size_t held = msim::BackgroundRecorder::moved_call_bytes(rows);
  CHECK(held == 64 + 24 + 8 * 1500000);
  CHECK(msim::BackgroundRecorder::call_bytes(rows) == 64 + 24 + 8 * 1000000);
  const std::size_t counted = bytes_allocated_by([&] { background.append(0, std::move(rows)); });
  CHECK(counted < 1000);
  background.finish({}, true);
  CHECK(background.peak_held_bytes() == held);
  CHECK(inner.appended == std::vector<std::size_t>{1000000});
}
