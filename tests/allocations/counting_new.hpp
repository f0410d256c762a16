#pragma once
// Counts the bytes that the global operator new gives a thread. counting_new.cpp replaces
// operator new for the whole program that links it: only test_allocations does, so that the
// other test programs keep the usual one (and a sanitizer's checks of new against delete).
#include <cstddef>

namespace msim::test {

/// Bytes that operator new has given this thread while counting was on.
std::size_t& counted_bytes();
/// Whether operator new counts this thread's bytes now.
bool& counting();

/// The bytes that operator new gives this thread while `f()` runs (not other threads').
template <class F>
std::size_t bytes_allocated_by(F&& f) {
  counted_bytes() = 0;
  counting() = true;
  try {
    f();
  } catch (...) {
    counting() = false;
    throw;
  }
  counting() = false;
  return counted_bytes();
}

}  // namespace msim::test
