// BackgroundRecorder: calls reach the inner recorder in order with their arguments, whatever the
// queue's length; a failure of the inner recorder comes back to the caller; destruction without
// finish() writes what was queued and does not finish.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/background_recorder.hpp"
#include "sim/recorder.hpp"

namespace {

msim::RecordingLayout layout() {
  msim::RecordingLayout l;
  l.series = {{"/a", {}, "items", "a"}, {"/b", {}, "items", "b"}};
  l.tables = {{"/log", {{"id", true, 0, "", "id"}}}};
  return l;
}

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
  rec.begin(layout());
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
  const std::size_t queued = GENERATE(1, 2, 16);
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

TEST_CASE("background recorder: a failure of the inner recorder reaches the caller", "[recorder]") {
  Log inner;
  inner.fail_at = 3;
  msim::BackgroundRecorder background(inner, 4);
  background.begin(layout());
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
    msim::BackgroundRecorder background(inner, 8);
    background.begin(layout());
    for (std::int64_t t = 0; t < 6; ++t) background.record(t, {{1.0}, {2.0}});
  }  // (a run that threw)
  CHECK(inner.calls.size() == 7);
  CHECK(inner.calls.back() == "record 5 1.000000");
  CHECK_FALSE(inner.finished);
}
