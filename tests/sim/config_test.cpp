// Tests for msim::Config: typed getters, locations in messages, unknown keys and --set overrides.
#include "sim/config.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim/error.hpp"
#include "tests/temp_dir.hpp"

using Catch::Contains;
using msim::Config;
using msim::InputError;
namespace range = msim::range;

namespace {

// Line numbers matter: tests below refer to them.
const std::string kScenario = R"(name: demo
seed: 42
verbose: yes
firms:
  - name: Acme
    budget_per_year: 1e6
    share: 1.5
    strategy: greedy
  - name: Beta
    budget_per_year: -3
segments:
  - weights: [0.2, 0.8]
  - weights: [1, abc]
market:
  size: 2.5
  label: "hello"
  nothing:
)";

Config scenario(const std::vector<std::string>& overrides = {}) {
  return Config::load_string(kScenario, "scn.yaml", overrides);
}

Config firm(const Config& root, std::size_t i) {
  return root.child("firms").items().at(i);
}

}  // namespace

TEST_CASE("paths name list items by their name, else by index", "[config]") {
  const Config root = scenario();
  CHECK(root.path().empty());
  CHECK(firm(root, 0).path() == "firms.Acme");
  CHECK(firm(root, 1).child("budget_per_year").path() == "firms.Beta.budget_per_year");
  CHECK(root.child("segments").items().at(1).path() == "segments.1");
  CHECK(root.child("segments").items().at(1).child("weights").items().at(0).path() ==
        "segments.1.weights.0");
}

TEST_CASE("marks are 1-based and where() names file, line, column and key", "[config]") {
  const Config root = scenario();
  const msim::Mark m = firm(root, 0).child("share").mark();
  CHECK(m.file == "scn.yaml");
  CHECK(m.line == 7);
  CHECK(m.column == 12);
  CHECK(root.child("seed").where() == "scn.yaml:2:7: key 'seed'");
  CHECK(root.where() == "scn.yaml:1:1: top level");
}

TEST_CASE("numbers: ints, floats and exponents are doubles", "[config]") {
  const Config root = scenario();
  CHECK(root.get_double("seed") == 42.0);
  CHECK(firm(root, 0).get_double("budget_per_year") == 1e6);
  CHECK(root.child("market").get_double("size", range::positive()) == 2.5);
  CHECK(Config::load_string("x: +.5", "t").get_double("x") == 0.5);
  REQUIRE_THROWS_WITH(Config::load_string("x: +-1", "t").get_double("x"),
                      Contains("expected a number"));
}

TEST_CASE("as_double rejects strings, lists, maps, null and non-finite values", "[config]") {
  const Config root = scenario();
  const Config bad = root.child("segments").items().at(1).child("weights").items().at(1);
  REQUIRE_THROWS_WITH(bad.as_double(),
                      "scn.yaml:13:18: key 'segments.1.weights.1': got \"abc\", expected a number");
  REQUIRE_THROWS_WITH(root.child("firms").as_double(),
                      Contains("key 'firms'") && Contains("expected a number"));
  REQUIRE_THROWS_WITH(root.child("market").as_double(), Contains("got {...}, expected a number"));
  REQUIRE_THROWS_WITH(root.child("market").child("nothing").as_double(),
                      "scn.yaml:17:3: key 'market.nothing': got nothing, expected a number");
  for (const char* text : {"x: .inf", "x: -.inf", "x: .nan", "x: nan"}) {
    REQUIRE_THROWS_WITH(Config::load_string(text, "t").get_double("x"),
                        Contains("expected a finite number"));
  }
  // A number a double cannot hold is said to be one, not told a range it already meets.
  REQUIRE_THROWS_WITH(
      Config::load_string("x: 1e400", "t").get_double("x", msim::range::non_negative()),
      "t:1:4: key 'x': got \"1e400\", which is beyond the largest magnitude a double holds "
      "(about 1.8e308); expected a number >= 0");
  REQUIRE_THROWS_WITH(
      Config::load_string("x: -2.5e-400", "t").get_double("x", msim::range::closed(-1, 1)),
      Contains("got \"-2.5e-400\", which is too close to 0 to be held") &&
          Contains("write 0 if 0 is meant"));
}

TEST_CASE("range errors report the value, the line and the range", "[config]") {
  const Config root = scenario();
  REQUIRE_THROWS_WITH(firm(root, 0).get_double("share", range::unit()),
                      "scn.yaml:7:12: key 'firms.Acme.share': got \"1.5\", expected a number in "
                      "[0, 1]");
  REQUIRE_THROWS_WITH(firm(root, 1).get_double("budget_per_year", range::non_negative()),
                      Contains(":10:") && Contains("firms.Beta.budget_per_year") &&
                          Contains("got \"-3\", expected a number >= 0"));
  REQUIRE_THROWS_WITH(firm(root, 1).get_double("budget_per_year", 0.0, range::positive()),
                      Contains("expected a number > 0"));
}

TEST_CASE("Range::describe and contains", "[config]") {
  CHECK(range::any().describe() == "a number");
  CHECK(range::unit().describe() == "a number in [0, 1]");
  CHECK(range::positive().describe() == "a number > 0");
  CHECK(range::non_negative().describe() == "a number >= 0");
  CHECK(msim::Range{-1, 2.5, true, true}.describe() == "a number in (-1, 2.5)");
  CHECK(msim::Range{-std::numeric_limits<double>::infinity(), 3, false, true}.describe() ==
        "a number < 3");
  CHECK(range::unit().contains(0.0));
  CHECK(range::unit().contains(1.0));
  CHECK_FALSE(range::unit().contains(1.0000001));
  CHECK_FALSE(range::positive().contains(0.0));
  CHECK(range::positive().contains(1e-300));
  CHECK_FALSE(range::any().contains(std::nan("")));
}

TEST_CASE("as_int accepts integers and integral floats, rejects fractions", "[config]") {
  const Config root = scenario();
  CHECK(root.get_int("seed") == 42);
  CHECK(firm(root, 0).get_int("budget_per_year") == 1000000);
  CHECK(Config::load_string("x: 9007199254740993", "t").get_int("x") == 9007199254740993);
  REQUIRE_THROWS_WITH(root.child("market").get_int("size"),
                      Contains(":15:9:") && Contains("got \"2.5\", expected an integer"));
  REQUIRE_THROWS_WITH(root.get_int("name"), Contains("got \"demo\", expected an integer"));
  REQUIRE_THROWS_WITH(root.get_int("seed", range::closed(1, 10)),
                      Contains("expected an integer in [1, 10]"));
  REQUIRE_THROWS_WITH(firm(root, 1).get_int("budget_per_year", msim::Range{1.0}),
                      Contains("expected an integer >= 1"));
  // Past 64 bits the message gives the bound the range leaves out.
  const Config big = Config::load_string(
      "a: 9223372036854775807\nb: 9223372036854775808\nc: 1e30\nd: -9223372036854775809\n", "t");
  CHECK(big.get_int("a", range::non_negative()) == std::numeric_limits<std::int64_t>::max());
  REQUIRE_THROWS_WITH(big.get_int("b", range::non_negative()),
                      "t:2:4: key 'b': got \"9223372036854775808\", expected an integer >= 0, and "
                      "at most 9223372036854775807 (2^63 - 1)");
  REQUIRE_THROWS_WITH(big.get_int("c"), Contains("expected an integer, and at most "
                                                 "9223372036854775807 (2^63 - 1)"));
  REQUIRE_THROWS_WITH(
      big.get_int("c", range::closed(1, 10)),
      Contains("got \"1e30\", expected an integer in [1, 10]") && !Contains("2^63"));
  REQUIRE_THROWS_WITH(big.get_int("d"), Contains("expected an integer, and at least "
                                                 "-9223372036854775808 (-2^63)"));
}

TEST_CASE("as_bool takes true and false, and yes/no and on/off, in any case", "[config]") {
  CHECK(scenario().get_bool("verbose", false));
  const Config c = Config::load_string(
      "a: true\nb: no\nc: False\nd: maybe\ne: YES\nf: Off\ng: on\nh: tRUE\ni: y\nj: N\nk: 0\n"
      "l: 1\nm: 1.0\nn: 2\n",
      "t");
  CHECK(c.get_bool("a", false));
  CHECK_FALSE(c.get_bool("b", true));
  CHECK_FALSE(c.get_bool("c", true));
  CHECK(c.get_bool("e", false));
  CHECK_FALSE(c.get_bool("f", true));
  CHECK(c.get_bool("g", false));
  CHECK(c.get_bool("h", false));
  CHECK(c.get_bool("missing", true));
  // The message says which words are read, and what to write instead of a letter or a number.
  REQUIRE_THROWS_WITH(
      c.get_bool("d", false),
      "t:4:4: key 'd': got \"maybe\", expected true or false (or yes/no, on/off; in any case)");
  REQUIRE_THROWS_WITH(c.get_bool("i", false),
                      "t:9:4: key 'i': got \"y\", expected true or false (or yes/no, on/off; in "
                      "any case): a lone y is not one of them; write yes");
  REQUIRE_THROWS_WITH(c.get_bool("j", true),
                      Contains("got \"N\", expected true or false (or yes/no, on/off; in any "
                               "case): a lone N is not one of them; write no"));
  REQUIRE_THROWS_WITH(c.get_bool("k", true),
                      "t:11:4: key 'k': got \"0\", expected true or false (or yes/no, on/off; in "
                      "any case), not a number: write false");
  REQUIRE_THROWS_WITH(c.get_bool("l", false), Contains("not a number: write true"));
  REQUIRE_THROWS_WITH(c.get_bool("m", false), Contains("not a number: write true"));
  REQUIRE_THROWS_WITH(c.get_bool("n", false),
                      Contains("got \"2\", expected true or false (or yes/no, on/off; in any "
                               "case)") &&
                          !Contains("write"));
}

