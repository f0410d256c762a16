#pragma once
/// Text helpers that sim/config*.cpp share: escaping control characters, UTF-8 checks, flow
/// style, shortening, joining, parsing numbers, and the map lookup that naming list items rests
/// on. Only sim/config*.cpp include this.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/error.hpp"

namespace msim::config_detail {

/// The (key, value) entry at `key` of a map, or nullopt. Never inserts, unlike non-const
/// operator[]; the value shares the tree, so assigning to it replaces the value in the map.
std::optional<std::pair<YAML::Node, YAML::Node>> find_entry(const YAML::Node& map,
                                                            const std::string& key);

/// `text` with control characters written as \xNN (\n, \t as such), and each byte that is not
/// part of UTF-8 as \xNN too ("caf\xe9" for Latin-1 "café"), for messages; UTF-8 text is kept.
std::string escape_controls(std::string_view text);

/// An InputError with `message`, bytes of it that are not UTF-8 escaped (escape_non_utf8): a key
/// or value quoted from a file in Latin-1 shows as text, not as raw bytes a terminal garbles.
InputError input_error(const std::string& message);

/// A list item's path segment: its `name` when it is a map with a non-empty one (control
/// characters escaped: a NUL would end the message), else its index.
std::string item_segment(const YAML::Node& item, std::size_t index);

/// `s` with each byte in lower case, for comparisons that ignore case.
std::string lower(std::string s);

/// The key path of `segment` inside `parent`: "parent.segment", or `segment` at the top level.
std::string join_path(const std::string& parent, const std::string& segment);

/// The words separated by ", ", each between two `quote`s.
std::string join(const std::vector<std::string>& words, const std::string& quote);

/// The node in flow style, scalars unquoted: "[1, 2]", "{a: 1}".
std::string flow(const YAML::Node& node);

/// `text`, or when longer than `max` bytes its start, "..." and `close` in at most `max` bytes;
/// it is not cut inside a UTF-8 character.
std::string shorten(const std::string& text, std::size_t max, const std::string& close);

/// What makes `text` unfit as text in a scenario: a byte that is not UTF-8 or a control
/// character (tab and line breaks are fine unless `one_line`); "" when it is fine.
std::string text_fault(std::string_view text, bool one_line);

/// Parses a YAML number ("12", "-3.5", "1e6", "+2", ".inf", ".nan"); nullopt if not one.
std::optional<double> parse_double(std::string text);
/// For a number that parse_double refuses only because a double cannot hold it, why: "is
/// beyond the largest magnitude a double holds (about 1.8e308)" (1e400), "is too close to 0 to
/// be held (...)" (1e-400); else "".
std::string unrepresentable(std::string text);

/// Whether `text` is a number written with thousands separators ("5,000", "-1,250,000.5"),
/// which YAML reads as text.
bool thousands_separated(const std::string& text);

/// For a number written with a decimal comma ("0,85", "-1,5", "0,850"; not "5,000", which is
/// thousands_separated()), the number with a decimal point ("0.85"); nullopt otherwise.
std::optional<std::string> decimal_comma(const std::string& text);

/// The number that a flow collection's comma split, as written ("0,85"), when the plain number
/// `first` is followed on its line by a comma and, right after it, by `second`: "{a: 0,85}"
/// reads as {a: 0, 85: null} and "[0,5]" as [0, 5]. nullopt when either is not a plain number
/// or anything else stands between them.
std::optional<std::string> comma_joined(const YAML::Node& first, const YAML::Node& second);

}  // namespace msim::config_detail
