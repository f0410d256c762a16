// The global operator new of test_allocations: malloc, counting the bytes it gives a thread
// while that thread's count is on (counting_new.hpp).
//
// Every unaligned form is replaced, not only new(size_t) and its deletes. The C++ library's own
// nothrow and array forms call new(size_t) and delete(void*), but a sanitizer's runtime brings
// forms of its own: there Catch2's new(std::nothrow) came from the sanitizer's heap and went back
// through the delete below to free(), which AddressSanitizer reported as alloc-dealloc-mismatch,
// and the array forms went uncounted. The aligned forms are left to the library (or runtime): it
// gives and frees them together, and the counts leave them out in every build alike.
#include "tests/allocations/counting_new.hpp"

#include <cstdlib>
#include <new>

namespace {

thread_local bool on = false;
thread_local std::size_t bytes = 0;

void* counted_malloc(std::size_t n) noexcept {
  if (on) bytes += n;
  return std::malloc(n == 0 ? 1 : n);
}

}  // namespace

namespace msim::test {

std::size_t& counted_bytes() {
  return bytes;
}

bool& counting() {
  return on;
}

}  // namespace msim::test

void* operator new(std::size_t n) {
  if (void* p = counted_malloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = counted_malloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return counted_malloc(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return counted_malloc(n);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