TEST_CASE("a quoted number or truth word is a string: refused where a number is expected",
          "[config]") {
  const Config c = Config::load_string(
      "budget_per_year: \"3000\"\nweek: '40'\nconsumers: \"5000\"\nenabled: \"no\"\n"
      "name: \"2024\"\nweights: [0.5, \"0.5\"]\nshare: \"-0.5\"\nlabel: 'yes'\nword: \"abc\"\n",
      "q.yaml");
  REQUIRE_THROWS_WITH(c.get_double("budget_per_year", range::non_negative()),
                      "q.yaml:1:18: key 'budget_per_year': got the string \"3000\" (quoted), "
                      "expected a number >= 0: remove the quotes");
  REQUIRE_THROWS_WITH(c.get_int("week", 1),
                      "q.yaml:2:7: key 'week': got the string \"40\" (quoted), expected an "
                      "integer: remove the quotes");
  REQUIRE_THROWS_WITH(c.get_int("consumers", range::positive()),
                      Contains("key 'consumers': got the string \"5000\" (quoted), expected an "
                               "integer > 0: remove the quotes"));
  REQUIRE_THROWS_WITH(c.get_double("consumers"), Contains("got the string \"5000\" (quoted)"));
  REQUIRE_THROWS_WITH(c.get_bool("enabled", true),
                      "q.yaml:4:10: key 'enabled': got the string \"no\" (quoted), expected true "
                      "or false (or yes/no, on/off; in any case): remove the quotes");
  REQUIRE_THROWS_WITH(c.child("weights").as_doubles(),
                      "q.yaml:6:16: key 'weights.1': got the string \"0.5\" (quoted), expected a "
                      "number: remove the quotes");
  REQUIRE_THROWS_WITH(c.get_double("share", range::unit()),
                      Contains("got the string \"-0.5\" (quoted), expected a number in [0, 1]"));
  // Text that is no number is told so, as unquoted: removing the quotes would not help.
  REQUIRE_THROWS_WITH(c.get_double("word"),
                      "q.yaml:9:7: key 'word': got \"abc\", expected a number");
  REQUIRE_THROWS_WITH(c.get_bool("word", true), Contains("got \"abc\", expected true or false"));
  // Text stays text, quoted or not.
  CHECK(c.get_string("name") == "2024");
  CHECK(c.child("name").as_name() == "2024");
  CHECK(c.get_string("label") == "yes");
  CHECK(c.child("word").as_choice({"abc", "def"}) == "abc");
}

TEST_CASE("a number written as a | or > block is text: refused, and the message says so",
          "[config]") {
  // yaml-cpp reads a block like a quoted scalar (tag "!"), with its line break unless the block
  // says "-"; "remove the quotes" would not help, so the message names the block instead.
  const Config c = Config::load_string(
      "consumers: |\n  5000\nsteps: >-\n  10\nseed: \"7\"\ndescription: |\n  Two lines\n  of "
      "text\n",
      "b.yaml");
  REQUIRE_THROWS_WITH(c.get_int("consumers", range::positive()),
                      "b.yaml:1:12: key 'consumers': got \"5000\\n\", expected an integer > 0 "
                      "(written as a | or > block, which YAML reads as text: write the value "
                      "after the key's colon)");
  REQUIRE_THROWS_WITH(c.get_int("steps", range::positive()),
                      "b.yaml:3:8: key 'steps': got the string \"10\", expected an integer > 0 "
                      "(written as a | or > block, which YAML reads as text: write the value "
                      "after the key's colon)");
  // Quotes are still told as quotes, and a block where text belongs is text.
  REQUIRE_THROWS_WITH(c.get_int("seed", 1),
                      Contains("(quoted)") && Contains("remove the quotes") && !Contains("block"));
  CHECK(c.get_string("description") == "Two lines\nof text\n");
  // A --set's value has its marks in the --set's text: its quotes are quotes, even where the
  // file has a block's > at the same offset.
  const Config set = Config::load_string("name: >\n  Shop\nweights: [1, 2]\n", "s.yaml",
                                         {"weights=[0.5, \"0.5\"]"});
  REQUIRE_THROWS_WITH(set.child("weights").as_doubles(),
                      Contains("(quoted)") && Contains("remove the quotes") && !Contains("block"));
}

TEST_CASE("a --set value in quotes is a string, as in a file", "[config]") {
  const std::string text = "firms:\n  - {name: VarietyCo, budget_per_year: 1, enabled: true}\n";
  const auto varietyco = [&](const std::string& assignment) {
    return Config::load_string(text, "s.yaml", {assignment}).child("firms").items().at(0);
  };
  REQUIRE_THROWS_WITH(varietyco("firms.VarietyCo.budget_per_year=\"5000\"")
                          .get_double("budget_per_year", range::non_negative()),
                      "--set 'firms.VarietyCo.budget_per_year=\"5000\"': key "
                      "'firms.VarietyCo.budget_per_year': got the string \"5000\" (quoted), "
                      "expected a number >= 0: remove the quotes");
  REQUIRE_THROWS_WITH(
      varietyco("firms.VarietyCo.budget_per_year='5000'").get_int("budget_per_year"),
      Contains("got the string \"5000\" (quoted), expected an integer"));
  REQUIRE_THROWS_WITH(varietyco("firms.VarietyCo.enabled=\"off\"").get_bool("enabled", true),
                      Contains("key 'firms.VarietyCo.enabled': got the string \"off\" (quoted)"));
  REQUIRE_THROWS_WITH(
      varietyco("firms.VarietyCo={budget_per_year: \"7\"}").get_double("budget_per_year"),
      Contains("got the string \"7\" (quoted), expected a number"));
  CHECK(varietyco("firms.VarietyCo.budget_per_year=5000").get_double("budget_per_year") == 5000);
  CHECK_FALSE(varietyco("firms.VarietyCo.enabled=off").get_bool("enabled", true));
  // Names stay names, quoted or not; a replaced item keeps its own.
  CHECK(varietyco("firms.VarietyCo.name=\"2024\"").get_string("name") == "2024");
  CHECK(varietyco("firms.VarietyCo={budget_per_year: 2}").get_string("name") == "VarietyCo");
}

TEST_CASE("a YAML tag of a number or a truth value is taken, any other refused", "[config]") {
  const Config c = Config::load_string(
      "f: !!float \"3\"\ni: !!int '4'\nb: !!bool \"yes\"\ns: !!str 5\nmoney: !money 7\n"
      "half: !!float 2.5\nflag: !!int 1\nlong: !!str true\n",
      "t.yaml");
  // What the tag declares, even in quotes.
  CHECK(c.get_double("f") == 3.0);
  CHECK(c.get_int("f") == 3);
  CHECK(c.get_int("i") == 4);
  CHECK(c.get_double("i") == 4.0);
  CHECK(c.get_bool("b", false));
  REQUIRE_THROWS_WITH(c.get_int("half"), Contains("got \"2.5\", expected an integer"));
  // !!str makes a string; a tag of the user's own is not a number either.
  REQUIRE_THROWS_WITH(c.get_double("s"),
                      "t.yaml:4:4: key 's': got the string \"5\" (tagged !!str), expected a "
                      "number: remove the tag");
  REQUIRE_THROWS_WITH(c.get_int("money"),
                      "t.yaml:5:8: key 'money': got \"7\" (tagged !money), expected an integer: "
                      "remove the tag");
  REQUIRE_THROWS_WITH(c.get_bool("flag", false),
                      Contains("key 'flag': got \"1\", expected true or false"));
  REQUIRE_THROWS_WITH(c.get_bool("long", false),
                      Contains("got the string \"true\" (tagged !!str), expected true or false "
                               "(or yes/no, on/off; in any case): remove the tag"));
  REQUIRE_THROWS_WITH(c.get_bool("f", false), Contains("got \"3\", expected true or false"));
  CHECK(c.get_string("s") == "5");
}

