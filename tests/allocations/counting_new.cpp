// The global operator new of test_allocations: malloc, counting the bytes it gives a thread
// while that thread's count is on (counting_new.hpp).
#include "tests/allocations/counting_new.hpp"

#include <cstdlib>
#include <new>

namespace {

thread_local bool on = false;
thread_local std::size_t bytes = 0;

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
  if (on) bytes += n;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
