/// Loading a Config: parsing the YAML text, rejecting duplicate keys and documents that expand
/// past a limit, hinting at the cause of a syntax error, and applying --set overrides.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/config.hpp"
#include "sim/config_state.hpp"
#include "sim/config_text.hpp"
#include "sim/error.hpp"
#include "sim/scenario_file.hpp"

namespace msim {

using config_detail::escape_controls;
using config_detail::find_entry;
using config_detail::flow;
using config_detail::input_error;
using config_detail::item_segment;
using config_detail::join;
using config_detail::join_path;
using config_detail::shorten;

namespace {

/// The most values a document may expand to: a scenario has a few thousand, and aliases nested
/// ten deep ten times over ("billion laughs") would otherwise take hours to walk.
constexpr std::size_t kMaxNodes = 1'000'000;

/// Where a node is, as errors begin: "scenario.yaml:12:5: " in a file, "--set '...': " in a
/// --set's value, whose one line has no number worth giving (`lines` false).
struct Where {
  std::function<std::string(const YAML::Mark&)> at;
  bool lines = true;
  std::string operator()(const YAML::Mark& m) const { return at(m); }
};

/// Rejects a YAML merge key (`<<: *defaults`), which yaml-cpp reads as a key named "<<", at its
/// line, with the map written out in full: the merged map's keys, then this map's own.
[[noreturn]] void reject_merge_key(const YAML::Node& map,
                                   const std::pair<YAML::Node, YAML::Node>& merge,
                                   const std::string& path, const Where& where) {
  std::vector<std::string> own, merged;
  for (const auto& kv : map)
    if (!(kv.first.IsScalar() && kv.first.Scalar() == "<<"))
      own.push_back(flow(kv.first) + ": " + flow(kv.second));
  std::vector<YAML::Node> sources;
  if (merge.second.IsMap()) sources.push_back(merge.second);
  if (merge.second.IsSequence())
    for (const auto& item : merge.second) sources.push_back(item);
  for (const YAML::Node& source : sources)
    for (const auto& kv : source)
      if (kv.first.IsScalar() && !find_entry(map, kv.first.Scalar()))
        merged.push_back(flow(kv.first) + ": " + flow(kv.second));
  merged.insert(merged.end(), own.begin(), own.end());
  throw input_error(fmt::format(
      "{}key '{}': merge keys (<<) are not supported; repeat the keys instead{}",
      where(merge.first.Mark()), join_path(path, "<<"),
      sources.empty() ? "" : fmt::format(": {{{}}}", shorten(join(merged, ""), 200, ""))));
}

/// Rejects a key given twice in one map (yaml-cpp keeps both and lookups see only the first),
/// pointing at the second occurrence, a document that expands past kMaxNodes values, and a list
/// or map that holds an alias of itself (`&a [*a]`), which would repeat it without end.
/// `enclosing` holds the lists and maps that contain `node`, with their key paths.
void reject_duplicate_keys(const YAML::Node& node, const std::string& path, const Where& where,
                           std::size_t& visited,
                           std::vector<std::pair<YAML::Node, std::string>>& enclosing) {
  if (++visited > kMaxNodes)
    throw input_error(
        fmt::format("{}key '{}': the document expands to more than {} values; YAML aliases (*name) "
                    "that repeat lists or maps inside each other multiply its size",
                    where(node.Mark()), path.empty() ? "top level" : path, kMaxNodes));
  if (!node.IsMap() && !node.IsSequence()) return;
  for (const auto& [outer, outer_path] : enclosing)
    if (outer.is(node))
      throw input_error(fmt::format(
          "{}key '{}': the {} anchored here (&name) holds an alias (*name) of itself, at key "
          "'{}', which would repeat it without end; an alias may name only a list or map that "
          "ends before it",
          where(node.Mark()), outer_path.empty() ? "top level" : outer_path,
          node.IsMap() ? "map" : "list", path));
  enclosing.emplace_back(node, path);
  if (node.IsMap()) {
    std::map<std::string, int> first_line;
    for (const auto& kv : node) {
      if (kv.first.IsNull())  // ~: 5, null: 5 or ": 5"
        throw input_error(fmt::format(
            "{}{}: a key is a name, but this one is null (~, null, or nothing before the colon, "
            "reads as no key at all); expected the key's name before the colon (quoted, '~', for "
            "a key of that name)",
            where(kv.first.Mark()), path.empty() ? "top level" : "key '" + path + "'"));
      if (!kv.first.IsScalar())  // [consumers]: 2000 read as a key that is a list
        throw input_error(fmt::format(
            "{}{}: a key is a single word, but this one is {} ({}); write it without "
            "brackets or braces",
            where(kv.first.Mark()), path.empty() ? "top level" : "key '" + path + "'",
            kv.first.IsSequence() ? "a list" : "a map", shorten(flow(kv.first), 60, "")));
      const std::string& key = kv.first.Scalar();
      const int line = kv.first.Mark().line + 1;
      if (key == "<<" && kv.first.Tag() == "?") reject_merge_key(node, kv, path, where);
      if (auto [it, inserted] = first_line.emplace(key, line); !inserted) {
        throw input_error(fmt::format(
            "{}key '{}': '{}' is given twice{}", where(kv.first.Mark()),
            escape_controls(join_path(path, key)), escape_controls(key),
            where.lines ? fmt::format(" (first on line {})", it->second) : std::string()));
      }
      reject_duplicate_keys(kv.second, join_path(path, key), where, visited, enclosing);
    }
  } else {
    for (std::size_t i = 0; i < node.size(); ++i)
      reject_duplicate_keys(node[i], join_path(path, item_segment(node[i], i)), where, visited,
                            enclosing);
  }
  enclosing.pop_back();
}

/// The same, from the top of a document (or a --set's value) at `path`.
void reject_duplicate_keys(const YAML::Node& node, const std::string& path, const Where& where,
                           std::size_t& visited) {
  std::vector<std::pair<YAML::Node, std::string>> enclosing;
  reject_duplicate_keys(node, path, where, visited, enclosing);
}

/// Where in the file `file` a node is: "file:line:column: ".
Where in_file(const std::string& file) {
  return {[file](const YAML::Mark& m) {
            return fmt::format("{}:{}:{}: ", file, m.line + 1, m.column + 1);
          },
          true};
}

/// The lines of `text` up to 0-based `last`, without their line ends.
std::vector<std::string_view> lines_to(const std::string& text, int last) {
  std::vector<std::string_view> rows;
  for (std::size_t start = 0; static_cast<int>(rows.size()) <= last && start <= text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view row(text.data() + start, end - start);
    if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
    rows.push_back(row);
    start = end + 1;
  }
  return rows;
}

/// A line's content: what follows its indentation and any "- " list markers, without a comment
/// or trailing spaces; `column` is where it starts (0-based). Empty for a blank or comment line.
std::string_view content(std::string_view row, std::size_t& column) {
  column = 0;
  while (column < row.size()) {
    if (row[column] == ' ') {
      ++column;
    } else if (row[column] == '-' && (column + 1 == row.size() || row[column + 1] == ' ')) {
      column += 1;
    } else {
      break;
    }
  }
  std::string_view rest = row.substr(column);
  if (!rest.empty() && rest.front() == '#') return {};
  rest = rest.substr(0, rest.find(" #"));
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  return rest;
}

/// " (line N: 'share:0.2' needs a space after the colon: 'share: 0.2')" when the line is a key
/// and its value with no space between, which YAML reads as one word; else "".
std::string missing_space(std::string_view row, int n) {
  std::size_t column = 0;
  const std::string_view c = content(row, column);
  const std::size_t colon = c.find(':');
  if (c.empty() || colon == std::string_view::npos || colon == 0 || colon + 1 >= c.size())
    return "";
  const auto word = [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-';
  };
  const std::string_view key = c.substr(0, colon);
  if (!std::isalpha(static_cast<unsigned char>(key[0])) && key[0] != '_') return "";
  if (!std::all_of(key.begin(), key.end(), word)) return "";
  // "http://...", "a::b", and keys with a colon in them ("a:b: 1") are something else.
  const char after = c[colon + 1];
  if (after == ' ' || after == '\t' || after == '/' || after == ':') return "";
  if (c.find(": ") != std::string_view::npos) return "";
  return fmt::format(" (line {}: '{}' needs a space after the colon: '{}: {}')", n + 1, c, key,
                     c.substr(colon + 1));
}

/// " (line N, 'seed 4', has no colon: ...)" when 0-based line `n` is a word and a value with no
/// colon, and the next line is a key at the same indentation: the two were meant as keys of one
/// map, and the parser trips on the second. Not when line `n` may be a value going on from the
/// line before (indented under a key that has its value, or after a line with no colon). Else "".
std::string missing_colon(const std::vector<std::string_view>& rows, int n) {
  std::size_t col = 0;
  const std::string_view c = content(rows[static_cast<std::size_t>(n)], col);
  const std::size_t space = c.find(' ');
  if (c.empty() || c.find(':') != std::string_view::npos || space == std::string_view::npos)
    return "";
  std::size_t prev_col = 0;
  std::string_view prev;
  for (int p = n - 1; p >= 0 && prev.empty(); --p)
    prev = content(rows[static_cast<std::size_t>(p)], prev_col);
  if (!prev.empty()) {
    const std::size_t colon = prev.find(": ");
    if (prev.back() != ':' && (colon == std::string_view::npos || col > prev_col)) return "";
  }
  const std::string_view key = c.substr(0, space);
  const auto word = [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-';
  };
  if (!std::isalpha(static_cast<unsigned char>(key[0])) && key[0] != '_') return "";
  if (!std::all_of(key.begin(), key.end(), word)) return "";
  std::size_t next_col = 0;
  std::string_view next;
  for (auto m = static_cast<std::size_t>(n) + 1; m < rows.size() && next.empty(); ++m)
    next = content(rows[m], next_col);
  const std::size_t colon = next.find(':');
  if (next.empty() || next_col != col || colon == std::string_view::npos ||
      (colon + 1 < next.size() && next[colon + 1] != ' '))
    return "";
  const std::string_view value = c.substr(c.find_first_not_of(' ', space));
  return fmt::format(" (line {}, '{}', has no colon: if it is a key and its value, write '{}: {}')",
                     n + 1, c, key, value);
}

/// " (line N is indented ...)" when the key on 0-based line `n` lines up with no key before it
/// that it could belong with: further in than the key on the line before, which has its value
/// already, or back out to no enclosing key's indentation; else "".
std::string misaligned(const std::vector<std::string_view>& rows, int n) {
  std::size_t col = 0;
  const std::string_view line = content(rows[static_cast<std::size_t>(n)], col);
  const std::size_t indent = rows[static_cast<std::size_t>(n)].find_first_not_of(' ');
  if (line.empty() || indent != col) return "";  // blank, or a "- " item
  if (line.find(": ") == std::string_view::npos && line.back() != ':') return "";  // not a key
  int p = n - 1;  // the content line before it
  std::size_t prev = 0;
  while (p >= 0 && content(rows[static_cast<std::size_t>(p)], prev).empty()) --p;
  if (p < 0) return "";
  const std::string_view before = content(rows[static_cast<std::size_t>(p)], prev);
  // A key that opens a block, or a flow collection or folded text going on: nothing to compare.
  if (std::string_view(":|>[{,").find(before.back()) != std::string_view::npos ||
      before.ends_with("|-") || before.ends_with(">-") || before.ends_with("|+") ||
      before.ends_with(">+"))
    return "";
  if (col > prev)
    return fmt::format(
        " (line {} is indented {} spaces, further than the key on line {} ({} spaces), which has "
        "its value already; the keys of one map line up)",
        n + 1, col, p + 1, prev);
  if (col == prev) return "";
  // Back out: to the indentation of a key that encloses the line before, or nowhere.
  std::vector<std::size_t> levels{prev};
  for (int q = p - 1; q >= 0 && levels.back() > 0; --q) {
    std::size_t at = 0;
    if (!content(rows[static_cast<std::size_t>(q)], at).empty() && at < levels.back())
      levels.push_back(at);
  }
  if (std::find(levels.begin(), levels.end(), col) != levels.end()) return "";
  return fmt::format(
      " (line {} is indented {} spaces, which lines up with no key before it ({} spaces))", n + 1,
      col, fmt::join(levels, " or "));
}

/// What likely caused a YAML syntax error reported at 0-based `line` and `column`: a tab in the
/// indentation of that line or one before it, a key with no space after its colon, or no colon,
/// on that line or the one before, a [ or { not closed (or closed by the other kind) by then, or a
/// key indented to line up with nothing. Empty if none of these.
std::string syntax_hint(const std::string& text, int line, int column) {
  const std::vector<std::string_view> rows = lines_to(text, line);
  if (rows.empty()) return "";
  const int error_line = line;  // may be past the last line
  line = static_cast<int>(rows.size()) - 1;
  for (std::size_t n = 0; n < rows.size(); ++n) {
    const std::string_view row = rows[n];
    // The indentation, and the "- " of list items in it: "-<TAB>name: x" is indented by a tab.
    std::size_t indent = 0;
    while (indent < row.size() && (row[indent] == ' ' || row[indent] == '\t' ||
                                   (row[indent] == '-' && indent + 1 < row.size() &&
                                    (row[indent + 1] == ' ' || row[indent + 1] == '\t'))))
      ++indent;
    const std::size_t tab = row.substr(0, indent).find('\t');
    if (tab == std::string_view::npos) continue;
    if (tab > 0 && row[tab - 1] == '-')
      return fmt::format(
          " (line {} has a tab after its list dash; YAML indents with spaces: put a space after "
          "the '-')",
          n + 1);
    return fmt::format(" (line {} is indented with a tab; YAML indents with spaces)", n + 1);
  }
  // The line the parser stopped at, else the content line before it (where "share:0.2" stands
  // when the next line trips the parser).
  for (int n = line, tried = 0; n >= 0 && tried < 2; --n) {
    std::size_t col = 0;
    if (content(rows[static_cast<std::size_t>(n)], col).empty()) continue;
    ++tried;
    if (std::string hint = missing_space(rows[static_cast<std::size_t>(n)], n); !hint.empty())
      return hint;
    if (std::string hint = missing_colon(rows, n); !hint.empty()) return hint;
  }
  // Flow brackets: open ones, where they opened, and one closed by the other kind. On the error
  // line, only up to the error's column.
  struct Open {
    char bracket;
    int line;
    std::size_t column;
  };
  std::vector<Open> open;
  for (int n = 0; n <= line; ++n) {
    std::string_view row = rows[static_cast<std::size_t>(n)];
    const std::size_t indent = std::min(row.find_first_not_of(' '), row.size());
    if (row.substr(indent, 1) == "#") continue;
    row = row.substr(0, row.find(" #"));
    if (n == error_line) row = row.substr(0, static_cast<std::size_t>(column) + 1);
    for (std::size_t k = 0; k < row.size(); ++k) {
      const char ch = row[k];
      if (ch == '[' || ch == '{') open.push_back({ch, n, k});
      if ((ch != ']' && ch != '}') || open.empty()) continue;
      const Open o = open.back();
      open.pop_back();
      if ((o.bracket == '[') == (ch == ']')) continue;
      return fmt::format(" (the {} on line {}, column {}, is not closed: the {} {} comes first)",
                         o.bracket, o.line + 1, o.column + 1, ch,
                         n == o.line ? fmt::format("at column {}", k + 1)
                                     : fmt::format("on line {}, column {},", n + 1, k + 1));
    }
  }
  for (auto o = open.rbegin(); o != open.rend(); ++o)
    if (o->line < error_line)
      return fmt::format(" (the {} on line {} is not closed)", o->bracket, o->line + 1);
  return misaligned(rows, line);
}

InputError bad_override(const std::string& assignment, const std::string& problem) {
  return input_error(fmt::format("--set '{}': {}", escape_controls(assignment), problem));
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const auto end = text.find(sep, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

/// The index of the item of `list` named `segment`, else at index `segment`. @throws InputError
/// naming the items.
std::size_t find_item(const YAML::Node& list, const std::string& segment,
                      const std::string& assignment, const std::string& path) {
  std::vector<std::string> named;  // names of the items that have one
  for (std::size_t k = 0; k < list.size(); ++k) {
    const std::string name = item_segment(list[k], k);
    if (name == segment) return k;
    if (name != std::to_string(k)) named.push_back(name);
  }
  for (std::size_t k = 0; k < list.size(); ++k) {
    if (std::to_string(k) == segment) return k;
  }
  if (segment.find_first_not_of("0123456789") == std::string::npos) {
    if (segment.size() > 1 && segment[0] == '0') {  // 01: item 1, but key paths say "1"
      const std::size_t digits = segment.find_first_not_of('0');
      const std::string plain = digits == std::string::npos ? "0" : segment.substr(digits);
      throw bad_override(assignment,
                         fmt::format("index {} of '{}': write item indexes without leading "
                                     "zeros, '{}'",
                                     segment, path, join_path(path, plain)));
    }
    const std::string items =
        list.size() == 0
            ? "no items"
            : fmt::format("{} item{}, 0 to {}{}", list.size(), list.size() == 1 ? "" : "s",
                          list.size() - 1, named.empty() ? "" : " (" + join(named, "") + ")");
    throw bad_override(assignment,
                       fmt::format("index {} is out of range: '{}' has {}", segment, path, items));
  }
  const std::string guess = did_you_mean(segment, named);
  const std::string hint = !guess.empty()  ? fmt::format("did you mean '{}'?", guess)
                           : named.empty() ? fmt::format("it has {} items", list.size())
                                           : "items: " + join(named, "");
  throw bad_override(assignment,
                     fmt::format("no item named '{}' in '{}' ({})", segment, path, hint));
}

/// What one assignment changed: the canonical key path of the shallowest node it created or
/// replaced, and the list item it renamed (its list's path, its old and its new name), if any.
struct Applied {
  std::string path;
  std::string list, from, to;
  std::optional<std::string> replaced;  ///< the single value the assignment replaced, if one
};

/// Applies one "key.path=value" assignment to `root` (see Applied), so that errors anywhere
/// beneath what it set point at the --set, and references to a name it changed can say so.
Applied apply_override(YAML::Node root, const std::string& assignment) {
  const auto eq = assignment.find('=');
  const auto segments = split(assignment.substr(0, eq), '.');
  const bool empty_segment =
      std::any_of(segments.begin(), segments.end(), [](const auto& s) { return s.empty(); });
  if (eq == std::string::npos || empty_segment) {
    throw bad_override(assignment, "expected key.path=value");
  }
  YAML::Node value;
  try {
    value = YAML::Load(assignment.substr(eq + 1));
  } catch (const YAML::ParserException& e) {
    throw bad_override(assignment, "cannot parse the value: " + e.msg);
  }
  // A key given twice in the value, as in a file ({budget_per_year: 1, budget_per_year: 2}).
  std::size_t visited = 0;
  const Where in_value{
      [&](const YAML::Mark&) { return fmt::format("--set '{}': ", escape_controls(assignment)); },
      false};
  reject_duplicate_keys(value, assignment.substr(0, eq), in_value, visited);

  // Assigning to a YAML::Node replaces the value it shares with the tree; reset() re-points it.
  YAML::Node node = root;
  std::string path, created;
  Applied applied;
  YAML::Node item;  // the list item the path went through last, and its index
  std::size_t k = 0;
  std::size_t after_item = 0;  // the index of the segment after that item's
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& seg = segments[i];
    const bool last = i + 1 == segments.size();
    if (node.IsSequence()) {
      k = find_item(node, seg, assignment, path);
      applied.list = path;
      applied.from = item_segment(node[k], k);
      after_item = i + 1;
      item.reset(node[k]);
      if (last && item.IsMap() && !value.IsMap()) {
        // Replacing an item that has keys (a name among them) with a number or a list.
        const std::string at = join_path(path, item_segment(item, k));
        throw bad_override(
            assignment,
            fmt::format("key '{}': got {}, expected a map to replace the item with, or one of "
                        "its keys: --set '{}.KEY=VALUE'",
                        at,
                        value.IsNull()     ? "nothing"
                        : value.IsScalar() ? "\"" + escape_controls(value.Scalar()) + "\""
                                           : flow(value),
                        at));
      }
      if (last) {
        // A map that replaces an item addressed by name keeps the name: "shocks.cut={...}"
        // still replaces the shock called cut.
        const std::string name = item_segment(item, k);
        if (value.IsMap() && !find_entry(value, "name") && name != std::to_string(k))
          value["name"] = name;
        item = value;
      }
      path = join_path(path, item_segment(item, k));  // as the loader will name it
      node.reset(item);
    } else if (node.IsMap() || node.IsNull()) {
      path = join_path(path, seg);
      auto entry = find_entry(node, seg);
      const std::string& next = last ? seg : segments[i + 1];
      if (!last && (!entry || entry->second.IsNull()) &&
          next.find_first_not_of("0123456789") == std::string::npos)
        throw bad_override(assignment,
                           fmt::format("the scenario has no '{}', so no item {} of it to change; "
                                       "give it whole instead: --set '{}=[...]'",
                                       path, next, path));
      if (!entry) {
        node[seg] = last ? value : YAML::Node(YAML::NodeType::Map);
        entry = find_entry(node, seg);
        if (created.empty()) created = path;
      } else if (last) {
        if (entry->second.IsScalar()) applied.replaced = entry->second.Scalar();
        entry->second = value;
      }
      node.reset(entry->second);
      if (last && seg == "name" && after_item == i)  // renamed: the loader names it anew
        path = join_path(join_path(applied.list, item_segment(item, k)), seg);
    } else {
      throw bad_override(assignment, fmt::format("'{}' is a single value, not a map or a list",
                                                 path.empty() ? "top level" : path));
    }
  }
  applied.path = created.empty() ? path : created;
  // An item renamed: its new name where it stood (the value was set on it or replaced it).
  if (after_item > 0 && (after_item == segments.size() ||
                         (after_item + 1 == segments.size() && segments[after_item] == "name")))
    applied.to = item_segment(item, k);
  if (applied.to == applied.from || applied.from == std::to_string(k)) applied.to.clear();
  return applied;
}

/// "; did you mean 'dir/one_to_one.yaml'?" for a missing file whose directory holds a file of a
/// name near its own (a slip in typing it), else "".
std::string nearest_file_note(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path p(path);
  const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (names.size() >= 10000) break;  // a huge directory: not worth reading through
    if (entry.is_regular_file(ec)) names.push_back(entry.path().filename().string());
  }
  const std::string near = did_you_mean(p.filename().string(), names);
  if (near.empty()) return "";
  return fmt::format("; did you mean '{}'?", (p.parent_path() / near).string());
}

}  // namespace

Config Config::load_file(const std::string& path, const std::vector<std::string>& overrides) {
  check_scenario_file(path);  // before opening: a fifo would block, a device never end
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path)) {
    const int err = errno;
    const std::string reason = in ? "it is a directory" : std::strerror(err);
    throw input_error(fmt::format("cannot read scenario file '{}': {}{}", path, reason,
                                  in || err != ENOENT ? "" : nearest_file_note(path)));
  }
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return load_string(text, path, overrides);
}