TEST_CASE("as_set_value: text a --set reads as given, not a quoted string it would not",
          "[config]") {
  const Config c = Config::load_string(
      "plain: 3000\nnumber: \"3000\"\nword: \"no\"\nname: \"Acme Co\"\nmap: \"a: b\"\n"
      "empty: ''\nquote: 'say \"hi\"'\nflt: !!float \"3\"\nstr: !!str 5\ntilde: \"~\"\n"
      "letter: \"y\"\nlist: [1]\n",
      "t.yaml");
  CHECK(c.child("plain").as_set_value() == "3000");
  CHECK(c.child("name").as_set_value() == "Acme Co");  // reads alike without its quotes
  CHECK(c.child("quote").as_set_value() == "say \"hi\"");
  CHECK(c.child("letter").as_set_value() == "y");  // a --set reads y as text too
  CHECK(c.child("flt").as_set_value() == "3");     // a number, as its tag says
  REQUIRE_THROWS_WITH(c.child("number").as_set_value(),
                      "t.yaml:2:9: key 'number': got the string \"3000\" (quoted), but a value "
                      "here applies as --set KEY=VALUE, without its quotes, where it reads as a "
                      "number: write it without quotes (a name reads as a name either way)");
  REQUIRE_THROWS_WITH(c.child("word").as_set_value(),
                      Contains("where it reads as true or false: write it without quotes"));
  REQUIRE_THROWS_WITH(c.child("map").as_set_value(),
                      Contains("got the string \"a: b\" (quoted), but a value here applies as "
                               "--set KEY=VALUE, without its quotes, where it reads as a map: give "
                               "a value that reads the same without quotes"));
  REQUIRE_THROWS_WITH(c.child("empty").as_set_value(), Contains("where it reads as nothing"));
  REQUIRE_THROWS_WITH(c.child("tilde").as_set_value(), Contains("where it reads as nothing"));
  REQUIRE_THROWS_WITH(c.child("str").as_set_value(),
                      Contains("got the string \"5\" (tagged !!str), but a value here applies as "
                               "--set KEY=VALUE, without its tag, where it reads as a number: "
                               "write it without the tag"));
  REQUIRE_THROWS_WITH(c.child("list").as_set_value(), Contains("expected a single value"));
}

TEST_CASE("as_string accepts any scalar but not lists or maps", "[config]") {
  const Config root = scenario();
  CHECK(root.get_string("name") == "demo");
  CHECK(root.get_string("seed") == "42");
  CHECK(root.child("market").get_string("label") == "hello");
  CHECK(root.get_string("absent", "fallback") == "fallback");
  REQUIRE_THROWS_WITH(root.get_string("market"), Contains("expected a string"));
}

TEST_CASE("fallbacks apply to absent and null keys", "[config]") {
  const Config market = scenario().child("market");
  CHECK(market.get_double("absent", 7.0) == 7.0);
  CHECK(market.get_int("nothing", 3) == 3);
  CHECK_FALSE(market.has("nothing"));
  CHECK_FALSE(market.find("nothing").has_value());
  CHECK(market.has("size"));
  CHECK(market.find("size").has_value());
}

TEST_CASE("lists of numbers and strings", "[config]") {
  const Config root = scenario();
  const Config seg0 = root.child("segments").items().at(0);
  CHECK(seg0.child("weights").as_doubles(range::unit()) == std::vector<double>{0.2, 0.8});
  const auto names = Config::load_string("n: [a, b, 3]", "t").child("n").as_strings();
  CHECK(names == std::vector<std::string>{"a", "b", "3"});
  REQUIRE_THROWS_WITH(root.child("seed").as_doubles(), Contains("expected a list of numbers"));
  REQUIRE_THROWS_WITH(root.child("seed").as_strings(), Contains("expected a list of strings"));
  REQUIRE_THROWS_WITH(root.child("segments").items().at(1).child("weights").as_doubles(),
                      Contains("key 'segments.1.weights.1'") && Contains("\"abc\""));
  REQUIRE_THROWS_WITH(Config::load_string("n: [a, [b]]", "t").child("n").as_strings(),
                      Contains("key 'n.1': got [b], expected a string"));
}

TEST_CASE("null values are located at their key, null items at their list", "[config]") {
  const Config c = Config::load_string("l:\n  - 1\n  -\nm:\n  k:\n", "t");
  REQUIRE_THROWS_WITH(c.child("l").as_doubles(),
                      "t:2:3: key 'l.1': got nothing, expected a number");
  REQUIRE_THROWS_WITH(c.child("m").child("k").as_string(),
                      "t:5:3: key 'm.k': got nothing, expected a string");
}

TEST_CASE("items() requires a list", "[config]") {
  REQUIRE_THROWS_WITH(scenario().child("market").items(),
                      Contains(":15:3: key 'market': got {...}, expected a list"));
}

TEST_CASE("as_choice lists the choices and suggests the nearest", "[config]") {
  const Config root = scenario();
  CHECK(firm(root, 0).child("strategy").as_choice({"greedy", "random"}) == "greedy");
  REQUIRE_THROWS_WITH(firm(root, 0).child("strategy").as_choice({"greedie", "random"}),
                      Contains(":8:15: key 'firms.Acme.strategy': got \"greedy\", expected one "
                               "of 'greedie', 'random' (did you mean 'greedie'?)"));
  REQUIRE_THROWS_WITH(firm(root, 0).child("strategy").as_choice({"a", "b"}),
                      Contains("expected one of 'a', 'b'") && !Contains("did you mean"));
}

TEST_CASE("missing required keys are reported at the parent, misspelt ones where they stand",
          "[config]") {
  const Config acme = firm(scenario(), 0);
  REQUIRE_THROWS_WITH(acme.child("cost"),
                      "scn.yaml:5:5: key 'firms.Acme': missing required key 'cost'");
  REQUIRE_THROWS_WITH(acme.get_double("shares"),
                      Contains("key 'firms.Acme.share': unknown key 'share' (did you mean "
                               "'shares'?)"));
  REQUIRE_THROWS_WITH(scenario().get_string("title"),
                      "scn.yaml:1:1: top level: missing required key 'title'");
}

TEST_CASE("looking up a key in a scalar is a type error", "[config]") {
  REQUIRE_THROWS_WITH(scenario().child("seed").has("x"),
                      Contains("key 'seed': got \"42\", expected a map (of keys such as 'x')"));
  // "off" for a map meant to be left out: null does that.
  const Config off = Config::load_string("program: off\n", "p.yaml");
  REQUIRE_THROWS_WITH(off.child("program").has("every"),
                      Contains("p.yaml:1:10: key 'program': got \"off\", expected a map (of keys "
                               "such as 'every'); to leave out a map that may be left out, "
                               "write ~ (null) in its place"));
  CHECK_FALSE(Config::load_string("program: ~\n", "p.yaml").child("program").has("every"));
}

TEST_CASE("keys() lists map keys in file order", "[config]") {
  const Config root = scenario();
  CHECK(root.keys() ==
        std::vector<std::string>{"name", "seed", "verbose", "firms", "segments", "market"});
  CHECK(root.child("market").child("nothing").keys().empty());
}

TEST_CASE("finish() passes when every key was asked for", "[config]") {
  const Config root = scenario();
  const Config market = root.child("market");
  market.get_double("size");
  market.get_string("label", "");
  market.has("nothing");
  CHECK_NOTHROW(market.finish());
  CHECK_NOTHROW(root.child("seed").finish());  // not a map: nothing to check
}

TEST_CASE("finish() rejects an unread key with a suggestion", "[config]") {
  const Config acme = firm(scenario(), 0);
  acme.get_string("name");
  acme.get_double("budget_per_yaer", 0.0);  // asked for, absent: still a known key
  acme.get_double("share", 1.0);
  acme.get_string("strategy");
  REQUIRE_THROWS_WITH(acme.finish(),
                      "scn.yaml:6:5: key 'firms.Acme.budget_per_year': unknown key "
                      "'budget_per_year' (did you mean 'budget_per_yaer'?)");
}

TEST_CASE("finish_beneath() finishes the maps a read reached, in file order", "[config]") {
  const std::string text = R"(firm:
  name: Acme
  schedule: {strat: 5, every: 3}
  arms:
    - {markup: 0.1}
    - {mrkup: 0.2}
  plan: {weeks: 3}
  unread: {anything: 1}
)";
  const Config root = Config::load_string(text, "t");
  const Config firm = root.child("firm");
  firm.get_string("name");
  const Config schedule = firm.child("schedule");
  schedule.get_int("start", 0);
  schedule.get_int("every", 1);
  for (const Config& arm : firm.child("arms").items()) arm.get_double("markup", 0.3);
  firm.has("plan");  // looked for, nothing asked of it
  // As finish() reports it, at the key; `unread` beside them is finish()'s to report.
  REQUIRE_THROWS_WITH(firm.finish_beneath(),
                      "t:3:14: key 'firm.schedule.strat': unknown key "
                      "'strat' (did you mean 'start'?)");
  CHECK(firm.unread_keys() == std::vector<std::string>{"firm.schedule.strat", "firm.arms.1.mrkup",
                                                       "firm.plan.weeks", "firm.unread"});
  REQUIRE_THROWS_WITH(firm.child("plan").finish(),
                      "t:7:10: key 'firm.plan.weeks': unknown key 'weeks' (no key of this map is "
                      "read)");
  schedule.get_int("strat", 0);
  REQUIRE_THROWS_WITH(firm.finish_beneath(),
                      Contains("t:6:8: key 'firm.arms.1.mrkup': unknown key 'mrkup' (did you "
                               "mean 'markup'?)"));
  // Marks nothing itself: a key read by neither is still unknown to finish().
  CHECK_THROWS_WITH(firm.finish(), Contains("unknown key 'unread'"));
}

