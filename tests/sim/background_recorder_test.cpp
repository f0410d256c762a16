// BackgroundRecorder: calls reach the inner recorder in order with their arguments, whatever the
// queue's bound; a failure of the inner recorder comes back to the caller; destruction without
// finish() writes what was queued and does not finish; the queue holds at most its bound in
// bytes (a larger call alone). What a call copies is counted in tests/allocations/, whose
// program replaces operator new.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/background_recorder.hpp"
#include "sim/recorder.hpp"
#include "tests/sim/two_series_layout.hpp"

namespace {

/// Logs every call it receives, as text, and how many came on the caller's thread; slow on
/// request, and throws at the record() of step `fail_at`.
class Log final : public msim::Recorder {
 public:
  std::vector<std::string> calls;
  std::thread::id caller = std::this_thread::get_id();
  int on_caller_thread = 0;
  std::int64_t fail_at = -1;
  std::chrono::microseconds delay{0};
  bool finished = false;

  void begin(const msim::RecordingLayout& l) override {
    note("begin " + std::to_string(l.series.size()));
  }
  void record(std::int64_t step, const std::vector<std::vector<double>>& rows) override {
    std::this_thread::sleep_for(delay);
    if (step == fail_at) throw std::runtime_error("disk full at step " + std::to_string(step));
    note("record " + std::to_string(step) + " " + std::to_string(rows[0][0]));
  }
  void record_steps(std::int64_t first, std::size_t n,
                    const std::vector<std::vector<double>>& values) override {
    std::string text = "record_steps " + std::to_string(first) + " " + std::to_string(n);
    for (const auto& series : values)
      for (const double v : series) text += " " + std::to_string(static_cast<int>(v));
    note(text);
  }
  void append(std::size_t table, const msim::TableRows& rows) override {
    note("append " + std::to_string(table) + " " +
         std::to_string(std::get<std::vector<std::int64_t>>(rows[0]).size()));
  }
  void progress(const msim::Attributes& a) override {
    note("progress " + std::to_string(std::get<std::int64_t>(a.at(0).second)));
  }
  void finish(const msim::Attributes&, bool complete) override {
    finished = true;
    note(std::string("finish ") + (complete ? "1" : "0"));
  }

 private:
  void note(std::string s) {
    if (std::this_thread::get_id() == caller) ++on_caller_thread;
    calls.push_back(std::move(s));
  }
};

/// The calls of a run of `steps` steps, made on `rec`.
void run(msim::Recorder& rec, std::int64_t steps) {
  rec.begin(msim::test::two_series_layout());
  for (std::int64_t t = 0; t < steps; ++t) {
    rec.progress({{"steps_done", t + 1}});
    std::vector<std::vector<double>> rows = {{static_cast<double>(t)},
                                             {2.0 * static_cast<double>(t)}};
    rec.record(t, rows);
    rows[0][0] = -1.0;  // the caller may reuse its rows at once
    rec.append(0, {std::vector<std::int64_t>(static_cast<std::size_t>(t))});
  }
  rec.finish({}, true);
}

}  // namespace

TEST_CASE(
    "background recorder: the inner recorder gets every call in order, off the caller's "
    "thread",
    "[recorder]") {
  // Bytes: each call alone, a few at a time, all of them.
  const std::size_t queued = GENERATE(std::size_t{1}, std::size_t{600}, std::size_t{1} << 20);
  Log direct, inner;
  run(direct, 40);
  inner.delay = std::chrono::microseconds(200);  // the caller gets ahead and waits on the queue
  {
    msim::BackgroundRecorder background(inner, queued);
    run(background, 40);
    CHECK(background.busy_seconds() > 0.0);
  }
  CHECK(inner.calls == direct.calls);
  CHECK(inner.finished);
  CHECK(inner.on_caller_thread == 2);  // begin() and finish() only
}

TEST_CASE("background recorder: steps recorded at once reach the inner recorder at once",
          "[recorder]") {
  // Steps given at once (Recorder::record_steps) go on as one call, which the inner recorder may
  // write together (the HDF5 recorder appends to each dataset once), not as a record() per step.
  Log inner;
  {
    msim::BackgroundRecorder background(inner, 1000);
    background.begin(msim::test::two_series_layout());
    std::vector<std::vector<double>> values = {{1, 2, 3}, {4, 5, 6}};
    background.record_steps(2, 3, values);
    values[0][0] = -1.0;  // the caller may reuse its values at once
    background.record(5, {{7}, {8}});
    background.finish({}, true);
  }
  CHECK(inner.calls == std::vector<std::string>{"begin 2", "record_steps 2 3 1 2 3 4 5 6",
                                                "record 5 7.000000", "finish 1"});
  CHECK(inner.on_caller_thread == 2);  // begin() and finish() only
}