Config Config::load_string(const std::string& text, const std::string& name,
                           const std::vector<std::string>& overrides) {
  // Binary content (another kind of file given by mistake) would read as a syntax error about
  // escape characters; a text file has no NUL byte.
  if (const auto nul = text.find('\0'); nul != std::string::npos)
    throw input_error(fmt::format(
        "{}: not a text file (a NUL byte at line {}); expected a YAML scenario", name,
        std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n') + 1));
  auto state = std::make_shared<State>();
  state->file = name;
  // Classic Mac line ends (CR alone) read as one line that is all comment or all error.
  std::string lines = text;
  if (lines.find('\n') == std::string::npos) std::replace(lines.begin(), lines.end(), '\r', '\n');
  state->source = lines;
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(lines);
  } catch (const YAML::ParserException& e) {
    throw input_error(fmt::format("{}:{}:{}: YAML syntax error: {}{}", name, e.mark.line + 1,
                                  e.mark.column + 1, e.msg,
                                  syntax_hint(lines, e.mark.line, e.mark.column)));
  }
  YAML::Node root = documents.empty() ? YAML::Node() : documents[0];
  for (std::size_t k = 1; k < documents.size(); ++k)
    if (!documents[k].IsNull())
      throw input_error(fmt::format(
          "{}:{}: a second YAML document (after '---'); a scenario is one document, and the "
          "rest would be ignored",
          name, documents[k].Mark().line + 1));
  if (root.IsNull()) {
    const bool blank = text.find_first_not_of(" \t\r\n") == std::string::npos;
    // A document that is null (~, null, or '---' with nothing after it) is not an empty file.
    if (!blank && !documents.empty())
      throw input_error(fmt::format(
          "{}: the file holds only a null document (~, null, or nothing after '---'), not a map "
          "of keys; expected a scenario: a map with consumers, categories, segments and firms",
          name));
    throw input_error(
        fmt::format("{}: the file is empty{}", name, blank ? "" : " (it holds only comments)"));
  }
  std::size_t visited = 0;
  reject_duplicate_keys(root, "", in_file(name), visited);
  if (!overrides.empty() && !root.IsMap())  // the file's fault, not the --set's
    throw input_error(fmt::format(
        "{}:{}:{}: the top level is {}, not a map of keys, so --set '{}' has nothing to set", name,
        root.Mark().line + 1, root.Mark().column + 1,
        root.IsSequence() ? "a list"
                          : fmt::format("the single value \"{}\"",
                                        escape_controls(shorten(root.Scalar(), 38, ""))),
        overrides.front()));
  // Overrides edit the freshly parsed tree in place: YAML::Clone would drop every mark.
  for (const auto& assignment : overrides) {
    const Applied applied = apply_override(root, assignment);
    const std::string& path = applied.path;
    // The file's own value, where this is the first assignment to replace it (an earlier one
    // at it or above it would have set what this one replaced).
    if (applied.replaced && state->override_of(path) == nullptr)
      state->file_values[path] = *applied.replaced;
    // A later override replaces whatever earlier ones set at or beneath its path.
    std::erase_if(state->overridden, [&](const auto& kv) {
      return kv.first == path || kv.first.rfind(path + ".", 0) == 0;
    });
    if (!applied.to.empty()) state->renamed(applied.list, applied.from, applied.to, assignment);
    state->overridden[path] = assignment;
  }
  return Config(state, std::make_shared<const YAML::Node>(root), "");
}

}  // namespace msim