TEST_CASE("finish() lists known keys when nothing is close", "[config]") {
  const Config c = Config::load_string("alpha: 1\nbeta: 2\nzzzzzz: 3\n", "t");
  c.get_int("alpha");
  c.get_int("beta");
  c.has("gamma");
  REQUIRE_THROWS_WITH(c.finish(),
                      "t:3:1: key 'zzzzzz': unknown key 'zzzzzz' (known keys: alpha, beta, "
                      "gamma)");
}

TEST_CASE("finish() asks about a thousands separator when a flow map's comma split a number",
          "[config]") {
  const Config c = Config::load_string("firm: {name: Acme, budget: 5,000}\n", "t");
  const Config firm = c.child("firm");
  firm.get_string("name");
  firm.has("budget");  // not read as a number, which would report it (below)
  REQUIRE_THROWS_WITH(firm.finish(),
                      Contains("t:1:30: key 'firm.000': unknown key '000' (a thousands "
                               "separator? In a {...} map a comma separates entries, so write "
                               "numbers without commas, such as 5000 or 5e3; known keys: budget, "
                               "name)"));
  // A numeric key with a value is not a split number: no such question.
  const Config d = Config::load_string("firm: {name: Acme, 2024: 5}\n", "t");
  d.child("firm").get_string("name");
  REQUIRE_THROWS_WITH(d.child("firm").finish(), !Contains("thousands"));
}

TEST_CASE("a number written with thousands separators says how to write it", "[config]") {
  const Config c = Config::load_string(
      "budget: 5,000\nconsumers: 1,250,000\nprice: -1,234.5\nodd: 5,00\nword: abc\n", "t");
  REQUIRE_THROWS_WITH(c.get_double("budget"),
                      Contains("t:1:9: key 'budget': got \"5,000\", expected a number, written "
                               "without thousands separators, such as 5000"));
  REQUIRE_THROWS_WITH(c.get_int("consumers"),
                      Contains("without thousands separators, such as 1250000"));
  REQUIRE_THROWS_WITH(c.get_double("price"), Contains("such as -1234.5"));
  // Not groups of three, or not a number at all: no such advice.
  REQUIRE_THROWS_WITH(c.get_double("odd"), !Contains("thousands"));
  REQUIRE_THROWS_WITH(c.get_double("word"), !Contains("thousands"));
}

TEST_CASE("a number that a flow map's comma split is reported as written", "[config]") {
  const Config c = Config::load_string(
      "shock: {kind: price, multiply: 0,85}\n"
      "cut: {multiply: 0,7, week: 3}\n"
      "firm: {name: Acme, budget: 5,000}\n"
      "plain: {a: 1,b: 2, c: 3, 4: 5}\n",
      "t");
  // "0,85" reads as multiply: 0 and a key '85': the message quotes what was written, whether or
  // not 0 is in the range, and says how to write it.
  REQUIRE_THROWS_WITH(c.child("shock").get_double("multiply", range::closed(0.001, 1000)),
                      Contains("t:1:32: key 'shock.multiply': got \"0,85\", expected a number in "
                               "[0.001, 1000] (this looks like a decimal comma: write 0.85; in a "
                               "{...} map a comma separates entries, so it read as 0 and a key "
                               "'85')"));
  REQUIRE_THROWS_WITH(
      c.child("cut").get_double("multiply", range::closed(0, 10)),
      Contains("t:2:17: key 'cut.multiply': got \"0,7\"") && Contains("decimal comma: write 0.7;"));
  REQUIRE_THROWS_WITH(c.child("firm").get_int("budget"),
                      Contains("t:3:28: key 'firm.budget': got \"5,000\", expected an integer, "
                               "written without thousands separators, such as 5000 (in a {...} "
                               "map a comma separates entries, so it read as 5 and a key '000')"));
  // A comma before a key that is not a bare number, or before one with a value, splits nothing.
  const Config plain = c.child("plain");
  CHECK(plain.get_double("a") == 1);
  CHECK(plain.get_double("b") == 2);
  // Not read as a number, finish() asks about the decimal comma, not a thousands separator.
  const Config cut = c.child("cut");
  cut.has("multiply");
  cut.get_int("week");
  REQUIRE_THROWS_WITH(cut.finish(), Contains("t:2:19: key 'cut.7': unknown key '7' (a decimal "
                                             "comma? In a {...} map a comma separates entries, "
                                             "so 0,7 read as 0 and a key '7'; write 0.7") &&
                                        !Contains("thousands"));
}

TEST_CASE("a decimal comma outside a flow map says how to write the number", "[config]") {
  const Config c = Config::load_string(
      "multiply: 0,85\nprice: -1,5\nmean: [0,5, 0,5]\nboth: [1,2]\nbig: 1,500\n", "t");
  REQUIRE_THROWS_WITH(c.get_double("multiply"),
                      Contains("t:1:11: key 'multiply': got \"0,85\", expected a number (this "
                               "looks like a decimal comma: write 0.85)"));
  REQUIRE_THROWS_WITH(c.get_double("price"), Contains("write -1.5)"));
  // A list whose commas are sometimes followed by a space and sometimes not.
  REQUIRE_THROWS_WITH(c.child("mean").fail_expected("2 numbers"),
                      Contains("t:3:7: key 'mean': got [0, 5, 0, 5], expected 2 numbers ([0,5, "
                               "0,5] looks like decimal commas: write [0.5, 0.5]; in a [...] list "
                               "a comma separates items)"));
  // Every comma alike, or groups of three: no such advice.
  REQUIRE_THROWS_WITH(c.child("both").fail_expected("3 numbers"), !Contains("decimal"));
  REQUIRE_THROWS_WITH(c.get_double("big"), Contains("thousands") && !Contains("decimal"));
}

TEST_CASE("a percentage says how to write it where a number is expected", "[config]") {
  const Config c =
      Config::load_string("markup: 30%\nshare: 55 %\nmultiply: 15%\nrate: 150%\nweeks: 52%\n", "t");
  msim::Range markup = range::closed(-0.99, 100);
  markup.fraction = true;
  REQUIRE_THROWS_WITH(c.get_double("markup", markup),
                      Contains("t:1:9: key 'markup': got \"30%\", expected a number in [-0.99, "
                               "100] (written as a fraction, not a percentage: 0.3 for 30%)"));
  // A range within [-1, 1] is a fraction's.
  REQUIRE_THROWS_WITH(c.get_double("share", range::unit()), Contains("0.55 for 55%"));
  // Elsewhere a percentage is no number: what it stands for is the key's business.
  REQUIRE_THROWS_WITH(c.get_double("multiply", range::closed(0.001, 1000)),
                      Contains("got \"15%\", expected a number in [0.001, 1000], without a "
                               "percent sign") &&
                          !Contains("0.15"));
  // A fraction out of the range is not suggested.
  REQUIRE_THROWS_WITH(c.get_double("rate", range::unit()),
                      Contains("without a percent sign") && !Contains("1.5"));
  REQUIRE_THROWS_WITH(c.get_int("weeks", range::closed(1, 100)),
                      Contains("got \"52%\", expected an integer in [1, 100], without a percent "
                               "sign"));
  // A fraction written as a percentage without its sign: 50 for 0.5.
  const Config bare = Config::load_string("share: 50\nrate: 150\nmarkup: 250\n", "t");
  REQUIRE_THROWS_WITH(bare.get_double("share", range::unit()),
                      Contains("t:1:8: key 'share': got \"50\", expected a number in [0, 1] (a "
                               "fraction: 0.5 for 50%)"));
  REQUIRE_THROWS_WITH(bare.get_double("rate", range::unit()), !Contains("fraction"));
  REQUIRE_THROWS_WITH(bare.get_double("markup", markup), !Contains("fraction"));
}

TEST_CASE("a number written with a k, M or bn says how to write it", "[config]") {
  const Config c =
      Config::load_string("budget: 20k\nbig: 1.5M\nhuge: 2bn\nword: k\nunit: 5kg\n", "t");
  REQUIRE_THROWS_WITH(c.get_double("budget"),
                      Contains("t:1:9: key 'budget': got \"20k\", expected a number, written out "
                               "in full, such as 20000"));
  REQUIRE_THROWS_WITH(c.get_double("big"), Contains("such as 1500000"));
  REQUIRE_THROWS_WITH(c.get_int("huge"), Contains("such as 2000000000"));
  REQUIRE_THROWS_WITH(c.get_double("word"), !Contains("in full"));
  // Not where the number it stands for is out of the range either.
  REQUIRE_THROWS_WITH(c.get_double("budget", range::unit()), !Contains("in full"));
  REQUIRE_THROWS_WITH(c.get_double("unit"), !Contains("in full"));
}

