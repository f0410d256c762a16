#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

#include "sim/huge_pages.hpp"

TEST_CASE("a large column is aligned to 2 MiB and holds its values", "[huge_pages]") {
  std::vector<std::uint32_t, msim::HugePageAllocator<std::uint32_t>> column(3'000'017);
  CHECK(reinterpret_cast<std::uintptr_t>(column.data()) % msim::kHugePage == 0);
  for (std::size_t i = 0; i < column.size(); ++i) column[i] = static_cast<std::uint32_t>(i * 7);
  CHECK(column[3'000'016] == 21'000'112u);
  std::vector<std::uint8_t, msim::HugePageAllocator<std::uint8_t>> small(1000, 3);
  CHECK(small[999] == 3);
}

TEST_CASE("a column's part-filled last 2 MiB is not made resident as a whole huge page",
          "[huge_pages]") {
  // Two whole huge pages and one small page more, written in full. The allocation is rounded up
  // to 2 MiB; a huge page at the tail would make the unused rest of it resident too.
  const std::size_t bytes = 2 * msim::kHugePage + 4096;
  std::vector<std::uint8_t, msim::HugePageAllocator<std::uint8_t>> column(bytes, 1);
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t rounded = 3 * msim::kHugePage;
  std::vector<unsigned char> resident(rounded / page);
  REQUIRE(mincore(column.data(), rounded, resident.data()) == 0);
  std::size_t unused_resident = 0;
  for (std::size_t k = (bytes + page - 1) / page; k < resident.size(); ++k)
    unused_resident += resident[k] & 1u;
  CHECK(unused_resident == 0);
  std::size_t used_resident = 0;
  for (std::size_t k = 0; k < bytes / page; ++k) used_resident += resident[k] & 1u;
  CHECK(used_resident == bytes / page);
}

TEST_CASE("a large allocation's pages are in memory before its elements are written",
          "[huge_pages]") {
  msim::HugePageAllocator<std::uint16_t> alloc;
  const std::size_t n = 3 * msim::kHugePage / 2 + 1000;  // 3 MiB and 2,000 bytes
  std::uint16_t* p = alloc.allocate(n);
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t pages = (n * sizeof(std::uint16_t) + page - 1) / page;
  std::vector<unsigned char> resident(pages);
  REQUIRE(mincore(p, pages * page, resident.data()) == 0);
  std::size_t in_memory = 0;
  for (unsigned char r : resident) in_memory += r & 1u;
  alloc.deallocate(p, n);
  CHECK(in_memory == pages);
}
