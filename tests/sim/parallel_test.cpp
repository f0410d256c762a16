#include <tbb/task_group.h>
#include <catch2/catch.hpp>

#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "sim/parallel.hpp"

TEST_CASE("Blocks cover the range exactly once", "[parallel]") {
  const msim::Blocks blocks{10007, 1000};
  CHECK(blocks.count() == 11);
  CHECK(blocks.begin(10) == 10000);
  CHECK(blocks.end(10) == 10007);
  std::vector<int> seen(10007, 0);
  msim::for_blocks(blocks, [&](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) ++seen[i];
  });
  CHECK(std::all_of(seen.begin(), seen.end(), [](int x) { return x == 1; }));
}

TEST_CASE("a loop over blocks inside a cancelled parallel loop throws, not skips blocks",
          "[parallel]") {
  // As when another iteration of the enclosing loop threw: its context is cancelled, and the
  // nested loop would return with blocks left undone.
  tbb::task_group_context outer;
  bool threw = false;
  std::size_t done = 0;
  tbb::parallel_for(
      tbb::blocked_range<int>(0, 1),
      [&](const tbb::blocked_range<int>&) {
        outer.cancel_group_execution();
        try {
          msim::for_blocks(msim::Blocks{100000, 100},
                           [&](std::size_t, std::size_t, std::size_t) { ++done; });
        } catch (const std::runtime_error&) {
          threw = true;
        }
      },
      outer);
  CHECK(threw);
  CHECK(done < 1000);
}

TEST_CASE("partial sums reduce to the same totals at any thread count", "[parallel]") {
  const msim::Blocks blocks{100000, 512};
  std::vector<std::int64_t> reference;
  for (std::size_t threads : {1, 2, 4}) {
    msim::ThreadLimit limit(threads);
    msim::PartialSums partials(blocks.count(), 3);
    msim::for_blocks(blocks, [&](std::size_t b, std::size_t begin, std::size_t end) {
      std::int64_t* row = partials.row(b);
      for (std::size_t i = begin; i < end; ++i) {
        row[0] += 1;
        row[1] += static_cast<std::int64_t>(i);
        row[2] += static_cast<std::int64_t>(i % 7);
      }
    });
    std::vector<std::int64_t> sums;
    partials.reduce(sums);
    CHECK(sums[0] == 100000);
    CHECK(sums[1] == 100000LL * 99999 / 2);
    if (reference.empty()) reference = sums;
    CHECK(sums == reference);
    partials.clear();
    partials.reduce(sums);
    CHECK(sums == std::vector<std::int64_t>(3, 0));
  }
}

TEST_CASE("partial-sum rows do not share cache lines", "[parallel]") {
  msim::PartialSums partials(4, 3);
  const auto a = reinterpret_cast<std::uintptr_t>(partials.row(0));
  const auto b = reinterpret_cast<std::uintptr_t>(partials.row(1));
  CHECK(a % 64 == 0);
  CHECK(b - a >= 64);
}

TEST_CASE("a sum of partial sums that would pass 64 bits is refused, not wrapped", "[parallel]") {
  msim::PartialSums partials(3, 2);
  for (std::size_t b = 0; b < 3; ++b) {
    partials.row(b)[0] = 1;
    partials.row(b)[1] = std::numeric_limits<std::int64_t>::max() / 2;
  }
  std::vector<std::int64_t> sums;
  REQUIRE_THROWS_AS(partials.reduce(sums), std::overflow_error);
  REQUIRE_THROWS_WITH(partials.reduce(sums), Catch::Contains("column 1"));
  partials.row(2)[1] = 0;  // two halves of the maximum fit
  partials.reduce(sums);
  CHECK(sums == std::vector<std::int64_t>{3, std::numeric_limits<std::int64_t>::max() / 2 * 2});
}