TEST_CASE("finish() reports the first unread key in file order", "[config]") {
  const Config c = Config::load_string("a: 1\nb: 2\nc: 3\n", "t");
  c.get_int("a");
  REQUIRE_THROWS_WITH(c.finish(), Contains("unknown key 'b'"));
}

TEST_CASE("did_you_mean picks the nearest close candidate", "[config]") {
  using msim::did_you_mean;
  CHECK(did_you_mean("budgte", {"budget", "share"}) == "budget");
  CHECK(did_you_mean("SHARE", {"budget", "share"}) == "share");
  CHECK(did_you_mean("xyz", {"budget", "share"}).empty());
  CHECK(did_you_mean("ab", {"cd", "ax"}) == "ax");                    // distances 2 and 1
  CHECK(did_you_mean("ab", {"xb", "ax"}) == "xb");                    // tie: first wins
  CHECK(did_you_mean("abcdefghijkl", {"abcdefghi"}) == "abcdefghi");  // 3 <= 12/3
  CHECK(did_you_mean("abcdefghi", {"abcdef"}) == "abcdef");           // 3 <= 9/3
  CHECK(did_you_mean("abcdefgh", {"abcde"}).empty());                 // 3 > max(2, 8/3)
  CHECK(did_you_mean("x", {}).empty());
  // A key's first word: the one key that begins with it.
  CHECK(did_you_mean("novelty", {"age", "novelty_seeking"}) == "novelty_seeking");
  CHECK(did_you_mean("Price", {"price_sensitivity", "age"}) == "price_sensitivity");
  CHECK(did_you_mean("price", {"price_sensitivity", "price_shock"}).empty());  // which one?
  CHECK(did_you_mean("age", {"age_group_of_household"}).empty());              // too short
  CHECK(did_you_mean("novel", {"novelty_seeking"}).empty());                   // not a word
}

TEST_CASE("show() renders values for messages", "[config]") {
  const Config root = scenario();
  CHECK(root.child("seed").show() == "\"42\"");
  CHECK(root.child("segments").items().at(0).child("weights").show() == "[0.2, 0.8]");
  CHECK(root.child("market").show() == "{...}");
  CHECK(root.child("market").child("nothing").show() == "nothing");
  const Config longlist =
      Config::load_string("l: [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]", "t");
  const std::string shown = longlist.child("l").show();
  CHECK(shown.size() <= 40);
  CHECK(shown.substr(shown.size() - 4) == "...]");
}

TEST_CASE("fail() and fail_expected() prefix where()", "[config]") {
  const Config seed = scenario().child("seed");
  REQUIRE_THROWS_AS(seed.fail("too big"), InputError);
  REQUIRE_THROWS_WITH(seed.fail("too big"), "scn.yaml:2:7: key 'seed': too big");
  REQUIRE_THROWS_WITH(seed.fail_expected("a prime"),
                      "scn.yaml:2:7: key 'seed': got \"42\", expected a prime");
}

TEST_CASE("overrides replace list items' values by name and by index", "[config]") {
  const Config root = scenario({"firms.Acme.budget_per_year=2e6", "firms.1.share=0.25"});
  CHECK(firm(root, 0).get_double("budget_per_year") == 2e6);
  CHECK(firm(root, 1).get_double("share") == 0.25);
  CHECK(firm(root, 1).child("share").path() == "firms.Beta.share");
  CHECK(firm(root, 0).get_double("share") == 1.5);  // untouched
}

TEST_CASE("overrides parse flow values and create keys", "[config]") {
  const Config root = scenario({"segments.0.weights=[0.5, 0.5]", "market.extra={a: 1}",
                                "new.deep.key=true", "market.nothing.x=3"});
  CHECK(root.child("segments").items().at(0).child("weights").as_doubles() ==
        std::vector<double>{0.5, 0.5});
  CHECK(root.child("market").child("extra").get_int("a") == 1);
  CHECK(root.child("new").child("deep").get_bool("key", false));
  CHECK(root.child("market").child("nothing").get_int("x") == 3);
  CHECK(root.keys().back() == "new");
}

TEST_CASE("errors about overridden values point at the --set", "[config]") {
  const Config root = scenario({"firms.Acme.budget_per_year=-5", "market={size: x}"});
  const Config budget = firm(root, 0).child("budget_per_year");
  CHECK(budget.mark().file == "<--set>");
  CHECK(budget.mark().line == 0);
  REQUIRE_THROWS_WITH(budget.as_double(range::non_negative()),
                      "--set 'firms.Acme.budget_per_year=-5': key 'firms.Acme.budget_per_year': "
                      "got \"-5\", expected a number >= 0");
  REQUIRE_THROWS_WITH(root.child("market").get_double("size"),
                      Contains("--set 'market={size: x}': key 'market.size'"));
  CHECK(firm(root, 0).child("share").where() == "scn.yaml:7:12: key 'firms.Acme.share'");
}

TEST_CASE("an error about a map or list names the --set assignments inside it", "[config]") {
  const Config root = scenario({"firms.Acme.share=0.3", "firms.Beta.budget_per_year=7", "seed=3"});
  REQUIRE_THROWS_WITH(root.child("firms").fail("shares sum to 0.3"),
                      "scn.yaml:5:3: key 'firms': shares sum to 0.3 (after --set "
                      "'firms.Acme.share=0.3', --set 'firms.Beta.budget_per_year=7')");
  REQUIRE_THROWS_WITH(firm(root, 1).fail("too small"),
                      "scn.yaml:9:5: key 'firms.Beta': too small (after --set "
                      "'firms.Beta.budget_per_year=7')");
  // Without an assignment inside, or about the whole document, the message is as it was.
  REQUIRE_THROWS_WITH(root.child("segments").fail("bad"), "scn.yaml:12:3: key 'segments': bad");
  REQUIRE_THROWS_WITH(root.fail("bad"), "scn.yaml:1:1: top level: bad");
}

TEST_CASE("an unknown key that a --set beside it left behind names that --set", "[config]") {
  // The file's key was known until the --set changed what the map is (another strategy, say).
  const Config acme = firm(scenario({"firms.Acme.strategy=other"}), 0);
  for (const char* key : {"name", "budget_per_year", "strategy"}) acme.has(key);
  REQUIRE_THROWS_WITH(acme.finish(),
                      "scn.yaml:7:5: key 'firms.Acme.share': unknown key 'share' "
                      "(known keys: budget_per_year, name, strategy) (after "
                      "--set 'firms.Acme.strategy=other')");
  // Without a --set inside the map, the message is as it was.
  const Config plain = firm(scenario({"firms.Beta.budget_per_year=1"}), 0);
  for (const char* key : {"name", "budget_per_year", "strategy"}) plain.has(key);
  REQUIRE_THROWS_WITH(plain.finish(),
                      "scn.yaml:7:5: key 'firms.Acme.share': unknown key 'share' "
                      "(known keys: budget_per_year, name, strategy)");
}

TEST_CASE("a reference to a name that a --set renamed names that --set", "[config]") {
  const std::string text =
      "items:\n  - {name: Alpha, size: 1}\n  - {name: Beta, size: 2}\n"
      "uses:\n  - {item: Alpha}\n";
  for (const std::string rename : {"items.Alpha.name=Gamma", "items.Alpha={name: Gamma}"}) {
    const Config root = Config::load_string(text, "r.yaml", {rename});
    CHECK(root.child("items").items().at(0).path() == "items.Gamma");
    const Config use = root.child("uses").items().at(0).child("item");
    REQUIRE_THROWS_WITH(use.fail("unknown item 'Alpha'"),
                        "r.yaml:5:12: key 'uses.0.item': unknown item 'Alpha' (after --set '" +
                            rename + "', which renamed 'Alpha' in 'items' to 'Gamma')");
    // The new name's errors point at the --set that gave it.
    CHECK(root.child("items").items().at(0).child("name").where() ==
          "--set '" + rename + "': key 'items.Gamma.name'");
  }
  // What an earlier --set changed inside the item follows it to its new name.
  const Config root =
      Config::load_string(text, "r.yaml", {"items.Alpha.size=x", "items.Alpha.name=G"});
  REQUIRE_THROWS_WITH(root.child("items").items().at(0).get_double("size"),
                      Contains("--set 'items.Alpha.size=x': key 'items.G.size'"));
  // A name left as it was is no rename.
  const Config same = Config::load_string(text, "r.yaml", {"items.Beta.name=Beta"});
  REQUIRE_THROWS_WITH(same.child("uses").items().at(0).child("item").fail("bad"),
                      "r.yaml:5:12: key 'uses.0.item': bad");
}

