/// The text helpers that sim/config*.cpp share (declared in sim/config_text.hpp).
#include "sim/config_text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <limits>
#include <system_error>

#include <fmt/format.h>

namespace msim::config_detail {

std::optional<std::pair<YAML::Node, YAML::Node>> find_entry(const YAML::Node& map,
                                                            const std::string& key) {
  if (!map.IsMap()) return std::nullopt;
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return std::pair(kv.first, kv.second);
  }
  return std::nullopt;
}

namespace {

/// The length of the UTF-8 sequence that starts `text` (at least 1 byte), or 0 if it is not one.
std::size_t utf8_length(std::string_view text) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const auto continuation = [&](std::size_t k) { return k < text.size() && (b(k) & 0xC0) == 0x80; };
  const unsigned char lead = b(0);
  std::size_t n = 0;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF)
    n = 2;
  else if (lead >= 0xE0 && lead <= 0xEF)
    n = 3;
  else if (lead >= 0xF0 && lead <= 0xF4)
    n = 4;
  else
    return 0;
  for (std::size_t k = 1; k < n; ++k)
    if (!continuation(k)) return 0;
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
  if ((lead == 0xE0 && b(1) < 0xA0) || (lead == 0xED && b(1) > 0x9F) ||
      (lead == 0xF0 && b(1) < 0x90) || (lead == 0xF4 && b(1) > 0x8F))
    return 0;
  return n;
}

}  // namespace

std::string escape_controls(std::string_view text) {
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t n = utf8_length(text.substr(at));
    const auto byte = static_cast<unsigned char>(text[at]);
    if (n == 0) {
      out += fmt::format("\\x{:02x}", byte);  // not UTF-8: one byte at a time
      at += 1;
      continue;
    }
    if (byte == '\n') {
      out += "\\n";
    } else if (byte == '\t') {
      out += "\\t";
    } else if (n == 1 && (byte < 0x20 || byte == 0x7f)) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += text.substr(at, n);
    }
    at += n;
  }
  return out;
}

InputError input_error(const std::string& message) {
  return InputError(escape_non_utf8(message));
}

std::string item_segment(const YAML::Node& item, std::size_t index) {
  auto name = find_entry(item, "name");
  return name && name->second.IsScalar() && !name->second.Scalar().empty()
             ? escape_controls(name->second.Scalar())
             : std::to_string(index);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string join_path(const std::string& parent, const std::string& segment) {
  return parent.empty() ? segment : parent + "." + segment;
}

std::string join(const std::vector<std::string>& words, const std::string& quote) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + quote + w + quote;
  return out;
}

std::string flow(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  std::vector<std::string> parts;
  for (const auto& item : node) {
    parts.push_back(node.IsMap() ? flow(item.first) + ": " + flow(item.second) : flow(item));
  }
  return node.IsMap()        ? "{" + join(parts, "") + "}"
         : node.IsSequence() ? "[" + join(parts, "") + "]"
                             : "~";
}

std::string shorten(const std::string& text, std::size_t max, const std::string& close) {
  if (text.size() <= max) return text;
  std::size_t cut = max - 3 - close.size();
  // Not inside a UTF-8 sequence, whose lead byte alone would show as a byte that is not UTF-8.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "..." + close;
}

std::string text_fault(std::string_view text, bool one_line) {
  for (std::size_t at = 0, character = 1; at < text.size(); ++character) {
    const std::size_t n = utf8_length(text.substr(at));
    if (n == 0) return fmt::format("byte {} (character {}) is not UTF-8", at + 1, character);
    const auto byte = static_cast<unsigned char>(text[at]);
    const bool line_break = byte == '\n' || byte == '\r' || byte == '\t';
    if (n == 1 && (byte < 0x20 || byte == 0x7f) && (one_line || !line_break))
      return fmt::format("character {} is the control character \\x{:02x}", character, byte);
    at += n;
  }
  return "";
}

std::optional<double> parse_double(std::string text) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.erase(0, 1);
  const std::string special = lower(text);
  if (special == ".inf") return std::numeric_limits<double>::infinity();
  if (special == "-.inf") return -std::numeric_limits<double>::infinity();
  if (special == ".nan") return std::numeric_limits<double>::quiet_NaN();
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string unrepresentable(std::string text) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.erase(0, 1);
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc::result_out_of_range || end != text.data() + text.size()) return "";
  // Out of range: past the largest double (strtod gives infinity), or below the smallest
  // nonzero one (it gives 0), whether written with an exponent or in digits.
  const bool tiny = std::abs(std::strtod(text.c_str(), nullptr)) != HUGE_VAL;
  return tiny ? "is too close to 0 to be held (nonzero numbers down to about 4.9e-324 are; "
                "write 0 if 0 is meant)"
              : "is beyond the largest magnitude a double holds (about 1.8e308)";
}

bool thousands_separated(const std::string& text) {
  std::size_t i = text.size() > 0 && (text[0] == '-' || text[0] == '+') ? 1 : 0;
  const std::size_t point = std::min(text.find('.'), text.size());
  const std::string whole = text.substr(i, point - i);
  if (whole.find(',') == std::string::npos || whole.front() == ',') return false;
  std::size_t group = 0;
  for (std::size_t k = whole.size(); k-- > 0;) {
    if (whole[k] == ',') {
      if (group != 3) return false;
      group = 0;
    } else if (whole[k] >= '0' && whole[k] <= '9') {
      ++group;
    } else {
      return false;
    }
  }
  return group >= 1 && group <= 3 && parse_double("0" + text.substr(point)).has_value();
}

std::optional<std::string> decimal_comma(const std::string& text) {
  const std::size_t sign = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
  const std::size_t comma = text.find(',');
  const auto digits = [&](std::size_t from, std::size_t to) {
    return to > from && std::all_of(text.begin() + static_cast<std::ptrdiff_t>(from),
                                    text.begin() + static_cast<std::ptrdiff_t>(to),
                                    [](char c) { return c >= '0' && c <= '9'; });
  };
  if (comma == std::string::npos || !digits(sign, comma) || !digits(comma + 1, text.size()))
    return std::nullopt;
  // "5,000" is five thousand; "0,850" can only be a fraction.
  if (thousands_separated(text) && text[sign] != '0') return std::nullopt;
  std::string point = text;
  point[comma] = '.';
  return point;
}

std::optional<std::string> comma_joined(const YAML::Node& first, const YAML::Node& second) {
  const auto plain_number = [](const YAML::Node& n) {
    return n.IsScalar() && !n.Mark().is_null() && n.Tag() == "?" &&
           parse_double(n.Scalar()).has_value();
  };
  if (!plain_number(first) || !plain_number(second)) return std::nullopt;
  const YAML::Mark a = first.Mark(), b = second.Mark();
  // On one line, one character apart: in a flow collection that character is the comma.
  if (a.line != b.line || b.pos != a.pos + static_cast<int>(first.Scalar().size()) + 1)
    return std::nullopt;
  return first.Scalar() + "," + second.Scalar();
}

}  // namespace msim::config_detail

namespace msim {

std::string escape_non_utf8(std::string_view text) {
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t n = config_detail::utf8_length(text.substr(at));
    if (n == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[at]));
      at += 1;
    } else {
      out += text.substr(at, n);
      at += n;
    }
  }
  return out;
}

}  // namespace msim
