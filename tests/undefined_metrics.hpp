#pragma once
// The metrics that are NaN while they measure nothing: retention, referred retention and CLV
// before a lapse can be seen (wom_window steps after a firm's first customer; see
// Market::relationship). Every other metric a run records is finite.
#include <string>
#include <string_view>

namespace msim::test {

/// Whether the series at `path` ("/market/retention", say) may hold NaN.
inline bool undefined_until_seen(std::string_view path) {
  for (std::string_view name : {"/retention", "/clv", "/referred_retention"})
    if (path.size() > name.size() && path.substr(path.size() - name.size()) == name) return true;
  return false;
}

}  // namespace msim::test