TEST_CASE("a list item replaced whole keeps its name, and its errors point at the --set",
          "[config]") {
  const Config root = scenario({"firms.Beta={budget_per_year: x}"});
  const Config beta = firm(root, 1);
  CHECK(beta.get_string("name") == "Beta");
  CHECK(beta.path() == "firms.Beta");
  REQUIRE_THROWS_WITH(beta.get_double("budget_per_year"),
                      "--set 'firms.Beta={budget_per_year: x}': key 'firms.Beta.budget_per_year': "
                      "got \"x\", expected a number");
  // A new name is the user's; an item addressed by index has no name to keep.
  const Config renamed = firm(scenario({"firms.Beta={name: Gamma, share: y}"}), 1);
  CHECK(renamed.get_string("name") == "Gamma");
  REQUIRE_THROWS_WITH(
      renamed.get_double("share"),
      Contains("--set 'firms.Beta={name: Gamma, share: y}': key 'firms.Gamma.share'"));
  const Config indexed = scenario({"segments.1={weights: [z]}"}).child("segments").items().at(1);
  CHECK_FALSE(indexed.has("name"));
  REQUIRE_THROWS_WITH(indexed.child("weights").as_doubles(),
                      Contains("--set 'segments.1={weights: [z]}': key 'segments.1.weights"));
}

TEST_CASE("a later override wins over an earlier one beneath it", "[config]") {
  const Config root = scenario({"market.size=1", "market={size: -1}"});
  CHECK(root.child("market").get_double("size") == -1.0);
  CHECK(root.child("market").child("size").where() ==
        "--set 'market={size: -1}': key 'market.size'");
}

TEST_CASE("a name that key paths address may not contain a dot", "[config]") {
  const Config root = Config::load_string("items:\n  - {name: A.b}\n  - {name: C}\n", "n.yaml");
  REQUIRE_THROWS_WITH(
      root.child("items").items().at(0).child("name").as_path_name("items.NAME.size"),
      "n.yaml:2:12: key 'items.A.b.name': got \"A.b\": names may not contain '.': they are used "
      "in key paths such as items.NAME.size, where 'A.b' would read as 'A' and more keys; write "
      "A_b, say");
  CHECK(root.child("items").items().at(1).child("name").as_path_name("items.NAME.size") == "C");
  CHECK(msim::path_name_fault("C", "items.NAME").empty());
}

TEST_CASE("bad overrides are input errors", "[config]") {
  REQUIRE_THROWS_WITH(scenario({"seed"}), "--set 'seed': expected key.path=value");
  REQUIRE_THROWS_WITH(scenario({"=3"}), "--set '=3': expected key.path=value");
  REQUIRE_THROWS_WITH(scenario({"firms..x=3"}), Contains("expected key.path=value"));
  REQUIRE_THROWS_WITH(scenario({"firms.Acmee.budget=3"}),
                      "--set 'firms.Acmee.budget=3': no item named 'Acmee' in 'firms' (did you "
                      "mean 'Acme'?)");
  REQUIRE_THROWS_WITH(scenario({"firms.Zorro.budget=3"}),
                      Contains("no item named 'Zorro' in 'firms' (items: Acme, Beta)"));
  REQUIRE_THROWS_WITH(scenario({"firms.7.budget=3"}),
                      "--set 'firms.7.budget=3': index 7 is out of range: 'firms' has 2 items, 0 "
                      "to 1 (Acme, Beta)");
  REQUIRE_THROWS_WITH(scenario({"segments.2.weights=[1]"}),
                      "--set 'segments.2.weights=[1]': index 2 is out of range: 'segments' has 2 "
                      "items, 0 to 1");
  REQUIRE_THROWS_WITH(scenario({"firms=[]", "firms.0.budget=3"}),
                      "--set 'firms.0.budget=3': index 0 is out of range: 'firms' has no items");
  // A list the file does not have has no items to change.
  REQUIRE_THROWS_WITH(scenario({"shocks.0.step=3"}),
                      "--set 'shocks.0.step=3': the scenario has no 'shocks', so no item 0 of it "
                      "to change; give it whole instead: --set 'shocks=[...]'");
  REQUIRE_THROWS_WITH(scenario({"market.nothing.1=3"}),
                      Contains("the scenario has no 'market.nothing', so no item 1 of it"));
  CHECK(scenario({"market.colours.red=3"}).child("market").child("colours").get_int("red") == 3);
  // An item with keys is replaced by a map, not by a number or a list; the key is the item's.
  REQUIRE_THROWS_WITH(scenario({"firms.Beta=3"}),
                      "--set 'firms.Beta=3': key 'firms.Beta': got \"3\", expected a map to "
                      "replace the item with, or one of its keys: --set 'firms.Beta.KEY=VALUE'");
  REQUIRE_THROWS_WITH(scenario({"segments.0=[1, 2]"}),
                      Contains("key 'segments.0': got [1, 2], expected a map"));
  CHECK(scenario({"segments.0.weights.1=0.3"})
            .child("segments")
            .items()
            .at(0)
            .child("weights")
            .as_doubles() == std::vector<double>{0.2, 0.3});
  REQUIRE_THROWS_WITH(scenario({"segments.a.weights=[1]"}),
                      Contains("no item named 'a' in 'segments' (it has 2 items)"));
  REQUIRE_THROWS_WITH(scenario({"seed.x=3"}), Contains("'seed' is a single value"));
  REQUIRE_THROWS_WITH(scenario({"seed=[1, 2"}), Contains("--set 'seed=[1, 2': cannot parse"));
  // A key that is a list or a map: said so at its line, not "unknown key ''".
  REQUIRE_THROWS_WITH(Config::load_string("name: x\n[consumers]: 2000\n", "k.yaml"),
                      "k.yaml:2:1: top level: a key is a single word, but this one is a "
                      "list ([consumers]); write it without brackets or braces");
  REQUIRE_THROWS_WITH(Config::load_string("market:\n  {a: 1}: 1\n", "k.yaml"),
                      Contains("k.yaml:2:3: key 'market': a key is a single word, but this one "
                               "is a map ({a: 1})"));
  // A null key (~: 5) is not one in brackets: said what it is, and what a key is.
  REQUIRE_THROWS_WITH(Config::load_string("name: x\n~: 5\n", "k.yaml"),
                      Contains("k.yaml:2:1: top level: a key is a name, but this one is null") &&
                          Contains("expected the key's name before the colon") &&
                          !Contains("brackets"));
  REQUIRE_THROWS_WITH(Config::load_string("market:\n  : 5\n", "k.yaml"),
                      Contains("k.yaml:2:3: key 'market': a key is a name, but this one is null"));
  // 01 is item 1, but key paths write it "1": said so, not "01 is out of range".
  REQUIRE_THROWS_WITH(scenario({"firms.01.budget=3"}),
                      "--set 'firms.01.budget=3': index 01 of 'firms': write item indexes "
                      "without leading zeros, 'firms.1'");
  // A key given twice inside a --set's value is refused as in a file, not read as its first.
  REQUIRE_THROWS_WITH(scenario({"firms.Acme={budget: 1, budget: 2}"}),
                      "--set 'firms.Acme={budget: 1, budget: 2}': key 'firms.Acme.budget': "
                      "'budget' is given twice");
  REQUIRE_THROWS_WITH(
      scenario({"segments=[{weights: [1], weights: [2]}]"}),
      Contains("key 'segments.0.weights': 'weights' is given twice") && !Contains("line"));
}

TEST_CASE("overrides do not change the parsed text's other values", "[config]") {
  const Config plain = scenario();
  const Config changed = scenario({"seed=7"});
  CHECK(plain.get_int("seed") == 42);
  CHECK(changed.get_int("seed") == 7);
}

TEST_CASE("YAML syntax errors carry the position", "[config]") {
  REQUIRE_THROWS_WITH(Config::load_string("a: 1\nb: [1, 2\n", "bad.yaml"),
                      Contains("bad.yaml:") && Contains("YAML syntax error"));
  REQUIRE_THROWS_WITH(Config::load_string("a: 1\n  b: 2\n", "bad.yaml"),
                      Contains("bad.yaml:2:") && Contains("YAML syntax error"));
}

TEST_CASE("YAML syntax errors name a tab in the indentation or an unclosed bracket", "[config]") {
  REQUIRE_THROWS_WITH(Config::load_string("a: 1\nb:\n\t- x\n", "bad.yaml"),
                      Contains("bad.yaml:3:") &&
                          Contains("(line 3 is indented with a tab; YAML indents with spaces)"));
  // A tab after a list item's dash indents the item's first key as much as one before it.
  REQUIRE_THROWS_WITH(
      Config::load_string("items:\n  - name: a\n    size: 1\n  -\tname: b\n    size: 2\n",
                          "bad.yaml"),
      Contains("bad.yaml:") &&
          Contains("(line 4 has a tab after its list dash; YAML indents with spaces") &&
          !Contains("lines up with no key"));
  REQUIRE_THROWS_WITH(Config::load_string("a: [1,\n  2]\nb: {c: 1, d: 2\ne: 3\n", "bad.yaml"),
                      Contains("(the { on line 3 is not closed)"));
  // Opened on the error line itself, and closed by the other kind of bracket.
  REQUIRE_THROWS_WITH(
      Config::load_string("a: 1\nideal: {mean: [1.5, 0.5, sd: [0.6, 0.6]}\nb: 2\n", "bad.yaml"),
      Contains("bad.yaml:2:") && Contains("(the [ on line 2, column 15, is not closed: the } at "
                                          "column 40 comes first)"));
  // Brackets in comments do not count; a syntax error of another kind gets no such hint.
  REQUIRE_THROWS_WITH(Config::load_string("a: 1 # [\n  b: 2\n", "bad.yaml"),
                      Contains("YAML syntax error") && !Contains("(the [") && !Contains("tab"));
  REQUIRE_THROWS_WITH(Config::load_string("a: 1\nb: {c: [1, 2]}\nd: }\n", "bad.yaml"),
                      Contains("YAML syntax error") && !Contains("(the"));
}

