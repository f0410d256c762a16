#include "sim/background_recorder.hpp"

#include <chrono>
#include <utility>

namespace msim {

BackgroundRecorder::BackgroundRecorder(Recorder& inner, std::size_t max_queued)
    : inner_(inner), max_queued_(max_queued == 0 ? 1 : max_queued), thread_([this] { work(); }) {}

BackgroundRecorder::~BackgroundRecorder() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void BackgroundRecorder::begin(const RecordingLayout& layout) {
  drain();
  inner_.begin(layout);
}

void BackgroundRecorder::record(std::int64_t step, const std::vector<std::vector<double>>& rows) {
  post([this, step, rows] { inner_.record(step, rows); });
}

void BackgroundRecorder::record_steps(std::int64_t first, std::size_t n,
                                      const std::vector<std::vector<double>>& values) {
  post([this, first, n, values] { inner_.record_steps(first, n, values); });
}

void BackgroundRecorder::append(std::size_t table, const TableRows& rows) {
  post([this, table, rows] { inner_.append(table, rows); });
}

void BackgroundRecorder::progress(const Attributes& attributes) {
  post([this, attributes] { inner_.progress(attributes); });
}

void BackgroundRecorder::finish(const Attributes& final_attributes, bool complete) {
  drain();
  inner_.finish(final_attributes, complete);
}

double BackgroundRecorder::busy_seconds() const {
  std::lock_guard lock(mutex_);
  return busy_seconds_;
}

void BackgroundRecorder::rethrow_failure() {
  if (failure_) std::rethrow_exception(failure_);
}

void BackgroundRecorder::post(std::function<void()> call) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return queue_.size() < max_queued_ || failure_; });
  rethrow_failure();
  queue_.push_back(std::move(call));
  lock.unlock();
  changed_.notify_all();
}

void BackgroundRecorder::drain() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return (queue_.empty() && !busy_) || failure_; });
  rethrow_failure();
}

void BackgroundRecorder::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping, and everything written
    std::function<void()> call = std::move(queue_.front());
    queue_.pop_front();
    if (failure_) continue;  // the output is already broken: drop the rest
    busy_ = true;
    lock.unlock();
    const auto start = std::chrono::steady_clock::now();
    std::exception_ptr failed;
    try {
      call();
    } catch (...) {
      failed = std::current_exception();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    lock.lock();
    busy_ = false;
    busy_seconds_ += seconds;
    if (failed) failure_ = failed;
    changed_.notify_all();
  }
}

}  // namespace msim
