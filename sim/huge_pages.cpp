#include "sim/huge_pages.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace msim {

void* allocate_columns(std::size_t bytes) {
  if (bytes > static_cast<std::size_t>(PTRDIFF_MAX) - kHugePage) throw std::bad_alloc();
  const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* p = std::aligned_alloc(kHugePage, rounded);
  if (p == nullptr) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE) && defined(MADV_NOHUGEPAGE)
  // Advice only: without huge pages nothing changes.
  const std::size_t whole = bytes / kHugePage * kHugePage;
  madvise(p, whole, MADV_HUGEPAGE);
  if (whole < rounded) madvise(static_cast<char*>(p) + whole, rounded - whole, MADV_NOHUGEPAGE);
#endif
  // One write per small page, in 2 MiB pieces shared among the worker threads: each page is
  // faulted in (and zeroed by the operating system) by whichever thread gets there, all threads
  // at once. The allocation is raw storage, so writing it before the vector constructs its
  // elements is fine.
  const long page_size = sysconf(_SC_PAGESIZE);
  const std::size_t page = page_size > 0 ? static_cast<std::size_t>(page_size) : 4096;
  auto* bytes_at = static_cast<volatile unsigned char*>(p);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, (bytes + kHugePage - 1) / kHugePage),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      const std::size_t end = std::min(bytes, r.end() * kHugePage);
                      for (std::size_t at = r.begin() * kHugePage; at < end; at += page)
                        bytes_at[at] = 0;
                    });
  return p;
}

void release_columns(void* p) noexcept {
  std::free(p);
}

}  // namespace msim