TEST_CASE("binary content is not a text file, not a YAML syntax error", "[config]") {
  REQUIRE_THROWS_WITH(
      Config::load_string(std::string("a: 1\nb: \"\x89\\\x1a\"\n\0\0\x02", 16), "bin.dat"),
      "bin.dat: not a text file (a NUL byte at line 3); expected a YAML scenario");
}

TEST_CASE("a YAML merge key is refused at its line, with the map written out in full", "[config]") {
  const std::string text =
      "base: &ps {mean: 1, sd: 0.2}\n"
      "segments:\n"
      "  - name: a\n"
      "    price: {<<: *ps, sd: 0.3}\n";
  REQUIRE_THROWS_WITH(Config::load_string(text, "m.yaml"),
                      "m.yaml:4:13: key 'segments.a.price.<<': merge keys (<<) are not supported; "
                      "repeat the keys instead: {mean: 1, sd: 0.3}");
  // A quoted "<<" is an ordinary key.
  CHECK(Config::load_string("\"<<\": 1\n", "q.yaml").get_int("<<") == 1);
}

TEST_CASE("a YAML syntax error names a key without a space after its colon", "[config]") {
  // "share:0.2" is one word to YAML; the parser trips on the line after it.
  const std::string text = "segments:\n  - name: a\n    share:0.2\n    ideal: 1\n";
  REQUIRE_THROWS_WITH(Config::load_string(text, "bad.yaml"),
                      Contains("YAML syntax error") &&
                          Contains("(line 3: 'share:0.2' needs a space after the colon: "
                                   "'share: 0.2')"));
  // On the error line itself, and in a list item.
  REQUIRE_THROWS_WITH(Config::load_string("a: 1\nb:2\n  c: 3\n", "bad.yaml"),
                      Contains("(line 2: 'b:2' needs a space after the colon: 'b: 2')"));
  // Last in the file, it parses as a key without a value, which finish() explains.
  const Config last = Config::load_string("a: 1\nb:2\n", "last.yaml");
  last.get_int("a");
  last.has("b");
  REQUIRE_THROWS_WITH(last.finish(),
                      Contains("last.yaml:2:1: key 'b:2': unknown key 'b:2' (a key and its value "
                               "need a space after the colon: 'b: 2')"));
  // A colon inside a value, a URL or a time is no such slip.
  REQUIRE_THROWS_WITH(Config::load_string("a: http://x.org\nb: 12:30\n  c: 3\n", "bad.yaml"),
                      !Contains("needs a space"));
}

TEST_CASE("a YAML syntax error names a key without a colon", "[config]") {
  // "name family" is a plain word to YAML; the parser trips on the key after it.
  REQUIRE_THROWS_WITH(
      Config::load_string("segments:\n  - name family\n    share: 0.5\n", "bad.yaml"),
      Contains("bad.yaml:3:") && Contains("(line 2, 'name family', has no colon: if it is a key "
                                          "and its value, write 'name: family')"));
  REQUIRE_THROWS_WITH(
      Config::load_string("firms:\n  - name: A\n    strategy mass\n    budget: 3\n", "bad.yaml"),
      Contains("(line 3, 'strategy mass', has no colon: if it is a key and its value, write "
               "'strategy: mass')"));
  REQUIRE_THROWS_WITH(Config::load_string("name: x\nseed 4\nsteps: 3\n  more: 1\n", "bad.yaml"),
                      Contains("(line 2, 'seed 4', has no colon"));
  // A value that goes on over lines is no such slip, whatever trips the parser after it.
  REQUIRE_THROWS_WITH(Config::load_string("a: one two\n  b: 3\n", "bad.yaml"),
                      !Contains("has no colon"));
  REQUIRE_THROWS_WITH(
      Config::load_string("description: Twenty thousand\n  consumers and firms\n  seed: 7\n",
                          "bad.yaml"),
      !Contains("has no colon"));
  REQUIRE_THROWS_WITH(Config::load_string("firms:\n  - name: A\n    description: cheap\n      and "
                                          "cheerful\n      strategy: mass\n",
                                          "bad.yaml"),
                      !Contains("has no colon"));
}

TEST_CASE("a YAML syntax error names a key indented to line up with nothing", "[config]") {
  REQUIRE_THROWS_WITH(Config::load_string("segments:\n  - name: a\n     share: 0.2\n", "bad.yaml"),
                      Contains("bad.yaml:3:") &&
                          Contains("(line 3 is indented 5 spaces, further than the key on line 2 "
                                   "(4 spaces), which has its value already; the keys of one map "
                                   "line up)"));
  REQUIRE_THROWS_WITH(
      Config::load_string("segments:\n  - name: a\n    share: 0.2\n  ideal: 1\n", "bad.yaml"),
      Contains("bad.yaml:4:") && Contains("(line 4 is indented 2 spaces, which lines up with no "
                                          "key before it (4 or 0 spaces))"));
}

TEST_CASE("an empty document is an error", "[config]") {
  REQUIRE_THROWS_WITH(Config::load_string("", "e.yaml"), "e.yaml: the file is empty");
  REQUIRE_THROWS_WITH(Config::load_string("# only a comment\n", "e.yaml"),
                      "e.yaml: the file is empty (it holds only comments)");
  // A null document is not comments: ~, null, or a '---' with nothing after it.
  for (const char* text : {"~\n", "# a comment\nnull\n", "---\n# a comment\n"})
    REQUIRE_THROWS_WITH(Config::load_string(text, "e.yaml"),
                        "e.yaml: the file holds only a null document (~, null, or nothing after "
                        "'---'), not a map of keys; expected a scenario: a map with consumers, "
                        "categories, segments and firms");
}

TEST_CASE("load_file reads a file and reports a missing one", "[config]") {
  REQUIRE_THROWS_WITH(Config::load_file("/nonexistent/dir/x.yaml"),
                      "cannot read scenario file '/nonexistent/dir/x.yaml': No such file or "
                      "directory");
  const auto dir = std::filesystem::temp_directory_path();
  REQUIRE_THROWS_WITH(Config::load_file(dir.string()), Contains("it is a directory"));

  const std::string path = (dir / "msim_config_test.yaml").string();
  {
    std::ofstream out(path);
    out << "a: 1\nb:\n  c: oops\n";
  }
  const Config c = Config::load_file(path, {"a=2"});
  std::filesystem::remove(path);
  CHECK(c.get_int("a") == 2);
  REQUIRE_THROWS_WITH(c.child("b").get_double("c"),
                      path + ":3:6: key 'b.c': got \"oops\", expected a number");
}

TEST_CASE("load_file names the file nearest a missing one's name, if one is near", "[config]") {
  msim::test::TempDir dir;
  std::ofstream(dir / "one_to_one.yaml") << "a: 1\n";
  REQUIRE_THROWS_WITH(Config::load_file(dir.file("one_to_on.yaml")),
                      "cannot read scenario file '" + dir.file("one_to_on.yaml") +
                          "': No such file or directory; did you mean '" +
                          dir.file("one_to_one.yaml") + "'?");
  REQUIRE_THROWS_WITH(Config::load_file(dir.file("pricing.yaml")),
                      !Contains("did you mean"));  // nothing near
}

TEST_CASE("aliases are followed, but not into a document of a million values", "[config]") {
  // An alias of a small map is fine, and reads as the anchored value.
  const Config ok = Config::load_string(
      "common: &c {mean: [0, 0], sd: [1, 1]}\nsegment: {ideal: *c}\n", "ok.yaml");
  CHECK(ok.child("segment").child("ideal").child("sd").as_doubles() == std::vector<double>{1, 1});
  // Ten lists of ten nested seven deep: 10^7 values from eight short lines. Refused at once
  // (walking them took seconds, and ten deep took hours).
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 7; ++level) {
    const std::string below = "*a" + std::to_string(level - 1);
    text += fmt::format("a{0}: &a{0} [{1}", level, below);
    for (int k = 1; k < 10; ++k) text += ", " + below;
    text += "]\n";
  }
  REQUIRE_THROWS_WITH(
      Config::load_string(text, "laughs.yaml"),
      Contains("laughs.yaml:") && Contains("more than 1000000 values") && Contains("aliases"));
}

