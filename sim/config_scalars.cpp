/// Config's scalars: numbers in a Range, integers, booleans, strings, names and choices, and the
/// keyed getters built on them.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/config.hpp"
#include "sim/config_state.hpp"
#include "sim/config_text.hpp"

namespace msim {

using config_detail::decimal_comma;
using config_detail::escape_controls;
using config_detail::join;
using config_detail::lower;
using config_detail::parse_double;
using config_detail::text_fault;
using config_detail::thousands_separated;

namespace {

std::string describe_range(const Range& r, const std::string& noun) {
  const bool has_lo = std::isfinite(r.lo);
  const bool has_hi = std::isfinite(r.hi);
  if (has_lo && has_hi) {
    return fmt::format("{} in {}{}, {}{}", noun, r.lo_open ? '(' : '[', r.lo, r.hi,
                       r.hi_open ? ')' : ']');
  }
  if (has_lo) return fmt::format("{} {} {}", noun, r.lo_open ? ">" : ">=", r.lo);
  if (has_hi) return fmt::format("{} {} {}", noun, r.hi_open ? "<" : "<=", r.hi);
  return noun;
}

}  // namespace

// --- Range --------------------------------------------------------------------------------

std::string Range::describe() const {
  return describe_range(*this, "a number");
}

bool Range::contains(double v) const {
  return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
}

// --- Scalars ------------------------------------------------------------------------------

namespace {

/// "20k", "1.5M", "2bn" (thousands, millions, billions) as the number they stand for.
std::optional<double> with_suffix(const std::string& text) {
  for (const auto& [suffix, factor] : {std::pair<std::string_view, double>{"k", 1e3},
                                       {"K", 1e3},
                                       {"M", 1e6},
                                       {"bn", 1e9},
                                       {"B", 1e9}}) {
    if (text.size() <= suffix.size() || !text.ends_with(suffix)) continue;
    const auto v = parse_double(text.substr(0, text.size() - suffix.size()));
    if (v && std::isfinite(*v)) return *v * factor;
  }
  return std::nullopt;
}

/// What a number in `r` is expected to be, and for text such as "5,000", "0,85" or "30%" how to
/// write it. `split`: a flow collection's comma split the text, so YAML read two values.
std::string expected_number(const std::string& expected, const std::string& text, bool split,
                            const Range& r) {
  std::string out = expected;
  std::vector<std::string> notes;
  std::string number = text;  // "30%" -> "30"
  if (!number.empty() && number.back() == '%') {
    number.pop_back();
    while (!number.empty() && number.back() == ' ') number.pop_back();
  }
  const auto percent = number.size() < text.size() ? parse_double(number) : std::nullopt;
  const bool fraction = r.fraction || (r.lo >= -1 && r.hi <= 1);
  if (percent && std::isfinite(*percent) && fraction && r.contains(*percent / 100)) {
    notes.push_back(
        fmt::format("written as a fraction, not a percentage: {} for {}%", *percent / 100, number));
  } else if (percent) {
    out += ", without a percent sign";
  } else if (const auto point = decimal_comma(text)) {
    notes.push_back(fmt::format("this looks like a decimal comma: write {}", *point));
  } else if (thousands_separated(text)) {
    std::string plain = text;
    plain.erase(std::remove(plain.begin(), plain.end(), ','), plain.end());
    out += fmt::format(", written without thousands separators, such as {}", plain);
  } else if (const auto whole = with_suffix(text); whole && r.contains(*whole)) {
    out += fmt::format(", written out in full, such as {:.15g}", *whole);
  }
  if (split) {
    const std::size_t comma = text.find(',');
    notes.push_back(
        fmt::format("in a {{...}} map a comma separates entries, so it read as {} and a key '{}'",
                    text.substr(0, comma), text.substr(comma + 1)));
  }
  if (!notes.empty()) out += fmt::format(" ({})", fmt::join(notes, "; "));
  return out;
}

/// YAML's own tags ("!!int" in a file) as yaml-cpp gives them.
constexpr std::string_view kCoreTag = "tag:yaml.org,2002:";

/// Refuses `node`, a scalar of `self` whose text reads as `expected`, where YAML makes it another
/// type: quoted ("3000", or a | or > block) it is a string, whatever it looks like; tagged, it is
/// what its tag says. Plain text (tag "?") and what a --set made (no tag) pass, and so does a
/// tag of YAML's that `tags` lists ("int", "float", "bool"): `!!float 3` is a number. `state`
/// tells a block from quotes (Config::fail says what a block is).
void check_tag(const Config& self, const Config::State& state, const YAML::Node& node,
               const std::string& expected, std::initializer_list<std::string_view> tags) {
  const std::string& tag = node.Tag();
  if (tag == "?" || tag.empty()) return;
  const bool core = tag.rfind(kCoreTag, 0) == 0;
  const std::string_view type = core ? std::string_view(tag).substr(kCoreTag.size()) : "";
  if (core && std::find(tags.begin(), tags.end(), type) != tags.end()) return;
  if (tag == "!" && state.block_at(node.Mark(), self.path()))
    self.fail(fmt::format("got the string {}, expected {}", self.show(), expected));
  if (tag == "!")
    self.fail(fmt::format("got the string {} (quoted), expected {}: remove the quotes", self.show(),
                          expected));
  const std::string shown = core ? fmt::format("!!{}", type) : escape_controls(tag);
  self.fail(fmt::format("got {}{} (tagged {}), expected {}: remove the tag",
                        type == "str" ? "the string " : "", self.show(), shown, expected));
}

}  // namespace

double Config::as_double(const Range& r) const {
  if (const std::string* written = state_->split_number(path_))
    fail(fmt::format("got \"{}\", expected {}", *written,
                     expected_number(r.describe(), *written, true, r)));
  const auto v = is_scalar() ? parse_double(node_->Scalar()) : std::nullopt;
  if (!v && is_scalar())
    if (const std::string why = config_detail::unrepresentable(node_->Scalar()); !why.empty())
      fail(fmt::format("got \"{}\", which {}; expected {}", node_->Scalar(), why, r.describe()));
  if (!v)
    fail_expected(is_scalar() ? expected_number(r.describe(), node_->Scalar(), false, r)
                              : r.describe());
  check_tag(*this, *state_, *node_, r.describe(), {"float", "int"});
  if (!std::isfinite(*v)) fail_expected("a finite number");
  if (!r.contains(*v)) {
    // 50 for a fraction of 0.5: a percentage without its sign (not 1.5, likely another slip).
    const bool fraction = r.fraction || (r.lo >= -1 && r.hi <= 1);
    fail_expected(fraction && std::abs(*v) >= 2 && std::abs(*v) <= 100 && r.contains(*v / 100)
                      ? fmt::format("{} (a fraction: {:g} for {:g}%)", r.describe(), *v / 100, *v)
                      : r.describe());
  }
  return *v;
}

std::int64_t Config::as_int(const Range& r) const {
  const std::string expected = describe_range(r, "an integer");
  if (const std::string* written = state_->split_number(path_))
    fail(fmt::format("got \"{}\", expected {}", *written,
                     expected_number(expected, *written, true, r)));
  if (!is_scalar()) fail_expected(expected);
  std::string text = node_->Scalar();
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.erase(0, 1);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    // Also accept integral floats such as 1e6 or 3.0.
    const auto d = parse_double(text);
    constexpr double two_to_63 = 9223372036854775808.0;
    // Past 64 bits (an integer's digits, or a float's value): name the bound the range leaves out.
    const bool integral = d && std::trunc(*d) == *d;
    if (ec == std::errc::result_out_of_range ||
        (integral && (*d >= two_to_63 || *d < -two_to_63))) {
      if (text[0] != '-' && !(r.hi < two_to_63))
        fail_expected(fmt::format("{}, and at most {} (2^63 - 1)", expected,
                                  std::numeric_limits<std::int64_t>::max()));
      if (text[0] == '-' && !(r.lo >= -two_to_63))
        fail_expected(fmt::format("{}, and at least {} (-2^63)", expected,
                                  std::numeric_limits<std::int64_t>::min()));
      fail_expected(expected);
    }
    if (!integral) fail_expected(expected_number(expected, text, false, r));
    v = static_cast<std::int64_t>(*d);
  }
  check_tag(*this, *state_, *node_, expected, {"int", "float"});
  if (!r.contains(static_cast<double>(v))) fail_expected(expected);
  return v;
}

