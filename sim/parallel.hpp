#pragma once
/// A deterministic blocked parallel loop: the index range is cut into fixed-size blocks, each
/// block is processed by one task, and each block writes only its own partial-sum slot. Callers
/// reduce the slots in block order, so integer sums are identical at any thread count.
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace msim {

/// Limits TBB to `threads` worker threads for its lifetime (0 = all hardware threads).
class ThreadLimit {
 public:
  explicit ThreadLimit(std::size_t threads)
      : control_(threads == 0 ? nullptr
                              : std::make_unique<tbb::global_control>(
                                    tbb::global_control::max_allowed_parallelism, threads)) {}
  /// The number of threads TBB will use.
  static std::size_t active() {
    return tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism);
  }

 private:
  std::unique_ptr<tbb::global_control> control_;
};

/// Fixed-size blocks over [0, n).
struct Blocks {
  std::size_t n = 0;
  std::size_t size = 4096;
  std::size_t count() const { return (n + size - 1) / size; }
  std::size_t begin(std::size_t b) const { return b * size; }
  std::size_t end(std::size_t b) const { return std::min(n, (b + 1) * size); }
};

/// Calls body(block, begin, end) for every block, in parallel. The body must write only state
/// owned by its block.
/// @throws std::runtime_error when the loop was cancelled (an exception that left an enclosing
/// TBB loop cancels the loops nested in it, which then skip blocks without a word).
template <class Body>
void for_blocks(const Blocks& blocks, Body&& body) {
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, blocks.count(), 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t b = r.begin(); b != r.end(); ++b) body(b, blocks.begin(b), blocks.end(b));
      },
      tbb::simple_partitioner());
  if (tbb::is_current_task_group_canceling())
    throw std::runtime_error(
        "a parallel loop over blocks was cancelled before it covered them all");
}

/// Per-block integer partial sums: `width` int64 counters per block, each block's row padded to
/// a cache line so neighbouring blocks never share one.
class PartialSums {
 public:
  PartialSums(std::size_t blocks, std::size_t width)
      : width_(width), stride_(stride(width)), data_(blocks * stride_ + 8, 0) {}
  /// The bytes that the rows of `blocks` blocks of `width` counters take (for memory estimates).
  static double bytes(std::size_t blocks, std::size_t width) {
    return 8.0 * static_cast<double>(blocks * stride(width) + 8);
  }
  std::int64_t* row(std::size_t block) { return aligned() + block * stride_; }
  void clear() { std::fill(data_.begin(), data_.end(), 0); }
  /// Sums the rows in block order into `out` (resized to width).
  /// @throws std::overflow_error naming the column when a sum passes the range of 64 bits
  /// (it would wrap around silently).
  void reduce(std::vector<std::int64_t>& out) const {
    out.assign(width_, 0);
    const std::size_t blocks = (data_.size() - 8) / stride_;
    const std::int64_t* base = aligned();
    for (std::size_t b = 0; b < blocks; ++b)
      for (std::size_t k = 0; k < width_; ++k)
        if (__builtin_add_overflow(out[k], base[b * stride_ + k], &out[k]))
          throw std::overflow_error("the sum of column " + std::to_string(k) +
                                    " over the blocks passes the range of 64-bit integers");
  }

 private:
  static std::size_t stride(std::size_t width) { return (width + 7) / 8 * 8; }
  std::int64_t* aligned() const {
    auto p = reinterpret_cast<std::uintptr_t>(data_.data());
    return reinterpret_cast<std::int64_t*>((p + 63) / 64 * 64);
  }
  std::size_t width_, stride_;
  mutable std::vector<std::int64_t> data_;
};

}  // namespace msim
