#pragma once
/// An allocator for large columns. Allocations of 2 MiB or more are aligned to 2 MiB and their
/// whole 2 MiB pages marked for transparent huge pages (madvise MADV_HUGEPAGE, where the kernel
/// offers it), which cuts the page faults when a large population is first written and the TLB
/// misses when the kernel streams through it. The part-filled last 2 MiB keeps ordinary pages
/// (MADV_NOHUGEPAGE): as one huge page it would be resident whole, about 1 MiB per column unused
/// (18 MB for the standard market's 18 columns). The pages are faulted in by all worker threads
/// at once before the allocation returns (the vector then initialises memory already in place):
/// the first write to memory the process never touched is slow, and in a virtual machine whose
/// host takes back the memory its guest left idle, it took about 2 s per GB on one thread.
/// Smaller allocations use operator new.
#include <cstddef>
#include <new>

namespace msim {

inline constexpr std::size_t kHugePage = std::size_t{2} << 20;

/// At least `bytes` (kHugePage or more), aligned to kHugePage, advised and faulted in as above;
/// throws std::bad_alloc. Release with release_columns().
void* allocate_columns(std::size_t bytes);
void release_columns(void* p) noexcept;

template <class T>
struct HugePageAllocator {
  using value_type = T;
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__, "over-aligned columns");

  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {
  }  // NOLINT: converting, as allocators do

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return static_cast<T*>(::operator new(bytes));
    return static_cast<T*>(allocate_columns(bytes));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) < kHugePage)
      ::operator delete(p);
    else
      release_columns(p);
  }
  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) { return true; }
};

}  // namespace msim
