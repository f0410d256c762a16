#pragma once
// Reading the CSV files `marketsim summarize --csv` writes, for the tests that check them: rows
// of cells, and the digits of a number's text.
#include <cstddef>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace msim::test {

/// The rows of CSV text, its quoted cells ("a, b" and "say ""x""") unquoted.
inline std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> row(1);
    bool quoted = false;
    for (std::size_t k = 0; k < line.size(); ++k) {
      const char c = line[k];
      if (quoted && c == '"' && k + 1 < line.size() && line[k + 1] == '"')
        row.back() += line[++k];
      else if (c == '"')
        quoted = !quoted;
      else if (c == ',' && !quoted)
        row.emplace_back();
      else
        row.back() += c;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

/// Significant digits of a number's text (before any exponent, without leading zeros), and its
/// decimals (after '.').
inline std::pair<std::size_t, std::size_t> digits_and_decimals(const std::string& cell) {
  const std::string mantissa = cell.substr(0, cell.find_first_of("eE"));
  std::string digits;
  for (char c : mantissa)
    if (c >= '0' && c <= '9' && !(digits.empty() && c == '0')) digits += c;
  const std::size_t dot = mantissa.find('.');
  return {digits.size(), dot == std::string::npos ? 0 : mantissa.size() - dot - 1};
}

}  // namespace msim::test
