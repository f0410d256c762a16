#pragma once
/// A Recorder that passes a run's output to another Recorder on a thread of its own, so that the
/// run does not wait while a step's rows are written: the file is written while the next step
/// computes. Calls reach the inner recorder in the order they were made, with their arguments
/// copied. begin() runs at once (a file that cannot be created is an error before the run
/// starts); finish() waits until everything is written.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "sim/recorder.hpp"

namespace msim {

class BackgroundRecorder final : public Recorder {
 public:
  /// `inner` must outlive this recorder. At most `max_queued` calls wait to be written; a
  /// caller that gets that far ahead waits (memory stays bounded if writing is slow).
  explicit BackgroundRecorder(Recorder& inner, std::size_t max_queued = 16);
  /// Writes what is queued, then stops the thread. Without finish(), the inner recorder is not
  /// finished (a run that threw leaves its output incomplete, as it would without this class).
  ~BackgroundRecorder() override;
  BackgroundRecorder(const BackgroundRecorder&) = delete;
  BackgroundRecorder& operator=(const BackgroundRecorder&) = delete;

  void begin(const RecordingLayout& layout) override;
  void record(std::int64_t step, const std::vector<std::vector<double>>& rows) override;
  void record_steps(std::int64_t first, std::size_t n,
                    const std::vector<std::vector<double>>& values) override;
  void append(std::size_t table, const TableRows& rows) override;
  void progress(const Attributes& attributes) override;
  /// Waits for the queued calls, then finishes the inner recorder on this thread.
  void finish(const Attributes& final_attributes, bool complete) override;

  /// Seconds the writing thread has spent in the inner recorder so far.
  double busy_seconds() const;

 private:
  /// Queues a call. Rethrows, on the caller's thread, the first exception a queued call threw
  /// (later calls are dropped: the output is broken).
  void post(std::function<void()> call);
  /// Waits until every queued call has been made; rethrows as post() does.
  void drain();
  void rethrow_failure();
  void work();

  Recorder& inner_;
  const std::size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> queue_;
  bool busy_ = false, stopping_ = false;
  std::exception_ptr failure_;
  double busy_seconds_ = 0.0;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace msim
