#pragma once
/// Internal to models/summary_*.cpp: the number and list wording they share, and the summary's
/// two tables (the public side is models/summary.hpp).
#include <string>
#include <vector>

#include "models/summary.hpp"

namespace msim::summary_text {

/// A fraction as a percentage with one decimal: "12.5%".
std::string percent(double x);
/// An amount of money, shortened above a thousand: "950", "12.3k", "4.56M", "1.20B".
std::string money(double x);
/// A count: in full under 10,000, else shortened as money() does.
std::string count(double x);
/// "A", "A and B", "A, B and C".
std::string and_list(const std::vector<std::string>& names);

/// The firms of the rows that pass `test`.
template <typename Rows, typename Test>
std::vector<std::string> firms_where(const Rows& rows, Test test) {
  std::vector<std::string> names;
  for (const auto& r : rows)
    if (test(r)) names.push_back(r.firm);
  return names;
}

/// The customer-relationship table and its notes, after a blank line.
std::string format_relationships(const Summary& s);
/// The durable-goods table over the run and its notes, after a blank line.
std::string format_durables(const Summary& s);

}  // namespace msim::summary_text