TEST_CASE("an alias inside the list or map it names is refused at the anchor, not followed",
          "[config]") {
  // yaml-cpp makes `&a [*a]` a list that holds itself: walking it never ends.
  REQUIRE_THROWS_WITH(Config::load_string("name: x\nx: &a [1, *a]\n", "loop.yaml"),
                      Contains("loop.yaml:2:4: key 'x': the list anchored here") &&
                          Contains("alias (*name) of itself, at key 'x.1'"));
  REQUIRE_THROWS_WITH(
      Config::load_string("market: &m {rate: 1, deep: {again: [*m]}}\n", "loop.yaml"),
      Contains("loop.yaml:1:9: key 'market': the map anchored here") &&
          Contains("at key 'market.deep.again.0'"));
  REQUIRE_THROWS_WITH(Config::load_string("name: x\n", "ok.yaml", {"x=&d [a, *d]"}),
                      Contains("--set 'x=&d [a, *d]': key 'x': the list anchored here"));
  // The same alias beside its anchor, or twice, is no loop.
  const Config twice = Config::load_string("a: &a [1, 2]\nb: [*a, *a]\nc: {d: *a}\n", "twice.yaml");
  CHECK(twice.child("c").child("d").as_doubles() == std::vector<double>{1, 2});
}

TEST_CASE("an empty list item is named as empty, not as a map without its key", "[config]") {
  for (const char* empty : {"  - ~\n", "  -\n"}) {
    const Config c = Config::load_string(
        std::string("firms:\n  - {name: A}\n") + empty + "  - {name: C}\n", "e.yaml");
    const std::vector<Config> items = c.child("firms").items();
    REQUIRE(items.size() == 3);
    REQUIRE_THROWS_WITH(items[1].child("name"),
                        Contains("key 'firms.1': got nothing, expected a map with the required "
                                 "key 'name'"));
  }
}

TEST_CASE("text is UTF-8 without control characters, and names are one line of it", "[config]") {
  const Config c = Config::load_string(
      "nul: \"a\\0b\"\nbell: \"ring\\a\"\nlatin1: \"caf\\xe9\"\nmulti: \"one\\ntwo\\tthree\"\n"
      "empty: ''\npadded: ' Acme'\nlines: \"A\\nB\"\nfine: Caf\xc3\xa9 Mu\xcc\x88ller\n",
      "t.yaml");
  // A NUL would cut the name short in every message and in the HDF5 file; it shows escaped.
  REQUIRE_THROWS_WITH(c.child("nul").as_string(),
                      Contains("t.yaml:1:") && Contains("\"a\\x00b\"") &&
                          Contains("character 2 is the control character \\x00"));
  REQUIRE_THROWS_WITH(c.child("bell").as_string(), Contains("control character \\x07"));
  CHECK(c.child("latin1").as_string() == "caf\xc3\xa9");     // YAML's \xe9 is the letter, in UTF-8
  CHECK(c.child("multi").as_string() == "one\ntwo\tthree");  // descriptions may run on
  REQUIRE_THROWS_WITH(c.child("multi").as_name(), Contains("a name: UTF-8 text on one line"));
  REQUIRE_THROWS_WITH(c.child("lines").as_name(), Contains("\"A\\nB\""));
  REQUIRE_THROWS_WITH(c.child("empty").as_name(), Contains("a name: not empty"));
  REQUIRE_THROWS_WITH(c.child("padded").as_name(), Contains("starting or ending with a space"));
  CHECK(c.child("fine").as_name() == "Caf\xc3\xa9 Mu\xcc\x88ller");
  // Bytes that are not UTF-8, in the file itself.
  const Config raw = Config::load_string("name: Fa\xff\xfeil\n", "raw.yaml");
  REQUIRE_THROWS_WITH(raw.child("name").as_name(), Contains("byte 3 (character 3) is not UTF-8"));
}

namespace {

/// Whether `text` is ASCII throughout: escaped, a byte that is not UTF-8 is \xNN.
bool ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

/// The message of the InputError that `f` throws.
template <typename F>
std::string message_of(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("bytes that are not UTF-8 show escaped in messages, UTF-8 as it is", "[config]") {
  // A firm name in Latin-1 ("CaféCo" with é as the single byte E9), and one in UTF-8.
  const Config c = Config::load_string(
      "firms:\n  - name: Caf\xe9"
      "Co\n    budget: 1\n  - name: Caf\xc3\xa9\n    budget: x\nb\xe9ta: 1\n",
      "latin1.yaml");
  const std::vector<Config> firms = c.child("firms").items();
  const std::string latin1 = message_of([&] { firms[0].child("name").as_name(); });
  CHECK(latin1 ==
        "latin1.yaml:2:11: key 'firms.Caf\\xe9Co.name': got \"Caf\\xe9Co\", expected a name: UTF-8 "
        "text on one line (byte 4 (character 4) is not UTF-8)");
  CHECK(message_of([&] { firms[1].get_double("budget"); }) ==
        "latin1.yaml:5:13: key 'firms.Caf\xc3\xa9.budget': got \"x\", expected a number");
  // A key that is not UTF-8, unknown.
  const std::string unknown = message_of([&] { c.finish(); });
  CHECK_THAT(unknown, Contains("latin1.yaml:6:1: key 'b\\xe9ta': unknown key 'b\\xe9ta'"));
  CHECK(ascii(unknown));
  // Shortened for the message, a value is cut between characters, not inside one.
  const std::string accented = message_of([&] {
    Config::load_string("l: " + std::string(34, 'a') + "\xc3\xa9\xc3\xa9\xc3\xa9\n", "t")
        .get_int("l");
  });
  CHECK_THAT(accented, Contains("got \"" + std::string(34, 'a') + "...\"") && !Contains("\\x"));
  CHECK(ascii(accented));
  // A --set and a key given twice, each with a byte that is not UTF-8.
  const std::string set =
      message_of([&] { Config::load_string("a: 1\n", "t", {"a=caf\xe9"}).get_double("a"); });
  CHECK(set == "--set 'a=caf\\xe9': key 'a': got \"caf\\xe9\", expected a number");
  const std::string twice = message_of([&] { Config::load_string("k\xff: 1\nk\xff: 2\n", "t"); });
  CHECK(twice == "t:2:1: key 'k\\xff': 'k\\xff' is given twice (first on line 1)");
  const std::string item =
      message_of([&] { Config::load_string("l: [{name: A}]\n", "t", {"l.\xe9.x=1"}); });
  CHECK_THAT(item, Contains("no item named '\\xe9' in 'l'"));
  CHECK(ascii(item));
}

TEST_CASE("a file is one YAML document, with any line ends", "[config]") {
  REQUIRE_THROWS_WITH(Config::load_string("a: 1\n---\nb: 2\n", "two.yaml"),
                      Contains("two.yaml:3: a second YAML document"));
  CHECK(Config::load_string("---\na: 1\n---\n", "one.yaml").get_int("a") == 1);
  // Classic Mac line ends (CR only) read as lines, not as one comment.
  const Config cr = Config::load_string("# scenario\ra: 1\rb: [2, 3]\r", "cr.yaml");
  CHECK(cr.get_int("a") == 1);
  CHECK(cr.child("b").where() == "cr.yaml:3:4: key 'b'");
  CHECK(Config::load_string("a: 1\r\nb: 2\r\n", "crlf.yaml").get_int("b") == 2);
}

TEST_CASE("a --set on a file that is not a map blames the file", "[config]") {
  REQUIRE_THROWS_WITH(Config::load_string("42\n", "n.yaml", {"seed=1"}),
                      Contains("n.yaml:1:1: the top level is the single value \"42\"") &&
                          Contains("--set 'seed=1' has nothing to set"));
  REQUIRE_THROWS_WITH(Config::load_string("- a\n- b\n", "l.yaml", {"seed=1"}),
                      Contains("l.yaml:1:1: the top level is a list"));
}

TEST_CASE("config: a note names where it was made, once per node and message", "[config]") {
  const msim::Config root = msim::Config::load_string("a: 1\nb: {c: 2}\n", "n.yaml");
  CHECK(root.notes().empty());
  root.child("a").note("looks odd");
  root.child("a").note("looks odd");
  root.child("b").child("c").note("looks odd too");
  REQUIRE(root.notes().size() == 2);
  CHECK_THAT(root.notes()[0], Contains("n.yaml:1:") && Contains("key 'a': looks odd"));
  CHECK_THAT(root.child("b").notes()[1],
             Contains("n.yaml:2:") && Contains("key 'b.c': looks odd too"));
}

TEST_CASE("file_value: what the file had where a --set replaced a single value", "[config]") {
  const Config none = scenario();
  CHECK_FALSE(none.child("seed").file_value());  // no --set
  const Config set = scenario({"seed=7", "seed=9", "market.size=3", "market.depth=4",
                               "firms.Acme.share=2", "firms.Beta={name: Beta, share: 1}",
                               "firms.Beta.share=5", "segments=[{weights: [1]}]"});
  CHECK(set.child("seed").as_int() == 9);
  CHECK(set.child("seed").file_value() == "42");  // the file's, not the first --set's
  CHECK(set.child("market").child("size").file_value() == "2.5");
  CHECK_FALSE(set.child("market").child("depth").file_value());  // the file had none
  CHECK(firm(set, 0).child("share").file_value() == "1.5");
  CHECK_FALSE(firm(set, 1).child("share").file_value());  // an earlier --set wrote the item
  CHECK_FALSE(set.child("segments").file_value());        // a list, not a single value
  CHECK_FALSE(set.child("name").file_value());            // untouched
}