TEST_CASE("background recorder: a failure of the inner recorder reaches the caller", "[recorder]") {
  Log inner;
  inner.fail_at = 3;
  msim::BackgroundRecorder background(inner, 1000);
  background.begin(msim::test::two_series_layout());
  bool thrown = false;
  try {
    for (std::int64_t t = 0; t < 100; ++t) background.record(t, {{1.0}, {2.0}});
    background.finish({}, true);
  } catch (const std::runtime_error& e) {
    thrown = true;
    CHECK(std::string(e.what()) == "disk full at step 3");
  }
  CHECK(thrown);
  CHECK_FALSE(inner.finished);
  CHECK(inner.calls.back() == "record 2 1.000000");  // nothing after the failure is written
  CHECK_THROWS_AS(background.finish({}, true), std::runtime_error);  // and stays failed
}

TEST_CASE("background recorder: destroyed without finish, it writes what was queued",
          "[recorder]") {
  Log inner;
  inner.delay = std::chrono::microseconds(500);
  {
    msim::BackgroundRecorder background(inner, 4000);
    background.begin(msim::test::two_series_layout());
    for (std::int64_t t = 0; t < 6; ++t) background.record(t, {{1.0}, {2.0}});
  }  // (a run that threw)
  CHECK(inner.calls.size() == 7);
  CHECK(inner.calls.back() == "record 5 1.000000");
  CHECK_FALSE(inner.finished);
}

namespace {

/// Blocks every append() until open() is called.
class Gate final : public msim::Recorder {
 public:
  void begin(const msim::RecordingLayout&) override {}
  void record(std::int64_t, const std::vector<std::vector<double>>&) override {}
  void append(std::size_t, const msim::TableRows&) override {
    std::unique_lock lock(mutex_);
    opened_.wait(lock, [&] { return open_; });
  }
  void finish(const msim::Attributes&, bool) override {}
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

/// A table of `n` ids.
msim::TableRows ids(std::size_t n) {
  return {std::vector<std::int64_t>(n, 7)};
}

}  // namespace

TEST_CASE("background recorder: the queue holds at most its bound in bytes", "[recorder]") {
  // The writer is stuck on the first call: calls of 8,088 bytes (1,000 ids) queue behind it
  // until the bound, then the caller waits instead of copying more.
  const std::size_t call = msim::BackgroundRecorder::call_bytes(ids(1000));
  REQUIRE(call == 8000 + 24 + 64);
  Gate inner;
  msim::BackgroundRecorder background(inner, 4 * call);
  background.begin(msim::test::two_series_layout());
  std::atomic<int> appended{0};
  std::thread caller([&] {
    for (int k = 0; k < 20; ++k) {
      background.append(0, ids(1000));
      ++appended;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(appended.load() == 4);  // the one being written and three queued
  CHECK(background.peak_held_bytes() == 4 * call);
  inner.open();
  caller.join();
  background.finish({}, true);
  CHECK(appended.load() == 20);
  CHECK(background.peak_held_bytes() == 4 * call);
}

TEST_CASE("background recorder: a call larger than the bound waits, then goes alone",
          "[recorder]") {
  Log inner;
  inner.delay = std::chrono::microseconds(300);
  msim::BackgroundRecorder background(inner, 20000);
  background.begin(msim::test::two_series_layout());
  for (std::int64_t t = 0; t < 20; ++t) background.record(t, {{1.0}, {2.0}});
  background.append(0, ids(100000));  // 800 kB
  for (std::int64_t t = 20; t < 40; ++t) background.record(t, {{1.0}, {2.0}});
  background.finish({}, true);
  CHECK(background.peak_held_bytes() == msim::BackgroundRecorder::call_bytes(ids(100000)));
  CHECK(inner.calls.size() == 1 + 40 + 1 + 1);
  CHECK(inner.calls[21] == "append 0 100000");
}
