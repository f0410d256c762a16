// How the summaries shorten numbers (models/summary_format.cpp): money and counts in the
// smallest unit whose rounded value is under 1000, with an exponent past trillions, so that
// a table's columns stay aligned at any amount.
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/summary.hpp"
#include "models/summary_text.hpp"

using msim::summary_text::count;
using msim::summary_text::money;

TEST_CASE("summary format: money rolls over to the next unit when it rounds to 1000",
          "[summary_format]") {
  CHECK(money(0) == "0");
  CHECK(money(950) == "950");
  CHECK(money(999.4) == "999");
  CHECK(money(999.6) == "1.0k");  // not "1000"
  CHECK(money(12345) == "12.3k");
  CHECK(money(999949) == "999.9k");
  CHECK(money(999950) == "1.00M");  // not "1000.0k"
  CHECK(money(-999950) == "-1.00M");
  CHECK(money(4.56e6) == "4.56M");
  CHECK(money(999994999) == "999.99M");
  CHECK(money(999995000) == "1.00B");
  CHECK(money(1.2e9) == "1.20B");
  CHECK(money(999995e6) == "1.00T");
  CHECK(money(3.4e12) == "3.40T");
  CHECK(money(-999.99e12) == "-999.99T");
}

TEST_CASE("summary format: money past trillions has an exponent, never a long number",
          "[summary_format]") {
  CHECK(money(-1e15) == "-1.00e+15");  // not "-1000000.00B"
  CHECK(money(999995e9) == "1.00e+15");
  CHECK(money(2.5e17) == "2.50e+17");
  for (const double x : {-1e15, -5.2e16, 1e18, -9.99e99})
    CHECK(money(x).size() <= std::string("-1.00e+15").size());
}

TEST_CASE("summary format: counts are whole under 10,000, shortened from where they round to it",
          "[summary_format]") {
  CHECK(count(9999) == "9999");
  CHECK(count(9999.6) == "10.0k");  // not "10000"
  CHECK(count(12345) == "12.3k");
  CHECK(count(999950) == "1.00M");
}

TEST_CASE("summary format: the firms' table stays aligned at a budget near its limit",
          "[summary_format]") {
  msim::Summary s;
  s.scenario = "huge";
  s.steps = s.steps_done = 52;
  s.steps_per_year = 52;
  s.complete = true;
  // A budget of 1e15 a year: a loss of about that much, over a year.
  s.rows = {{"Giant", "mass", 0.5, 0.4, 0.3, 0.9, -1.0e15, -0.99},
            {"Small", "niche", 0.5, 0.6, 0.2, 0.8, 999950.0, 1.5}};
  const std::string text = msim::format_summary(s);
  INFO(text);
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("firm ", 0) == 0 || line.rfind("Giant ", 0) == 0 || line.rfind("Small ", 0) == 0)
      lines.push_back(line);
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].size() == lines[0].size());  // every column where its heading is
  CHECK(lines[2].size() == lines[0].size());
  CHECK_THAT(lines[1], Catch::Contains(" -1.00e+15 ") && !Catch::Contains("B"));
  CHECK_THAT(lines[2], Catch::Contains(" 1.00M ") && !Catch::Contains("1000.0k"));
}