bool Config::as_bool() const {
  // YAML 1.1's words for truth, as people write them; not y and n, which read as letters too
  // (and YAML 1.2 reads all but true and false as text).
  const std::string expected = "true or false (or yes/no, on/off; in any case)";
  if (!is_scalar()) fail_expected(expected);
  const std::string word = lower(node_->Scalar());
  if (word == "y" || word == "n")
    fail_expected(fmt::format("{}: a lone {} is not one of them; write {}", expected,
                              node_->Scalar(), word == "y" ? "yes" : "no"));
  if (const auto number = parse_double(word); number && (*number == 0 || *number == 1))
    fail_expected(
        fmt::format("{}, not a number: write {}", expected, *number == 1 ? "true" : "false"));
  const bool yes = word == "true" || word == "yes" || word == "on";
  if (!yes && word != "false" && word != "no" && word != "off") fail_expected(expected);
  check_tag(*this, *state_, *node_, expected, {"bool"});
  return yes;
}

std::string Config::as_string() const {
  if (!is_scalar()) fail_expected("a string");
  if (const std::string fault = text_fault(node_->Scalar(), false); !fault.empty())
    fail_expected(fmt::format("UTF-8 text without control characters ({})", fault));
  return node_->Scalar();
}

namespace {

/// What `text`, written plain, reads as when YAML does not read it as that text: "a number",
/// "true or false", "nothing", "a list", "a map" or "other text"; "" when it reads as itself.
std::string plain_reading(const std::string& text) {
  if (parse_double(text) || !config_detail::unrepresentable(text).empty()) return "a number";
  const std::string word = lower(text);
  for (const char* truth : {"true", "false", "yes", "no", "on", "off"})
    if (word == truth) return "true or false";
  try {
    const YAML::Node plain = YAML::Load(text);
    if (plain.IsNull()) return "nothing";
    if (plain.IsSequence()) return "a list";
    if (plain.IsMap()) return "a map";
    return plain.Tag() == "?" && plain.Scalar() == text ? "" : "other text";
  } catch (const YAML::Exception&) {
    return "other text";
  }
}

}  // namespace

