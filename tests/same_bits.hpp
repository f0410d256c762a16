#pragma once
// Bit-for-bit equality of float64 values: == would call two NaNs (an undefined metric, such as
// retention before any lapse can be seen) different, and -0.0 equal to 0.0.
#include <cstddef>
#include <cstring>
#include <vector>

namespace msim::test {

inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

/// Rows of series (a recorder's rows(), or one series' steps), compared as above.
template <typename T>
bool same_bits(const std::vector<std::vector<T>>& a, const std::vector<std::vector<T>>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (!same_bits(a[k], b[k])) return false;
  return true;
}

}  // namespace msim::test
