#pragma once
/// A Recorder that passes a run's output to another Recorder on a thread of its own, so that the
/// run does not wait while a step's rows are written: the file is written while the next step
/// computes. Calls reach the inner recorder in the order they were made, with their arguments
/// copied once (into the queued call), or not at all when table rows are handed over by move.
/// begin() runs at once (a file that cannot be created is an error before the run starts);
/// finish() waits until everything is written.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "sim/recorder.hpp"

namespace msim {

class BackgroundRecorder final : public Recorder {
 public:
  /// The default bound on the bytes of the calls queued and being written: 16 MiB, dozens of
  /// steps of a wide layout's rows (thousands of a small one); a snapshot slice of 65,536 rows
  /// (about 20 MB) goes alone.
  static constexpr std::size_t kDefaultMaxBytes = std::size_t{16} << 20;
  /// Bytes a call holds in the queue: its values (8 bytes each, their vectors' 24-byte
  /// handles) and 64 for the call itself. Rows handed over by move hold their vectors whole:
  /// moved_call_bytes() counts their capacity (a copy's is its size).
  static std::size_t call_bytes(const std::vector<std::vector<double>>& rows);
  static std::size_t call_bytes(const TableRows& rows);
  static std::size_t call_bytes(const Attributes& attributes);
  static std::size_t moved_call_bytes(const TableRows& rows);

  /// `inner` must outlive this recorder. The calls queued and the one being written hold at
  /// most `max_bytes` (call_bytes()) between them: a caller that would pass it waits before
  /// copying or handing over its arguments (memory stays bounded if writing is slow). A call larger
  /// than that waits until nothing else is held, then goes alone.
  explicit BackgroundRecorder(Recorder& inner, std::size_t max_bytes = kDefaultMaxBytes);
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
  /// Queues the rows themselves, uncopied (held as moved_call_bytes() counts them).
  void append(std::size_t table, TableRows&& rows) override;
  void progress(const Attributes& attributes) override;
  /// Waits for the queued calls, then finishes the inner recorder on this thread.
  void finish(const Attributes& final_attributes, bool complete) override;

  /// Seconds the writing thread has spent in the inner recorder so far.
  double busy_seconds() const;
  /// The most bytes (call_bytes()) that queued calls and the one being written held at once.
  std::size_t peak_held_bytes() const;

 private:
  /// Waits until `bytes` more fit under the bound, then counts them held. Rethrows, on the
  /// caller's thread, the first exception a queued call threw (later calls are dropped: the
  /// output is broken).
  void make_room(std::size_t bytes);
  /// Queues `make()`'s call, which holds `bytes` (copying or taking the arguments, after
  /// make_room).
  template <class Make>
  void post(std::size_t bytes, const Make& make);
  /// Waits until every queued call has been made; rethrows as post() does.
  void drain();
  void rethrow_failure();
  void work();

  struct Call {
    std::function<void()> run;
    std::size_t bytes = 0;
  };

  Recorder& inner_;
  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Call> queue_;
  std::size_t held_ = 0, peak_held_ = 0;  ///< bytes of the calls queued and being written
  bool busy_ = false, stopping_ = false;
  std::exception_ptr failure_;
  double busy_seconds_ = 0.0;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace msim