std::string Config::as_set_value() const {
  if (!is_scalar()) fail_expected("a single value (a number or a word)");
  const std::string text = as_string();
  const std::string& tag = node_->Tag();
  // Plain text, and YAML's own types, which read the same plain ("!!float '3'" as 3).
  if (tag == "?" || tag.empty()) return text;
  for (const char* type : {"int", "float", "bool", "null"})
    if (tag == std::string(kCoreTag) + type) return text;
  const std::string reads = plain_reading(text);
  if (reads.empty()) return text;
  const bool quoted = tag == "!";
  const std::string how =
      quoted ? "quoted"
             : "tagged " + (tag.rfind(kCoreTag, 0) == 0 ? "!!" + tag.substr(kCoreTag.size())
                                                        : escape_controls(tag));
  const char* what = quoted ? "quotes" : "the tag";
  fail(fmt::format(
      "got the string {} ({}), but a value here applies as --set KEY=VALUE, without its {}, "
      "where it reads as {}: {}",
      show(), how, quoted ? "quotes" : "tag", reads,
      reads == "a number" || reads == "true or false"
          ? fmt::format("write it without {} (a name reads as a name either way)", what)
          : fmt::format("give a value that reads the same without {}", what)));
}

std::string Config::as_name() const {
  if (!is_scalar()) fail_expected("a name");
  const std::string& name = node_->Scalar();
  if (const std::string fault = text_fault(name, true); !fault.empty())
    fail_expected(fmt::format("a name: UTF-8 text on one line ({})", fault));
  if (name.empty() || name.front() == ' ' || name.back() == ' ')
    fail_expected("a name: not empty, and not starting or ending with a space");
  return name;
}

std::string path_name_fault(const std::string& name, const std::string& example) {
  if (name.find('.') == std::string::npos) return "";
  std::string fixed = name;
  std::replace(fixed.begin(), fixed.end(), '.', '_');
  return fmt::format(
      "names may not contain '.': they are used in key paths such as {}, where '{}' would read "
      "as '{}' and more keys; write {}, say",
      example, name, name.substr(0, name.find('.')), fixed);
}

std::string Config::as_path_name(const std::string& example) const {
  const std::string name = as_name();
  if (const std::string fault = path_name_fault(name, example); !fault.empty())
    fail(fmt::format("got \"{}\": {}", name, fault));
  return name;
}

std::vector<double> Config::as_doubles(const Range& r) const {
  if (!is_sequence()) fail_expected("a list of numbers");
  std::vector<double> out;
  for (const auto& item : items()) out.push_back(item.as_double(r));
  return out;
}

std::vector<std::string> Config::as_strings() const {
  if (!is_sequence()) fail_expected("a list of strings");
  std::vector<std::string> out;
  for (const auto& item : items()) out.push_back(item.as_string());
  return out;
}

std::string Config::as_choice(const std::vector<std::string>& choices) const {
  const std::string expected = "one of " + join(choices, "'");
  if (!is_scalar()) fail_expected(expected);
  const std::string v = node_->Scalar();
  if (std::find(choices.begin(), choices.end(), v) != choices.end()) return v;
  const std::string guess = did_you_mean(v, choices);
  fail_expected(guess.empty() ? expected : fmt::format("{} (did you mean '{}'?)", expected, guess));
}

// --- Keyed getters ------------------------------------------------------------------------

double Config::get_double(const std::string& key, double fallback, const Range& r) const {
  auto c = find(key);
  return c ? c->as_double(r) : fallback;
}
double Config::get_double(const std::string& key, const Range& r) const {
  return child(key).as_double(r);
}
std::int64_t Config::get_int(const std::string& key, std::int64_t fallback, const Range& r) const {
  auto c = find(key);
  return c ? c->as_int(r) : fallback;
}
std::int64_t Config::get_int(const std::string& key, const Range& r) const {
  return child(key).as_int(r);
}
bool Config::get_bool(const std::string& key, bool fallback) const {
  auto c = find(key);
  return c ? c->as_bool() : fallback;
}
std::string Config::get_string(const std::string& key, const std::string& fallback) const {
  auto c = find(key);
  return c ? c->as_string() : fallback;
}
std::string Config::get_string(const std::string& key) const {
  return child(key).as_string();
}

}  // namespace msim
