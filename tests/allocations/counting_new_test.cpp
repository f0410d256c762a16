// The counting operator new itself (counting_new.cpp): every unaligned form of new is counted,
// and each is freed by its own delete. With only new(size_t) and its deletes replaced, a
// sanitizer's runtime gave the nothrow and array forms from its own heap: they went uncounted,
// and a nothrow block freed by delete(void*) ended the program (alloc-dealloc-mismatch).
#include <cstddef>
#include <new>

#include <catch2/catch.hpp>

#include "tests/allocations/counting_new.hpp"

using msim::test::bytes_allocated_by;

TEST_CASE("counting new: the nothrow and array forms are counted, each freed by its delete",
          "[allocations]") {
  void* p = nullptr;
  CHECK(bytes_allocated_by([&] { p = ::operator new(1000); }) == 1000);
  ::operator delete(p);
  CHECK(bytes_allocated_by([&] { p = ::operator new[](2000); }) == 2000);
  ::operator delete[](p);
  CHECK(bytes_allocated_by([&] { p = ::operator new(3000, std::nothrow); }) == 3000);
  REQUIRE(p != nullptr);
  ::operator delete(p);  // as `delete` frees what `new (std::nothrow) T` made
  CHECK(bytes_allocated_by([&] { p = ::operator new[](4000, std::nothrow); }) == 4000);
  REQUIRE(p != nullptr);
  ::operator delete[](p);
  CHECK(bytes_allocated_by([&] { p = ::operator new(5000, std::nothrow); }) == 5000);
  ::operator delete(p, std::nothrow);
  CHECK(bytes_allocated_by([&] { p = ::operator new[](6000); }) == 6000);
  ::operator delete[](p, std::size_t{6000});
}
