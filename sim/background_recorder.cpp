#include "sim/background_recorder.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <variant>

namespace msim {

namespace {

constexpr std::size_t kCall = 64;    ///< the queued call itself
constexpr std::size_t kVector = 24;  ///< a vector's handle

}  // namespace

std::size_t BackgroundRecorder::call_bytes(const std::vector<std::vector<double>>& rows) {
  std::size_t bytes = kCall;
  for (const auto& row : rows) bytes += kVector + sizeof(double) * row.size();
  return bytes;
}

std::size_t BackgroundRecorder::call_bytes(const TableRows& rows) {
  std::size_t bytes = kCall;
  for (const TableColumn& column : rows)
    bytes += kVector + std::visit([](const auto& v) { return sizeof(v[0]) * v.size(); }, column);
  return bytes;
}

std::size_t BackgroundRecorder::moved_call_bytes(const TableRows& rows) {
  std::size_t bytes = kCall;
  for (const TableColumn& column : rows)
    bytes +=
        kVector + std::visit([](const auto& v) { return sizeof(v[0]) * v.capacity(); }, column);
  return bytes;
}

std::size_t BackgroundRecorder::call_bytes(const Attributes& attributes) {
  std::size_t bytes = kCall;
  for (const auto& [name, value] : attributes) {
    bytes += sizeof(std::pair<std::string, AttrValue>) + name.size();
    if (const auto* text = std::get_if<std::string>(&value)) bytes += text->size();
  }
  return bytes;
}

BackgroundRecorder::BackgroundRecorder(Recorder& inner, std::size_t max_bytes)
    : inner_(inner), max_bytes_(max_bytes), thread_([this] { work(); }) {}

BackgroundRecorder::~BackgroundRecorder() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void BackgroundRecorder::make_room(std::size_t bytes) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return held_ == 0 || held_ + bytes <= max_bytes_ || failure_; });
  rethrow_failure();
  held_ += bytes;
  peak_held_ = std::max(peak_held_, held_);
}

template <class Make>
void BackgroundRecorder::post(std::size_t bytes, const Make& make) {
  make_room(bytes);
  Call call{{}, bytes};
  try {
    call.run = make();  // the copy, outside the lock: the writer goes on meanwhile
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(call));
  } catch (...) {  // no copy or no room in the queue: the bytes were never queued
    std::lock_guard lock(mutex_);
    held_ -= bytes;
    changed_.notify_all();
    throw;
  }
  changed_.notify_all();
}

void BackgroundRecorder::begin(const RecordingLayout& layout) {
  drain();
  inner_.begin(layout);
}

// Each call's arguments are copied once, into an init-capture: a plain capture of a const
// reference would be a const member, which the std::function copies again instead of moving.
// Table rows, copied or handed over, go on to the inner recorder by move.
void BackgroundRecorder::record(std::int64_t step, const std::vector<std::vector<double>>& rows) {
  post(call_bytes(rows), [&] {
    return
        [this, step, rows = std::vector<std::vector<double>>(rows)] { inner_.record(step, rows); };
  });
}

void BackgroundRecorder::record_steps(std::int64_t first, std::size_t n,
                                      const std::vector<std::vector<double>>& values) {
  post(call_bytes(values), [&] {
    return [this, first, n, values = std::vector<std::vector<double>>(values)] {
      inner_.record_steps(first, n, values);
    };
  });
}

void BackgroundRecorder::append(std::size_t table, const TableRows& rows) {
  post(call_bytes(rows), [&] {
    return
        [this, table, rows = TableRows(rows)]() mutable { inner_.append(table, std::move(rows)); };
  });
}

void BackgroundRecorder::append(std::size_t table, TableRows&& rows) {
  post(moved_call_bytes(rows), [&] {
    return
        [this, table, rows = std::move(rows)]() mutable { inner_.append(table, std::move(rows)); };
  });
}

void BackgroundRecorder::progress(const Attributes& attributes) {
  post(call_bytes(attributes), [&] {
    return [this, attributes = Attributes(attributes)] { inner_.progress(attributes); };
  });
}

void BackgroundRecorder::finish(const Attributes& final_attributes, bool complete) {
  drain();
  inner_.finish(final_attributes, complete);
}

double BackgroundRecorder::busy_seconds() const {
  std::lock_guard lock(mutex_);
  return busy_seconds_;
}

std::size_t BackgroundRecorder::peak_held_bytes() const {
  std::lock_guard lock(mutex_);
  return peak_held_;
}

void BackgroundRecorder::rethrow_failure() {
  if (failure_) std::rethrow_exception(failure_);
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
    Call call = std::move(queue_.front());
    queue_.pop_front();
    if (failure_) {  // the output is already broken: drop the rest
      held_ -= call.bytes;
      changed_.notify_all();
      continue;
    }
    busy_ = true;
    lock.unlock();
    const auto start = std::chrono::steady_clock::now();
    std::exception_ptr failed;
    try {
      call.run();
    } catch (...) {
      failed = std::current_exception();
    }
    call.run = nullptr;  // the arguments go before the bytes they held are counted free
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    lock.lock();
    busy_ = false;
    held_ -= call.bytes;
    busy_seconds_ += seconds;
    if (failed) failure_ = failed;
    changed_.notify_all();
  }
}

}  // namespace msim
