#pragma once
/// Internal to models/summary_*.cpp (and the experiment's, models/experiment_summary.cpp): the
/// number and list wording they share, and the summary's two tables (the public side is
/// models/summary.hpp).
#include <string>
#include <vector>

#include "models/summary.hpp"

namespace msim::summary_text {

/// A fraction as a percentage with one decimal: "12.5%".
std::string percent(double x);
/// An amount of money, shortened above a thousand: "950", "12.3k", "4.56M", "1.20B", "3.40T",
/// each in the smallest unit whose rounded value is under 1000 (999,950 is "1.00M", not
/// "1000.0k"); from 999.995 trillion on with an exponent, "1.23e+15", at most 9 characters.
std::string money(double x);
/// A count: in full when it rounds to under 10,000, else shortened as money() does.
std::string count(double x);
/// What a shock's change in a market at `scale` other than 1 adds after the amount the run used
/// (a budget or fixed cost it sets, times the scale): the file's amount, "(3.0k in the file)".
std::string file_amount(const std::string& amount);
/// A shock's change without its file_amount() at the end ("VarietyCo's budget set to 12.0k per
/// year at scale 4"), so that design points' changes read as one; the change when it has none.
std::string without_file_amount(const std::string& change);
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
